"""The returns' pages: a person's returns, a return with its workflow, the screen where its
figures are filled in (saved as one goes: observatory-return.js posts to `return_save`), the
administrators' queue and the versions compared. Writes go through returns.services."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from observatory.choices import EDITABLE, ReturnStatus, Severity
from observatory.reference.models import CoherenceRule, Profession
from observatory.returns import selectors, services
from observatory.returns.fields import FIGURES, NAMES
from observatory.returns.forms import (
    FieldCommentFormSet,
    ReopenForm,
    ReturnLinesForm,
    SendBackForm,
    SubmitForm,
    figure_text,
)
from observatory.returns.models import Return

QUEUE_PAGE = 25


def _visible_or_404(request, pk):
    """The return, if the person may read it: to anyone else it does not exist."""
    try:
        return selectors.return_for_page(user=request.user, pk=pk)
    except Return.DoesNotExist:
        raise Http404 from None


def _require(request, permission, obj=None):
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


def _may_fill(user, return_obj):
    """Whether `user` fills the return in: its organisation's people only. Asked of the
    rules themselves, as the portal's administrators (superusers, whom has_perm lets do
    anything) validate the figures and so do not write them."""
    return rules.has_perm("observatory.fill_return", user, return_obj)


def _require_filler(request, return_obj):
    if not _may_fill(request.user, return_obj):
        raise PermissionDenied(_("You are not allowed to do this."))


@login_required
def my_returns(request):
    """The returns of the establishments of the organisations the person acts for."""
    groups = selectors.returns_by_campaign(user=request.user, day=timezone.localdate())
    return render(
        request,
        "observatory/returns/mine.html",
        {
            "groups": groups,
            "can_validate": request.user.has_perm("observatory.validate_return"),
            "demo": any(r.is_demo for group in groups for r in group.returns),
        },
    )


def _figures_table(lines, totals):
    """The figures as the return's page shows them: a row per figure, grouped as the form
    groups them, a column per profession and their total."""
    groups = []
    for figure in FIGURES:
        if not groups or groups[-1]["label"] != figure.group:
            groups.append({"label": figure.group, "rows": []})
        groups[-1]["rows"].append(
            {
                "figure": figure,
                "values": [figure_text(getattr(line, figure.name)) for line in lines],
                "total": figure_text(totals[figure.name]),
            }
        )
    return groups


def _findings_listed(findings):
    """[(line, [(finding, justification)])] for the lines that break a rule."""
    return [
        (line, [(finding, line.justifications.get(finding.rule, "")) for finding in found])
        for line, found in findings.items()
        if found
    ]


@login_required
def return_detail(request, pk):
    """A return: its figures, what the rules find, its history and versions, and what the
    person may do with it."""
    return_obj = _visible_or_404(request, pk)
    findings = services.return_findings(return_obj)
    lines = list(findings)
    history = selectors.return_history(return_obj=return_obj)
    user = request.user
    can_fill = _may_fill(user, return_obj)
    can_validate = user.has_perm("observatory.validate_return", return_obj)
    may_edit = services.return_may_edit(return_obj)
    found = [finding for line_findings in findings.values() for finding in line_findings]
    unjustified = sum(len(services.unjustified(line, f)) for line, f in findings.items())
    submitted = return_obj.status == ReturnStatus.SUBMITTED
    return render(
        request,
        "observatory/returns/detail.html",
        {
            "return_obj": return_obj,
            "establishment": return_obj.establishment,
            "campaign": return_obj.campaign,
            "lines": lines,
            "table": _figures_table(lines, selectors.line_totals(lines)),
            "commented": [line for line in lines if line.recruitment_comment],
            "findings": _findings_listed(findings),
            "blocking_count": sum(1 for finding in found if finding.blocking),
            "unjustified_count": unjustified,
            "missing_count": sum(1 for line in lines for n in NAMES if getattr(line, n) is None),
            "history": history,
            "field_comments": selectors.current_field_comments(
                return_obj=return_obj, history=history
            ),
            "versions": selectors.return_versions(return_obj=return_obj),
            "can_edit": can_fill and may_edit,
            "can_submit": can_fill and may_edit and return_obj.status in EDITABLE and lines,
            "can_reopen": can_fill and return_obj.status == ReturnStatus.VALIDATED,
            "can_send_back": can_validate and submitted,
            "can_validate": can_validate and submitted,
            # Why its people cannot go on filling it in (the campaign closed).
            "edit_refusal": services.return_edit_refusal(return_obj)
            if can_fill and return_obj.status in EDITABLE and not may_edit
            else None,
            "submit_form": SubmitForm(initial={"lock_version": return_obj.lock_version}),
            "reopen_form": ReopenForm(),
        },
    )


# --- Filling in the figures ---


def _lines_form(return_obj, data=None):
    lines = selectors.return_lines(return_obj=return_obj)
    warning_rules = CoherenceRule.objects.filter(
        is_active=True, severity=Severity.WARNING
    ).values_list("code", flat=True)
    return ReturnLinesForm(
        data,
        return_obj=return_obj,
        lines=lines,
        addable=selectors.professions_to_add(lines=lines),
        warning_rules=warning_rules,
    )


def _lines_screen(return_obj, form):
    """What the screen shows around the form: its rows with the messages next to the
    figures, the totals, the administrator's comments on the return."""
    findings = services.return_findings(return_obj)
    comments = []
    if return_obj.status in (ReturnStatus.SENT_BACK, ReturnStatus.DRAFT):
        history = selectors.return_history(return_obj=return_obj)
        comments = selectors.current_field_comments(return_obj=return_obj, history=history)
    rows = form.rows(findings=findings, comments=comments)
    totals = selectors.line_totals(form.lines)
    return {
        "rows": rows,
        "totals": [(figure, figure_text(totals[figure.name])) for figure in FIGURES],
        "totals_by_name": {name: figure_text(value) for name, value in totals.items()},
        "groups": _column_groups(),
        # Comments the cells cannot carry: on the whole return, or on a row since removed.
        "other_comments": [
            comment
            for comment in comments
            if comment.field not in NAMES
            or comment.profession_id not in {line.profession_id for line in form.lines}
        ],
        "missing_count": sum(
            1 for line in form.lines for name in NAMES if getattr(line, name) is None
        ),
    }


def _column_groups():
    groups = []
    for figure in FIGURES:
        if groups and groups[-1][0] == figure.group:
            groups[-1][1] += 1
        else:
            groups.append([figure.group, 1])
    return groups


def _save(request, return_obj, form, *, rows_change):
    """Save the form's figures (and, when `rows_change`, the row added or removed); raises
    the services' ReturnRefused or ReturnConflict, and nothing is saved."""
    lines = form.line_inputs()
    if rows_change and form.added():
        lines[form.added()] = services.LineInput(values={}, recruitment_comment=None)
    return services.return_lines_save(
        return_obj=return_obj,
        user=request.user,
        lines=lines,
        lock_version=form.cleaned_data["lock_version"],
        removed=form.removed() if rows_change else (),
    )


def _saved_at(return_obj):
    when = timezone.localtime(return_obj.updated_at).strftime("%H:%M")
    return _("Saved at %(time)s.") % {"time": when}


NOT_SAVED = gettext_lazy("Nothing was saved: correct the figures marked.")


@login_required
def return_edit(request, pk):
    """One screen per establishment, a row per profession: the figures, the messages next to
    them, the totals. « Save » posts here (and works without the script)."""
    return_obj = _visible_or_404(request, pk)
    _require_filler(request, return_obj)
    refusal = services.return_edit_refusal(return_obj)
    if refusal:
        messages.error(request, refusal)
        return redirect(return_obj)
    if request.method != "POST":
        return _edit_page(request, return_obj, _lines_form(return_obj))
    form = _lines_form(return_obj, request.POST)
    if not form.is_valid():
        form.add_error(None, NOT_SAVED)
        return _edit_page(request, return_obj, form, status=400)
    try:
        saved = _save(request, return_obj, form, rows_change=True)
    except services.ReturnConflict as exc:
        # As for resources: the next save is made against the newest version, on purpose.
        # What the post does not carry (the row a colleague added meanwhile) shows as saved,
        # so that saving again keeps it rather than emptying it.
        stored = _lines_form(return_obj)
        data = request.POST.copy()
        for name in stored.fields:
            if name not in data:
                value = stored[name].value()
                data[name] = "" if value is None else str(value)
        data["lock_version"] = Return.objects.values_list("lock_version", flat=True).get(
            pk=return_obj.pk
        )
        form = _lines_form(return_obj, data)
        form.is_valid()
        form.add_error(
            None,
            _(
                "%(conflict)s Your figures are still below: open the return in another tab "
                "to compare, then save again to keep yours."
            )
            % {"conflict": exc},
        )
        return _edit_page(request, return_obj, form, status=409)
    except services.ReturnRefused as exc:
        messages.error(request, str(exc))
        return redirect(return_obj)
    except ValidationError as exc:  # the form checks the same bounds: a safety net
        form.add_error(None, " ".join(exc.messages))
        return _edit_page(request, return_obj, form, status=400)
    messages.success(request, _saved_at(saved))
    return redirect("observatory:return_edit", pk=return_obj.pk)


def _edit_page(request, return_obj, form, *, status=200):
    return render(
        request,
        "observatory/returns/edit.html",
        {
            "return_obj": return_obj,
            "establishment": return_obj.establishment,
            "campaign": return_obj.campaign,
            "form": form,
            **_lines_screen(return_obj, form),
        },
        status=status,
    )


@login_required
@require_POST
def return_save(request, pk):
    """The script's autosave: the same form as the screen, answered in JSON with the new
    lock version, the totals and the messages to put next to each figure."""
    return_obj = _visible_or_404(request, pk)
    _require_filler(request, return_obj)
    form = _lines_form(return_obj, request.POST)
    if not form.is_valid():
        return _save_answer(
            request, return_obj, form, state="invalid", message=str(NOT_SAVED), status=400
        )
    try:
        saved = _save(request, return_obj, form, rows_change=False)
    except services.ReturnConflict as exc:
        message = _(
            "%(conflict)s Reload the page to see their figures, then make your changes again."
        ) % {"conflict": exc}
        return JsonResponse({"state": "conflict", "message": message}, status=409)
    except services.ReturnRefused as exc:
        return JsonResponse({"state": "refused", "message": str(exc)}, status=409)
    except ValidationError as exc:
        return JsonResponse({"state": "invalid", "message": " ".join(exc.messages)}, status=400)
    # The screen is drawn again from what was saved, for the messages next to the figures.
    return _save_answer(request, saved, _lines_form(saved), state="saved", message=_saved_at(saved))


def _save_answer(request, return_obj, form, *, state, message, status=200):
    screen = _lines_screen(return_obj, form)
    cells = {}
    for row in screen["rows"]:
        for cell in row.cells:
            cells[cell.field.html_name] = {
                "id": cell.field.auto_id,
                "html": render_to_string(
                    "observatory/returns/_cell_messages.html", {"cell": cell}, request=request
                ).strip(),
                "describedby": " ".join(cell.described_by),
                "invalid": cell.invalid,
            }
    answer = {
        "state": state,
        "message": message,
        "totals": screen["totals_by_name"],
        "cells": cells,
    }
    if state == "saved":
        # Only a save moves the version the page stands on: an invalid post must not let the
        # page skip past a colleague's change it has not seen.
        answer["lock_version"] = return_obj.lock_version
    return JsonResponse(answer, status=status)


# --- The workflow ---


@require_POST
@login_required
def return_submit(request, pk):
    return_obj = _visible_or_404(request, pk)
    _require_filler(request, return_obj)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The comment is too long (2,000 characters at most)."))
        return redirect(return_obj)
    try:
        services.return_submit(
            return_obj=return_obj,
            user=request.user,
            comment=form.cleaned_data["comment"],
            lock_version=form.cleaned_data["lock_version"],
        )
    except services.ReturnRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The return was submitted: the observatory's administrators will check it."),
        )
    return redirect(return_obj)


@require_POST
@login_required
def return_reopen(request, pk):
    return_obj = _visible_or_404(request, pk)
    _require_filler(request, return_obj)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long (2,000 characters at most)."))
        return redirect(return_obj)
    try:
        reopened = services.return_reopen(
            return_obj=return_obj, user=request.user, reason=form.cleaned_data["reason"]
        )
    except services.ReturnRefused as exc:
        messages.error(request, str(exc))
        return redirect(return_obj)
    messages.success(
        request,
        _(
            "You are correcting the return: this will be version %(number)s. Version "
            "%(kept)s stays kept as validated until this one is."
        )
        % {"number": reopened.version, "kept": reopened.version - 1},
    )
    return redirect("observatory:return_edit", pk=return_obj.pk)


@login_required
def return_send_back(request, pk):
    """An administrator sends a submitted return back, with a reason and comments on the
    figures to look at again."""
    return_obj = _visible_or_404(request, pk)
    _require(request, "observatory.validate_return", return_obj)
    if return_obj.status != ReturnStatus.SUBMITTED:
        messages.error(request, _("Only a submitted return can be sent back."))
        return redirect(return_obj)
    findings = services.return_findings(return_obj)
    lines = list(findings)
    data = request.POST if request.method == "POST" else None
    form = SendBackForm(data)
    formset = FieldCommentFormSet(
        data,
        prefix="comments",
        form_kwargs={
            "professions": Profession.objects.filter(pk__in=[line.profession_id for line in lines])
        },
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.return_send_back(
                return_obj=return_obj,
                user=request.user,
                reason=form.cleaned_data["reason"],
                comments=formset.comments(),
            )
        except services.ReturnRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The return was sent back to %(organisation)s.")
                % {"organisation": return_obj.establishment.organisation.name},
            )
        return redirect(return_obj)
    return render(
        request,
        "observatory/returns/send_back.html",
        {
            "return_obj": return_obj,
            "establishment": return_obj.establishment,
            "campaign": return_obj.campaign,
            "form": form,
            "formset": formset,
            "lines": lines,
            "table": _figures_table(lines, selectors.line_totals(lines)),
            "commented": [line for line in lines if line.recruitment_comment],
            "findings": _findings_listed(findings),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def return_validate(request, pk):
    return_obj = _visible_or_404(request, pk)
    _require(request, "observatory.validate_return", return_obj)
    try:
        services.return_validate(return_obj=return_obj, user=request.user)
    except services.ReturnRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The return of %(establishment)s was validated.")
            % {"establishment": return_obj.establishment.name},
        )
    return redirect(return_obj)


@login_required
def return_queue(request):
    """The submitted returns the administrators have to validate, the longest waiting first."""
    _require(request, "observatory.validate_return")
    page = Paginator(selectors.returns_to_validate(), QUEUE_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "observatory/returns/queue.html",
        {"page": page, "demo": any(r.is_demo for r in page.object_list)},
    )


@login_required
def return_versions(request, pk):
    """What changed: the figures as they stand against the last validated version, and each
    validated version against the one before."""
    return_obj = _visible_or_404(request, pk)
    versions = selectors.return_versions(return_obj=return_obj)
    return render(
        request,
        "observatory/returns/versions.html",
        {
            "return_obj": return_obj,
            "establishment": return_obj.establishment,
            "campaign": return_obj.campaign,
            "versions": versions,
            "comparisons": selectors.return_versions_compared(
                return_obj=return_obj, versions=versions
            ),
        },
    )
