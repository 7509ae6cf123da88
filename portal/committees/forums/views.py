import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.committees.following import selectors as following
from portal.committees.forums import categories as categories_services
from portal.committees.forums import links, marks, selectors, services
from portal.committees.forums.access import (
    forum_view,
    post_or_404,
    readable_committee,
    thread_or_404,
)
from portal.committees.forums.forms import (
    CategoryForm,
    FollowForm,
    HideForm,
    PostForm,
    ThreadCategoryForm,
    ThreadForm,
)
from portal.committees.forums.models import ForumCategory, Post, PostAttachment
from portal.committees.moderation.forms import SlowForm


def _can_post(request, committee):
    return rules.test_rule("committees.post_in_forum", request.user, committee)


@forum_view
def forum(request, slug):
    committee = readable_committee(request, slug)
    categories = selectors.forum_categories(committee=committee)
    category = None
    if "categorie" in request.GET:
        wanted = request.GET["categorie"]
        category = next((each for each in categories if each.slug == wanted), None)
        if category is None:
            raise Http404
    threads = selectors.forum_threads(committee=committee, category=category)
    page = Paginator(threads, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    threads = selectors.mark_unread(user=request.user, threads=list(page.object_list))
    for each in threads:
        each.committee = committee  # their addresses need its slug
        each.marks_key = marks.thread_marks_key(each)
    return render(
        request,
        "committees/forums/forum.html",
        {
            "committee": committee,
            "page": page,
            "threads": threads,
            "categories": categories,
            "category": category,
            "pager_query": f"categorie={category.slug}&" if category else "",
            "can_post": _can_post(request, committee),
            "can_manage_categories": request.user.has_perm(
                "committees.manage_forum_categories", committee
            ),
            "follow_form": _follow_form(request, committee),
        },
    )


def _follow_form(request, committee, thread=None):
    level = following.level_of(user=request.user, committee=committee, thread=thread)
    return FollowForm(initial={"level": level}) if level else None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@forum_view
def thread(request, slug, pk):
    committee = readable_committee(request, slug)
    thread = thread_or_404(committee, pk)
    thread.committee = committee
    ids = selectors.post_ids(thread=thread)
    last_read = selectors.last_read_post_id(user=request.user, thread=thread)
    if "unread" in request.GET:
        target = selectors.first_unread(ids=ids, last_read=last_read) or (ids[-1] if ids else None)
        if target is None:
            return redirect(thread)
        return redirect(f"{thread.get_absolute_url()}?post={target}#post-{target}")
    number = selectors.page_of_post(ids=ids, post_id=_int(request.GET.get("post")))
    page = selectors.thread_page(
        ids=ids, number=number or _int(request.GET.get("page")) or 1, last_read=last_read
    )
    if page.posts:
        services.read_state_advance(
            user=request.user,
            thread=thread,
            post_id=max(p.pk for p in page.posts),
            previous=last_read,
        )
    can_post = _can_post(request, committee)
    can_reply = can_post and not thread.is_locked
    can_moderate = request.user.has_perm("committees.moderate_forum", committee)
    for post in page.posts:
        post.thread = thread
        post.can_delete = services.can_delete(user=request.user, post=post)
        post.marks_key = marks.post_marks_key(post)
        post.actions_key = marks.post_actions_key(post, committee=committee, can_reply=can_reply)
    return render(
        request,
        "committees/forums/thread.html",
        {
            "committee": committee,
            "thread": thread,
            "page": page,
            "can_post": can_post,
            "can_reply": can_reply,
            "can_moderate": can_moderate,
            "categories": selectors.forum_categories(committee=committee) if can_moderate else [],
            "form": PostForm(),
            "follow_form": _follow_form(request, committee, thread),
            "first_unread_key": marks.first_unread_key(thread),
            "slow_form": SlowForm(),
            "mentionable": following.mentionable(committee=committee) if can_reply else None,
        },
    )


def _refuse(request, error):
    for text in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, text)


@login_required
@forum_view
def thread_create(request, slug):
    committee = readable_committee(request, slug)
    if not _can_post(request, committee):
        services.require_posting(user=request.user, committee=committee)
    form = ThreadForm(
        request.POST or None,
        request.FILES or None,
        categories=ForumCategory.objects.filter(committee=committee),
    )
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(
                user=request.user,
                committee=committee,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                category=form.cleaned_data.get("category"),
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thread started."))
            for warning in thread.mention_warnings:
                messages.warning(request, warning)
            return redirect(thread)
    return render(
        request,
        "committees/forums/thread_form.html",
        {
            "committee": committee,
            "form": form,
            "mentionable": following.mentionable(committee=committee),
        },
    )


@login_required
@forum_view
def reply(request, slug, pk):
    committee = readable_committee(request, slug)
    thread = thread_or_404(committee, pk)
    thread.committee = committee
    initial = {}
    quoted = _int(request.GET.get("citer"))
    if quoted:
        post = Post.objects.filter(pk=quoted, thread=thread).select_related("author").first()
        if post is not None:
            initial = {"body": services.quote_of(post=post), "reply_to": post.pk}
    form = PostForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        answered = form.cleaned_data.get("reply_to")
        try:
            post = services.post_create(
                user=request.user,
                thread=thread,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
                reply_to=Post.objects.filter(pk=answered, thread=thread).first()
                if answered
                else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            for warning in post.mention_warnings:
                messages.warning(request, warning)
            return redirect(post.get_absolute_url())
    elif request.method == "GET":
        if not _can_post(request, committee):
            services.require_posting(user=request.user, committee=committee)
        if thread.is_locked:
            raise PermissionDenied(_("This thread is closed: nobody can reply any more."))
    return render(
        request,
        "committees/forums/post_form.html",
        {
            "committee": committee,
            "thread": thread,
            "form": form,
            "mode": "reply",
            "mentionable": following.mentionable(committee=committee),
        },
    )


@login_required
@forum_view
def post_edit(request, slug, post_id):
    committee = readable_committee(request, slug)
    post = post_or_404(committee, post_id)
    post.thread.committee = committee
    attached = list(post.attachments.all())
    # Attached files may be removed while the post may still be deleted (services.post_edit).
    removable = (
        post.attachments.all()
        if attached and services.can_delete(user=request.user, post=post)
        else None
    )
    form = PostForm(
        request.POST or None,
        request.FILES or None,
        initial={"body": post.body},
        removable=removable,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                user=request.user,
                post=post,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
                remove=[each.pk for each in form.cleaned_data.get("remove", [])],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Post updated."))
            return redirect(post.get_absolute_url())
    elif request.method == "GET":
        services.require_own_visible_post(user=request.user, post=post)
    return render(
        request,
        "committees/forums/post_form.html",
        {
            "committee": committee,
            "thread": post.thread,
            "post": post,
            "form": form,
            "mode": "edit",
            "attached": attached if removable is None else [],
        },
    )


@login_required
@require_POST
@forum_view
def post_action(request, slug, post_id, action):
    committee = readable_committee(request, slug)
    post = post_or_404(committee, post_id)
    post.thread.committee = committee
    try:
        if action == "supprimer":
            services.post_delete(user=request.user, post=post)
            messages.success(request, _("Your post was deleted."))
        elif action == "masquer":
            form = HideForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.post_hide(user=request.user, post=post, reason=reason)
            messages.success(request, _("The post is hidden; its author is told."))
        elif action == "afficher":
            services.post_unhide(user=request.user, post=post)
            messages.success(request, _("The post is shown again."))
        else:
            raise Http404
    except ValidationError as error:
        _refuse(request, error)
    return redirect(post.get_absolute_url())


@login_required
@forum_view
def post_history(request, slug, post_id):
    committee = readable_committee(request, slug)
    if not request.user.has_perm("committees.moderate_forum", committee):
        raise PermissionDenied(_("The history of a post is for the committee's coordinators."))
    post = post_or_404(committee, post_id)
    post.thread.committee = committee
    return render(
        request,
        "committees/forums/post_history.html",
        {
            "committee": committee,
            "post": post,
            "revisions": selectors.post_revisions(post=post),
        },
    )


THREAD_ACTIONS = {
    "verrouiller": (services.thread_lock, {"locked": True}),
    "deverrouiller": (services.thread_lock, {"locked": False}),
    "epingler": (services.thread_pin, {"pinned": True}),
    "desepingler": (services.thread_pin, {"pinned": False}),
}


@login_required
@require_POST
@forum_view
def thread_action(request, slug, pk, action):
    committee = readable_committee(request, slug)
    thread = thread_or_404(committee, pk)
    thread.committee = committee
    if action not in THREAD_ACTIONS:
        raise Http404
    service, arguments = THREAD_ACTIONS[action]
    service(user=request.user, thread=thread, **arguments)
    messages.success(request, _("Done."))
    return redirect(thread)


@login_required
@require_GET
@forum_view
def link_suggestions(request, slug):
    """The resources and territories a writer may link to by name, as they type (JSON)."""
    committee = readable_committee(request, slug)
    services.require_posting(user=request.user, committee=committee)
    query = request.GET.get("q", "")
    if len(query) > links.MAX_QUERY:
        return JsonResponse(
            {
                "error": _("Type at most %(limit)s characters to find a page.")
                % {"limit": links.MAX_QUERY}
            },
            status=400,
        )
    return JsonResponse({"results": links.suggestions(query=query)})


@forum_view
def attachment_download(request, slug, pk):
    """A post's attached file, for whoever may read its thread now; a hidden post's for the
    coordinators alone, a deleted post's for nobody."""
    committee = readable_committee(request, slug)
    try:
        attachment = selectors.attachment_for_download(
            user=request.user,
            committee=committee,
            attachment_id=pk,
            sees_hidden=request.user.has_perm("committees.moderate_forum", committee),
        )
        opened = attachment.file.open("rb")
    except (PostAttachment.DoesNotExist, FileNotFoundError):
        raise Http404 from None
    response = FileResponse(
        opened,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    # Who may read it is checked at each request: no shared cache keeps it.
    patch_cache_control(response, private=True)
    return response


def _categories_manager(request, slug):
    committee = readable_committee(request, slug)
    if not request.user.has_perm("committees.manage_forum_categories", committee):
        raise PermissionDenied(_("Only the committee's coordinators can manage its categories."))
    return committee


@login_required
@forum_view
def forum_categories(request, slug):
    """The coordinators' page of their forum's categories: the list, and a form to add one."""
    committee = _categories_manager(request, slug)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            categories_services.category_create(
                user=request.user, committee=committee, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Category added."))
            return redirect("committees:forum_categories", slug=committee.slug)
    return render(
        request,
        "committees/forums/categories.html",
        {
            "committee": committee,
            "categories": selectors.forum_categories(committee=committee),
            "form": form,
        },
    )


@login_required
@forum_view
def forum_category(request, slug, pk):
    committee = _categories_manager(request, slug)
    category = get_object_or_404(ForumCategory, pk=pk, committee=committee)
    category.committee = committee
    form = CategoryForm(
        request.POST or None,
        initial={
            "name": category.name,
            "position": category.position,
            "description": category.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            categories_services.category_update(
                user=request.user, category=category, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Category saved."))
            return redirect("committees:forum_categories", slug=committee.slug)
    return render(
        request,
        "committees/forums/category_form.html",
        {"committee": committee, "category": category, "form": form},
    )


@login_required
@require_POST
@forum_view
def forum_category_delete(request, slug, pk):
    committee = _categories_manager(request, slug)
    category = get_object_or_404(ForumCategory, pk=pk, committee=committee)
    category.committee = committee
    categories_services.category_delete(user=request.user, category=category)
    messages.success(request, _("Category deleted; its threads are now without a category."))
    return redirect("committees:forum_categories", slug=committee.slug)


@login_required
@require_POST
@forum_view
def thread_category(request, slug, pk):
    """A coordinator files the thread under another of the forum's categories."""
    committee = readable_committee(request, slug)
    if not request.user.has_perm("committees.moderate_forum", committee):
        raise PermissionDenied(_("Only the committee's coordinators can moderate its forum."))
    thread = thread_or_404(committee, pk)
    thread.committee = committee
    form = ThreadCategoryForm(
        request.POST, categories=ForumCategory.objects.filter(committee=committee)
    )
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose one of this forum's categories."))
        categories_services.thread_categorise(
            user=request.user, thread=thread, category=form.cleaned_data["category"]
        )
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect(thread)
