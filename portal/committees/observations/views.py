"""A committee's field observations: the list, raising one, its page where coordinators
decide and analysts review, and its author's changes when precision is asked."""

from functools import wraps

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.committees.choices import CommitteeAccess, ObservationStatus
from portal.committees.membership.selectors import seat_of
from portal.committees.membership.views import committee_or_404
from portal.committees.observations import selectors, services
from portal.committees.observations.forms import DecisionForm, ObservationForm
from portal.committees.observations.weak_signals import review_prefix
from territories.signals.forms import SignalReviewForm

PAGE_SIZE = 30


class LoginFirst(Exception):
    """A visitor reached observations that need them logged in."""


def _login_first(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LoginFirst:
            return redirect_to_login(request.get_full_path())

    return wrapper


def _readable_committee(request, slug):
    """The committee whose observations the person may read; 404 (nothing tells a private
    committee exists), the login page or 403 otherwise."""
    committee = committee_or_404(request, slug)
    if rules.test_rule("committees.read_observations", request.user, committee):
        return committee
    if committee.access == CommitteeAccess.PRIVATE:
        raise Http404
    if not request.user.is_authenticated:
        raise LoginFirst
    raise PermissionDenied(_("The observations of this committee are for its members."))


def _observation_or_404(request, committee, pk):
    observation = selectors.observation_for_reading(committee=committee, pk=pk, user=request.user)
    if observation is None:
        raise Http404
    return observation


def _can_raise(user, committee):
    return rules.test_rule("committees.raise_observation", user, committee)


@_login_first
def observation_list(request, slug):
    committee = _readable_committee(request, slug)
    can_decide = request.user.has_perm("committees.decide_observations", committee)
    observations = selectors.committee_observations(committee=committee, user=request.user)
    page = Paginator(observations, PAGE_SIZE).get_page(request.GET.get("page"))
    awaiting = (
        observations.filter(status=ObservationStatus.SUBMITTED).count() if can_decide else None
    )
    return render(
        request,
        "committees/observations/list.html",
        {
            "committee": committee,
            "page": page,
            "can_raise": _can_raise(request.user, committee),
            "can_decide": can_decide,
            "awaiting": awaiting,
        },
    )


@login_required
@_login_first
def observation_create(request, slug):
    committee = _readable_committee(request, slug)
    if not _can_raise(request.user, committee):
        raise PermissionDenied(
            _("Only the committee's members can raise an observation. Ask to join it first.")
        )
    form = ObservationForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        try:
            observation = services.observation_raise(
                user=request.user, committee=committee, **form.fields_for_service()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your observation is raised; the coordinators will validate it."),
            )
            return redirect(observation)
    return render(
        request,
        "committees/observations/form.html",
        {"committee": committee, "form": form, "observation": None},
        status=400 if form.is_bound else 200,
    )


@_login_first
def observation_detail(request, slug, pk):
    committee = _readable_committee(request, slug)
    observation = _observation_or_404(request, committee, pk)
    user = request.user
    can_decide = user.has_perm("committees.decide_observations", committee)
    can_review = observation.is_validated and user.has_perm(services.REVIEW)
    return render(
        request,
        "committees/observations/detail.html",
        {
            "committee": committee,
            "observation": observation,
            "is_author": user.is_authenticated and observation.author_id == user.pk,
            # Who raised it is for the committee's members; others read the committee's name.
            "show_author": can_decide or seat_of(user=user, committee=committee) is not None,
            "can_decide": can_decide and observation.status != ObservationStatus.DISCARDED,
            "decision_form": DecisionForm(),
            "can_change": observation.author_id == user.pk
            and observation.status
            in (ObservationStatus.SUBMITTED, ObservationStatus.NEEDS_PRECISION),
            "can_review": can_review,
            "review_form": SignalReviewForm(prefix=review_prefix(observation))
            if can_review
            else None,
            "reviews": selectors.review_history(observation=observation)
            if observation.is_validated
            else [],
        },
    )


@login_required
@_login_first
def observation_edit(request, slug, pk):
    committee = _readable_committee(request, slug)
    observation = _observation_or_404(request, committee, pk)
    if observation.author_id != request.user.pk:
        raise PermissionDenied(_("Only its author can change an observation."))
    if observation.status not in (ObservationStatus.SUBMITTED, ObservationStatus.NEEDS_PRECISION):
        messages.error(
            request,
            _("The coordinators have decided on this observation: it can no longer change."),
        )
        return redirect(observation)
    form = ObservationForm(
        request.POST or None,
        committee=committee,
        initial=ObservationForm.initial_from(observation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_update(
                user=request.user, observation=observation, **form.fields_for_service()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your observation is changed; it awaits a decision."))
            return redirect(observation)
    return render(
        request,
        "committees/observations/form.html",
        {"committee": committee, "form": form, "observation": observation},
        status=400 if form.is_bound else 200,
    )


@require_POST
@login_required
@_login_first
def observation_decide(request, slug, pk):
    committee = _readable_committee(request, slug)
    observation = _observation_or_404(request, committee, pk)
    if not request.user.has_perm("committees.decide_observations", committee):
        raise PermissionDenied(_("Only the committee's coordinators decide on observations."))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect(observation)
    try:
        services.observation_decide(
            user=request.user,
            observation=observation,
            decision=form.cleaned_data["decision"],
            message=form.cleaned_data["message"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your decision is recorded; its author is told."))
    return redirect(observation)


@require_POST
@login_required
@_login_first
def observation_review(request, slug, pk):
    """An analyst's verdict, from the observation's page or from the weak-signals list."""
    committee = _readable_committee(request, slug)
    observation = _observation_or_404(request, committee, pk)
    if not request.user.has_perm(services.REVIEW):
        raise PermissionDenied(_("Only the analysts review weak signals."))
    form = SignalReviewForm(request.POST, prefix=review_prefix(observation))
    if not form.is_valid():
        messages.error(request, _("Choose a verdict."))
        return redirect(observation)
    try:
        services.observation_review(
            user=request.user,
            observation=observation,
            status=form.cleaned_data["status"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your review was recorded."))
    return redirect(_back(request, observation))


def _back(request, observation):
    """Back to the page the verdict came from (the signals list), if it is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return observation.get_absolute_url()
