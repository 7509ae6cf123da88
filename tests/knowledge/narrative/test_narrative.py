"""Narrative maps read as a story."""

import pytest
from django.urls import reverse

from portal.knowledge.choices import ResourceKind
from portal.knowledge.models import NarrativeStep
from tests.knowledge.helpers import make

pytestmark = pytest.mark.django_db


def test_narrative_page_lists_steps_and_refuses_other_kinds(db, client, corpus):
    story = make("Récit", "Un récit.", kind=ResourceKind.NARRATIVE_MAP)
    NarrativeStep.objects.create(
        resource=story,
        position=1,
        title="Première étape",
        text="Texte",
        text_html="<p>Texte</p>",
        map_state="/carte/?indicateur=taux-chomage-15-64&niveau=epci&periode=2022",
    )
    page = client.get(reverse("knowledge:narrative", args=[story.slug]))
    assert page.status_code == 200 and "Première étape" in page.content.decode()
    other = client.get(reverse("knowledge:narrative", args=[corpus["energy"].slug]))
    assert other.status_code == 404
    hidden = client.get(reverse("knowledge:narrative", args=[corpus["members"].slug]))
    assert hidden.status_code == 404
