"""Pages of weak signals: the ranked list, an analyst's review, following a territory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from territories.choices import Level
from territories.geography.models import Territory
from territories.signals import selectors as signal_selectors
from territories.signals import services
from territories.signals.forms import SignalFilterForm, SignalReviewForm
from territories.signals.sources import sources_audience

REVIEW = "territories.review_signals"
PER_PAGE = 50


def _form_prefix(signal):
    # Several review forms share the list page: each needs its own field ids. A source's
    # signal names its own (territories.signals.sources).
    return getattr(signal, "key", "") or f"s{signal.pk}"


def list_audience(request):
    """The list is the same for every reader who is given the same qualitative signals, but
    for reviewers, whose forms are their own (portal.pagecache)."""
    return None if request.user.has_perm(REVIEW) else sources_audience(request.user)


def signal_list(request):
    filters = SignalFilterForm(request.GET or None)
    can_review = request.user.has_perm(REVIEW)
    context = {
        "filters": filters,
        # Computed only when the template's kept fragment misses (see portal.pagecache).
        "kept_context": lambda: _listing(request, filters, can_review),
        # What the kept list depends on in its reader: the sources' signals they are given.
        "signals_audience": SimpleLazyObject(lambda: sources_audience(request.user)),
        "can_review": can_review,
        # Reviewers' forms carry their CSRF token: their list is never kept.
        "keep_off": can_review,
    }
    return render(request, "territories/signal_list.html", context)


def _listing(request, filters, can_review):
    flagged = signal_selectors.flagged_territories(**filters.filters(), user=request.user)
    page = Paginator(flagged, PER_PAGE).get_page(request.GET.get("page"))
    if can_review:
        for item in page.object_list:
            for signal in item.signals:
                signal.form = SignalReviewForm(prefix=_form_prefix(signal))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "flagged_count": len(flagged),
        "signal_count": sum(len(item.signals) for item in flagged),
        "query": query.urlencode(),
    }


def signal_review(request, pk):
    """A signal's review history; analysts add a verdict here (the list posts here too)."""
    can_review = request.user.has_perm(REVIEW)
    if request.method == "POST" and not can_review:
        raise PermissionDenied(_("You are not allowed to do this."))
    signal = signal_selectors.signal_detail(pk=pk)
    if signal is None:
        raise Http404
    form = None
    if can_review:
        form = SignalReviewForm(request.POST or None, prefix=_form_prefix(signal))
        if request.method == "POST" and form.is_valid():
            services.signal_review_create(
                signal=signal,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
                user=request.user,
            )
            messages.success(request, _("Your review was recorded."))
            return redirect(_safe_next(request, reverse("signals:review", args=[pk])))
    return render(
        request,
        "territories/signal_review.html",
        {"signal": signal, "form": form, "can_review": can_review},
        status=400 if form is not None and form.is_bound else 200,
    )


def _territory(level, code):
    if level not in Level.values:
        raise Http404
    return get_object_or_404(Territory, level=level, code=code)


@login_required
@require_POST
def territory_follow(request, level, code):
    territory = _territory(level, code)
    services.territory_follow(user=request.user, territory=territory)
    messages.success(
        request, _("You will receive an e-mail when new weak signals concern this territory.")
    )
    return redirect(_safe_next(request, territory.get_absolute_url()))


@login_required
@require_POST
def territory_unfollow(request, level, code):
    territory = _territory(level, code)
    services.territory_unfollow(user=request.user, territory=territory)
    messages.success(request, _("You no longer follow this territory."))
    return redirect(_safe_next(request, territory.get_absolute_url()))


def _safe_next(request, fallback):
    """Where to go back after a POST: the page it came from, if it is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
