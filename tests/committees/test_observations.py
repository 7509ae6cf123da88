"""Field observations: a member raises one about a territory of the committee, a coordinator
validates it (or asks for precision, or discards it), and it stands among the territories'
weak signals and on the portrait, reviewed by analysts; outside territories, outsiders and
private committees are refused or kept out, the kept pages included."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts.notifications.models import Notification
from portal.committees.choices import ObservationStatus
from portal.committees.models import Committee, CommitteeMembership
from portal.committees.observations import services
from portal.committees.observations.models import FieldObservation, FieldObservationReview
from portal.committees.observations.services import Decision
from portal.knowledge.reference.models import Theme
from territories.choices import Level, SignalStatus
from territories.geography.models import Territory
from territories.signals import selectors as signal_selectors
from tests.territories.pipeline.test_pipeline import put
from tests.territories.signals.conftest import published_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme(db):
    return Theme.objects.create(name="Précarité énergétique", slug="precarite-energetique")


@pytest.fixture
def geo(small_geography):
    """The small région's département, and a commune of another département."""
    other = Territory.objects.create(
        level=Level.DEPARTEMENT,
        code="97",
        name="Autre département",
        region=small_geography["region"],
    )
    small_geography["outside"] = Territory.objects.create(
        level=Level.COMMUNE, code="97001", name="Lointaine", departement=other
    )
    return small_geography


@pytest.fixture
def committees(trio, geo):
    """The three committees of tests/committees/conftest.py, on the département."""
    Committee.objects.filter(pk__in=[trio.public.pk, trio.restricted.pk, trio.private.pk]).update(
        territory=geo["departement"]
    )
    for committee in (trio.public, trio.restricted, trio.private):
        committee.refresh_from_db()
    return trio


def form_data(place, theme, **fields):
    return {
        "territory": str(place.pk),
        "theme": str(theme.pk),
        "description": "Des retraités seuls demandent de l'aide pour leurs factures d'énergie.",
        "observed_since": "2026-01-01",
        "people_concerned": "40",
        **fields,
    }


def raised(cast, committee, territory, theme, text="Des impayés d'énergie en hausse."):
    return services.observation_raise(
        user=cast.member,
        committee=committee,
        territory=territory,
        theme=theme,
        description=text,
        observed_since=date(2026, 1, 1),
        people_concerned=12,
    )


def validated(cast, committee, territory, theme, text="Des impayés d'énergie en hausse."):
    observation = raised(cast, committee, territory, theme, text)
    return services.observation_decide(
        user=cast.org_admin, observation=observation, decision=Decision.VALIDATE
    )


def page(client, address, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(address)
    return response.status_code, response.content.decode()


def test_a_member_raises_the_coordinator_validates_and_it_joins_the_signals(
    client, cast, committees, geo, theme
):
    committee = committees.public
    client.force_login(cast.member)
    new = reverse("committees:observation_create", args=[committee.slug])
    form = client.get(new).content.decode()
    # The committee's territory and those inside it are offered, nothing else.
    for code in ("98001", "epci_a", "departement"):
        assert f'<option value="{geo[code].pk}">{geo[code].name}</option>' in form
    for code in ("outside", "region"):
        assert f"{geo[code].name}</option>" not in form

    response = client.post(new, form_data(geo["98001"], theme))
    observation = FieldObservation.objects.get()
    assert response.status_code == 302 and response.url == observation.get_absolute_url()
    assert observation.status == ObservationStatus.SUBMITTED
    assert observation.author == cast.member and observation.people_concerned == 40
    told = Notification.objects.get(kind=services.OBSERVATIONS)
    assert told.recipient == cast.org_admin and told.path == observation.get_absolute_url()
    assert "Mina Membre" in told.body and "Aubert" in told.body
    # Not a signal before a coordinator validates it.
    assert "Lointaine" not in page(client, "/territoires/signaux/")[1]
    assert "Des retraités seuls" not in page(client, "/territoires/signaux/")[1]

    client.force_login(cast.org_admin)
    detail = client.get(observation.get_absolute_url()).content.decode()
    assert "Enregistrer la décision" in detail
    decide = reverse("committees:observation_decide", args=[committee.slug, observation.pk])
    assert client.post(decide, {"decision": "validate"}).status_code == 302
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.VALIDATED and observation.validated_at
    decision = Notification.objects.get(kind=services.OBSERVATION_DECISIONS)
    assert decision.recipient == cast.member and "validée" in decision.title

    for reader in (None, cast.other_admin):
        status, html = page(client, "/territoires/signaux/", reader)
        assert status == 200
        assert "Observation de terrain" in html and "Des retraités seuls" in html
        assert "Comité ouvert" in html and "Aubert" in html
    status, portrait = page(client, geo["98001"].get_absolute_url())
    assert "Observé sur le terrain" in portrait and "Des retraités seuls" in portrait
    assert observation.get_absolute_url() in portrait
    # Only on its own territory's portrait.
    assert "Des retraités seuls" not in page(client, geo["98002"].get_absolute_url())[1]


def test_an_observation_outside_the_committee_territory_is_refused(
    client, cast, committees, geo, theme
):
    committee = committees.public
    client.force_login(cast.member)
    new = reverse("committees:observation_create", args=[committee.slug])
    response = client.post(new, form_data(geo["outside"], theme))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Lointaine est en dehors du territoire du comité (Département test)" in html
    # Above the committee's territory is outside too.
    html = client.post(new, form_data(geo["region"], theme)).content.decode()
    assert "Région test est en dehors du territoire du comité" in html
    assert not FieldObservation.objects.exists()
    assert not Notification.objects.exists()
    with pytest.raises(ValidationError) as refused:
        raised(cast, committee, geo["outside"], theme)
    assert "territory" in refused.value.message_dict
    # A committee without a territory observes none.
    committee.territory = None
    committee.save(update_fields=["territory"])
    html = client.post(new, form_data(geo["98001"], theme)).content.decode()
    assert "Ce comité n’a pas encore de territoire" in html
    assert not FieldObservation.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": "   "}, "Ce champ est obligatoire."),
        ({"description": "x" * 5001}, "5000 caractères"),
        ({"observed_since": (timezone.localdate() + timedelta(days=2)).isoformat()}, "futur"),
        ({"people_concerned": "0"}, "supérieure ou égale à 1"),
        ({"territory": "999999"}, "Choisissez un territoire dans la liste."),
        ({"territory": "abc"}, "Choisissez un territoire dans la liste."),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    client, cast, committees, geo, theme, fields, message
):
    client.force_login(cast.member)
    new = reverse("committees:observation_create", args=[committees.public.slug])
    response = client.post(new, form_data(geo["98001"], theme, **fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FieldObservation.objects.exists()


def test_the_service_refuses_what_the_form_would_not_catch(cast, committees, geo, theme):
    """Whoever calls it (a view, a command, the API later), the service checks again."""
    for fields, field in [
        ({"description": "  \n "}, "description"),
        ({"observed_since": timezone.localdate() + timedelta(days=1)}, "observed_since"),
        ({"people_concerned": 0}, "people_concerned"),
        ({"territory": None}, "territory"),
    ]:
        arguments = {
            "user": cast.member,
            "committee": committees.public,
            "territory": geo["98001"],
            "theme": theme,
            "description": "Vu.",
            "observed_since": date(2026, 1, 1),
            **fields,
        }
        with pytest.raises(ValidationError) as refused:
            services.observation_raise(**arguments)
        assert field in refused.value.message_dict
    assert not FieldObservation.objects.exists()


def test_a_non_member_cannot_raise(client, cast, committees, geo, theme):
    data = form_data(geo["98001"], theme)
    client.force_login(cast.other_admin)
    for committee, status in ((committees.public, 403), (committees.private, 404)):
        new = reverse("committees:observation_create", args=[committee.slug])
        assert client.post(new, data).status_code == status
    client.logout()
    new = reverse("committees:observation_create", args=[committees.public.slug])
    assert client.post(new, data).status_code == 302  # to the login page
    with pytest.raises(PermissionDenied):
        services.observation_raise(
            user=cast.other_admin,
            committee=committees.public,
            territory=geo["98001"],
            theme=theme,
            description="Vu.",
            observed_since=date(2026, 1, 1),
        )
    # A suspended member neither.
    CommitteeMembership.objects.filter(committee=committees.public, user=cast.member).update(
        suspended_until=timezone.now() + timedelta(days=3)
    )
    client.force_login(cast.member)
    assert client.post(new, data).status_code == 403
    assert not FieldObservation.objects.exists()


def test_a_non_coordinator_cannot_decide(client, cast, committees, geo, theme):
    observation = raised(cast, committees.public, geo["98001"], theme)
    decide = reverse("committees:observation_decide", args=[committees.public.slug, observation.pk])
    # The author (a member) sees it but may not decide; others do not even see it pending.
    for person, status in ((cast.member, 403), (cast.other_admin, 404), (cast.analyst, 404)):
        client.force_login(person)
        assert client.post(decide, {"decision": "validate"}).status_code == status
    client.logout()
    assert client.post(decide, {"decision": "validate"}).status_code == 302
    with pytest.raises(PermissionDenied):
        services.observation_decide(
            user=cast.member, observation=observation, decision=Decision.VALIDATE
        )
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.SUBMITTED
    assert "Des impayés" not in page(client, "/territoires/signaux/")[1]


def test_precision_asked_then_given_and_validated(client, cast, committees, geo, theme):
    committee = committees.public
    observation = raised(cast, committee, geo["98001"], theme)
    client.force_login(cast.org_admin)
    decide = reverse("committees:observation_decide", args=[committee.slug, observation.pk])
    response = client.post(decide, {"decision": "precision", "message": ""}, follow=True)
    assert "Dites quelle précision" in response.content.decode()
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.SUBMITTED
    client.post(decide, {"decision": "precision", "message": "Depuis quand exactement ?"})
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.NEEDS_PRECISION
    asked = Notification.objects.get(kind=services.OBSERVATION_DECISIONS)
    assert asked.recipient == cast.member and "Depuis quand exactement ?" in asked.body

    edit = reverse("committees:observation_edit", args=[committee.slug, observation.pk])
    assert client.get(edit).status_code == 403  # the coordinator is not its author
    client.force_login(cast.member)
    html = client.get(edit).content.decode()
    assert "Depuis quand exactement ?" in html
    # Completing it keeps to the committee's territories.
    response = client.post(edit, form_data(geo["outside"], theme))
    assert response.status_code == 400 and "en dehors du territoire" in response.content.decode()
    client.post(edit, form_data(geo["98002"], theme, observed_since="2025-11-01"))
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.SUBMITTED
    assert observation.territory == geo["98002"] and observation.observed_since == date(2025, 11, 1)
    assert Notification.objects.filter(kind=services.OBSERVATIONS).count() == 2

    services.observation_decide(
        user=cast.org_admin, observation=observation, decision=Decision.VALIDATE
    )
    # Decided: its author can no longer change it, and a decision does not apply twice.
    assert client.post(edit, form_data(geo["98003"], theme)).status_code == 302
    observation.refresh_from_db()
    assert observation.territory == geo["98002"]
    with pytest.raises(ValidationError):
        services.observation_decide(
            user=cast.org_admin, observation=observation, decision=Decision.PRECISION
        )
    services.observation_decide(
        user=cast.org_admin, observation=observation, decision=Decision.DISCARD, message="Doublon."
    )
    with pytest.raises(ValidationError):
        services.observation_decide(
            user=cast.org_admin, observation=observation, decision=Decision.VALIDATE
        )
    # Discarded: off the signals again.
    assert "Des impayés" not in page(client, "/territoires/signaux/")[1]


def test_what_each_reader_of_a_committee_lists(client, cast, committees, geo, theme):
    committee = committees.public
    mine = raised(cast, committee, geo["98001"], theme, "En attente, la mienne.")
    shown = validated(cast, committee, geo["98002"], theme, "Validée pour tous.")
    address = reverse("committees:observations", args=[committee.slug])
    html = page(client, address, cast.member)[1]
    assert "En attente, la mienne." in html and "Validée pour tous." in html
    html = page(client, address, cast.org_admin)[1]
    assert "1 observation attend votre décision" in html
    html = page(client, address, cast.other_admin)[1]
    assert "En attente, la mienne." not in html and "Validée pour tous." in html
    assert page(client, mine.get_absolute_url(), cast.other_admin)[0] == 404
    status, html = page(client, shown.get_absolute_url())
    # Outsiders read the committee's name, not who raised it.
    assert status == 200 and "Mina Membre" not in html and "Comité ouvert" in html
    assert "Mina Membre" in page(client, shown.get_absolute_url(), cast.org_admin)[1]
    # The committee's page leads to them.
    html = page(client, committee.get_absolute_url(), cast.member)[1]
    assert address in html and reverse("committees:observation_create", args=["ouvert"]) in html


def test_private_committees_observations_never_leak(client, cast, committees, geo, theme):
    validated(cast, committees.public, geo["98001"], theme, "Observation publique.")
    validated(cast, committees.restricted, geo["98002"], theme, "Observation réservée.")
    secret = validated(cast, committees.private, geo["98003"], theme, "Observation secrète.")
    everywhere = [
        "/territoires/signaux/",
        "/territoires/signaux/?rule=field",
        geo["98003"].get_absolute_url(),
        geo["departement"].get_absolute_url(),
        reverse("knowledge:search") + "?q=secrète",
        reverse("knowledge:search") + "?q=secrète&dans=discussions",
        "/api/v1/signals/",
    ]
    for reader in (None, cast.other_admin, cast.curator, cast.analyst, cast.admin):
        for address in everywhere:
            assert "Observation secrète" not in page(client, address, reader)[1], (reader, address)
        for address in (
            secret.get_absolute_url(),
            reverse("committees:observations", args=[committees.private.slug]),
        ):
            assert page(client, address, reader)[0] in (302, 404), (reader, address)
    # Readers of the restricted committee's: its members, curators and analysts.
    for reader, sees in ((None, False), (cast.other_admin, False), (cast.curator, True)):
        html = page(client, "/territoires/signaux/", reader)[1]
        assert ("Observation réservée" in html) is sees
        assert "Observation publique" in html
    html = page(client, "/territoires/signaux/", cast.analyst)[1]
    assert "Observation réservée" in html
    # Its members see all three, on the list and on the portrait.
    html = page(client, "/territoires/signaux/", cast.member)[1]
    assert all(f"Observation {word}" in html for word in ("publique", "réservée", "secrète"))
    assert "Observation secrète" in page(client, geo["98003"].get_absolute_url(), cast.member)[1]
    readable = signal_selectors.flagged_territories(user=cast.other_admin)
    assert [item.territory.code for item in readable] == ["98001"]


@pytest.mark.usefixtures("redis_available")
def test_kept_pages_never_show_a_private_observation_to_another_reader(
    client, cast, committees, geo, theme, settings
):
    """The signals list and the portraits are kept per audience (portal.pagecache): a
    member of the private committee and someone else never share them."""
    settings.PAGE_CACHE_TTL = 300
    validated(cast, committees.private, geo["98003"], theme, "Observation secrète.")
    # Another seat on a public committee does not split the audience; a private one does.
    stranger = cast.other_admin
    for address in ("/territoires/signaux/", geo["98003"].get_absolute_url()):
        client.force_login(cast.member)
        assert "Observation secrète" in client.get(address).content.decode()
        with CaptureQueriesContext(connection) as again:
            assert "Observation secrète" in client.get(address).content.decode()
        assert not any("fieldobservation" in q["sql"] for q in again.captured_queries), (
            "the member's page is kept"
        )
        for reader in (stranger, cast.curator):
            client.force_login(reader)
            assert "Observation secrète" not in client.get(address).content.decode()
        client.logout()
        assert "Observation secrète" not in client.get(address).content.decode()
    # The other way round: a page kept for the stranger is not served to the member.
    client.force_login(stranger)
    kept = "/territoires/signaux/?rule=field"
    assert "Observation secrète" not in client.get(kept).content.decode()
    client.force_login(cast.member)
    assert "Observation secrète" in client.get(kept).content.decode()


def test_a_territory_flagged_by_figures_and_field_ranks_first(client, cast, committees, geo, theme):
    put(geo, "taux-chomage-15-64", {"98001": 20.0, "98002": 16.0, "98003": 7.0}, period=2022)
    published_run()
    ranked = [item.territory.code for item in signal_selectors.flagged_territories()]
    assert ranked[:2] == ["98001", "98002"]
    validated(cast, committees.public, geo["98002"], theme)
    validated(cast, committees.public, geo["98004"], theme)  # the field alone
    flagged = signal_selectors.flagged_territories(user=cast.other_admin)
    assert [item.territory.code for item in flagged][:2] == ["98002", "98001"]
    assert flagged[0].corroborated and not flagged[1].corroborated
    assert "98004" in [item.territory.code for item in flagged]
    html = page(client, "/territoires/signaux/")[1]
    assert html.index("Bellecombe") < html.index("Aubert")
    assert "Chiffres et terrain concordent" in html
    # The rule filter keeps the field's alone, or leaves it out.
    field_only = signal_selectors.flagged_territories(rule="field")
    assert sorted(item.territory.code for item in field_only) == ["98002", "98004"]
    threshold = signal_selectors.flagged_territories(rule="threshold")
    assert "98004" not in [item.territory.code for item in threshold]


def test_analysts_review_an_observation_as_a_weak_signal(client, cast, committees, geo, theme):
    observation = validated(cast, committees.public, geo["98001"], theme)
    review = reverse("committees:observation_review", args=[committees.public.slug, observation.pk])
    prefix = f"o{observation.pk}"
    client.force_login(cast.analyst)
    listing = client.get("/territoires/signaux/").content.decode()
    assert f'name="{prefix}-status"' in listing and f'action="{review}"' in listing
    response = client.post(
        review,
        {
            f"{prefix}-status": "confirmed",
            f"{prefix}-comment": "Vu aussi par le CCAS.",
            "next": "/territoires/signaux/",
        },
    )
    assert response.status_code == 302 and response.url == "/territoires/signaux/"
    client.post(review, {f"{prefix}-status": "followed_up", f"{prefix}-comment": "Suivi."})
    observation.refresh_from_db()
    assert observation.review_status == SignalStatus.FOLLOWED_UP
    assert FieldObservationReview.objects.filter(observation=observation).count() == 2
    html = client.get(observation.get_absolute_url()).content.decode()
    assert html.index("Suivi.") < html.index("Vu aussi par le CCAS.")  # newest first
    assert "Anatole Analyste" in html
    # The review status filter of the list.
    assert signal_selectors.flagged_territories(status="followed_up")
    assert not signal_selectors.flagged_territories(status="new")
    # Nobody else reviews, and nothing unknown is recorded.
    for person in (cast.member, cast.org_admin, cast.curator):
        client.force_login(person)
        assert client.post(review, {f"{prefix}-status": "false_alarm"}).status_code == 403
    client.force_login(cast.analyst)
    client.post(review, {f"{prefix}-status": "new"})
    client.post(review, {f"{prefix}-status": "nonsense"})
    assert FieldObservationReview.objects.count() == 2
    # An observation not validated is no weak signal to review.
    pending = raised(cast, committees.public, geo["98002"], theme)
    with pytest.raises(ValidationError):
        services.observation_review(
            user=cast.analyst, observation=pending, status=SignalStatus.CONFIRMED
        )


def test_the_signals_list_reads_observations_in_constant_queries(
    client, cast, committees, geo, theme
):
    client.force_login(cast.analyst)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/territoires/signaux/").status_code == 200
        return len(queries)

    observation = validated(cast, committees.public, geo["98001"], theme)
    services.observation_review(
        user=cast.analyst, observation=observation, status=SignalStatus.CONFIRMED
    )
    count()  # the first page records the person's presence
    one = count()
    for code in ("98002", "98003", "98004", "98005"):
        validated(cast, committees.restricted, geo[code], theme)
    assert count() == one
