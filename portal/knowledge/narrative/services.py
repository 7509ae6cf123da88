"""Writes of narrative maps: their steps."""

from django.db import transaction

from portal.knowledge.markdown import markdown_to_html
from portal.knowledge.models import NarrativeStep


def steps_replace(*, resource, steps):
    """Replace the steps of a narrative map by these, in order."""
    with transaction.atomic():
        resource.steps.all().delete()
        NarrativeStep.objects.bulk_create(
            NarrativeStep(
                resource=resource,
                position=position,
                title=step["title"],
                text=step["text"],
                text_html=markdown_to_html(step["text"]),
                map_state=step["map_state"],
            )
            for position, step in enumerate(steps, start=1)
        )
