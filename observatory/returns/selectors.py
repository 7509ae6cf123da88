"""Reads about returns: those a person may see, theirs by campaign, the administrators'
queue, what a return's page shows (totals, comments, history) and the differences between
its versions."""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.db.models import Prefetch

from observatory.campaigns.models import Campaign
from observatory.choices import ReturnEventKind, ReturnStatus
from observatory.reference.models import Profession
from observatory.returns.fields import BY_NAME, NAMES
from observatory.returns.models import FieldComment, Return, ReturnLine
from observatory.returns.services import return_snapshot

COMMENT_KEY = "recruitment_comment"


def returns_visible_to(user):
    """The returns `user` may read: those of the organisations they act for; every one for
    the portal's administrators (who validate them)."""
    if user is None or not user.is_authenticated:
        return Return.objects.none()
    if user.has_perm("observatory.view_all_returns"):
        return Return.objects.all()
    return Return.objects.of_organisations_of(user)


def return_for_page(*, user, pk):
    """The return `pk` with what its pages show, if `user` may read it (else DoesNotExist)."""
    return (
        returns_visible_to(user)
        .select_related(
            "campaign",
            "establishment__organisation",
            "establishment__commune",
            "establishment__sector",
            "updated_by",
            "submitted_by",
            "validated_by",
        )
        .defer("establishment__commune__geometry")
        .get(pk=pk)
    )


@dataclass
class CampaignReturns:
    """One campaign's returns among a person's, for their list."""

    campaign: Campaign
    is_open: bool
    returns: list = field(default_factory=list)

    @property
    def organisations(self):
        """The organisations whose establishments answer in this campaign, once each: an open
        campaign's template and upload are per organisation."""
        seen = {}
        for return_obj in self.returns:
            seen.setdefault(
                return_obj.establishment.organisation_id, return_obj.establishment.organisation
            )
        return list(seen.values())


def returns_by_campaign(*, user, day):
    """The returns of the establishments of the organisations `user` acts for, by campaign:
    the campaigns open on `day` first, then the latest. One query."""
    returns = (
        Return.objects.of_organisations_of(user)
        .select_related("campaign", "establishment__organisation", "updated_by")
        .order_by("-campaign__year", "establishment__organisation__name", "establishment__name")
    )
    groups = {}
    for return_obj in returns:
        campaign = return_obj.campaign
        group = groups.get(campaign.pk)
        if group is None:
            group = groups[campaign.pk] = CampaignReturns(campaign, campaign.is_open(day))
        group.returns.append(return_obj)
    return sorted(groups.values(), key=lambda group: (not group.is_open, -group.campaign.year))


def open_returns_of(*, user, day):
    """The returns `user` answers for in the campaigns open on `day` (the observatory home's
    part): one query, none for a visitor."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        Return.objects.of_organisations_of(user)
        .filter(campaign__opens_on__lte=day, campaign__closes_on__gte=day)
        .select_related("campaign", "establishment")
        .order_by("-campaign__year", "establishment__name")
    )


def returns_to_validate():
    """The submitted returns, the longest waiting first, with what the queue shows."""
    return (
        Return.objects.filter(status=ReturnStatus.SUBMITTED)
        .select_related("campaign", "establishment__organisation", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def line_totals(lines):
    """{figure: sum across `lines`} (None where no line gives the figure)."""
    totals = {}
    for name in NAMES:
        values = [getattr(line, name) for line in lines if getattr(line, name) is not None]
        totals[name] = sum(values, Decimal(0) if BY_NAME[name].decimal else 0) if values else None
    return totals


def return_history(*, return_obj):
    """The return's events, oldest first, with their authors and their field comments."""
    return list(
        return_obj.events.select_related("author").prefetch_related(
            Prefetch("comments", queryset=FieldComment.objects.select_related("profession"))
        )
    )


def current_field_comments(*, return_obj, history):
    """The administrator's comments on fields from the last sending back, while the return
    is sent back (or being corrected after it): [FieldComment]."""
    if return_obj.status not in (ReturnStatus.SENT_BACK, ReturnStatus.DRAFT):
        return []
    for event in reversed(history):
        if event.kind == ReturnEventKind.SENT_BACK:
            return list(event.comments.all())
        if event.kind in (ReturnEventKind.SUBMITTED, ReturnEventKind.REOPENED):
            return []
    return []


def return_lines(*, return_obj):
    return list(ReturnLine.objects.filter(return_obj=return_obj).select_related("profession"))


def professions_to_add(*, lines):
    """The reference professions not yet in the return (`lines`), to add a row."""
    return Profession.objects.exclude(pk__in=[line.profession_id for line in lines])


@dataclass(frozen=True)
class Change:
    """One figure that differs between two states of a return."""

    profession: str
    figure: str
    before: object
    after: object


@dataclass
class VersionsCompared:
    """What changed from one validated version (`before`) to the next (`after`; None: the
    figures as they stand now)."""

    before: int
    after: int | None
    changes: list


def snapshot_changes(before, after, *, professions):
    """The differences between two snapshots ({profession code: {figure: value}}), in the
    order of the professions then of the figures; `professions` names the codes."""
    labels = {name: figure.label for name, figure in BY_NAME.items()}
    labels[COMMENT_KEY] = ReturnLine._meta.get_field(COMMENT_KEY).verbose_name.capitalize()
    order = {code: index for index, code in enumerate(professions)}
    changes = []
    for code in sorted(set(before) | set(after), key=lambda code: (order.get(code, 999), code)):
        old, new = before.get(code) or {}, after.get(code) or {}
        for name in [*NAMES, COMMENT_KEY]:
            if _same(old.get(name), new.get(name)):
                continue
            changes.append(
                Change(
                    profession=professions.get(code, code),
                    figure=labels[name],
                    before=old.get(name),
                    after=new.get(name),
                )
            )
    return changes


def _same(old, new):
    if old in (None, "") or new in (None, ""):
        return old in (None, "") and new in (None, "")
    if isinstance(old, str) or isinstance(new, str):
        return old == new
    return Decimal(str(old)) == Decimal(str(new))


def return_versions_compared(*, return_obj, versions):
    """The current figures against the last validated version (`versions`: ReturnVersion,
    oldest first), then each validated version against the one before, newest first."""
    professions = dict(Profession.objects.values_list("code", "name"))
    comparisons = []
    if versions:
        last = versions[-1]
        comparisons.append(
            VersionsCompared(
                before=last.number,
                after=None,
                changes=snapshot_changes(
                    last.lines, return_snapshot(return_obj), professions=professions
                ),
            )
        )
    for older, newer in reversed(list(pairwise(versions))):
        comparisons.append(
            VersionsCompared(
                before=older.number,
                after=newer.number,
                changes=snapshot_changes(older.lines, newer.lines, professions=professions),
            )
        )
    return comparisons


def return_versions(*, return_obj):
    """The validated versions kept, oldest first."""
    return sorted(return_obj.versions.select_related("validated_by"), key=lambda v: v.number)
