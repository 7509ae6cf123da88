"""Reporting posts, and the coordinators' moderation: queue, decisions, log, slow mode,
moving a thread."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.committees.forums.access import forum_view, readable_committee
from portal.committees.forums.models import Post, Thread
from portal.committees.moderation import selectors, services
from portal.committees.moderation.forms import DecisionForm, MoveForm, ReportForm, SlowForm

LOG_PAGE = 50


def _moderated_committee(request, slug):
    committee = readable_committee(request, slug)
    if not request.user.has_perm("committees.moderate_forum", committee):
        raise PermissionDenied(_("Only the committee's coordinators can moderate its forum."))
    return committee


def _messages(request, error):
    for text in error.messages:
        messages.error(request, text)


@login_required
@forum_view
def report(request, slug, post_id):
    committee = readable_committee(request, slug)
    post = get_object_or_404(
        Post.objects.select_related("thread", "author"), pk=post_id, thread__committee=committee
    )
    post.thread.committee = committee
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(user=request.user, post=post, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: the coordinators will look at this post."))
            return redirect(post.thread)
    return render(
        request,
        "committees/moderation/report.html",
        {"committee": committee, "post": post, "form": form},
    )


@login_required
@forum_view
def queue(request, slug):
    committee = _moderated_committee(request, slug)
    return render(
        request,
        "committees/moderation/queue.html",
        {
            "committee": committee,
            "posts": selectors.reported_posts(committee=committee),
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
@forum_view
def resolve(request, slug, post_id, decision):
    committee = _moderated_committee(request, slug)
    post = get_object_or_404(Post, pk=post_id, thread__committee=committee)
    post.thread.committee = committee
    if decision not in ("masquer", "garder"):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.reports_resolve(
            user=request.user, post=post, hide=decision == "masquer", reason=reason
        )
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("committees:moderation", slug=committee.slug)


@login_required
@forum_view
def moderation_log(request, slug):
    committee = _moderated_committee(request, slug)
    page = Paginator(selectors.log_entries(committee=committee), LOG_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "committees/moderation/log.html", {"committee": committee, "page": page})


@login_required
@require_POST
@forum_view
def slow(request, slug, pk):
    committee = _moderated_committee(request, slug)
    thread = get_object_or_404(Thread, pk=pk, committee=committee)
    thread.committee = committee
    form = SlowForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose one of the proposed intervals."))
        services.thread_slow(user=request.user, thread=thread, seconds=form.cleaned_data["seconds"])
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect(thread)


@login_required
@forum_view
def move(request, slug, pk):
    committee = _moderated_committee(request, slug)
    thread = get_object_or_404(Thread, pk=pk, committee=committee)
    thread.committee = committee
    targets = services.moderated_committees(user=request.user).exclude(pk=committee.pk)
    form = MoveForm(request.POST or None, committees=targets)
    if request.method == "POST" and form.is_valid():
        try:
            services.thread_move(
                user=request.user,
                thread=thread,
                target=form.cleaned_data["target"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The thread was moved."))
            return redirect(thread)
    return render(
        request,
        "committees/moderation/move.html",
        {"committee": committee, "thread": thread, "form": form},
    )


@login_required
def overview(request):
    """The committees a person moderates, with their open reports (administrators: all)."""
    committees = list(services.moderated_committees(user=request.user))
    if not committees:
        raise PermissionDenied(_("You moderate no committee."))
    counts = selectors.open_report_counts(committees=committees)
    for committee in committees:
        committee.open_reports = counts.get(committee.pk, 0)
    return render(request, "committees/moderation/overview.html", {"committees": committees})
