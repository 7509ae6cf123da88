"""The knowledge base's models live in its sub-packages; importing them here is what makes
Django register them under the "knowledge" app."""

from portal.knowledge.resources.models import (  # noqa: F401
    Attachment,
    Axis,
    NarrativeStep,
    Preconisation,
    Resource,
    ReviewEvent,
    Revision,
    Theme,
    attachment_path,
)
