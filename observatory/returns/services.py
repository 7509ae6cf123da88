"""Writes on returns: saving figures as the delegate goes, submitting, sending back,
validating, reopening for a correction. Views, uploads and the demo all go through here."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from observatory import notifications
from observatory.choices import EDITABLE, ReturnEventKind, ReturnStatus, Severity
from observatory.reference.models import CoherenceRule
from observatory.returns import coherence
from observatory.returns.fields import NAMES
from observatory.returns.models import (
    FieldComment,
    Return,
    ReturnEvent,
    ReturnLine,
    ReturnVersion,
)
from portal.accounts.notifications.services import portal_language
from territories.pipeline.services import recompute_request


class ReturnRefused(Exception):
    """An action the return's state or the campaign's dates do not allow; says why, in French."""


class ReturnConflict(ReturnRefused):
    """Someone else saved the return since the person loaded it: their change is not lost."""


@dataclass
class LineInput:
    """What a delegate sends for one profession: figures, comment, justifications."""

    values: dict  # figure name → int, Decimal or None; a figure left out is not changed
    recruitment_comment: str | None = ""  # None: not changed
    justifications: dict | None = None  # rule code → text


def return_may_edit(return_obj, *, day=None):
    """A return is changed while its campaign is open (not before: nobody is invited yet and
    its dates may still move), or at any time once sent back or reopened for the correction
    of a validated version (its validation is then done again; the figures the campaign
    counted stay those of the version kept)."""
    if return_obj.status == ReturnStatus.SENT_BACK:
        return True
    if return_obj.status == ReturnStatus.DRAFT and return_obj.version > 1:
        return True
    return return_obj.status in EDITABLE and return_obj.campaign.is_open(day)


def return_edit_refusal(return_obj):
    """Why the return cannot be changed now (a sentence in French), or None if it can."""
    try:
        _check_editable(return_obj)
    except ReturnRefused as exc:
        return str(exc)
    return None


def _check_editable(return_obj):
    if return_obj.status not in EDITABLE:
        raise ReturnRefused(
            _("This return is %(status)s: it can no longer be changed.")
            % {"status": return_obj.get_status_display().lower()}
        )
    if not return_may_edit(return_obj):
        campaign = return_obj.campaign
        if not campaign.is_closed():
            raise ReturnRefused(
                _("The campaign opens on %(date)s: the return can be filled in from then.")
                % {"date": campaign.opens_on.strftime("%d/%m/%Y")}
            )
        raise ReturnRefused(
            _("The campaign closed on %(date)s: the return can no longer be changed.")
            % {"date": campaign.closes_on.strftime("%d/%m/%Y")}
        )


def _locked(return_obj, lock_version):
    """The return's row, locked for this transaction; refused if changed since `lock_version`."""
    current = Return.objects.select_for_update().select_related("campaign").get(pk=return_obj.pk)
    if lock_version is not None and current.lock_version != int(lock_version):
        who = current.updated_by.display_name if current.updated_by else _("someone")
        raise ReturnConflict(
            _(
                "%(who)s saved this return at %(time)s, after you opened it: your figures "
                "were not saved, theirs were kept."
            )
            % {"who": who, "time": timezone.localtime(current.updated_at).strftime("%H:%M")}
        )
    return current


def _touch(return_obj, user, **fields):
    return_obj.lock_version += 1
    return_obj.updated_at = timezone.now()
    return_obj.updated_by = user
    for name, value in fields.items():
        setattr(return_obj, name, value)
    return_obj.save(update_fields=["lock_version", "updated_at", "updated_by", *fields])


@transaction.atomic
def return_lines_save(*, return_obj, user, lines, lock_version, removed=(), event=None):
    """Write the figures of the professions in `lines` ({Profession: LineInput}) and delete
    the lines of `removed` (Professions). Refused when the return cannot be changed or was
    saved by someone else since `lock_version` (None: do not compare, for uploads that
    replace everything). Returns the return, its lock_version moved on."""
    current = _locked(return_obj, lock_version)
    _check_editable(current)
    for profession, line_input in lines.items():
        line, _created = ReturnLine.objects.get_or_create(return_obj=current, profession=profession)
        for name in NAMES:
            if name in line_input.values:
                setattr(line, name, line_input.values[name])
        if line_input.recruitment_comment is not None:
            line.recruitment_comment = line_input.recruitment_comment
        if line_input.justifications is not None:
            line.justifications = {
                code: text.strip()
                for code, text in line_input.justifications.items()
                if text and text.strip()
            }
        line.full_clean(exclude=["return_obj", "profession"])
        line.save()
    if removed:
        current.lines.filter(profession__in=list(removed)).delete()
    fields = {}
    if current.status == ReturnStatus.NOT_STARTED:
        fields["status"] = ReturnStatus.DRAFT
        ReturnEvent.objects.create(return_obj=current, kind=ReturnEventKind.CREATED, author=user)
    if event is not None:
        ReturnEvent.objects.create(return_obj=current, kind=event, author=user)
    _touch(current, user, **fields)
    return current


def return_findings(return_obj, *, for_submission=False):
    """{ReturnLine: [Finding]} for every line of the return (missing figures included when
    `for_submission`)."""
    rules = list(CoherenceRule.objects.filter(is_active=True))
    history = coherence.past_figures(
        establishment=return_obj.establishment, before_year=return_obj.campaign.year
    )
    last_year = return_obj.campaign.year - 1
    findings = {}
    for line in return_obj.lines.select_related("profession"):
        values = {name: getattr(line, name) for name in NAMES}
        context = coherence.context_for(
            history=history.get(line.profession.code, {}), last_year=last_year
        )
        found = coherence.line_findings(values=values, context=context, rules=rules)
        if for_submission:
            found = coherence.missing_findings(values) + found
        findings[line] = found
    return findings


def unjustified(line, found):
    """The warnings among `found` that `line` gives no justification for."""
    return [
        finding
        for finding in found
        if finding.severity == Severity.WARNING and not line.justifications.get(finding.rule)
    ]


@transaction.atomic
def return_submit(*, return_obj, user, comment="", lock_version=None):
    """Submit the return for validation: refused while a line has a blocking finding or a
    warning without its justification, or when there is no line at all."""
    current = _locked(return_obj, lock_version)
    _check_editable(current)
    findings = return_findings(current, for_submission=True)
    if not findings:
        raise ReturnRefused(_("Add at least one profession before submitting the return."))
    found = [finding for line_findings in findings.values() for finding in line_findings]
    missing = sum(1 for finding in found if finding.rule == coherence.MISSING)
    if missing:
        raise ReturnRefused(
            ngettext(
                "%(count)s figure is still empty: fill it in (0 if there is none) before "
                "submitting.",
                "%(count)s figures are still empty: fill them in (0 if there is none) before "
                "submitting.",
                missing,
            )
            % {"count": missing}
        )
    blocking = sum(1 for finding in found if finding.blocking)
    if blocking:
        raise ReturnRefused(
            ngettext(
                "The return has %(count)s error to correct before it can be submitted.",
                "The return has %(count)s errors to correct before it can be submitted.",
                blocking,
            )
            % {"count": blocking}
        )
    waiting = sum(len(unjustified(line, found)) for line, found in findings.items())
    if waiting:
        raise ReturnRefused(
            ngettext(
                "%(count)s warning needs a justification before the return can be submitted.",
                "%(count)s warnings need a justification before the return can be submitted.",
                waiting,
            )
            % {"count": waiting}
        )
    now = timezone.now()
    _touch(
        current,
        user,
        status=ReturnStatus.SUBMITTED,
        comment=comment.strip(),
        submitted_at=now,
        submitted_by=user,
    )
    ReturnEvent.objects.create(
        return_obj=current, kind=ReturnEventKind.SUBMITTED, author=user, text=comment.strip()
    )
    _tell_administrators(current, actor=user)
    return current


@transaction.atomic
def return_send_back(*, return_obj, user, reason, comments=()):
    """Send a submitted return back to its organisation with `reason` and, for the fields
    concerned, `comments`: (Profession or None, figure name, text) triples."""
    current = _locked(return_obj, None)
    if current.status != ReturnStatus.SUBMITTED:
        raise ReturnRefused(_("Only a submitted return can be sent back."))
    reason = reason.strip()
    if not reason:
        raise ReturnRefused(_("Say why the return is sent back."))
    _touch(current, user, status=ReturnStatus.SENT_BACK, sent_back_reason=reason)
    event = ReturnEvent.objects.create(
        return_obj=current, kind=ReturnEventKind.SENT_BACK, author=user, text=reason
    )
    FieldComment.objects.bulk_create(
        FieldComment(event=event, profession=profession, field=name, text=text.strip())
        for profession, name, text in comments
        if text and text.strip()
    )
    with portal_language():
        _tell_organisation(
            current,
            actor=user,
            title=_("Your return for %(establishment)s was sent back")
            % {"establishment": current.establishment.name},
            body=reason,
        )
    return current


@transaction.atomic
def return_validate(*, return_obj, user):
    """Validate a submitted return: it is locked, and this version is kept as validated."""
    current = _locked(return_obj, None)
    if current.status != ReturnStatus.SUBMITTED:
        raise ReturnRefused(_("Only a submitted return can be validated."))
    now = timezone.now()
    _touch(current, user, status=ReturnStatus.VALIDATED, validated_at=now, validated_by=user)
    ReturnVersion.objects.update_or_create(
        return_obj=current,
        number=current.version,
        defaults={"lines": return_snapshot(current), "validated_at": now, "validated_by": user},
    )
    ReturnEvent.objects.create(return_obj=current, kind=ReturnEventKind.VALIDATED, author=user)
    # The workforce indicators count validated returns only: recompute them.
    with portal_language():
        reason = _("Return validated: %(establishment)s (campaign %(year)s)") % {
            "establishment": current.establishment.name,
            "year": current.campaign.year,
        }
    transaction.on_commit(lambda: recompute_request(reason=reason, user=user))
    with portal_language():
        _tell_organisation(
            current,
            actor=user,
            title=_("Your return for %(establishment)s was validated")
            % {"establishment": current.establishment.name},
        )
    return current


@transaction.atomic
def return_reopen(*, return_obj, user, reason=""):
    """Start a correction of a validated return: the validated version stays kept, the
    return becomes the draft of the next version."""
    current = _locked(return_obj, None)
    if current.status != ReturnStatus.VALIDATED:
        raise ReturnRefused(_("Only a validated return is reopened for a correction."))
    _touch(
        current,
        user,
        status=ReturnStatus.DRAFT,
        version=current.version + 1,
        validated_at=None,
        validated_by=None,
    )
    ReturnEvent.objects.create(
        return_obj=current, kind=ReturnEventKind.REOPENED, author=user, text=reason.strip()
    )
    return current


def return_snapshot(return_obj):
    """{profession code: {figure: number, …}} of the return's lines, for JSON."""
    snapshot = {}
    for line in return_obj.lines.select_related("profession"):
        snapshot[line.profession.code] = {name: _plain(getattr(line, name)) for name in NAMES} | {
            "recruitment_comment": line.recruitment_comment
        }
    return snapshot


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _tell_administrators(return_obj, *, actor):
    from portal.accounts.models import User
    from portal.accounts.notifications.services import notify

    with portal_language():
        notify(
            recipients=User.objects.filter(is_superuser=True, is_active=True),
            kind=notifications.SUBMISSIONS,
            title=_("Return submitted: %(establishment)s (%(year)s)")
            % {"establishment": return_obj.establishment.name, "year": return_obj.campaign.year},
            path=return_obj.get_absolute_url(),
            actor=actor,
        )


def _tell_organisation(return_obj, *, actor, title, body=""):
    """Tell the organisation's people; callers write `title` within portal_language()."""
    from portal.accounts.models import User
    from portal.accounts.notifications.services import notify

    notify(
        recipients=User.objects.filter(
            memberships__organisation=return_obj.establishment.organisation
        ),
        kind=notifications.RETURNS,
        title=title,
        body=body,
        path=return_obj.get_absolute_url(),
        actor=actor,
    )
