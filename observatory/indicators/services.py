"""The workforce indicators' entries in the territories' catalogue: one headline per measure
(all professions, detailed by profession) and one detail per profession, kept up to date with
the measures, the professions and the campaigns answered. A profession dropped from the
reference keeps its details while validated returns still declare it."""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from observatory.campaigns.models import Campaign
from observatory.indicators.definitions import (
    MEASURES,
    SECRECY,
    SLUG_PREFIX,
    indicator_slug,
    parse_slug,
)
from observatory.reference.models import Profession
from portal.accounts.notifications.services import portal_language
from territories.catalogue.models import Indicator
from territories.choices import Aggregation

PUBLISHER = "observatory"
FIELDS = [
    "name",
    "definition",
    "unit",
    "theme",
    "source",
    "source_vintage",
    "polarity",
    "aggregation",
    "scale",
    "decimals",
    "min_coverage",
    "method",
    "secrecy",
    "published_by",
    "dimension",
    "variant_label",
    "is_demo",
]


def indicators_ensure(*, codes=()):
    """Create or update the catalogue entries of every measure, for all professions and for
    each one of the reference; returns {slug: indicator id} of the entries whose values are
    published.

    `codes`: the professions of the validated returns. One dropped from the reference but
    still in them keeps its entries, and its values go on being published: the entries keep
    their names (no Profession is left to rebuild them from) and take the rest of the
    measure's fields for all professions (its density is counted per inhabitants, as
    cells.py counts it without a profession). One in no validated return either loses its
    entries, except those an analysis uses (a composite index or a typology protects them)."""
    # Background work (a recompute) writes the catalogue in the portal's language.
    with portal_language():
        professions = list(Profession.objects.order_by("position", "name"))
        served = _served_names(professions)
        common = _common_fields()
        wanted = {}
        for measure in MEASURES:
            wanted[indicator_slug(measure.slug)] = (
                None,
                _fields(measure, None, common, served),
            )
            for profession in professions:
                wanted[indicator_slug(measure.slug, profession.code)] = (
                    indicator_slug(measure.slug),
                    _fields(measure, profession, common, served),
                )
        # A dropped profession's entries: the measure's fields, their own names.
        dropped_fields = {
            measure.slug: {
                name: value
                for name, value in _fields(measure, None, common, served).items()
                if name not in ("name", "dimension", "variant_label")
            }
            for measure in MEASURES
        }
    with transaction.atomic():
        existing = Indicator.objects.in_bulk(list(wanted), field_name="slug")
        # Headlines first: the details point to them.
        for headlines in (True, False):
            batch = {
                slug: (parent, fields)
                for slug, (parent, fields) in wanted.items()
                if (parent is None) == headlines
            }
            ids = {slug: i.pk for slug, i in existing.items()}
            created = [
                Indicator(slug=slug, variant_of_id=ids.get(parent), **fields)
                for slug, (parent, fields) in batch.items()
                if slug not in existing
            ]
            Indicator.objects.bulk_create(created)
            changed = []
            for slug, (parent, fields) in batch.items():
                indicator = existing.get(slug)
                if indicator is None:
                    continue
                fields = {**fields, "variant_of_id": ids.get(parent)}
                if _assign(indicator, fields):
                    changed.append(indicator)
            Indicator.objects.bulk_update(changed, [*FIELDS, "variant_of"])
            existing = Indicator.objects.in_bulk(list(wanted), field_name="slug")
        kept = _dropped_professions_entries(wanted, codes=set(codes), fields=dropped_fields)
    return {slug: indicator.pk for slug, indicator in {**existing, **kept}.items()}


def _assign(indicator, fields):
    """Set these fields on the indicator; whether any changed."""
    if all(getattr(indicator, name) == value for name, value in fields.items()):
        return False
    for name, value in fields.items():
        setattr(indicator, name, value)
    return True


def _dropped_professions_entries(wanted, *, codes, fields):
    """The entries of professions no longer in the reference (details not `wanted`): those of
    a profession still in validated returns are updated and returned ({slug: Indicator}), the
    others deleted, or kept without values where an analysis protects them."""
    kept, changed = {}, []
    others = Indicator.objects.filter(published_by=PUBLISHER, slug__startswith=SLUG_PREFIX).exclude(
        slug__in=list(wanted)
    )
    for indicator in others:
        parsed = parse_slug(indicator.slug)
        if parsed is None:
            continue  # a measure no longer defined: not a profession's matter
        measure, code = parsed
        if code in codes:
            kept[indicator.slug] = indicator
            if _assign(indicator, fields[measure]):
                changed.append(indicator)
            continue
        try:
            # A savepoint each: a protected entry must not undo the others' deletion.
            with transaction.atomic():
                indicator.delete()
        except ProtectedError:
            pass  # a composite index or a typology uses it: kept, with its past values
    Indicator.objects.bulk_update(changed, FIELDS)
    return kept


def _common_fields():
    years = list(
        Campaign.objects.filter(returns__versions__isnull=False)
        .distinct()
        .order_by("year")
        .values_list("year", "is_demo")
    )
    if not years:
        vintage = _("no campaign answered yet")
    elif len(years) == 1:
        vintage = _("campaign %(year)s") % {"year": years[0][0]}
    else:
        vintage = _("campaigns %(first)s to %(last)s") % {
            "first": years[0][0],
            "last": years[-1][0],
        }
    return {
        "theme": _("Social-cohesion professions"),
        "source": _("Annual survey of the observatory of social-cohesion professions"),
        "source_vintage": vintage,
        "min_coverage": 0,
        "secrecy": str(SECRECY),
        "published_by": PUBLISHER,
        "is_demo": bool(years) and all(demo for _year, demo in years),
    }


def _served_names(professions):
    slugs = {p.served_indicator for p in professions if p.served_indicator}
    return dict(Indicator.objects.filter(slug__in=slugs).values_list("slug", "name"))


def _fields(measure, profession, common, served):
    unit, definition = str(measure.unit), str(measure.definition)
    if measure.slug == "densite-etp" and profession and profession.served_indicator:
        people = served.get(profession.served_indicator, profession.served_indicator)
        # The unit stays short (the catalogue's field): the definition names the people.
        unit = _("FTE per %(per)s people served") % {
            "per": f"{profession.served_per:,}".replace(",", "\u202f")
        }
        definition = _(
            "Full-time equivalents declared per %(per)s people counted by « %(people)s », "
            "the public this profession serves."
        ) % {"per": f"{profession.served_per:,}".replace(",", "\u202f"), "people": people}
    name = str(measure.name)
    return {
        **common,
        "name": f"{name} — {profession.name}" if profession else name,
        "definition": definition,
        "unit": unit,
        "polarity": measure.polarity,
        "aggregation": Aggregation.SUM if measure.slug == "effectif" else Aggregation.RATIO,
        "scale": measure.scale,
        "decimals": measure.decimals,
        "method": str(measure.method),
        "dimension": "" if profession else _("Profession"),
        "variant_label": profession.name if profession else "",
    }
