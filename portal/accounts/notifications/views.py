"""A person's notifications: the list, their preferences, and the unsubscribe link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.accounts.notifications import kinds, selectors, services
from portal.accounts.notifications.forms import MarkReadForm, PreferencesForm
from portal.pagecache import batch, generation

PER_PAGE = 30
LIST_TTL = 3600


LIST = "personal/notifications/list.html"


@login_required
def notification_list(request):
    """The list is the reader's own part of a page otherwise kept for everyone
    (portal.pagecache): drawn here, and by list_part() when the kept page is served."""
    number = _page_number(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_key": number, **_list(request.user, number)},
    )


def _page_number(value):
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def _list(user, number, *, unread=None, token=None, kept=None):
    """The reader's page of notifications and unread count. With the generation `token`, the
    page is kept in the cache until one of their notifications is created or read (services
    forget it) or a write changes what they may read (a new generation): `kept` is what the
    cache held, when already read."""
    pages = kept[1] if kept and token and kept[0] == token else {}
    if number in pages:
        items, count = pages[number]
        page = Page(items, number, Paginator(range(count), PER_PAGE))
    else:
        page = Paginator(selectors.notifications_for(user=user), PER_PAGE).get_page(number)
        if token:
            pages = {**pages, page.number: (list(page.object_list), page.paginator.count)}
            cache.set(services.list_key(user.pk), (token, pages), LIST_TTL)
    for notification in page.object_list:
        notification.kind_label = kinds.kind(notification.kind).label
    return {"page": page, "unread": selectors.unread_count(user=user, cached=unread)}


def list_part(request, keys):
    """{page number: the reader's notifications on that page} (portal.pagecache.holes). The
    unread count and the kept list were read with the person (pagecache.batch)."""
    user = request.user
    _asked, unread = batch.taken(request, services.unread_key(user.pk))
    asked, kept = batch.taken(request, services.list_key(user.pk))
    if not asked:
        kept = cache.get(services.list_key(user.pk))
    token = generation.of_request(request)
    return {key: _list(user, int(key), unread=unread, token=token, kept=kept) for key in keys}


def batched_list_key(request, user_id):
    """The kept list, read with the person when the list is asked for (pagecache.batch)."""
    if request.method == "GET" and request.path_info == reverse("notifications:list"):
        return [services.list_key(user_id)]
    return []


@login_required
def notification_open(request, pk):
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(selectors.notifications_for(user=request.user), pk=pk)
    services.mark_read(user=request.user, ids=[notification.pk])
    target = notification.path
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def mark_read(request):
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This notification does not exist."))
        return redirect("notifications:list")
    chosen = form.cleaned_data["notification"]
    count = services.mark_read(user=request.user, ids=[chosen] if chosen else None)
    if not chosen:
        messages.success(request, _("All your notifications are marked read."))
    elif not count:
        messages.info(request, _("This notification was already read."))
    return redirect("notifications:list")


@login_required
def preferences(request):
    form = PreferencesForm(
        request.POST or None, preferences=selectors.preferences_of(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        for kind, delivery in form.cleaned_data.items():
            services.preference_set(user=request.user, kind=kind, delivery=delivery)
        messages.success(request, _("Your choices were saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the proof; mail clients post it (RFC 8058) logged out
def unsubscribe(request, token):
    """One click: the page's button, or the mail client's List-Unsubscribe-Post."""
    try:
        _user, kind = services.read_unsubscribe_token(token)
    except ValidationError as error:
        return render(request, "notifications/unsubscribe.html", {"error": error}, status=400)
    done = False
    if request.method == "POST":
        services.unsubscribe(token=token)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind": kinds.kind(kind), "done": done},
    )
