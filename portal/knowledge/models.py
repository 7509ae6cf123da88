"""The knowledge base's models live in its sub-packages, by capability; importing them here is
what makes Django register them under the one "knowledge" app."""

from portal.knowledge.curation.models import ReviewEvent
from portal.knowledge.narrative.models import NarrativeStep
from portal.knowledge.reference.models import Axis, Preconisation, Theme
from portal.knowledge.resources.models import Attachment, Resource, Revision, attachment_path

__all__ = [
    "Attachment",
    "Axis",
    "NarrativeStep",
    "Preconisation",
    "Resource",
    "ReviewEvent",
    "Revision",
    "Theme",
    "attachment_path",  # migration 0002 names it here
]
