from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeAccess(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted: listed, content for its members")
    PRIVATE = "private", _("Private: known to its members only")


class CommitteeRole(models.TextChoices):
    MEMBER = "member", _("Member")
    COORDINATOR = "coordinator", _("Coordinator")


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class PostStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    DELETED = "deleted", _("Deleted by its author")
    HIDDEN = "hidden", _("Hidden by the moderation")


class FollowLevel(models.TextChoices):
    """How closely a person follows a committee's forum or one of its threads."""

    FOLLOW = "follow", _("Follow: told of every post")
    NORMAL = "normal", _("Normal: told of mentions and replies to my posts")
    SILENT = "silent", _("Silent: told of nothing")


class ReportReason(models.TextChoices):
    ABUSE = "abuse", _("Abuse")
    OFF_TOPIC = "off_topic", _("Off topic")
    PERSONAL_DATA = "personal_data", _("Personal data")
    OTHER = "other", _("Other")


class ModerationAction(models.TextChoices):
    HIDE = "hide", _("Post hidden")
    UNHIDE = "unhide", _("Post shown again")
    AUTO_HIDE = "auto_hide", _("Post hidden after three reports")
    REPORTS_DISMISSED = "dismiss", _("Reports dismissed, post kept")
    LOCK = "lock", _("Thread closed")
    UNLOCK = "unlock", _("Thread reopened")
    PIN = "pin", _("Thread pinned")
    UNPIN = "unpin", _("Thread unpinned")
    SLOW = "slow", _("Thread slowed down")
    MOVE = "move", _("Thread moved")
    CATEGORY = "category", _("Thread's category changed")
    SUSPEND = "suspend", _("Member suspended")
    REINSTATE = "reinstate", _("Member reinstated")
    REMOVE = "remove", _("Member removed")


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class MeetingVisibility(models.TextChoices):
    """Who may see a meeting (and register for it)."""

    MEMBERS = "members", _("The committee's members")
    LOGGED_IN = "logged_in", _("Anyone logged in")
    PUBLIC = "public", _("Public (public committees only)")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationStatus(models.TextChoices):
    """Where a person stands for a meeting. A place is held by REGISTERED and OFFERED ones."""

    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Place offered, to confirm")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Offer not confirmed in time")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class MinutesItemKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    ACTION = "action", _("Action")


class ObservationStatus(models.TextChoices):
    """A field observation's way through its committee's coordinators."""

    SUBMITTED = "submitted", _("Awaiting validation")
    NEEDS_PRECISION = "precision", _("Precision asked")
    VALIDATED = "validated", _("Validated")
    DISCARDED = "discarded", _("Discarded")
