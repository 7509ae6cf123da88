"""Writing resources: Markdown made safe, drafts and their revisions, who edits, who sees."""

import re

import pytest
from django.core.exceptions import PermissionDenied

from portal.knowledge.choices import ResourceStatus, Visibility
from portal.knowledge.markdown import markdown_to_html
from portal.knowledge.resources import selectors, services
from tests.knowledge.helpers import draft, published

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[clic](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<svg><script>alert(1)</script></svg>",
        '<iframe src="https://evil.example"></iframe>',
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    ],
)
def test_hostile_markdown_comes_out_inert(hostile):
    html = markdown_to_html(hostile)
    for bad in ("<script", "<iframe", "<svg", '<a href="javascript', 'src="data:'):
        assert bad not in html
    # Text may mention an attribute; no tag may carry one.
    assert not re.search(r"<[a-z][^>]*\son\w+=", html)


def test_markdown_keeps_harmless_formatting():
    html = markdown_to_html(
        "## Titre\n\n[lien](https://exemple.fr) ![i](/a.png)\n\n| a |\n|---|\n| 1 |"
    )
    assert "<h2>Titre</h2>" in html
    assert 'rel="nofollow noopener"' in html
    assert '<img src="/a.png" alt="i">' in html
    assert "<table>" in html


def test_create_keeps_a_revision_and_the_creator_as_author(cast, organisation):
    resource = draft(cast, organisation)
    assert resource.status == ResourceStatus.DRAFT
    assert resource.version == 1
    assert "<strong>texte</strong>" in resource.body_html
    assert list(resource.authors.all()) == [cast.member]
    assert resource.revisions.get().snapshot["title"] == "Accueil de jour"


def test_member_cannot_create_for_another_organisation(cast, other_organisation):
    with pytest.raises(PermissionDenied):
        draft(cast, other_organisation)


def test_update_increments_version_and_refuses_a_stale_edit(cast, organisation):
    resource = draft(cast, organisation)
    services.resource_update(user=cast.member, resource=resource, version=1, title="Deux")
    resource.refresh_from_db()
    assert (resource.version, resource.title) == (2, "Deux")
    with pytest.raises(services.StaleEdit):
        services.resource_update(user=cast.org_admin, resource=resource, version=1, title="Vieux")
    resource.refresh_from_db()
    assert resource.title == "Deux"
    assert resource.revisions.count() == 2


@pytest.mark.parametrize(
    ("persona", "may_edit_draft", "may_edit_published"),
    [
        ("member", True, False),
        ("org_admin", True, False),
        ("other_admin", False, False),
        ("analyst", False, False),
        ("curator", True, True),
        ("admin", True, True),
    ],
)
def test_edit_matrix(cast, organisation, persona, may_edit_draft, may_edit_published):
    user = getattr(cast, persona)
    resource = draft(cast, organisation)
    assert user.has_perm("knowledge.change_resource", resource) is may_edit_draft
    resource.status = ResourceStatus.PUBLISHED
    assert user.has_perm("knowledge.change_resource", resource) is may_edit_published


def test_visibility(cast, organisation, django_user_model):
    public = published(cast, organisation, title="Public")
    members = published(cast, organisation, title="Membres", visibility=Visibility.MEMBERS)
    hidden = draft(cast, organisation, title="Brouillon")

    def seen(user):
        return set(selectors.visible_resources(user).values_list("pk", flat=True))

    assert seen(None) == {public.pk}
    assert seen(cast.other_admin) == {public.pk, members.pk}
    assert seen(cast.member) == seen(cast.org_admin) == seen(cast.curator)
    assert hidden.pk in seen(cast.member)


def test_revision_diff_and_restore(cast, organisation):
    resource = draft(cast, organisation)
    services.resource_update(user=cast.member, resource=resource, version=1, body="Autre texte.")
    first, second = resource.revisions.order_by("number")
    diff = selectors.revision_diff(old=first, new=second)
    body = next(part for part in diff if part["field"] == "body")
    assert body["changed"]
    with pytest.raises(PermissionDenied):
        services.revision_restore(user=cast.member, resource=resource, revision=first)
    services.revision_restore(user=cast.curator, resource=resource, revision=first)
    resource.refresh_from_db()
    assert resource.body == "Du **texte**."
    assert resource.version == 3
