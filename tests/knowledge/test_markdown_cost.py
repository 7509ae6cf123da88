"""What one text may cost to render is bounded: pathological Markdown gets a clear refusal
before it reaches the parser, in the form, the preview and the services."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.knowledge.markdown import (
    MAX_BLOCK_CHARACTERS,
    MAX_CHARACTERS,
    markdown_to_html,
    validate_markdown,
)
from portal.knowledge.models import Resource

# Each took 9 to 30 s to render before the bound (markdown-it's emphasis pairing).
PATHOLOGICAL = ["*a " * 40_000, "_a " * 40_000, "**a " * 30_000, "*a \n" * 3_000]


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=["stars", "underscores", "double", "soft"])
def test_pathological_texts_are_refused_before_rendering(text):
    with pytest.raises(ValidationError):
        validate_markdown(text)
    with pytest.raises(ValidationError):
        markdown_to_html(text)


def test_a_long_ordinary_text_is_accepted():
    paragraph = "Un paragraphe ordinaire avec des *mots* en **gras** et [un lien](https://a.fr). "
    text = "\n\n".join([paragraph * 40] * 12)
    assert len(text) < MAX_CHARACTERS
    assert len(paragraph * 40) < MAX_BLOCK_CHARACTERS
    assert markdown_to_html(text).count("<strong>") == 40 * 12


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["preview", "save"])
def test_the_resource_form_refuses_a_costly_body_clearly(client, cast, organisation, action):
    client.force_login(cast.member)
    data = {
        "kind": "study",
        "title": "Titre",
        "summary": "Résumé",
        "body": "*a " * 40_000,
        "organisation": organisation.pk,
        "visibility": "public",
    }
    if action == "preview":
        data["preview"] = "1"
    response = client.post(reverse("knowledge:resource_create"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "caractères" in content
    assert "<em>" not in content
    assert not Resource.objects.exists()
