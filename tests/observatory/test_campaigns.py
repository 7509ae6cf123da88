"""Campaigns: who manages them, their forms' refusals (nothing created), invitations by
sector, EPCI, département or one by one (idempotent, closed establishments never invited,
members told at once when the campaign is open), withdrawing, the pages and their pinned
query counts, the observatory home's part."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from observatory import notifications
from observatory.campaigns import selectors, services
from observatory.campaigns.models import Campaign, CampaignReminder
from observatory.choices import ReminderKind, ReturnStatus
from observatory.establishments.models import Establishment
from observatory.returns.models import Return
from observatory.returns.services import LineInput, return_lines_save
from portal.accounts.notifications.models import Notification
from tests.observatory.conftest import SIRETS, good_figures

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(response):
    return response.content.decode()


@pytest.fixture
def closed(establishments, small_geography, organisation, reference):
    """A closed child-protection establishment in Chaumont (EPCI Alpha)."""
    return Establishment.objects.create(
        organisation=organisation,
        name="Ancien foyer de Chaumont",
        siret=SIRETS[3],
        commune=small_geography["98003"],
        sector=reference.child,
        employer_kind=reference.association,
        closed_on=TODAY() - datetime.timedelta(days=100),
    )


@pytest.fixture
def fresh(establishments):
    """A campaign open since yesterday that has invited no one yet: beat sent its opening
    reminder yesterday, to nobody."""
    today = TODAY()
    campaign = Campaign.objects.create(
        year=today.year - 2,
        reference_date=datetime.date(today.year - 2, 12, 31),
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=40),
    )
    CampaignReminder.objects.create(campaign=campaign, kind=ReminderKind.OPENING, recipients=0)
    return campaign


def invited(campaign):
    return set(
        Return.objects.filter(campaign=campaign).values_list("establishment__name", flat=True)
    )


def create_data(**changes):
    year = TODAY().year
    data = {
        "year": year,
        "reference_date": "",
        "opens_on": f"{year + 1}-01-15",
        "closes_on": f"{year + 1}-03-31",
        "introduction": "Merci de déclarer vos effectifs.",
    }
    data.update(changes)
    return data


# Who may


@pytest.mark.parametrize(
    "name",
    [
        "campaign_list",
        "campaign_create",
    ],
)
def test_only_administrators_reach_the_campaign_pages(cast, name):
    url = reverse(f"observatory:{name}")
    response = client_for(None).get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    for persona in ("member", "org_admin", "curator", "analyst"):
        assert client_for(getattr(cast, persona)).get(url).status_code == 403, persona
    assert client_for(cast.admin).get(url).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "campaign_detail",
        "campaign_edit",
        "campaign_invite",
        "campaign_completeness",
        "campaign_reminders_export",
    ],
)
def test_only_administrators_reach_a_campaigns_pages(cast, campaign, name):
    url = reverse(f"observatory:{name}", args=[campaign.year])
    response = client_for(None).get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    for persona in ("member", "org_admin", "other_admin", "curator", "analyst"):
        assert client_for(getattr(cast, persona)).get(url).status_code == 403, persona
    assert client_for(cast.admin).get(url).status_code == 200


def test_a_forged_post_by_a_non_administrator_creates_nothing(cast, establishments):
    response = client_for(cast.org_admin).post(
        reverse("observatory:campaign_create"), create_data()
    )
    assert response.status_code == 403
    assert not Campaign.objects.exists()
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            user=cast.member,
            year=2030,
            opens_on=datetime.date(2031, 1, 1),
            closes_on=datetime.date(2031, 2, 1),
        )
    assert not Campaign.objects.exists()


def test_a_forged_invitation_or_withdrawal_by_a_non_administrator_changes_nothing(
    cast, fresh, campaign, returns, reference
):
    url = reverse("observatory:campaign_invite", args=[fresh.year])
    data = {"by": "criteria", "step": "confirm", "sector": reference.child.pk}
    assert client_for(cast.org_admin).post(url, data).status_code == 403
    assert not Return.objects.filter(campaign=fresh).exists()
    withdraw = reverse("observatory:campaign_withdraw", args=[campaign.year, returns.home.pk])
    assert client_for(cast.org_admin).post(withdraw).status_code == 403
    assert Return.objects.filter(pk=returns.home.pk).exists()
    with pytest.raises(PermissionDenied):
        services.campaign_invite(
            campaign=fresh, user=cast.member, establishments=Establishment.objects.all()
        )
    assert not Return.objects.filter(campaign=fresh).exists()


# Creating and editing


def test_an_administrator_creates_a_campaign_on_31_december_by_default(cast):
    response = client_for(cast.admin).post(reverse("observatory:campaign_create"), create_data())
    campaign = Campaign.objects.get()
    year = TODAY().year
    assert response.status_code == 302
    assert response["Location"] == reverse("observatory:campaign_invite", args=[year])
    assert campaign.year == year
    assert campaign.reference_date == datetime.date(year, 12, 31)
    assert campaign.opens_on == datetime.date(year + 1, 1, 15)
    assert campaign.closes_on == datetime.date(year + 1, 3, 31)
    assert campaign.introduction == "Merci de déclarer vos effectifs."
    assert campaign.created_by == cast.admin


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"closes_on": "2020-01-10", "opens_on": "2020-01-20"},
            "closes_on",
            "La date de clôture doit suivre la date d’ouverture.",
        ),
        (
            {"closes_on": "2020-01-20", "opens_on": "2020-01-20"},
            "closes_on",
            "La date de clôture doit suivre la date d’ouverture.",
        ),
        (
            {"reference_date": "1999-12-31"},
            "reference_date",
            "La date de référence doit tomber dans l’année de la campagne",
        ),
        ({"year": "1800"}, "year", "supérieure ou égale à 2000"),
        ({"opens_on": "31/02/2026"}, "opens_on", "Saisissez une date valide."),
        ({"closes_on": ""}, "closes_on", "Ce champ est obligatoire."),
    ],
)
def test_bad_input_gets_a_french_message_and_creates_nothing(cast, changes, field, message):
    response = client_for(cast.admin).post(
        reverse("observatory:campaign_create"), create_data(**changes)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in page(response).replace("&#x27;", "'").replace("&rsquo;", "’")
    assert not Campaign.objects.exists()


def test_a_second_campaign_for_the_same_year_is_refused(cast, campaign):
    data = create_data(year=campaign.year)
    response = client_for(cast.admin).post(reverse("observatory:campaign_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == [
        f"Une campagne existe déjà pour {campaign.year}."
    ]
    assert Campaign.objects.count() == 1


def test_an_administrator_changes_the_dates_but_not_the_year(cast, campaign):
    url = reverse("observatory:campaign_edit", args=[campaign.year])
    closes = campaign.closes_on + datetime.timedelta(days=10)
    response = client_for(cast.admin).post(
        url,
        {
            "year": campaign.year + 5,
            "reference_date": "",
            "opens_on": campaign.opens_on.isoformat(),
            "closes_on": closes.isoformat(),
            "introduction": "Nouvelle introduction",
        },
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.closes_on == closes
    assert campaign.introduction == "Nouvelle introduction"
    assert campaign.year == TODAY().year - 1
    assert campaign.reference_date == datetime.date(campaign.year, 12, 31)


def test_editing_with_closing_before_opening_changes_nothing(cast, campaign):
    before = (campaign.opens_on, campaign.closes_on)
    response = client_for(cast.admin).post(
        reverse("observatory:campaign_edit", args=[campaign.year]),
        {
            "reference_date": campaign.reference_date.isoformat(),
            "opens_on": campaign.closes_on.isoformat(),
            "closes_on": campaign.opens_on.isoformat(),
            "introduction": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["closes_on"]
    campaign.refresh_from_db()
    assert (campaign.opens_on, campaign.closes_on) == before


# Inviting


def test_inviting_by_sector_skips_closed_establishments(cast, fresh, closed, reference):
    result = services.campaign_invite(
        campaign=fresh,
        user=cast.admin,
        establishments=selectors.invitable(sector=reference.child),
    )
    assert invited(fresh) == {"Foyer des Tilleuls"}
    assert [r.status for r in result.returns] == [ReturnStatus.NOT_STARTED]


def test_inviting_by_epci(cast, fresh, closed, small_geography):
    services.campaign_invite(
        campaign=fresh,
        user=cast.admin,
        establishments=selectors.invitable(territory=small_geography["epci_b"]),
    )
    assert invited(fresh) == {"CCAS de Dampierre"}
    services.campaign_invite(
        campaign=fresh,
        user=cast.admin,
        establishments=selectors.invitable(territory=small_geography["epci_a"]),
    )
    assert invited(fresh) == {
        "CCAS de Dampierre",
        "Foyer des Tilleuls",
        "Service d'aide à domicile du Maine",
    }


def test_inviting_by_departement_and_sector(cast, fresh, closed, small_geography, reference):
    services.campaign_invite(
        campaign=fresh,
        user=cast.admin,
        establishments=selectors.invitable(
            territory=small_geography["departement"], sector=reference.elderly
        ),
    )
    assert invited(fresh) == {"CCAS de Dampierre", "Service d'aide à domicile du Maine"}
    services.campaign_invite(
        campaign=fresh,
        user=cast.admin,
        establishments=selectors.invitable(territory=small_geography["departement"]),
    )
    assert len(invited(fresh)) == 3 and "Ancien foyer de Chaumont" not in invited(fresh)


def test_inviting_one_by_one_is_idempotent_and_never_invites_a_closed_one(
    cast, fresh, closed, establishments
):
    choice = selectors.invitable(establishment_ids=[establishments.care.pk, closed.pk])
    first = services.campaign_invite(campaign=fresh, user=cast.admin, establishments=choice)
    again = services.campaign_invite(campaign=fresh, user=cast.admin, establishments=choice)
    assert [r.establishment for r in first.returns] == [establishments.care]
    assert again.returns == [] and again.told == 0
    assert invited(fresh) == {"Service d'aide à domicile du Maine"}


def test_invited_members_of_an_open_campaign_are_told_at_once(
    cast, fresh, establishments, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.campaign_invite(
            campaign=fresh,
            user=cast.admin,
            establishments=selectors.invitable(
                establishment_ids=[establishments.home.pk, establishments.care.pk]
            ),
        )
    told = Notification.objects.filter(kind=notifications.CAMPAIGNS)
    assert result.told == 2
    assert {n.recipient for n in told} == {cast.member, cast.org_admin}
    notification = told.get(recipient=cast.member)
    assert notification.path == "/observatoire/mes-declarations/"
    assert notification.title == (
        f"Vos établissements sont invités à la campagne {fresh.year} de l’observatoire"
    )
    assert "Foyer des Tilleuls" in notification.body
    assert "Service d'aide à domicile du Maine" in notification.body
    assert "CCAS de Dampierre" not in notification.body
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.member.email, cast.org_admin.email])


def test_invited_on_the_opening_day_before_beat_they_are_told_once_by_the_opening_reminder(
    cast, establishments, django_capture_on_commit_callbacks
):
    today = TODAY()
    opening = Campaign.objects.create(
        year=today.year - 3,
        reference_date=datetime.date(today.year - 3, 12, 31),
        opens_on=today,
        closes_on=today + datetime.timedelta(days=40),
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.campaign_invite(
            campaign=opening,
            user=cast.admin,
            establishments=selectors.invitable(establishment_ids=[establishments.home.pk]),
        )
        (reminder,) = services.campaign_reminders_send(today=today)
    assert len(result.returns) == 1 and result.told == 0
    assert reminder.kind == ReminderKind.OPENING and reminder.recipients == 2
    told = Notification.objects.filter(kind=notifications.CAMPAIGNS)
    assert sorted(n.recipient.email for n in told) == [cast.member.email, cast.org_admin.email]
    assert len(mail.outbox) == 2


def test_members_are_not_told_before_the_campaign_opens(cast, fresh, establishments):
    fresh.opens_on = TODAY() + datetime.timedelta(days=5)
    fresh.save()
    result = services.campaign_invite(
        campaign=fresh, user=cast.admin, establishments=Establishment.objects.all()
    )
    assert len(result.returns) == 3 and result.told == 0
    assert not Notification.objects.filter(kind=notifications.CAMPAIGNS).exists()


def test_a_closed_campaign_invites_no_one(cast, fresh, establishments):
    fresh.opens_on = TODAY() - datetime.timedelta(days=60)
    fresh.closes_on = TODAY() - datetime.timedelta(days=1)
    fresh.save()
    with pytest.raises(ValidationError) as refused:
        services.campaign_invite(
            campaign=fresh, user=cast.admin, establishments=Establishment.objects.all()
        )
    assert "La campagne a été close le" in refused.value.messages[0]
    assert not Return.objects.filter(campaign=fresh).exists()


def test_the_invitation_page_previews_the_count_before_confirming(
    cast, fresh, closed, reference, small_geography
):
    client = client_for(cast.admin)
    url = reverse("observatory:campaign_invite", args=[fresh.year])
    data = {
        "by": "criteria",
        "sector": reference.child.pk,
        "territory": small_geography["epci_a"].pk,
    }
    response = client.post(url, {**data, "step": "preview"})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.new, preview.already, preview.closed) == (1, 0, 1)
    assert "Foyer des Tilleuls" in page(response)
    assert not Return.objects.filter(campaign=fresh).exists()  # nothing before confirming
    response = client.post(url, {**data, "step": "confirm"})
    assert response.status_code == 302 and response["Location"] == fresh.get_absolute_url()
    assert invited(fresh) == {"Foyer des Tilleuls"}
    response = client.post(url, {**data, "step": "preview"})
    assert (response.context["preview"].new, response.context["preview"].already) == (0, 1)


def test_the_invitation_page_needs_a_criterion(cast, fresh):
    url = reverse("observatory:campaign_invite", args=[fresh.year])
    response = client_for(cast.admin).post(url, {"by": "criteria", "step": "confirm"})
    assert response.status_code == 200
    assert "Choisissez un secteur, un territoire, ou les deux." in page(response)
    assert not Return.objects.filter(campaign=fresh).exists()


def test_searching_and_ticking_establishments_one_by_one(cast, fresh, closed, establishments):
    client = client_for(cast.admin)
    url = reverse("observatory:campaign_invite", args=[fresh.year])
    response = client.get(url, {"q": SIRETS[1][:9]})
    assert [e.name for e in response.context["found"]] == ["Service d'aide à domicile du Maine"]
    response = client.get(url, {"q": "foyer"})
    found = {e.name: e for e in response.context["found"]}
    assert set(found) == {"Foyer des Tilleuls", "Ancien foyer de Chaumont"}
    assert f'id="establishment-{closed.pk}"' not in page(response)  # a closed one cannot be ticked
    assert f'id="establishment-{establishments.home.pk}"' in page(response)
    response = client.post(url, {"by": "pick", "step": "confirm"})
    assert "Cochez au moins un établissement à inviter." in page(response)
    response = client.post(
        url,
        {"by": "pick", "step": "confirm", "establishments": [establishments.home.pk, closed.pk]},
    )
    assert response.status_code == 302
    assert invited(fresh) == {"Foyer des Tilleuls"}


# Withdrawing


def test_an_invitation_not_started_is_withdrawn_a_started_one_is_kept(
    cast, campaign, returns, reference
):
    client = client_for(cast.admin)
    return_lines_save(
        return_obj=returns.care,
        user=cast.member,
        lines={reference.aide: LineInput(values=good_figures())},
        lock_version=None,
    )
    url = reverse("observatory:campaign_withdraw", args=[campaign.year, returns.home.pk])
    assert client.post(url).status_code == 302
    assert not Return.objects.filter(pk=returns.home.pk).exists()
    url = reverse("observatory:campaign_withdraw", args=[campaign.year, returns.care.pk])
    response = client.post(url, follow=True)
    assert Return.objects.filter(pk=returns.care.pk).exists()
    assert "ne peut plus être retirée" in page(response)


# Pages


def test_the_list_shows_each_campaign_with_its_answers(cast, campaign, fresh):
    response = client_for(cast.admin).get(reverse("observatory:campaign_list"))
    listed = {c.year: c for c in response.context["campaigns"]}
    assert (listed[campaign.year].invited, listed[campaign.year].answered) == (3, 0)
    assert (listed[fresh.year].invited, listed[fresh.year].answered) == (0, 0)
    assert f"Campagne {campaign.year}" in page(response)


def test_pages_listing_demo_campaigns_or_establishments_say_the_data_are_fictitious(
    cast, fresh, campaign, establishments, reference
):
    client = client_for(cast.admin)
    url = reverse("observatory:campaign_invite", args=[fresh.year])
    preview = {"by": "criteria", "step": "preview", "sector": reference.elderly.pk}
    pages = [
        (reverse("observatory:campaign_list"), None),
        (url, {"q": "Foyer"}),
    ]
    for address, query in pages:
        assert "Données fictives de démonstration" not in page(client.get(address, query))
    assert "Données fictives de démonstration" not in page(client.post(url, preview))
    Campaign.objects.filter(pk=campaign.pk).update(is_demo=True)
    Establishment.objects.update(is_demo=True)
    for address, query in pages:
        assert "Données fictives de démonstration" in page(client.get(address, query))
    response = client.post(url, preview)
    assert "CCAS de Dampierre" in page(response)
    assert "Données fictives de démonstration" in page(response)


def test_the_detail_shows_counts_links_and_returns(cast, campaign, returns):
    response = client_for(cast.admin).get(campaign.get_absolute_url())
    html = page(response)
    assert response.context["invited"] == 3 and response.context["not_started"] == 3
    for name in ("campaign_invite", "campaign_completeness", "campaign_reminders_export"):
        assert reverse(f"observatory:{name}", args=[campaign.year]) in html
    assert returns.home.get_absolute_url() in html
    assert "Aucun rappel envoyé pour l’instant." in html.replace("&#x27;", "’")
    assert "données fictives" not in html.lower()


def make_establishments(n, *, organisation, commune, reference):
    """`n` more establishments (valid SIRETs from a counter), each invited to nothing."""
    from stdnum import luhn

    made = []
    for i in range(n):
        base = f"9{len(made) + Establishment.objects.count():012d}"
        made.append(
            Establishment.objects.create(
                organisation=organisation,
                name=f"Antenne {i:03d}",
                siret=base + luhn.calc_check_digit(base),
                commune=commune,
                sector=reference.child,
                employer_kind=reference.association,
            )
        )
    return made


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_detail_page_costs_the_same_whatever_the_number_of_returns(
    cast, campaign, organisation, small_geography, reference
):
    client = client_for(cast.admin)
    url = campaign.get_absolute_url()
    queries_for(client, url)  # the session and permissions warm up
    few = queries_for(client, url)
    services.campaign_invite(
        campaign=campaign,
        user=cast.admin,
        establishments=Establishment.objects.filter(
            pk__in=[
                e.pk
                for e in make_establishments(
                    60,
                    organisation=organisation,
                    commune=small_geography["98003"],
                    reference=reference,
                )
            ]
        ),
    )
    many = queries_for(client, url)
    # The user, the campaign, its counts by status, the page's count, the reminders, whether
    # any return is demo data, then the page of returns.
    assert few == many == 7
    response = client.get(url, {"page": 2})
    assert len(response.context["page"].object_list) == 13


def test_the_home_shows_administrators_the_open_campaigns_answer_rate(cast, campaign, returns):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    html = render_to_string("observatory/_home_campaigns.html", {"user": cast.admin}, request)
    assert reverse("observatory:campaign_list") in html
    assert "0 des 3 établissements invités ont répondu" in html
    assert "Données fictives de démonstration" not in html
    Campaign.objects.filter(pk=campaign.pk).update(is_demo=True)
    html = render_to_string("observatory/_home_campaigns.html", {"user": cast.admin}, request)
    assert "Données fictives de démonstration" in html
    assert render_to_string("observatory/_home_campaigns.html", {"user": cast.member}).strip() == ""
    home = reverse("observatory:home")
    assert reverse("observatory:campaign_list") in page(client_for(cast.admin).get(home))
    for persona in (None, cast.member):
        assert reverse("observatory:campaign_list") not in page(client_for(persona).get(home))
