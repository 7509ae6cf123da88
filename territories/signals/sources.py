"""The hook through which apps above territories add qualitative signals (the committees'
field observations) to the weak-signals list and to a territory's portrait, beside the
signals the recompute detects, so that territories imports nothing above it.

An app registers its source in its AppConfig.ready():

    from territories.signals.sources import register_source
    register_source(MySource())  # a SignalSource

The list and the portraits are kept per audience (portal.pagecache): a source names in
`audience(user)` everything in the reader that the signals it gives them depend on, and
gives each reader only the signals they may read.
"""

from dataclasses import dataclass, field

from territories.choices import SignalRule, SignalStatus


@dataclass(eq=False)
class QualitativeSignal:
    """A signal a source contributes: its territory, what it says, who raised it and when,
    and where analysts review it. Read by the list and the portrait as a WeakSignal is."""

    territory: object  # a Territory, its boundary deferred
    explanation: str  # what was seen
    origin: str  # who raised it and when, e.g. « Comité de la Sarthe, 3 mars 2026 »
    url: str  # its page: details and reviews
    review_url: str  # where an analyst's verdict (territories.signals.forms) is posted
    review_status: str = SignalStatus.NEW
    reviews: list = field(default_factory=list)  # SignalReview-like rows, newest first
    # A signal just at its threshold scores 1 (territories.signals.detection): so does this.
    score: float = 1.0
    rule: str = SignalRule.FIELD
    key: str = ""  # unique among the page's signals: the review form's prefix

    is_qualitative = True

    @property
    def territory_id(self):
        return self.territory.pk

    @property
    def review_status_label(self):
        return SignalStatus(self.review_status).label

    def get_rule_display(self):
        return SignalRule(self.rule).label


class SignalSource:
    """Somewhere else qualitative signals come from. Subclasses set `name` and `rule` and
    answer the two questions."""

    name = ""  # a slug, unique among sources
    rule = SignalRule.FIELD  # the list's « rule » filter keeps its signals under this one

    def audience(self, user):
        """A text equal for two readers to whom this source gives the same signals."""
        raise NotImplementedError

    def signals(self, *, user, territory=None, level=None, status=None):
        """The QualitativeSignals `user` may read (all territories, or one; of one level;
        with one review status), each with its review history."""
        raise NotImplementedError


SOURCES = {}


def register_source(source):
    """Add a source of qualitative signals (in the registering app's AppConfig.ready())."""
    SOURCES[source.name] = source


def sources():
    return list(SOURCES.values())


def sources_audience(user):
    """One text naming what the sources give `user`: equal for two readers who see the same
    qualitative signals."""
    return ";".join(f"{source.name}:{source.audience(user)}" for source in sources())


def qualitative_signals(*, user, territory=None, rule=None, level=None, status=None):
    """Every source's signals for `user`, filtered as the list's filters say."""
    found = []
    for source in sources():
        if rule and rule != source.rule:
            continue
        found += source.signals(user=user, territory=territory, level=level, status=status)
    return found
