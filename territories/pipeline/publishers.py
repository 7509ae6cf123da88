"""The hook through which an app above territories publishes indicator values into the
recompute pipeline (the observatory's workforce indicators, computed from its returns), so
that they reach the catalogue, maps, portraits, composites, typologies and weak signals as
aggregated indicators do, while territories imports nothing above it.

An app registers its publisher in its AppConfig.ready():

    from territories.pipeline.publishers import register_publisher
    register_publisher("observatory", publish)
    # publish(run_id) -> iterable of dicts as territories.pipeline.frames.aggregates_write
    # takes them (indicator_id, territory_id, period, value, coverage, members,
    # members_known, status)

Its indicators carry `published_by = "observatory"`: the pipeline leaves them out of the
communes' aggregation and gives the publisher a chunk of its own in every run, written and
counted like the others (a run publishes only once every chunk is done). A publisher may
write values for any level; it writes only its own indicators, and running it again for the
same run replaces what it wrote.
"""

from territories.choices import ValueStatus

PUBLISHERS = {}
SHOWN = (ValueStatus.OK, ValueStatus.PARTIAL)


class PublisherError(Exception):
    """A publisher returned a value for an indicator that is not its own."""


def register_publisher(name, publish):
    PUBLISHERS[name] = publish


def registered():
    return sorted(PUBLISHERS)


def published_values(name, *, run_id):
    """(ids of the publisher's indicators, its rows for this run), the rows checked to be
    about those indicators only. The ids are read after it ran: a publisher may create its
    indicators as it goes."""
    from territories.catalogue.models import Indicator

    rows = list(PUBLISHERS[name](run_id=run_id))
    own_ids = list(Indicator.objects.filter(published_by=name).values_list("pk", flat=True))
    strangers = {row["indicator_id"] for row in rows} - set(own_ids)
    if strangers:
        raise PublisherError(
            f"Publisher {name!r} wrote values for indicators it does not publish: "
            f"{sorted(strangers)}"
        )
    # A value a publisher keeps secret or withholds is never written, whatever it sent.
    for row in rows:
        if row["status"] not in SHOWN:
            row["value"] = None
    return own_ids, rows
