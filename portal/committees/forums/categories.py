"""Writes about a forum's categories: the coordinators define them (a name, an order, an
optional description) and move threads between them. A forum without categories shows none
of this; deleting a category leaves its threads uncategorised (Thread.category, SET_NULL).

Refusals raise PermissionDenied or ValidationError and change nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.committees.choices import ModerationAction
from portal.committees.forums.models import ForumCategory, Thread
from portal.committees.moderation import log

MAX_PER_FORUM = 30


def _require_manager(*, user, committee):
    if not user.is_authenticated or not user.has_perm(
        "committees.manage_forum_categories", committee
    ):
        raise PermissionDenied(_("Only the committee's coordinators can manage its categories."))


def _cleaned(*, committee, name, description, position, category=None):
    name = (name or "").strip()
    slug = slugify(name)[:100]
    if not slug:
        raise ValidationError(_("A category needs a name with letters or digits."), code="name")
    others = ForumCategory.objects.filter(committee=committee, slug=slug)
    if category is not None:
        others = others.exclude(pk=category.pk)
    if others.exists():
        raise ValidationError(_("This forum already has a category of that name."), code="taken")
    if position is None or not 0 <= position <= 1000:
        raise ValidationError(_("The order is a number from 0 to 1000."), code="position")
    return {
        "name": name[:80],
        "slug": slug,
        "description": (description or "").strip()[:300],
        "position": position,
    }


def _saved(category):
    # Two coordinators naming a category alike at once: the second is told, as above.
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        raise ValidationError(
            _("This forum already has a category of that name."), code="taken"
        ) from None
    return category


def category_create(*, user, committee, name, description="", position=0):
    _require_manager(user=user, committee=committee)
    if ForumCategory.objects.filter(committee=committee).count() >= MAX_PER_FORUM:
        raise ValidationError(
            _("A forum has at most %(count)s categories.") % {"count": MAX_PER_FORUM},
            code="count",
        )
    fields = _cleaned(committee=committee, name=name, description=description, position=position)
    return _saved(ForumCategory(committee=committee, **fields))


def category_update(*, user, category, name, description="", position=0):
    _require_manager(user=user, committee=category.committee)
    fields = _cleaned(
        committee=category.committee,
        name=name,
        description=description,
        position=position,
        category=category,
    )
    for field, value in fields.items():
        setattr(category, field, value)
    return _saved(category)


def category_delete(*, user, category):
    """Delete a category; its threads stay, uncategorised."""
    _require_manager(user=user, committee=category.committee)
    category.delete()


def thread_categorise(*, user, thread, category):
    """A coordinator files a thread under one of its forum's categories (None: none); the
    moderation log says so."""
    committee = thread.committee
    if not user.is_authenticated or not user.has_perm("committees.moderate_forum", committee):
        raise PermissionDenied(_("Only the committee's coordinators can moderate its forum."))
    if category is not None and category.committee_id != committee.pk:
        raise ValidationError(_("This category is not one of this forum's."), code="category")
    if thread.category_id == (category.pk if category else None):
        return thread
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(category=category)
        thread.category = category
        log.record(
            committee=committee,
            actor=user,
            action=ModerationAction.CATEGORY,
            thread=thread,
            reason=category.name if category is not None else _("no category"),
        )
    return thread
