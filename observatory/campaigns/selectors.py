"""Reads about campaigns: the list, a campaign's counts and returns, the establishments an
invitation designates, the completeness of the answers, and who is still to remind."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as stdnum_siret

from observatory.campaigns.models import Campaign
from observatory.choices import ANSWERED, ReturnStatus
from observatory.establishments.models import Establishment
from observatory.returns.models import Return
from portal.accounts.models import Membership
from territories.choices import Level
from territories.geography.models import Territory

IN_PROGRESS = (ReturnStatus.DRAFT, ReturnStatus.SENT_BACK)
# Establishments shown by a search or an invitation's preview.
SHOWN = 50


def campaigns_listed():
    """Every campaign, latest first, with its establishments invited and answered."""
    return Campaign.objects.annotate(
        invited=Count("returns"),
        answered=Count("returns", filter=Q(returns__status__in=ANSWERED)),
    ).order_by("-year")


def campaign_has_demo(*, campaign):
    """Whether the campaign or any of its returns is demonstration data (pages say so)."""
    return campaign.is_demo or Return.objects.filter(campaign=campaign, is_demo=True).exists()


def campaign_reminders(*, campaign):
    return list(campaign.reminders.order_by("sent_at"))


def campaign_returns(*, campaign):
    """The campaign's returns as its page lists them, by establishment."""
    return (
        Return.objects.filter(campaign=campaign)
        .select_related("establishment__organisation", "establishment__commune")
        .only(
            "status",
            "updated_at",
            "is_demo",
            "establishment__name",
            "establishment__siret",
            "establishment__is_demo",
            "establishment__organisation__name",
            "establishment__commune__name",
            "establishment__commune__code",
        )
        .order_by("establishment__name", "pk")
    )


# Invitations


def invitable(*, sector=None, territory=None, establishment_ids=None):
    """The establishments a choice designates (by sector and/or territory: a département or
    an EPCI, through the establishment's commune; or one by one), open or closed: the
    queryset campaign_invite() takes, which invites only the open ones."""
    queryset = Establishment.objects.all()
    if establishment_ids is not None:
        queryset = queryset.filter(pk__in=list(establishment_ids))
    if sector is not None:
        queryset = queryset.filter(sector=sector)
    if territory is not None:
        if territory.level == Level.DEPARTEMENT:
            queryset = queryset.filter(commune__departement=territory)
        elif territory.level == Level.EPCI:
            queryset = queryset.filter(commune__epci=territory)
        else:
            queryset = queryset.filter(commune=territory)
    return queryset


@dataclass(frozen=True)
class InvitePreview:
    """What an invitation would do, before it is confirmed."""

    new: int  # establishments it would invite
    already: int  # designated but already invited
    closed: int  # designated but closed, never invited
    shown: list = field(default_factory=list)  # the first SHOWN of the new ones


def invite_preview(*, campaign, establishments):
    counts = establishments.aggregate(
        closed=Count("pk", filter=Q(closed_on__isnull=False), distinct=True),
        already=Count(
            "pk", filter=Q(closed_on__isnull=True, returns__campaign=campaign), distinct=True
        ),
        designated_open=Count("pk", filter=Q(closed_on__isnull=True), distinct=True),
    )
    new = establishments.active().exclude(returns__campaign=campaign)
    shown = list(
        new.select_related("organisation", "commune")
        .only("name", "siret", "is_demo", "organisation__name", "commune__name", "commune__code")
        .order_by("name", "pk")[:SHOWN]
    )
    return InvitePreview(
        new=counts["designated_open"] - counts["already"],
        already=counts["already"],
        closed=counts["closed"],
        shown=shown,
    )


def establishments_search(*, query, campaign):
    """Establishments whose name or SIRET holds `query`, open ones first, each with
    `invited`: whether the campaign invited it already."""
    query = (query or "").strip()
    if not query:
        return []
    compact = stdnum_siret.compact(query)
    if compact.isdigit():
        matching = Q(siret__contains=compact)
    else:
        matching = Q(name__icontains=query) | Q(organisation__name__icontains=query)
    return list(
        Establishment.objects.filter(matching)
        .select_related("organisation", "commune")
        .only(
            "name",
            "siret",
            "closed_on",
            "is_demo",
            "organisation__name",
            "commune__name",
            "commune__code",
        )
        .annotate(invited=Count("returns", filter=Q(returns__campaign=campaign)))
        .order_by("closed_on", "name", "pk")[:SHOWN]
    )


def territory_choices():
    """The départements and EPCI an invitation may name, each level by name."""
    territories = (
        Territory.objects.filter(level__in=[Level.DEPARTEMENT, Level.EPCI])
        .only("level", "code", "name")
        .order_by("level", "name")
    )
    return {
        Level.DEPARTEMENT: [t for t in territories if t.level == Level.DEPARTEMENT],
        Level.EPCI: [t for t in territories if t.level == Level.EPCI],
    }


# Completeness


@dataclass
class Tally:
    """A group of invited establishments and where their returns stand."""

    label: str
    code: str = ""
    invited: int = 0
    answered: int = 0
    validated: int = 0
    in_progress: int = 0
    not_started: int = 0
    staff: int = 0  # headcount on the reference date in the answered returns
    sort_key: tuple = field(default=(), repr=False, compare=False)

    @property
    def rate(self):
        """The share of the invited establishments that answered (None when none invited)."""
        return self.answered / self.invited if self.invited else None

    @property
    def rate_percent(self):
        return None if self.rate is None else 100 * self.rate

    def add(self, *, status, returns, staff):
        self.invited += returns
        if status in ANSWERED:
            self.answered += returns
            self.staff += staff or 0
            if status == ReturnStatus.VALIDATED:
                self.validated += returns
        elif status in IN_PROGRESS:
            self.in_progress += returns
        else:
            self.not_started += returns


@dataclass
class Breakdown:
    """The tallies of one way of grouping the establishments (by département, EPCI…)."""

    key: str
    title: str
    groups: list


@dataclass
class Completeness:
    overall: Tally
    breakdowns: list


# (key, title, fields of the returns' establishment giving the group's id, its code or
# position, its name). Territories show their code and sort by name; sectors and kinds of
# employer sort in their shipped order.
DIMENSIONS = (
    (
        "departement",
        _("Answers by département"),
        (
            "establishment__commune__departement",
            "establishment__commune__departement__code",
            "establishment__commune__departement__name",
        ),
    ),
    (
        "epci",
        _("Answers by EPCI"),
        (
            "establishment__commune__epci",
            "establishment__commune__epci__code",
            "establishment__commune__epci__name",
        ),
    ),
    (
        "sector",
        _("Answers by sector"),
        (
            "establishment__sector",
            "establishment__sector__position",
            "establishment__sector__name",
        ),
    ),
    (
        "employer_kind",
        _("Answers by kind of employer"),
        (
            "establishment__employer_kind",
            "establishment__employer_kind__position",
            "establishment__employer_kind__name",
        ),
    ),
)


def campaign_completeness(*, campaign):
    """Who answered (submitted or validated), is in progress (draft or sent back), has not
    started: overall and by département, EPCI, sector and kind of employer, with the staff
    the answered returns cover. One query, grouped by every dimension and status at once,
    then rolled up here: the cost does not grow with the number of establishments."""
    keys = [name for _key, _title, names in DIMENSIONS for name in names]
    rows = (
        Return.objects.filter(campaign=campaign)
        .values(*keys, "status")
        # Each line joined counts once in the sum; the returns are counted without repeats.
        .annotate(returns=Count("pk", distinct=True), staff=Sum("lines__headcount"))
        .order_by()
    )
    overall = Tally(label=str(_("All invited establishments")))
    tallies = {key: {} for key, _title, _names in DIMENSIONS}
    for row in rows:
        overall.add(status=row["status"], returns=row["returns"], staff=row["staff"])
        for key, _title, (pk, code, name) in DIMENSIONS:
            group = tallies[key].get(row[pk])
            if group is None:
                group = tallies[key][row[pk]] = _group(
                    key, pk=row[pk], code=row[code], name=row[name]
                )
            group.add(status=row["status"], returns=row["returns"], staff=row["staff"])
    breakdowns = [
        Breakdown(
            key=key,
            title=str(title),
            groups=sorted(tallies[key].values(), key=lambda tally: tally.sort_key),
        )
        for key, title, _names in DIMENSIONS
    ]
    return Completeness(overall=overall, breakdowns=breakdowns)


def _group(key, *, pk, code, name):
    if pk is None:  # a commune outside any EPCI or département loaded: last
        return Tally(label=str(_("Not known")), sort_key=(1, 0, ""))
    if key in ("departement", "epci"):
        return Tally(label=name, code=code, sort_key=(0, 0, name))
    return Tally(label=name, sort_key=(0, code, name))


def campaign_answer_rate(*, campaign):
    """(answered, invited) for the campaign: one query."""
    counts = Return.objects.filter(campaign=campaign).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(status__in=ANSWERED))
    )
    return counts["answered"], counts["invited"]


@dataclass(frozen=True)
class OpenSummary:
    """The campaign open on a day (None when none is) and how far its answers are."""

    campaign: Campaign | None
    answered: int = 0
    invited: int = 0

    @property
    def rate_percent(self):
        return 100 * self.answered / self.invited if self.invited else None


def campaign_open_summary(*, day):
    campaign = Campaign.objects.open_on(day).first()
    if campaign is None:
        return OpenSummary(campaign=None)
    answered, invited = campaign_answer_rate(campaign=campaign)
    return OpenSummary(campaign=campaign, answered=answered, invited=invited)


def returns_to_remind(*, campaign):
    """The campaign's returns not yet answered, as the list to remind shows them."""
    return (
        Return.objects.filter(campaign=campaign)
        .exclude(status__in=ANSWERED)
        .select_related(
            "establishment__organisation",
            "establishment__commune__departement",
            "establishment__commune__epci",
        )
        .only(
            "status",
            "updated_at",
            "is_demo",
            "establishment__name",
            "establishment__siret",
            "establishment__is_demo",
            "establishment__organisation__name",
            "establishment__organisation__is_demo",
            "establishment__commune__name",
            "establishment__commune__code",
            "establishment__commune__departement__name",
            "establishment__commune__epci__name",
        )
        .order_by("establishment__organisation__name", "establishment__name", "pk")
    )


def contacts_of(*, organisation_ids):
    """{organisation id: [e-mail addresses of its active members, sorted]}: one query."""
    contacts = {}
    for organisation_id, email in (
        Membership.objects.filter(
            organisation__in=list(organisation_ids),
            user__is_active=True,
            user__deleted_at__isnull=True,
        )
        .order_by("user__email")
        .values_list("organisation_id", "user__email")
    ):
        contacts.setdefault(organisation_id, []).append(email)
    return contacts
