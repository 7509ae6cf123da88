"""Writes on campaigns: opening one, inviting establishments (and withdrawing an invitation),
and the reminders Celery beat sends.

Reminders (beat runs campaign_reminders_send every hour). A campaign has three: OPENING from
its opening day, WEEK_BEFORE from seven days before it closes, LAST_DAY on its closing day.
Each goes once (CampaignReminder, unique per campaign and kind: a second worker's claim
fails), to the members of the organisations with an invited return not yet answered, and
never once its moment has passed: nothing after closing. When several are due at once (a
short campaign, a worker stopped meanwhile), only the latest goes, since it says everything
the earlier ones would have; those it overtakes are never sent.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from observatory import notifications
from observatory.campaigns.models import Campaign, CampaignReminder
from observatory.choices import ANSWERED, ReminderKind, ReturnStatus
from observatory.returns.models import Return
from portal.accounts.models import Membership, User
from portal.accounts.notifications.services import notify, portal_language

MANAGE = "observatory.manage_campaigns"
# WEEK_BEFORE's moment: this many days before the closing day.
WEEK_BEFORE_DAYS = 7


def _require(user):
    if user is None or not user.has_perm(MANAGE):
        raise PermissionDenied(_("Only the portal's administrators manage campaigns."))


def default_reference_date(year):
    """Staff are counted on 31 December of the campaign's year."""
    return datetime.date(year, 12, 31)


def _check_dates(*, year, reference_date, opens_on, closes_on):
    errors = {}
    if reference_date.year != year:
        errors["reference_date"] = _(
            "The reference date must fall in the campaign's year (%(year)s)."
        ) % {"year": year}
    if closes_on <= opens_on:
        errors["closes_on"] = _("The closing date must come after the opening date.")
    if errors:
        raise ValidationError(errors, code="dates")


def _year_taken(year):
    return ValidationError(
        {"year": _("A campaign for %(year)s already exists.") % {"year": year}},
        code="year_taken",
    )


def campaign_create(*, user, year, opens_on, closes_on, reference_date=None, introduction=""):
    """Open the campaign of `year` (staff on `reference_date`, by default 31 December of
    `year`); returns are collected from `opens_on` to `closes_on`. No one is invited yet."""
    _require(user)
    reference_date = reference_date or default_reference_date(year)
    _check_dates(year=year, reference_date=reference_date, opens_on=opens_on, closes_on=closes_on)
    if Campaign.objects.filter(year=year).exists():
        raise _year_taken(year)
    try:
        with transaction.atomic():
            return Campaign.objects.create(
                year=year,
                reference_date=reference_date,
                opens_on=opens_on,
                closes_on=closes_on,
                introduction=introduction.strip(),
                created_by=user,
            )
    except IntegrityError as exc:  # the same campaign created at the same moment
        raise _year_taken(year) from exc


def campaign_update(*, campaign, user, opens_on, closes_on, reference_date=None, introduction=""):
    """Change a campaign's dates or introduction (its year, which names it, stays). The
    reminders already sent stay sent; those to come follow the new dates."""
    _require(user)
    reference_date = reference_date or default_reference_date(campaign.year)
    _check_dates(
        year=campaign.year, reference_date=reference_date, opens_on=opens_on, closes_on=closes_on
    )
    campaign.reference_date = reference_date
    campaign.opens_on = opens_on
    campaign.closes_on = closes_on
    campaign.introduction = introduction.strip()
    campaign.save(update_fields=["reference_date", "opens_on", "closes_on", "introduction"])
    return campaign


# Invitations


@dataclass(frozen=True)
class Invited:
    """What an invitation did: the returns created, and how many people were told at once."""

    returns: list
    told: int  # people notified (the campaign was open)


def campaign_invite(*, campaign, user, establishments, today=None):
    """Invite `establishments` (a queryset) to the campaign: a return, not started, for each
    open one not yet invited (closed ones are never invited; inviting twice does nothing).
    When the campaign is already open and its reminder due has gone, the members of the
    organisations newly invited are told at once; otherwise that reminder tells them."""
    _require(user)
    today = today or timezone.localdate()
    with transaction.atomic():
        # One invitation at a time per campaign, so that each new return is told once.
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.is_closed(today):
            raise ValidationError(
                _("The campaign closed on %(date)s: no establishment can be invited any more.")
                % {"date": _day(campaign.closes_on)},
                code="closed",
            )
        candidates = list(
            establishments.active()
            .exclude(returns__campaign=campaign)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        Return.objects.bulk_create(
            [
                Return(
                    campaign=campaign,
                    establishment=establishment,
                    status=ReturnStatus.NOT_STARTED,
                    is_demo=campaign.is_demo or establishment.is_demo,
                )
                for establishment in candidates
            ],
            ignore_conflicts=True,
        )
        created = list(
            Return.objects.filter(
                campaign=campaign, establishment__in=[e.pk for e in candidates]
            ).select_related("establishment__organisation")
        )
        told = 0
        if created and campaign.is_open(today) and not _reminder_pending(campaign, today):
            told = _tell(campaign=campaign, returns=created, kind=None, actor=user, today=today)
    return Invited(returns=created, told=told)


def _reminder_pending(campaign, today):
    """Whether one of the campaign's reminders is due and not sent yet: beat sends it within
    the hour to every establishment still to answer, those just invited included, who would
    otherwise be told twice (an invitation on the opening day, before beat's first run)."""
    sent = set(campaign.reminders.values_list("kind", flat=True))
    return due_reminder(campaign, today=today, sent=sent) is not None


@transaction.atomic
def campaign_withdraw(*, return_obj, user):
    """Withdraw an establishment's invitation: only while its return is not started and has
    no line (a return begun is the organisation's work and is kept)."""
    _require(user)
    current = Return.objects.select_for_update().filter(pk=return_obj.pk).first()
    if current is None:
        return None
    if current.status != ReturnStatus.NOT_STARTED or current.lines.exists():
        raise ValidationError(
            _(
                "%(establishment)s has started its return: its invitation can no longer be "
                "withdrawn."
            )
            % {"establishment": return_obj.establishment.name},
            code="started",
        )
    current.delete()
    return current


# Reminders


def reminder_moment(campaign, kind):
    """The first day `kind` may go for `campaign`."""
    if kind == ReminderKind.OPENING:
        return campaign.opens_on
    if kind == ReminderKind.WEEK_BEFORE:
        return campaign.closes_on - datetime.timedelta(days=WEEK_BEFORE_DAYS)
    return campaign.closes_on


# In the order of their moments: a later one overtakes the earlier ones.
KINDS_IN_ORDER = (ReminderKind.OPENING, ReminderKind.WEEK_BEFORE, ReminderKind.LAST_DAY)


def reminder_kinds(campaign):
    """The campaign's reminders, in the order of their moments. A campaign of a week or less
    has no WEEK_BEFORE: its opening message already comes within the last week."""
    if reminder_moment(campaign, ReminderKind.WEEK_BEFORE) <= campaign.opens_on:
        return (ReminderKind.OPENING, ReminderKind.LAST_DAY)
    return KINDS_IN_ORDER


def due_reminder(campaign, *, today, sent=()):
    """The reminder kind to send for `campaign` on `today`, or None (see the module's
    docstring). `sent`: the kinds already sent."""
    if not campaign.opens_on <= today <= campaign.closes_on:
        return None
    due = [kind for kind in reminder_kinds(campaign) if reminder_moment(campaign, kind) <= today]
    if not due or due[-1] in sent:
        return None
    return due[-1]


def campaign_reminders_send(*, today=None):
    """Send every campaign reminder due on `today`. Running it again, or on two workers,
    sends nothing twice. Returns the reminders sent."""
    today = today or timezone.localdate()
    campaigns = list(Campaign.objects.open_on(today))
    sent = {}
    for campaign_id, kind in CampaignReminder.objects.filter(
        campaign__in=[c.pk for c in campaigns]
    ).values_list("campaign_id", "kind"):
        sent.setdefault(campaign_id, set()).add(kind)
    reminders = []
    for campaign in campaigns:
        kind = due_reminder(campaign, today=today, sent=sent.get(campaign.pk, ()))
        if kind is not None:
            reminder = _remind(campaign_id=campaign.pk, kind=kind, today=today)
            if reminder is not None:
                reminders.append(reminder)
    return reminders


def _remind(*, campaign_id, kind, today):
    with transaction.atomic():
        # Waits for a change of dates under way, then checks the moment again.
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or due_reminder(campaign, today=today) != kind:
            return None
        try:
            with transaction.atomic():
                reminder = CampaignReminder.objects.create(campaign=campaign, kind=kind)
        except IntegrityError:  # another run sent it
            return None
        waiting = list(
            Return.objects.filter(campaign=campaign)
            .exclude(status__in=ANSWERED)
            .select_related("establishment__organisation")
            .order_by("establishment__name")
        )
        reminder.recipients = _tell(campaign=campaign, returns=waiting, kind=kind, today=today)
        reminder.save(update_fields=["recipients"])
    return reminder


def _day(day):
    return formats.date_format(day, "j F Y")


def _texts(*, campaign, kind, establishments, today):
    """(title, body) of what an organisation's members are told, in the current language."""
    values = {"year": campaign.year, "date": _day(campaign.closes_on)}
    if kind is None:
        title = _("Your establishments are invited to the observatory's %(year)s campaign")
    elif kind == ReminderKind.OPENING:
        title = _("The observatory's %(year)s campaign is open until %(date)s")
    elif kind == ReminderKind.WEEK_BEFORE:
        days = (campaign.closes_on - today).days
        title = ngettext(
            "The observatory's %(year)s campaign closes in %(days)s day, on %(date)s",
            "The observatory's %(year)s campaign closes in %(days)s days, on %(date)s",
            days,
        )
        values["days"] = days
    else:
        title = _("Last day: the observatory's %(year)s campaign closes tonight (%(date)s)")
    lines = [
        _(
            "The observatory of social-cohesion professions collects each employer's staff on "
            "%(reference)s. Returns are expected by %(date)s."
        )
        % {**values, "reference": _day(campaign.reference_date)},
    ]
    if campaign.introduction and kind in (None, ReminderKind.OPENING):
        lines += ["", campaign.introduction]
    lines += ["", _("Establishments still to answer:")]
    lines += [f"- {e.name} (SIRET {e.siret})" for e in establishments]
    return title % values, "\n".join(lines)


def _tell(*, campaign, returns, kind, today, actor=None):
    """Tell the members of the organisations of `returns` which of their establishments are
    still to answer (`kind` None: just invited). Returns the number of people told."""
    by_organisation = {}
    for return_obj in returns:
        establishment = return_obj.establishment
        by_organisation.setdefault(establishment.organisation_id, []).append(establishment)
    if not by_organisation:
        return 0
    # A person acting for several organisations is told once, of all their establishments.
    organisations_of = {}
    for user_id, organisation_id in Membership.objects.filter(
        organisation__in=list(by_organisation),
        user__is_active=True,
        user__deleted_at__isnull=True,
    ).values_list("user_id", "organisation_id"):
        organisations_of.setdefault(user_id, set()).add(organisation_id)
    groups = {}
    for user_id, organisation_ids in organisations_of.items():
        groups.setdefault(frozenset(organisation_ids), []).append(user_id)
    users = User.objects.in_bulk(list(organisations_of))
    path = reverse("observatory:my_returns")
    told = 0
    with portal_language():
        for organisation_ids, user_ids in groups.items():
            establishments = sorted(
                (e for pk in organisation_ids for e in by_organisation[pk]),
                key=lambda e: (e.name, e.siret),
            )
            title, body = _texts(
                campaign=campaign, kind=kind, establishments=establishments, today=today
            )
            told += len(
                notify(
                    recipients=[users[pk] for pk in sorted(user_ids)],
                    kind=notifications.CAMPAIGNS,
                    title=title,
                    body=body,
                    path=path,
                    actor=actor,
                )
            )
    return told
