"""An organisation's establishments: who reads and who changes them, every refusal (nothing
changed), the commune typed as a name or a code, closing, the observatory home's part, and
the list's pinned query count."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from stdnum import luhn

from observatory.establishments import services
from observatory.establishments.models import Establishment
from observatory.establishments.selectors import commune_resolve
from observatory.returns.models import Return
from portal.accounts.choices import MembershipRole
from territories.choices import Level
from territories.geography.models import Territory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.observatory.conftest import SIRETS

pytestmark = pytest.mark.django_db

NEW_SIRET = SIRETS[3]  # valid, held by no establishment of the fixtures


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(response):
    return response.content.decode()


def list_url(organisation):
    return reverse("observatory:establishment_list", args=[organisation.slug])


def create_url(organisation):
    return reverse("observatory:establishment_create", args=[organisation.slug])


def edit_url(establishment):
    return reverse("observatory:establishment_edit", args=[establishment.pk])


def siret_for(n):
    """A valid SIRET (Luhn check digit) unlike any of the fixtures'."""
    base = f"8{n:012d}"
    return base + luhn.calc_check_digit(base)


def form_data(reference, **changes):
    data = {
        "name": "Maison d'enfants Les Pins",
        "siret": NEW_SIRET,
        "commune": "Chaumont",
        "sector": reference.child.pk,
        "employer_kind": reference.association.pk,
    }
    data.update(changes)
    return data


def edit_data(establishment, **changes):
    data = {
        "name": establishment.name,
        "siret": establishment.siret,
        "commune": establishment.commune.code,
        "sector": establishment.sector_id,
        "employer_kind": establishment.employer_kind_id,
        "closed_on": "",
    }
    data.update(changes)
    return data


def snapshot():
    return list(Establishment.objects.order_by("pk").values())


# --- reading the list ---------------------------------------------------------------------


class TestList:
    @pytest.mark.parametrize("persona", ["member", "org_admin", "admin"])
    def test_members_and_administrators_read_it(self, cast, establishments, persona):
        response = client_for(getattr(cast, persona)).get(
            list_url(establishments.home.organisation)
        )
        assert response.status_code == 200
        html = page(response)
        assert "Foyer des Tilleuls" in html and "Service d&#x27;aide à domicile du Maine" in html
        # Each row: SIRET, commune with its EPCI and département, sector, kind, status.
        assert SIRETS[0] in html and "Aubert (98001)" in html
        assert "CC Alpha" in html and "Département test" in html
        assert "Protection de l" in html and "Association" in html
        assert "CCAS de Dampierre" not in html  # the other organisation's

    @pytest.mark.parametrize("persona", ["other_admin", "curator", "analyst"])
    def test_others_are_refused(self, cast, establishments, persona):
        response = client_for(getattr(cast, persona)).get(
            list_url(establishments.home.organisation)
        )
        assert response.status_code == 403

    def test_a_visitor_is_sent_to_log_in(self, establishments):
        url = list_url(establishments.home.organisation)
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert url in response["Location"]

    def test_unknown_organisation(self, cast):
        response = client_for(cast.admin).get(
            reverse("observatory:establishment_list", args=["nobody"])
        )
        assert response.status_code == 404

    def test_only_those_who_manage_see_the_links_to_change(self, cast, establishments):
        url = list_url(establishments.home.organisation)
        links = [create_url(establishments.home.organisation), edit_url(establishments.home)]
        member_html = page(client_for(cast.member).get(url))
        admin_html = page(client_for(cast.org_admin).get(url))
        assert not any(link in member_html for link in links)
        assert all(link in admin_html for link in links)

    def test_a_closed_establishment_says_so(self, cast, establishments):
        establishments.care.closed_on = datetime.date(2024, 6, 30)
        establishments.care.save(update_fields=["closed_on"])
        html = page(client_for(cast.member).get(list_url(establishments.care.organisation)))
        assert "Fermé le 30 juin 2024" in html
        assert "Ouvert" in html  # the other one

    def test_demo_establishments_say_they_are_fictitious(self, cast, establishments):
        url = list_url(establishments.home.organisation)
        assert "Données fictives" not in page(client_for(cast.member).get(url))
        Establishment.objects.filter(pk=establishments.home.pk).update(is_demo=True)
        assert "Données fictives de démonstration" in page(client_for(cast.member).get(url))

    def test_query_count_does_not_grow_with_the_establishments(
        self, cast, establishments, small_geography, reference, django_assert_max_num_queries
    ):
        client = client_for(cast.member)
        url = list_url(establishments.home.organisation)
        client.get(url)  # session and caches warmed
        with CaptureQueriesContext(connection) as two:
            assert client.get(url).status_code == 200
        for n in range(8):
            Establishment.objects.create(
                organisation=establishments.home.organisation,
                name=f"Antenne {n}",
                siret=siret_for(n),
                commune=small_geography[f"9800{n % 5 + 1}"],
                sector=reference.elderly,
                employer_kind=reference.ccas,
            )
        with django_assert_max_num_queries(len(two)):
            response = client.get(url)
        assert page(response).count("Antenne ") == 8
        with django_assert_max_num_queries(8):
            client.get(url)


# --- declaring ----------------------------------------------------------------------------


class TestCreate:
    def test_an_organisation_admin_declares_one(self, cast, establishments, reference):
        organisation = establishments.home.organisation
        client = client_for(cast.org_admin)
        response = client.post(
            create_url(organisation), form_data(reference, siret="552 100 554 00013")
        )
        assert response.status_code == 302
        assert response["Location"] == list_url(organisation)
        created = Establishment.objects.get(siret=NEW_SIRET)  # spaces dropped
        assert created.organisation == organisation
        assert created.commune.code == "98003"
        assert (created.sector, created.employer_kind) == (reference.child, reference.association)
        assert created.closed_on is None and not created.is_demo
        html = page(client.get(list_url(organisation)))
        assert "Maison d&#x27;enfants Les Pins a été déclaré" in html

    def test_a_portal_administrator_declares_one_for_any_organisation(
        self, cast, establishments, reference
    ):
        organisation = establishments.other.organisation
        response = client_for(cast.admin).post(create_url(organisation), form_data(reference))
        assert response.status_code == 302
        assert Establishment.objects.get(siret=NEW_SIRET).organisation == organisation

    def test_the_form_shows_to_an_admin(self, cast, establishments):
        response = client_for(cast.org_admin).get(create_url(establishments.home.organisation))
        html = page(response)
        assert response.status_code == 200
        assert 'for="id_commune"' in html and 'name="siret"' in html
        assert 'name="closed_on"' not in html  # closing is for an existing one

    @pytest.mark.parametrize("persona", ["member", "other_admin", "curator", "analyst"])
    def test_a_forged_post_by_anyone_else_changes_nothing(
        self, cast, establishments, reference, persona
    ):
        before = snapshot()
        client = client_for(getattr(cast, persona))
        url = create_url(establishments.home.organisation)
        assert client.get(url).status_code == 403
        assert client.post(url, form_data(reference)).status_code == 403
        assert snapshot() == before

    def test_a_visitor_is_sent_to_log_in(self, establishments, reference):
        response = Client().post(create_url(establishments.home.organisation), form_data(reference))
        assert response.status_code == 302
        assert not Establishment.objects.filter(siret=NEW_SIRET).exists()

    def test_a_siret_with_a_wrong_check_digit(self, cast, establishments, reference):
        before = snapshot()
        response = client_for(cast.org_admin).post(
            create_url(establishments.home.organisation),
            form_data(reference, siret="73282932000075"),
        )
        assert response.status_code == 200
        assert "73282932000075 n’est pas un numéro SIRET valide" in page(response)
        assert snapshot() == before

    def test_a_siret_another_establishment_has(self, cast, establishments, reference):
        # The other organisation's: the message must not tell whose it is.
        before = snapshot()
        response = client_for(cast.org_admin).post(
            create_url(establishments.home.organisation),
            form_data(reference, siret=establishments.other.siret),
        )
        html = page(response)
        assert response.status_code == 200
        assert "Un autre établissement est déjà déclaré avec ce SIRET" in html
        assert "Dampierre" not in html and "Entraide" not in html
        assert snapshot() == before

    def test_an_unknown_commune(self, cast, establishments, reference):
        before = snapshot()
        response = client_for(cast.org_admin).post(
            create_url(establishments.home.organisation),
            form_data(reference, commune="Zanzibar"),
        )
        assert response.status_code == 200
        assert "Aucune commune ne correspond à « Zanzibar »" in page(response)
        assert snapshot() == before

    def test_an_ambiguous_commune_lists_the_choices(
        self, cast, establishments, reference, small_geography
    ):
        other_dep = Territory.objects.create(
            level=Level.DEPARTEMENT, code="97", name="Autre département", population=10
        )
        twin = Territory.objects.create(
            level=Level.COMMUNE, code="97001", name="Bellecombe", departement=other_dep
        )
        client = client_for(cast.org_admin)
        url = create_url(establishments.home.organisation)
        before = snapshot()
        response = client.post(url, form_data(reference, commune="bellecombe"))
        html = page(response)
        assert response.status_code == 200
        assert "correspond à plusieurs communes" in html
        assert "Bellecombe (98002)" in html and "Bellecombe (97001)" in html
        assert "Autre département" in html and "Département test" in html
        assert snapshot() == before
        # Typed back as shown, the choice is taken.
        response = client.post(url, form_data(reference, commune="Bellecombe (97001)"))
        assert response.status_code == 302
        assert Establishment.objects.get(siret=NEW_SIRET).commune == twin

    def test_a_postal_code_shared_by_communes_is_ambiguous(self, cast, establishments, reference):
        response = client_for(cast.org_admin).post(
            create_url(establishments.home.organisation),
            form_data(reference, commune="98100"),
        )
        assert "correspond à plusieurs communes" in page(response)
        assert not Establishment.objects.filter(siret=NEW_SIRET).exists()


class TestCommuneResolve:
    @pytest.mark.parametrize(
        "typed, code",
        [
            ("98005", "98005"),
            ("epinay", "98005"),
            ("  ÉPINAY ", "98005"),
            ("Épinay (98005)", "98005"),
            ("Chaum", "98003"),  # one commune only contains it
        ],
    )
    def test_one_commune(self, small_geography, typed, code):
        assert commune_resolve(typed).commune.code == code

    def test_nothing_typed_or_unknown(self, small_geography):
        for typed in ["", "   ", "Zanzibar", "12345"]:
            match = commune_resolve(typed)
            assert match.commune is None and match.choices == []

    def test_only_communes(self, small_geography):
        # « Alpha » is an EPCI's name, « 98 » a département's code: neither is a commune.
        assert commune_resolve("CC Alpha").commune is None
        assert commune_resolve("98").commune is None

    def test_many_candidates_are_capped(self, small_geography):
        for n in range(12):
            Territory.objects.create(level=Level.COMMUNE, code=f"960{n:02d}", name=f"Val-{n}")
        match = commune_resolve("val")
        assert match.commune is None and len(match.choices) == 10 and match.more


# --- editing and closing --------------------------------------------------------------------


class TestEdit:
    def test_an_organisation_admin_corrects_one(self, cast, establishments, reference):
        establishment = establishments.home
        client = client_for(cast.org_admin)
        form = page(client.get(edit_url(establishment)))
        assert 'value="Aubert (98001)"' in form  # the commune as it will be read back
        response = client.post(
            edit_url(establishment),
            edit_data(
                establishment,
                name="Foyer des Tilleuls (MECS)",
                commune="Aubert (98001)",
                sector=reference.elderly.pk,
                employer_kind=reference.ccas.pk,
            ),
        )
        assert response.status_code == 302
        establishment.refresh_from_db()
        assert establishment.name == "Foyer des Tilleuls (MECS)"
        assert establishment.commune.code == "98001"
        assert (establishment.sector, establishment.employer_kind) == (
            reference.elderly,
            reference.ccas,
        )

    def test_closing_keeps_the_history(self, cast, establishments, returns):
        establishment = establishments.care
        closed_on = timezone.localdate() - datetime.timedelta(days=10)
        response = client_for(cast.org_admin).post(
            edit_url(establishment), edit_data(establishment, closed_on=closed_on.isoformat())
        )
        assert response.status_code == 302
        establishment.refresh_from_db()
        assert establishment.closed_on == closed_on
        assert Return.objects.filter(establishment=establishment).exists()
        assert establishment not in Establishment.objects.active()
        # Reopened by emptying the date.
        client_for(cast.org_admin).post(edit_url(establishment), edit_data(establishment))
        establishment.refresh_from_db()
        assert establishment.closed_on is None

    def test_closing_in_the_future_is_refused(self, cast, establishments):
        establishment = establishments.care
        later = timezone.localdate() + datetime.timedelta(days=1)
        response = client_for(cast.org_admin).post(
            edit_url(establishment), edit_data(establishment, closed_on=later.isoformat())
        )
        assert "ne peut pas être dans le futur" in page(response)
        establishment.refresh_from_db()
        assert establishment.closed_on is None

    def test_keeping_its_own_siret_is_not_a_duplicate(self, cast, establishments):
        establishment = establishments.home
        response = client_for(cast.org_admin).post(
            edit_url(establishment), edit_data(establishment, name="Nouveau nom")
        )
        assert response.status_code == 302

    def test_taking_another_establishments_siret_is_refused(self, cast, establishments):
        before = snapshot()
        response = client_for(cast.org_admin).post(
            edit_url(establishments.home),
            edit_data(establishments.home, siret=establishments.care.siret),
        )
        assert "Un autre établissement est déjà déclaré avec ce SIRET" in page(response)
        assert snapshot() == before

    @pytest.mark.parametrize("persona", ["other_admin", "member", "analyst"])
    def test_anyone_else_is_refused(self, cast, establishments, persona):
        establishment = establishments.home
        before = snapshot()
        client = client_for(getattr(cast, persona))
        assert client.get(edit_url(establishment)).status_code == 403
        response = client.post(edit_url(establishment), edit_data(establishment, name="Pris"))
        assert response.status_code == 403
        assert snapshot() == before

    def test_a_portal_administrator_edits_any(self, cast, establishments):
        response = client_for(cast.admin).post(
            edit_url(establishments.other), edit_data(establishments.other, name="CCAS (centre)")
        )
        assert response.status_code == 302
        establishments.other.refresh_from_db()
        assert establishments.other.name == "CCAS (centre)"

    def test_unknown_establishment(self, cast, establishments):
        url = reverse("observatory:establishment_edit", args=[999999])
        assert client_for(cast.admin).get(url).status_code == 404


# --- services, whoever calls them ---------------------------------------------------------


class TestServices:
    def test_create_checks_the_permission(self, cast, establishments, reference):
        with pytest.raises(PermissionDenied):
            services.establishment_create(
                organisation=establishments.home.organisation,
                user=cast.member,
                name="X",
                siret=NEW_SIRET,
                commune=establishments.home.commune,
                sector=reference.child,
                employer_kind=reference.association,
            )
        assert not Establishment.objects.filter(siret=NEW_SIRET).exists()

    def test_update_checks_the_siret(self, cast, establishments):
        establishment = establishments.home
        with pytest.raises(ValidationError) as error:
            services.establishment_update(
                establishment=establishment,
                user=cast.org_admin,
                name=establishment.name,
                siret="12345678901234",
                commune=establishment.commune,
                sector=establishment.sector,
                employer_kind=establishment.employer_kind,
            )
        assert "siret" in error.value.error_dict
        establishment.refresh_from_db()
        assert establishment.siret == SIRETS[0]

    def test_a_demo_organisations_establishments_are_demo(self, cast, establishments, reference):
        organisation = establishments.home.organisation
        organisation.is_demo = True
        organisation.save(update_fields=["is_demo"])
        created = services.establishment_create(
            organisation=organisation,
            user=cast.org_admin,
            name="Antenne",
            siret=NEW_SIRET,
            commune=establishments.home.commune,
            sector=reference.child,
            employer_kind=reference.association,
        )
        assert created.is_demo


# --- the observatory home's part ----------------------------------------------------------


class TestHome:
    def test_it_lists_the_organisations_a_person_acts_for(self, cast, establishments):
        # The delegate also acts for the other organisation, which has one establishment.
        MembershipFactory(
            user=cast.member,
            organisation=establishments.other.organisation,
            role=MembershipRole.DELEGATE,
        )
        html = page(client_for(cast.member).get(reverse("observatory:home")))
        assert "Vos établissements" in html
        assert list_url(establishments.home.organisation) in html
        assert list_url(establishments.other.organisation) in html
        assert "2 établissements déclarés" in html and "1 établissement déclaré" in html

    def test_an_organisation_without_establishment_counts_zero(self, cast, establishments):
        empty = OrganisationFactory(name="Association sans site")
        person = UserFactory(email="seul@exemple.test")
        MembershipFactory(user=person, organisation=empty, role=MembershipRole.ADMIN)
        html = page(client_for(person).get(reverse("observatory:home")))
        assert list_url(empty) in html and "0 établissement déclaré" in html

    @pytest.mark.parametrize("persona", ["visitor", "analyst", "admin"])
    def test_nothing_for_those_who_act_for_no_organisation(self, cast, establishments, persona):
        html = page(client_for(getattr(cast, persona)).get(reverse("observatory:home")))
        assert "Vos établissements" not in html

    def test_one_query_however_many_organisations(self, cast, establishments):
        for n in range(4):
            MembershipFactory(user=cast.member, organisation=OrganisationFactory(name=f"O{n}"))
        with CaptureQueriesContext(connection) as queries:
            html = render_to_string("observatory/_home_establishments.html", {"user": cast.member})
        assert len(queries) == 1
        assert html.count("<li>") == 5
