"""Telling people things, and delivering it as each of them chose (see the package's
docstring). Refusals raise ValidationError and change nothing."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobs.services import job_enqueue
from portal.accounts.choices import Delivery
from portal.accounts.notifications import attachments as attached
from portal.accounts.notifications import kinds
from portal.accounts.notifications.models import Notification, NotificationPreference, Presence
from portal.links import site_url

logger = logging.getLogger(__name__)

# At most one e-mail « at once » per person and topic (a thread) in this time.
EMAIL_PACE = timedelta(hours=1)
# Presence is written at most this often per person (the digest needs no finer).
PRESENCE_EVERY = timedelta(minutes=5)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unread_key(user_id):
    return f"notifications:unread:{user_id}"


def list_key(user_id):
    """Where a person's notification list is kept, page by page (views.py)."""
    return f"notifications:list:{user_id}"


def _forget_counts(user_ids):
    """Forget the bells' counts and the kept lists now and again at commit (a page drawn in
    between may have kept them from before)."""
    keys = [unread_key(pk) for pk in user_ids] + [list_key(pk) for pk in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def deliveries(*, users, kind):
    """How each of `users` wants `kind` delivered: {user id: Delivery}."""
    default = kinds.kind(kind).default
    chosen = dict(
        NotificationPreference.objects.filter(user__in=users, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {user.pk: chosen.get(user.pk, default) for user in users}


def notify(
    *,
    recipients,
    kind,
    title,
    body="",
    path="",
    scope="",
    topic="",
    actor=None,
    attachments=(),
):
    """Tell each of `recipients` something (after the surrounding transaction commits, an
    e-mail to those who want one at once). Nobody is told of their own action, nor of a
    scope they cannot read. Callers write `title` and `body` in portal_language().
    `attachments` names files the e-mail at once carries (see attachments.py).
    Returns the notifications created."""
    attached.check_names(attachments)
    people = {
        person.pk: person
        for person in recipients
        if person is not None
        and person.is_active
        and getattr(person, "deleted_at", None) is None
        and (actor is None or person.pk != actor.pk)
    }
    if not people:
        return []
    if scope:
        people = {
            pk: person
            for pk, person in people.items()
            if scope in kinds.readable_scopes(person, [scope])
        }
    now = timezone.now()
    created = Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=kind,
            title=str(title)[:300],
            body=str(body),
            path=path,
            scope=scope,
            topic=topic,
            created_at=now,
        )
        for person in people.values()
    )
    _forget_counts(people)
    wanted = deliveries(users=list(people.values()), kind=kind)
    for notification in created:
        if wanted[notification.recipient_id] == Delivery.IMMEDIATE and notification.pk:
            arguments = {"notification_id": notification.pk}
            if attachments:
                arguments["attachments"] = list(attachments)
            job_enqueue(
                task=_send_task(),
                arguments=arguments,
                label=f"notification {notification.pk}",
            )
    return created


def _send_task():
    from portal.accounts.notifications.tasks import send_notification_email

    return send_notification_email


def portal_language():
    """Notifications are written in the portal's language (French), whoever triggered them."""
    return translation.override(settings.LANGUAGE_CODE)


def mark_read(*, user, ids=None):
    """Mark some of `user`'s notifications read (all when `ids` is None). Returns how many."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    changed = queryset.update(read_at=timezone.now())
    if changed:
        _forget_counts([user.pk])
    return changed


def forget_scope(*, user, scope):
    """Delete what `user` was told about a scope they can no longer read (a committee left)."""
    deleted, _by_model = Notification.objects.filter(recipient=user, scope=scope).delete()
    if deleted:
        _forget_counts([user.pk])
    return deleted


def preference_set(*, user, kind, delivery):
    if kind not in kinds.KINDS:
        raise ValidationError(_("Unknown kind of notification."), code="kind")
    if delivery not in Delivery.values:
        raise ValidationError(_("Unknown way of delivery."), code="delivery")
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": delivery}
    )


def unsubscribe_token(*, user, kind):
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, user, kind):
    return site_url(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user=user, kind=kind)])
    )


def read_unsubscribe_token(token):
    """(user, kind) of a valid token, or ValidationError: altered, or of nobody now."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = get_user_model().objects.get(pk=data["u"], is_active=True)
        kind = data["k"]
    except (signing.BadSignature, KeyError, TypeError, get_user_model().DoesNotExist):
        raise ValidationError(_("This unsubscribe link is not valid."), code="token") from None
    if kind not in kinds.KINDS:
        raise ValidationError(_("This unsubscribe link is not valid."), code="token")
    return user, kind


def unsubscribe(*, token):
    """No more e-mail of this kind for the token's person: they keep it in the portal."""
    user, kind = read_unsubscribe_token(token)
    preference_set(user=user, kind=kind, delivery=Delivery.IN_APP)
    return user, kind


def presence_key(user_id):
    return f"notifications:presence:{user_id}"


def presence_touch(*, user, now=None):
    """Record that `user` is on the portal; written at most every PRESENCE_EVERY."""
    if not cache.get(presence_key(user.pk)):
        presence_record(user=user, now=now)


def presence_record(*, user, now=None):
    now = now or timezone.now()
    Presence.objects.bulk_create(
        [Presence(user=user, seen_at=now)],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["seen_at"],
    )
    cache.set(presence_key(user.pk), True, int(PRESENCE_EVERY.total_seconds()))


def _still_readable(notification):
    scope = notification.scope
    return not scope or scope in kinds.readable_scopes(notification.recipient, [scope])


def _email(*, user, kind, subject, template, context, files=()):
    """One e-mail to `user` about `kind`, with its unsubscribe link and List-Unsubscribe."""
    link = unsubscribe_url(user=user, kind=kind)
    context = {
        **context,
        "user": user,
        "site": site_url(),
        "unsubscribe": link,
        "kind": kinds.kind(kind),
    }
    with portal_language():
        body = render_to_string(f"notifications/email/{template}.txt", context)
        message = EmailMultiAlternatives(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(str(subject).split()),
            body,
            None,
            [user.email],
            headers={
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        for file in files:
            message.attach(file.filename, file.content, file.mimetype)
    message.send()


def notification_email_send(*, notification_id, attachments=()):
    """The e-mail « at once » for one notification, unless it was read, already e-mailed,
    is no longer readable, the person changed their mind, or had an e-mail on the same topic
    within EMAIL_PACE (it stays in the portal). `attachments` names the files it carries,
    made now (attachments.py). Returns whether an e-mail went out."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, read_at__isnull=True, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not _still_readable(notification):
            return False
        user = notification.recipient
        wanted = deliveries(users=[user], kind=notification.kind)[user.pk]
        if wanted != Delivery.IMMEDIATE or not user.is_active or not user.email:
            return False
        now = timezone.now()
        if notification.topic:
            paced = Notification.objects.filter(
                recipient=user, topic=notification.topic, emailed_at__gte=now - EMAIL_PACE
            )
            if paced.exists():
                return False
        notification.emailed_at = now
        notification.save(update_fields=["emailed_at"])
        with portal_language():
            files = attached.files_for(notification, attachments)
        _email(
            user=user,
            kind=notification.kind,
            subject=notification.title,
            template="immediate",
            context={"notification": notification},
            files=files,
        )
    return True


def digests_send(*, now=None):
    """The daily digest: for each person, what they chose to receive so and have not read,
    not e-mailed before, created since they were last on the portal. Returns e-mails sent."""
    now = now or timezone.now()
    digest_kinds = _digest_kinds_by_user()
    candidates = (
        Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
        .filter(recipient_id__in=digest_kinds, recipient__is_active=True)
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "id")
    )
    seen = dict(Presence.objects.values_list("user_id", "seen_at"))
    by_user = {}
    for notification in candidates:
        user_id = notification.recipient_id
        if notification.kind not in digest_kinds[user_id]:
            continue
        if seen.get(user_id) and seen[user_id] >= notification.created_at:
            continue  # they have been on the portal since
        by_user.setdefault(user_id, []).append(notification)
    sent = 0
    for items in by_user.values():
        sent += _digest_send(items, now=now)
    return sent


def _digest_kinds_by_user():
    """{user id: kinds they get in the digest}, for every person with at least one."""
    defaults = {key for key, kind in kinds.KINDS.items() if kind.default == Delivery.DIGEST}
    chosen = {}
    for user_id, kind, delivery in NotificationPreference.objects.values_list(
        "user_id", "kind", "delivery"
    ):
        chosen.setdefault(user_id, {})[kind] = delivery
    users = get_user_model().objects.filter(is_active=True).values_list("pk", flat=True)
    result = {}
    for user_id in users:
        own = chosen.get(user_id, {})
        wanted = {k for k in defaults if own.get(k, Delivery.DIGEST) == Delivery.DIGEST}
        wanted |= {k for k, delivery in own.items() if delivery == Delivery.DIGEST}
        if wanted:
            result[user_id] = wanted
    return result


def _digest_send(items, *, now):
    user = items[0].recipient
    if not user.email:
        return 0
    with transaction.atomic():
        fresh = list(
            Notification.objects.select_for_update()
            .filter(pk__in=[n.pk for n in items], emailed_at__isnull=True, read_at__isnull=True)
            .select_related("recipient")
            .order_by("created_at", "id")
        )
        readable = kinds.readable_scopes(user, [n.scope for n in fresh])
        fresh = [n for n in fresh if n.scope in readable]
        if not fresh:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in fresh]).update(emailed_at=now)
        with portal_language():
            subject = _("Your day on Cohésion: %(count)d notification(s)") % {"count": len(fresh)}
        groups = {}
        for notification in fresh:
            groups.setdefault(notification.kind, []).append(notification)
        # One unsubscribe link per e-mail: for the kind it holds most of.
        main_kind = max(groups, key=lambda key: len(groups[key]))
        _email(
            user=user,
            kind=main_kind,
            subject=subject,
            template="digest",
            context={
                "groups": [
                    (kinds.kind(key), group, unsubscribe_url(user=user, kind=key))
                    for key, group in groups.items()
                ],
                "count": len(fresh),
            },
        )
    return 1
