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
