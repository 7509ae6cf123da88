"""Committees and the knowledge base's third visibility, « one committee »: who sees the
committee, who reads what it shares — in lists, search, API, feeds, attachments and by URL."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.committees.choices import CommitteeAccess, CommitteeRole
from portal.committees.models import Committee, CommitteeMembership
from portal.knowledge.choices import ResourceKind, Visibility
from portal.knowledge.curation import services as curation
from portal.knowledge.models import Resource
from portal.knowledge.resources import attachments, services
from portal.knowledge.search import selectors as search
from territories.geography.selectors import loaded_region
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def committees(cast):
    """Sarthe, where the member sits; Mayenne, where the other organisation's admin sits;
    a private one nobody of the cast sits on."""
    sarthe = Committee.objects.create(
        name="Comité de la Sarthe", slug="sarthe", access=CommitteeAccess.RESTRICTED
    )
    mayenne = Committee.objects.create(
        name="Comité de la Mayenne", slug="mayenne", access=CommitteeAccess.PUBLIC
    )
    secret = Committee.objects.create(
        name="Comité discret", slug="discret", access=CommitteeAccess.PRIVATE
    )
    CommitteeMembership.objects.create(committee=sarthe, user=cast.member)
    CommitteeMembership.objects.create(
        committee=mayenne, user=cast.other_admin, role=CommitteeRole.COORDINATOR
    )
    CommitteeMembership.objects.create(committee=secret, user=UserFactory())
    return {"sarthe": sarthe, "mayenne": mayenne, "secret": secret}


@pytest.fixture
def shared(cast, organisation, committees):
    """A published resource the member shared with the Sarthe committee alone."""
    resource = services.resource_create(
        user=cast.member,
        kind=ResourceKind.MEETING_REPORT,
        title="Rencontre sur les impayés d’énergie",
        summary="Ce que le comité a appris sur les impayés d'énergie.",
        body="Les impayés d'énergie précèdent souvent ceux du loyer.",
        organisation=organisation,
        visibility=Visibility.COMMITTEE,
        committee=committees["sarthe"],
    )
    curation.resource_submit(user=cast.member, resource=resource)
    return curation.resource_publish(user=cast.curator, resource=resource)


def test_who_knows_of_which_committee(cast, committees):
    def names(user):
        return set(Committee.objects.visible_to(user).values_list("slug", flat=True))

    assert names(None) == {"sarthe", "mayenne"}
    assert names(cast.member) == {"sarthe", "mayenne"}
    assert names(cast.curator) == {"sarthe", "mayenne", "discret"}
    CommitteeMembership.objects.create(committee=committees["secret"], user=cast.analyst)
    assert "discret" in names(cast.analyst)


def test_committee_pages(client, cast, committees, shared):
    listing = client.get(reverse("committees:list")).content.decode()
    assert "Comité de la Sarthe" in listing and "Comité discret" not in listing
    assert client.get(reverse("committees:detail", args=["discret"])).status_code == 404
    # A restricted committee: its members and what it shares are for its members.
    page = client.get(reverse("committees:detail", args=["sarthe"]))
    assert page.status_code == 200
    assert page.context["members"] is None
    assert shared.title not in page.content.decode()
    client.force_login(cast.other_admin)
    assert (
        shared.title
        not in client.get(reverse("committees:detail", args=["sarthe"])).content.decode()
    )
    client.force_login(cast.member)
    page = client.get(reverse("committees:detail", args=["sarthe"]))
    assert [m.user for m in page.context["members"]] == [cast.member]
    assert shared.title in page.content.decode()
    # A public committee shows who sits on it to logged-in people, coordinators to all.
    public = client.get(reverse("committees:detail", args=["mayenne"]))
    assert [m.user for m in public.context["members"]] == [cast.other_admin]
    client.logout()
    public = client.get(reverse("committees:detail", args=["mayenne"]))
    assert public.context["members"] is None
    assert str(cast.other_admin) in public.content.decode()


def test_a_committee_resource_is_read_by_its_members_only(client, cast, shared):
    def readers(user):
        return shared in Resource.objects.readable_by(user)

    assert readers(cast.member) and readers(cast.curator) and readers(cast.admin)
    assert not readers(None) and not readers(cast.other_admin) and not readers(cast.analyst)

    def found(user):
        result = search.search_resources(user=user, query="impayés énergie")
        return [r.pk for r in result.results], result.total, result.facets["type"]

    assert found(cast.member)[0] == [shared.pk]
    assert found(cast.other_admin) == ([], 0, [])
    assert found(None) == ([], 0, [])


@pytest.mark.parametrize("persona", ["visitor", "other_admin", "analyst"])
def test_outsiders_reach_it_by_no_path(client, cast, shared, persona):
    attachment = attachments.attachment_add(
        user=cast.curator, resource=shared, uploaded=SimpleUploadedFile("cr.pdf", PDF)
    )
    user = getattr(cast, persona)
    if user is not None:
        client.force_login(user)
    detail = reverse("knowledge:resource_detail", args=[shared.slug])
    assert client.get(detail).status_code == 404
    assert client.get(f"/api/v1/resources/{shared.slug}/").status_code == 404
    api = client.get("/api/v1/resources/").json()["results"]
    assert shared.slug not in [r["slug"] for r in api]
    assert (
        client.get(reverse("knowledge:attachment_download", args=[attachment.pk])).status_code
        == 404
    )
    search_page = client.get(reverse("knowledge:search"), {"q": "impayés"})
    assert shared.title not in search_page.content.decode()
    assert shared.title not in client.get(reverse("knowledge:feed")).content.decode()
    assert shared.title not in client.get(reverse("home")).content.decode()


def test_members_reach_it(client, cast, shared):
    attachment = attachments.attachment_add(
        user=cast.curator, resource=shared, uploaded=SimpleUploadedFile("cr.pdf", PDF)
    )
    CommitteeMembership.objects.create(
        committee=shared.committee, user=cast.other_admin, role=CommitteeRole.MEMBER
    )
    client.force_login(cast.other_admin)
    page = client.get(reverse("knowledge:resource_detail", args=[shared.slug]))
    assert page.status_code == 200
    assert "Comité de la Sarthe" in page.content.decode()
    assert client.get(f"/api/v1/resources/{shared.slug}/").status_code == 200
    download = client.get(reverse("knowledge:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    # Feeds are read anonymously by feed readers: committee content never goes there.
    assert shared.title not in client.get(reverse("knowledge:feed")).content.decode()


def test_leaving_the_committee_ends_reading(client, cast, shared, committees):
    CommitteeMembership.objects.create(committee=committees["sarthe"], user=cast.org_admin)
    assert shared in Resource.objects.readable_by(cast.org_admin)
    CommitteeMembership.objects.filter(user=cast.org_admin).delete()
    # The organisation's admin still owns it (organisation), so can open it to manage it…
    client.force_login(cast.org_admin)
    assert client.get(reverse("knowledge:resource_detail", args=[shared.slug])).status_code == 200
    # …but does not read it as a committee member anywhere else.
    assert shared not in Resource.objects.readable_by(cast.org_admin)


def test_one_may_only_share_with_a_committee_one_sits_on(cast, organisation, committees):
    values = {
        "kind": ResourceKind.STUDY,
        "title": "Étude",
        "summary": "Résumé",
        "organisation": organisation,
    }
    with pytest.raises(PermissionDenied):
        services.resource_create(
            user=cast.member,
            visibility=Visibility.COMMITTEE,
            committee=committees["mayenne"],
            **values,
        )
    with pytest.raises(ValidationError):
        services.resource_create(user=cast.member, visibility=Visibility.COMMITTEE, **values)
    with pytest.raises(ValidationError):
        services.resource_create(
            user=cast.member,
            visibility=Visibility.PUBLIC,
            committee=committees["sarthe"],
            **values,
        )
    assert not Resource.objects.exists()
    resource = services.resource_create(user=cast.member, visibility=Visibility.PUBLIC, **values)
    with pytest.raises(PermissionDenied):
        services.resource_update(
            user=cast.member,
            resource=resource,
            version=1,
            visibility=Visibility.COMMITTEE,
            committee=committees["mayenne"],
        )
    resource.refresh_from_db()
    assert (resource.visibility, resource.committee, resource.version) == ("public", None, 1)


def test_the_form_offers_ones_committees_and_refuses_a_forged_one(
    client, cast, organisation, committees
):
    client.force_login(cast.member)
    form = client.get(reverse("knowledge:resource_create")).context["form"]
    assert list(form.fields["committee"].queryset) == [committees["sarthe"]]
    data = {
        "kind": ResourceKind.STUDY,
        "title": "Étude",
        "summary": "Résumé",
        "body": "",
        "organisation": organisation.pk,
        "visibility": Visibility.COMMITTEE,
        "committee": committees["mayenne"].pk,
    }
    forged = client.post(reverse("knowledge:resource_create"), data)
    assert forged.status_code == 200 and "committee" in forged.context["form"].errors
    missing = client.post(reverse("knowledge:resource_create"), {**data, "committee": ""})
    assert "committee" in missing.context["form"].errors
    assert not Resource.objects.exists()
    created = client.post(
        reverse("knowledge:resource_create"), {**data, "committee": committees["sarthe"].pk}
    )
    assert created.status_code == 302
    resource = Resource.objects.get()
    assert (resource.visibility, resource.committee) == (Visibility.COMMITTEE, committees["sarthe"])
    # Another visibility drops the committee.
    public = client.post(
        reverse("knowledge:resource_create"),
        {
            **data,
            "title": "Autre",
            "visibility": Visibility.PUBLIC,
            "committee": committees["sarthe"].pk,
        },
    )
    assert public.status_code == 302
    assert Resource.objects.get(title="Autre").committee is None


def test_portrait_and_explorer_panel_show_committees_and_shared_resources(
    client, cast, small_geography, shared, committees
):
    committees["sarthe"].territory = small_geography["departement"]
    committees["sarthe"].save()
    shared.territories.set([small_geography["epci_a"]])
    panel = reverse("territories:map_territory_panel", args=["commune", "98001"])
    page = client.get(panel).content.decode()
    assert "Comité de la Sarthe" in page and shared.title not in page
    client.force_login(cast.member)
    page = client.get(panel).content.decode()
    assert "Comité de la Sarthe" in page and shared.title in page
    portrait = client.get(small_geography["98001"].get_absolute_url()).content.decode()
    assert "Comité de la Sarthe" in portrait and shared.title in portrait
    assert (
        client.get(reverse("territories:map_territory_panel", args=["x", "1"])).status_code == 404
    )
    missing = reverse("territories:map_territory_panel", args=["commune", "00000"])
    assert client.get(missing).status_code == 404


def test_portraits_show_the_latest_threads_of_public_committees_only(
    client, cast, small_geography, committees
):
    from portal.committees.forums import services as forums

    for committee in committees.values():
        committee.territory = small_geography["departement"]
        committee.save()
    CommitteeMembership.objects.create(committee=committees["secret"], user=cast.member)
    for number in range(4):
        forums.thread_create(
            user=cast.other_admin,
            committee=committees["mayenne"],
            title=f"Sujet public {number}",
            body="Texte",
        )
    forums.thread_create(
        user=cast.member, committee=committees["sarthe"], title="Sujet réservé", body="Texte"
    )
    forums.thread_create(
        user=cast.member, committee=committees["secret"], title="Sujet discret", body="Texte"
    )
    panel = reverse("territories:map_territory_panel", args=["commune", "98001"])
    for reader in (None, cast.member):
        if reader:
            client.force_login(reader)
        for address in (panel, small_geography["98001"].get_absolute_url()):
            page = client.get(address).content.decode()
            # The three latest of the public committee; nothing of the others, even to members.
            assert "Sujet public 3" in page and "Sujet public 1" in page
            assert "Sujet public 0" not in page
            assert "Sujet réservé" not in page and "Sujet discret" not in page


def test_explorer_panel_query_count_does_not_grow(
    client, cast, small_geography, organisation, django_assert_max_num_queries
):
    for number in range(12):
        resource = Resource.objects.create(
            kind=ResourceKind.STUDY,
            title=f"Étude {number}",
            slug=f"etude-{number}",
            summary="Résumé",
            status="published",
        )
        resource.territories.set([small_geography["epci_a"]])
        committee = Committee.objects.create(
            name=f"Comité {number}", slug=f"c-{number}", territory=small_geography["epci_a"]
        )
        CommitteeMembership.objects.create(committee=committee, user=cast.member)
    client.force_login(cast.member)
    # The public committees' latest threads: one query for all of them; their next public
    # meetings: one more; the observatory's « besoins / ressources » section, two.
    with django_assert_max_num_queries(14):
        page = client.get(reverse("territories:map_territory_panel", args=["commune", "98001"]))
    assert page.content.decode().count("Comité ") >= 12


def test_committee_pages_query_counts_do_not_grow(
    client, cast, committees, shared, django_assert_max_num_queries
):
    for number in range(15):
        committee = Committee.objects.create(name=f"Comité {number:02}", slug=f"c-{number}")
        CommitteeMembership.objects.create(committee=committee, user=UserFactory())
        CommitteeMembership.objects.create(committee=committees["sarthe"], user=UserFactory())
    client.force_login(cast.member)
    loaded_region()  # every page's header: read once, then cached
    # The first page a person sees in five minutes records that they are on the portal.
    with django_assert_max_num_queries(7):
        listing = client.get(reverse("committees:list"))
    assert listing.content.decode().count("Comité ") >= 17
    # The page also shows the latest threads, each member's organisations, and the upcoming
    # and past meetings (one query each).
    with django_assert_max_num_queries(16):
        page = client.get(reverse("committees:detail", args=["sarthe"]))
    assert len(page.context["members"]) == 16
