from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReturnStatus(models.TextChoices):
    """Where an establishment's return stands in its campaign."""

    NOT_STARTED = "not_started", pgettext_lazy("return status", "Not started")
    DRAFT = "draft", pgettext_lazy("return status", "In progress")
    SUBMITTED = "submitted", pgettext_lazy("return status", "Submitted")
    SENT_BACK = "sent_back", pgettext_lazy("return status", "Sent back for correction")
    VALIDATED = "validated", pgettext_lazy("return status", "Validated")


# A return the delegates may still change.
EDITABLE = (ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.SENT_BACK)
# A return that counts as answered in the campaign's completeness.
ANSWERED = (ReturnStatus.SUBMITTED, ReturnStatus.VALIDATED)


class Severity(models.TextChoices):
    """What a coherence rule's failure does to a return."""

    BLOCKING = "blocking", _("Blocking: the return cannot be submitted")
    WARNING = "warning", _("Warning: submitted with a justification")


class ReturnEventKind(models.TextChoices):
    CREATED = "created", _("Started")
    UPLOADED = "uploaded", _("Filled from a file")
    SUBMITTED = "submitted", pgettext_lazy("return status", "Submitted")
    SENT_BACK = "sent_back", _("Sent back")
    VALIDATED = "validated", pgettext_lazy("return status", "Validated")
    REOPENED = "reopened", _("Reopened for a correction")


class ReminderKind(models.TextChoices):
    """The campaign's e-mails, each sent once, to the establishments that have not submitted."""

    OPENING = "opening", _("Opening of the campaign")
    WEEK_BEFORE = "week_before", _("Seven days before closing")
    LAST_DAY = "last_day", _("Last day")
