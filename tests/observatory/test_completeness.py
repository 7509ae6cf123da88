"""Completeness of a campaign on hand-checked data: five establishments whose returns are
validated, submitted, sent back, in draft and not started, with known headcounts; each
group's numbers asserted exactly, the page's query count pinned, and the export of those to
remind (its rows, its encoding for French spreadsheets, demo data said so)."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from stdnum import luhn

from observatory.campaigns import selectors, services
from observatory.campaigns.models import Campaign
from observatory.choices import ReturnStatus
from observatory.establishments.models import Establishment
from observatory.returns.models import Return
from observatory.returns.services import (
    LineInput,
    return_lines_save,
    return_send_back,
    return_submit,
    return_validate,
)
from tests.observatory.conftest import SIRETS, good_figures

pytestmark = pytest.mark.django_db


def siret_for(n):
    base = f"7{n:012d}"
    return base + luhn.calc_check_digit(base)


def staff_of(n):
    """A profession's figures for `n` people that break no rule."""
    return good_figures(
        headcount=n,
        headcount_start=n,
        fte=n,
        posts_budgeted=n,
        vacant_posts=0,
        long_vacant_posts=0,
        hires=0,
        departures_retirement=0,
        departures_resignation=0,
        age_under_30=n,
        age_30_44=0,
        age_45_54=0,
        age_55_plus=0,
        women=n,
        men=0,
        fixed_term=0,
        part_time=0,
        absence_days_sickness=0,
        absence_days_work_accident=0,
    )


def fill(return_obj, user, lines):
    return return_lines_save(
        return_obj=return_obj,
        user=user,
        lines={profession: LineInput(values=values) for profession, values in lines.items()},
        lock_version=None,
    )


@pytest.fixture
def answers(cast, campaign, returns, establishments, reference, small_geography, organisation):
    """The campaign's five returns in known states:

    | establishment            | EPCI  | sector  | employer    | status     | headcount |
    | Foyer des Tilleuls       | Alpha | child   | association | validated  | 12 + 5    |
    | Service d'aide…          | Alpha | elderly | association | submitted  | 20        |
    | CCAS de Dampierre        | Bêta  | elderly | CCAS        | sent back  | (12)      |
    | Maison d'enfants…        | Alpha | child   | CCAS        | not started|           |
    | Résidence Les Oyats      | Bêta  | elderly | CCAS        | draft      | (7)       |

    Headcounts in brackets are not answered, so not covered."""
    fourth = Establishment.objects.create(
        organisation=organisation,
        name="Maison d'enfants de Chaumont",
        siret=SIRETS[3],
        commune=small_geography["98003"],
        sector=reference.child,
        employer_kind=reference.ccas,
    )
    fifth = Establishment.objects.create(
        organisation=establishments.other.organisation,
        name="Résidence Les Oyats",
        siret=siret_for(5),
        commune=small_geography["98005"],
        sector=reference.elderly,
        employer_kind=reference.ccas,
    )
    services.campaign_invite(
        campaign=campaign,
        user=cast.admin,
        establishments=Establishment.objects.filter(pk__in=[fourth.pk, fifth.pk]),
    )
    home = fill(
        returns.home, cast.member, {reference.educ: staff_of(12), reference.aide: staff_of(5)}
    )
    return_submit(return_obj=home, user=cast.member)
    return_validate(return_obj=home, user=cast.admin)
    care = fill(returns.care, cast.member, {reference.aide: staff_of(20)})
    return_submit(return_obj=care, user=cast.member)
    other = fill(returns.other, cast.other_admin, {reference.educ: staff_of(12)})
    return_submit(return_obj=other, user=cast.other_admin)
    return_send_back(return_obj=other, user=cast.admin, reason="Les effectifs semblent faux.")
    draft = fill(
        Return.objects.get(campaign=campaign, establishment=fifth),
        cast.other_admin,
        {reference.aide: staff_of(7)},
    )
    # Another campaign's return counts nowhere here.
    other_campaign = Campaign.objects.create(
        year=campaign.year - 1,
        reference_date=datetime.date(campaign.year - 1, 12, 31),
        opens_on=campaign.opens_on - datetime.timedelta(days=365),
        closes_on=campaign.closes_on - datetime.timedelta(days=365),
    )
    Return.objects.create(campaign=other_campaign, establishment=establishments.care)
    # The services work on locked copies: read each return as it now stands.
    return SimpleNamespace(
        home=Return.objects.get(pk=home.pk),
        care=Return.objects.get(pk=care.pk),
        other=Return.objects.get(pk=other.pk),
        fourth=Return.objects.get(campaign=campaign, establishment=fourth),
        fifth=Return.objects.get(pk=draft.pk),
    )


def numbers(tally):
    return (
        tally.invited,
        tally.answered,
        tally.validated,
        tally.in_progress,
        tally.not_started,
        tally.staff,
    )


def by_label(breakdown):
    return {tally.label: numbers(tally) for tally in breakdown.groups}


def test_the_states_are_as_set_up(answers):
    statuses = {name: getattr(answers, name).status for name in vars(answers)}
    assert statuses == {
        "home": ReturnStatus.VALIDATED,
        "care": ReturnStatus.SUBMITTED,
        "other": ReturnStatus.SENT_BACK,
        "fourth": ReturnStatus.NOT_STARTED,
        "fifth": ReturnStatus.DRAFT,
    }


def test_completeness_counts_every_group_exactly(campaign, answers, django_assert_num_queries):
    with django_assert_num_queries(1):
        completeness = selectors.campaign_completeness(campaign=campaign)
    # invited, answered, of which validated, in progress, not started, staff covered
    assert numbers(completeness.overall) == (5, 2, 1, 2, 1, 37)
    assert completeness.overall.rate == pytest.approx(0.4)
    departement, epci, sector, kind = completeness.breakdowns
    assert [b.key for b in completeness.breakdowns] == [
        "departement",
        "epci",
        "sector",
        "employer_kind",
    ]
    assert by_label(departement) == {"Département test": (5, 2, 1, 2, 1, 37)}
    assert departement.groups[0].code == "98"
    assert by_label(epci) == {
        "CC Alpha": (3, 2, 1, 0, 1, 37),
        "CC Bêta": (2, 0, 0, 2, 0, 0),
    }
    assert [g.label for g in epci.groups] == ["CC Alpha", "CC Bêta"]
    assert [g.rate for g in epci.groups] == [pytest.approx(2 / 3), 0]
    assert by_label(sector) == {
        "Protection de l'enfance": (2, 1, 1, 0, 1, 17),
        "Personnes âgées": (3, 1, 0, 2, 0, 20),
    }
    assert by_label(kind) == {
        "Association": (2, 2, 1, 0, 0, 37),
        "CCAS / CIAS": (3, 0, 0, 2, 1, 0),
    }


def test_an_establishment_outside_any_epci_is_counted_as_not_known(
    cast, campaign, answers, small_geography
):
    small_geography["98005"].epci = None
    small_geography["98005"].save()
    completeness = selectors.campaign_completeness(campaign=campaign)
    assert by_label(completeness.breakdowns[1]) == {
        "CC Alpha": (3, 2, 1, 0, 1, 37),
        "CC Bêta": (1, 0, 0, 1, 0, 0),
        "Non connu": (1, 0, 0, 1, 0, 0),
    }
    assert completeness.breakdowns[1].groups[-1].label == "Non connu"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_completeness_page_shows_the_tables_and_those_to_remind(cast, campaign, answers):
    response = client_for(cast.admin).get(
        reverse("observatory:campaign_completeness", args=[campaign.year])
    )
    html = response.content.decode()
    assert html.count("<caption>") == 6  # overall, four breakdowns, those to remind
    assert "Réponses par EPCI" in html and "Taux de réponse" in html
    assert "40,0 %" in html  # the overall rate
    to_remind = [r.establishment.name for r in response.context["page"]]
    assert to_remind == ["CCAS de Dampierre", "Résidence Les Oyats", "Maison d'enfants de Chaumont"]
    assert answers.other.get_absolute_url() in html
    assert "Données fictives de démonstration" not in html


def test_the_completeness_page_costs_the_same_whatever_the_number_of_returns(
    cast, campaign, answers, organisation, small_geography, reference
):
    client = client_for(cast.admin)
    url = reverse("observatory:campaign_completeness", args=[campaign.year])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    count()
    few = count()
    more = [
        Establishment(
            organisation=organisation,
            name=f"Antenne {i:03d}",
            siret=siret_for(100 + i),
            commune=small_geography["98001"],
            sector=reference.child,
            employer_kind=reference.association,
        )
        for i in range(60)
    ]
    Establishment.objects.bulk_create(more)
    services.campaign_invite(
        campaign=campaign, user=cast.admin, establishments=Establishment.objects.all()
    )
    assert Return.objects.filter(campaign=campaign).count() == 65
    # The user, the campaign, the grouped counts, whether any return is demo data, the
    # count of those to remind, then their page.
    assert few == count() == 6


def read_export(response):
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM French spreadsheets need
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_export_lists_those_to_remind_with_whom_to_write_to(cast, campaign, answers):
    url = reverse("observatory:campaign_reminders_export", args=[campaign.year])
    response = client_for(cast.admin).get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="observatoire-{campaign.year}-a-relancer.csv"'
    )
    header, *rows = read_export(response)
    assert header == [
        "Établissement",
        "SIRET",
        "Organisation",
        "Commune",
        "Code de la commune",
        "Département",
        "EPCI",
        "Statut",
        "Dernière modification",
        "Adresses électroniques à contacter",
        "Remarque",
    ]
    with translation.override("fr"):
        sent_back = str(ReturnStatus.SENT_BACK.label)
        draft = str(ReturnStatus.DRAFT.label)
        not_started = str(ReturnStatus.NOT_STARTED.label)

    def changed(return_obj):
        return_obj.refresh_from_db()
        return timezone.localtime(return_obj.updated_at).strftime("%d/%m/%Y %H:%M")

    assert rows == [
        [
            "CCAS de Dampierre",
            SIRETS[2],
            "Entraide Vendée Littoral",
            "Dampierre",
            "98004",
            "Département test",
            "CC Bêta",
            sent_back,
            changed(answers.other),
            "autre@exemple.test",
            "",
        ],
        [
            "Résidence Les Oyats",
            siret_for(5),
            "Entraide Vendée Littoral",
            "Épinay",
            "98005",
            "Département test",
            "CC Bêta",
            draft,
            changed(answers.fifth),
            "autre@exemple.test",
            "",
        ],
        [
            "Maison d'enfants de Chaumont",
            SIRETS[3],
            "Secours Solidaire du Maine",
            "Chaumont",
            "98003",
            "Département test",
            "CC Alpha",
            not_started,
            changed(answers.fourth),
            "membre@exemple.test, responsable@exemple.test",
            "",
        ],
    ]


def test_a_demo_campaigns_export_and_page_say_the_data_are_fictitious(cast, campaign, answers):
    campaign.is_demo = True
    campaign.save()
    client = client_for(cast.admin)
    response = client.get(reverse("observatory:campaign_reminders_export", args=[campaign.year]))
    _header, *rows = read_export(response)
    assert len(rows) == 3
    assert {row[-1] for row in rows} == {"données fictives de démonstration"}
    page = client.get(reverse("observatory:campaign_completeness", args=[campaign.year]))
    assert "Données fictives de démonstration" in page.content.decode()
    detail = client.get(campaign.get_absolute_url())
    assert "Données fictives de démonstration" in detail.content.decode()


def test_the_export_neutralises_spreadsheet_formulas(cast, campaign, answers):
    establishment = answers.fourth.establishment
    establishment.name = '=HYPERLINK("http://exemple.test")'
    establishment.save()
    response = client_for(cast.admin).get(
        reverse("observatory:campaign_reminders_export", args=[campaign.year])
    )
    _header, *rows = read_export(response)
    assert rows[-1][0] == '\'=HYPERLINK("http://exemple.test")'
