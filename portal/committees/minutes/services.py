"""Writing a meeting's minutes, from draft to final; following their actions until done;
capitalising them: final minutes become a knowledge-base resource (a meeting report), which
goes through curation as any resource does."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.accounts.notifications import services as notifications
from portal.committees.attendance.selectors import attendee_users
from portal.committees.choices import MinutesItemKind, MinutesStatus
from portal.committees.meetings import texts
from portal.committees.meetings.access import can_manage
from portal.committees.meetings.models import Meeting
from portal.committees.meetings.scopes import MEETINGS, meeting_scope
from portal.committees.minutes.models import Minutes, MinutesItem
from portal.committees.models import CommitteeMembership
from portal.knowledge.choices import ResourceKind, Visibility
from portal.knowledge.curation import services as curation
from portal.knowledge.markdown import markdown_to_html
from portal.knowledge.resources import services as resources

TEXT_LENGTH = MinutesItem._meta.get_field("text").max_length
RESPONSIBLE_LENGTH = MinutesItem._meta.get_field("responsible").max_length
MAX_ITEMS = 100


def _require_coordinator(user, meeting):
    if not can_manage(user, meeting):
        raise PermissionDenied(_("Only the committee's coordinators write the minutes."))


def _locked(meeting):
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)


def _clean_items(meeting, items):
    """Items as the service stores them, or ValidationError naming each faulty one (by its
    position, from 1). A decision has no person responsible nor due date; an action has both,
    and a person responsible with an account sits on the committee."""
    if len(items) > MAX_ITEMS:
        raise ValidationError(_("At most %(count)s decisions and actions.") % {"count": MAX_ITEMS})
    members = None
    cleaned, errors = [], []
    for number, item in enumerate(items, start=1):
        kind = item.get("kind")
        text = " ".join((item.get("text") or "").split())
        responsible = " ".join((item.get("responsible") or "").split())
        person = item.get("responsible_user")
        due_on = item.get("due_on")
        problems = []
        if kind not in MinutesItemKind.values:
            problems.append(_("choose decision or action"))
        if not text:
            problems.append(_("write what was decided or is to be done"))
        elif len(text) > TEXT_LENGTH:
            problems.append(_("at most 500 characters"))
        if person is not None:
            if members is None:
                members = set(
                    CommitteeMembership.objects.filter(committee=meeting.committee).values_list(
                        "user_id", flat=True
                    )
                )
            if person.pk not in members:
                problems.append(_("the person responsible must sit on the committee"))
            responsible = responsible or str(person)
        if len(responsible) > RESPONSIBLE_LENGTH:
            problems.append(_("a name has at most 200 characters"))
        if kind == MinutesItemKind.ACTION:
            if not responsible:
                problems.append(_("an action needs a person responsible"))
            if due_on is None:
                problems.append(_("an action needs a due date"))
        elif kind == MinutesItemKind.DECISION:
            responsible, person, due_on = "", None, None
        if problems:
            errors.append(
                _("Item %(number)s: %(problems)s.")
                % {"number": number, "problems": "; ".join(problems)}
            )
            continue
        cleaned.append(
            {
                "kind": kind,
                "text": text,
                "responsible": responsible,
                "responsible_user": person,
                "due_on": due_on,
            }
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def minutes_save(*, meeting, user, body, items):
    """Write the draft minutes: the Markdown text and the decisions and actions, replacing
    what the draft held. `items` is a sequence of {kind, text, responsible,
    responsible_user, due_on}. Final minutes no longer change."""
    _require_coordinator(user, meeting)
    meeting = _locked(meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled: it has no minutes."))
    body_html = markdown_to_html(body)  # refuses a text too long to render
    cleaned = _clean_items(meeting, items)
    minutes, _created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
    if minutes.is_final:
        raise ValidationError(_("These minutes are final: they no longer change."))
    minutes.body = body or ""
    minutes.body_html = body_html
    minutes.updated_at = timezone.now()
    minutes.updated_by = user
    minutes.save(update_fields=["body", "body_html", "updated_at", "updated_by"])
    minutes.items.all().delete()
    MinutesItem.objects.bulk_create(
        MinutesItem(minutes=minutes, position=position, **item)
        for position, item in enumerate(cleaned)
    )
    return minutes


@transaction.atomic
def minutes_finalise(*, meeting, user):
    """Make the draft final, once the meeting has taken place; the people marked present
    are told (notification « meetings », readable while they may see the meeting)."""
    _require_coordinator(user, meeting)
    meeting = _locked(meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not (minutes.body.strip() or minutes.items.exists()):
        raise ValidationError(_("Write the minutes before making them final."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Minutes become final once the meeting has taken place."))
    now = timezone.now()
    # Once, however many clicks.
    if not Minutes.objects.filter(pk=minutes.pk, status=MinutesStatus.DRAFT).update(
        status=MinutesStatus.FINAL, finalised_at=now, updated_at=now, updated_by=user
    ):
        raise ValidationError(_("These minutes are already final."))
    minutes.refresh_from_db()
    _tell_attendees(meeting, minutes, actor=user)
    return minutes


def _tell_attendees(meeting, minutes, *, actor):
    decisions = actions = 0
    for kind in minutes.items.values_list("kind", flat=True):
        decisions += kind == MinutesItemKind.DECISION
        actions += kind == MinutesItemKind.ACTION
    with notifications.portal_language():
        notifications.notify(
            recipients=attendee_users(meeting=meeting),
            kind=MEETINGS,
            title=_("The minutes of « %(title)s » are final") % {"title": meeting.title},
            body=_(
                "The minutes of the meeting you attended are final: %(decisions)s decision(s), "
                "%(actions)s action(s).\n\n%(summary)s"
            )
            % {
                "decisions": decisions,
                "actions": actions,
                "summary": texts.summary(meeting, with_link=False),
            },
            path=f"{meeting.get_absolute_url()}#minutes",
            scope=meeting_scope(meeting),
            actor=actor,
        )


def may_mark_done(user, item, meeting):
    """A coordinator, or the person responsible when they have an account."""
    if not user.is_authenticated:
        return False
    return item.responsible_user_id == user.pk or can_manage(user, meeting)


@transaction.atomic
def action_done(*, item, user):
    """Mark an action of final minutes done: it leaves the committee's page."""
    meeting = item.minutes.meeting
    if not may_mark_done(user, item, meeting):
        raise PermissionDenied(
            _("Only the committee's coordinators and the person responsible mark it done.")
        )
    if item.kind != MinutesItemKind.ACTION or not item.minutes.is_final:
        raise ValidationError(_("Only the actions of final minutes are marked done."))
    now = timezone.now()
    if not MinutesItem.objects.filter(pk=item.pk, done_at__isnull=True).update(
        done_at=now, done_by=user
    ):
        raise ValidationError(_("This action is already done."))
    item.done_at, item.done_by = now, user
    return item


def report_body(meeting, minutes):
    """The resource's text: where and when, the minutes, then the decisions and actions."""
    start = timezone.localtime(meeting.starts_at)
    lines = [
        _("Minutes of the meeting of the committee « %(committee)s » held on %(day)s.")
        % {
            "committee": meeting.committee.name,
            "day": formats.date_format(start, "j F Y"),
        },
        "",
        minutes.body.strip(),
    ]
    items = list(minutes.items.all())
    decisions = [i for i in items if i.kind == MinutesItemKind.DECISION]
    actions = [i for i in items if i.kind == MinutesItemKind.ACTION]
    if decisions:
        lines += ["", f"## {_('Decisions')}", ""]
        lines += [f"- {_escape(item.text)}" for item in decisions]
    if actions:
        lines += ["", f"## {_('Actions')}", ""]
        lines += [
            "- "
            + _("%(text)s — %(responsible)s, by %(due)s")
            % {
                "text": _escape(item.text),
                "responsible": _escape(item.responsible),
                "due": formats.date_format(item.due_on, "j F Y"),
            }
            for item in actions
        ]
    return "\n".join(lines).strip() + "\n"


def _escape(text):
    """Plain text in a Markdown list: what Markdown would read as markup is taken literally."""
    return "".join("\\" + c if c in "\\`*_[]<>#|!" else c for c in text)


@transaction.atomic
def minutes_capitalise(
    *,
    meeting,
    user,
    title,
    summary,
    visibility,
    organisation=None,
    themes=(),
    preconisations=(),
    territories=(),
):
    """Final minutes become a meeting report in the knowledge base, written by the
    coordinator through its services (a draft, then submitted for review: a curator
    publishes it) and linked both ways with the meeting. Once per meeting."""
    _require_coordinator(user, meeting)
    meeting = _locked(meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not minutes.is_final:
        raise ValidationError(_("Only final minutes become a resource of the knowledge base."))
    if meeting.report_id is not None:
        raise ValidationError(_("These minutes are already in the knowledge base."))
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who may read the resource.")})
    resource = resources.resource_create(
        user=user,
        kind=ResourceKind.MEETING_REPORT,
        title=title,
        summary=summary,
        body=report_body(meeting, minutes),
        organisation=organisation,
        visibility=visibility,
        committee=meeting.committee if visibility == Visibility.COMMITTEE else None,
        themes=themes,
        preconisations=preconisations,
        territories=territories,
    )
    curation.resource_submit(
        user=user,
        resource=resource,
        comment=_("Minutes of the meeting « %(title)s » of the committee « %(committee)s ».")
        % {"title": meeting.title, "committee": meeting.committee.name},
    )
    meeting.report = resource
    meeting.save(update_fields=["report"])
    return resource
