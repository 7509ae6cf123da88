from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    PRACTICE_SHEET = "practice_sheet", _("Practice sheet")
    STUDY = "study", _("Study")
    SYNTHESIS = "synthesis", _("Synthesis")
    TECHNICAL_NOTE = "technical_note", _("Technical note")
    NARRATIVE_MAP = "narrative_map", _("Narrative map")
    MEETING_REPORT = "meeting_report", _("Meeting report")
    EXTERNAL_REFERENCE = "external_reference", _("External reference")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")
    COMMITTEE = "committee", _("One committee")


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    REQUEST_CHANGES = "request_changes", _("Changes requested")
    PUBLISH = "publish", _("Published")
    FEATURE = "feature", _("Featured")
    UNFEATURE = "unfeature", _("No longer featured")
    ARCHIVE = "archive", _("Archived")
    RESTORE = "restore", _("Revision restored")
    COMMENT = "comment", _("Comment")


class PreconisationKind(models.TextChoices):
    """What the report marks a préconisation as: knowledge to build, action to take, or both."""

    ASSESSMENT = "assessment", _("State of knowledge")
    ACTION = "action", _("Action")
    ASSESSMENT_AND_ACTION = "assessment_and_action", _("State of knowledge and action")
