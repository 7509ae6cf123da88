"""Files attached to forum posts: checked as the knowledge base's attachments are (size, and
the declared type against the content read by `filetype`), at most MAX_PER_POST a post, kept
under MEDIA_ROOT at a name that says nothing of them. No public address serves them: the
download view lets through only those who may read the thread now (views.attachment_download).

The posting services (services.py) check the files before writing anything, then save them in
their transaction; a file written by a transaction that fails is removed, and a file whose
row is deleted — by a service, the admin or a cascade — is removed once the deletion commits:
no file stays on disk without its row.
"""

import contextlib
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.committees.forums.models import PostAttachment
from portal.knowledge.resources.attachments import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    attachment_check,
)

MAX_PER_POST = 5
ACCEPTED = ",".join(f".{extension}" for extension in ATTACHMENT_TYPES)
MAX_MEGABYTES = ATTACHMENT_MAX_BYTES // (1024 * 1024)


def _too_many():
    return ValidationError(
        ngettext(
            "A post carries at most %(count)s file.",
            "A post carries at most %(count)s files.",
            MAX_PER_POST,
        )
        % {"count": MAX_PER_POST},
        code="count",
    )


def attachments_check(*, files):
    """[(file, its MIME type)] when each file passes the knowledge base's check and they are
    not too many; else ValidationError naming each refused file and why."""
    files = list(files or [])
    if len(files) > MAX_PER_POST:
        raise _too_many()
    checked, refused = [], []
    for uploaded in files:
        try:
            checked.append((uploaded, attachment_check(uploaded=uploaded)))
        except ValidationError as error:
            refused += [
                ValidationError(
                    _("%(name)s: %(error)s") % {"name": uploaded.name, "error": message},
                    code="file",
                )
                for message in error.messages
            ]
    if refused:
        raise ValidationError(refused)
    return checked


def require_room(*, post, adding, removing=0):
    """Refuse files that would take the post past MAX_PER_POST (call with the post locked)."""
    if adding and post.attachments.count() - removing + adding > MAX_PER_POST:
        raise _too_many()


@contextlib.contextmanager
def written_files():
    """The names of the files saved inside the block; should the block fail (its transaction
    rolled back, so no row names them), the files are removed."""
    names = []
    try:
        yield names
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise


def attachments_save(*, post, checked, written):
    """Save the checked files on the post; their names go to `written` (written_files())."""
    saved = []
    for uploaded, content_type in checked:
        attachment = PostAttachment(
            post=post,
            original_name=PurePath(uploaded.name).name[-255:],
            content_type=content_type,
            size=uploaded.size,
        )
        attachment.file.save(uploaded.name, uploaded, save=False)
        written.append(attachment.file.name)
        attachment.save()
        saved.append(attachment)
    return saved


@receiver(post_delete, sender=PostAttachment, dispatch_uid="forum-attachment-file")
def _file_goes_with_its_row(sender, instance, **kwargs):
    """However a row is deleted (a service, the admin, a committee deleted with its threads),
    its file is removed once the deletion commits; a rolled-back deletion keeps it."""
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def attachments_remove(*, post, ids=None):
    """Remove attachments of the post (all of them when `ids` is None): their rows now, their
    files once the transaction commits. An id that is not one of the post's refuses all."""
    attachments = post.attachments.all()
    if ids is not None:
        ids = set(ids)
        attachments = attachments.filter(pk__in=ids)
    doomed = list(attachments.only("pk", "file"))
    if ids is not None and len(doomed) != len(ids):
        raise ValidationError(_("This file is not attached to this post."), code="not_attached")
    return attachments_delete(doomed)


def attachments_delete(doomed):
    """Delete these attachments: their rows now, their files once the transaction commits
    (_file_goes_with_its_row)."""
    doomed = list(doomed)
    if not doomed:
        return 0
    PostAttachment.objects.filter(pk__in=[attachment.pk for attachment in doomed]).delete()
    return len(doomed)
