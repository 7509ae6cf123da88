"""An organisation's benchmark page and PDF: what its people read (checked by hand against
tests/observatory/benchmark/conftest.py), what others get, crafted addresses, the secrecy
marker, and a constant number of queries."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone
from pypdf import PdfReader

from observatory.benchmark.compute import benchmark_compute
from observatory.benchmark.models import BenchmarkGroup
from observatory.establishments.models import Establishment
from tests.observatory.benchmark.conftest import (
    EDUC,
    YEAR,
    educators,
    succeeded_run,
    validated,
)

pytestmark = pytest.mark.django_db

SECRET = "groupe de comparaison trop petit (secret statistique)"
# The CCAS's vacancy rate (42.5 %), its name and its organisation's: never on these pages.
STRANGERS = ("42,5", "CCAS de Dampierre", "Entraide Vendée Littoral")


def page_url(organisation, query=None):
    url = reverse("observatory:benchmark", args=[organisation.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def report_url(organisation):
    return reverse("observatory:benchmark_report", args=[organisation.slug])


def text_of(response):
    """The page's main content as plain text, spaces collapsed."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("&#x27;", "'")


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_a_delegate_reads_where_the_foyer_stands(client, cast, computed, organisation):
    client.force_login(cast.member)
    response = client.get(page_url(organisation))
    assert response.status_code == 200
    text = text_of(response)
    assert f"Année {YEAR}" in text
    assert "Foyer des Tilleuls" in text
    assert "Protection de l'enfance, Département test, 10 à 49 personnes (7 employeurs)" in text
    assert "les établissements de CC Alpha (6 employeurs)" in text
    # The educators' vacancy rate: 35 %, beside similar employers (percentile 95) and
    # Alpha's (percentile 90), both too small for their quartiles to be told.
    educators_block = text[text.index("Éducateur spécialisé") :]
    vacancy = educators_block[educators_block.index("Taux de vacance") :][:400]
    assert "35,0 %" in vacancy
    assert (
        "dans le quart le plus élevé (95e centile) non publiés (groupe trop petit) 7 employeurs"
        in vacancy
    )
    assert (
        "dans le quart le plus élevé (90e centile) non publiés (groupe trop petit) 6 employeurs"
        in vacancy
    )
    # No other member's rate: the line holds the Foyer's figure alone.
    line = vacancy[: vacancy.index("Taux de vacance de plus")]
    assert re.findall(r"[\d,]+ %", line) == ["35,0 %"]
    # The home-care service's similar employers are two: the marker, no figure, not even
    # how many they are.
    care = text[text.index("Service d'aide à domicile du Maine") :]
    assert f"Personnes âgées, Département test, moins de 10 personnes ({SECRET})" in care
    assert "2 employeurs" not in care
    for stranger in STRANGERS:
        assert stranger not in text
    assert "Secret statistique" in text
    assert 'href="/observatoire/comparaison/' in response.content.decode()


def test_the_pdf_says_the_same_dated_with_source_and_rule(client, cast, computed, organisation):
    client.force_login(cast.org_admin)
    response = client.get(report_url(organisation) + f"?annee={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"comparaison-{organisation.slug}-{YEAR}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert organisation.name in text
    assert f"Année {YEAR}" in text
    today = formats.date_format(timezone.localdate(), "j F Y")
    assert today in text
    assert "Source" in text and "Secret statistique" in text
    for figure in ("35,0 %", "non publiés", "95e centile", "90e centile"):
        assert figure in text, figure
    assert SECRET in text
    for stranger in STRANGERS:
        assert stranger not in text


def test_a_large_group_tells_its_quartiles(client, cast, crowded, organisation):
    # The similar employers are 13: their quartiles, means of three employers' values
    # (6.7, 13, 22), on the page and in the PDF.
    client.force_login(cast.member)
    text = text_of(client.get(page_url(organisation)))
    educators_block = text[text.index("Éducateur spécialisé") :]
    vacancy = educators_block[educators_block.index("Taux de vacance") :][:400]
    assert (
        "dans le quart le plus élevé (95e centile) 6,7 % · 13,0 % · 22,0 % 13 employeurs" in vacancy
    )
    report = pdf_text(client.get(report_url(organisation)).content)
    for figure in ("6,7 %", "13,0 %", "22,0 %"):
        assert figure in report, figure


@pytest.mark.parametrize("view", ["page", "report"])
def test_another_organisation_and_visitors_are_refused(client, cast, computed, organisation, view):
    url = page_url(organisation) if view == "page" else report_url(organisation)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")
    for person in (cast.other_admin, cast.curator, cast.analyst):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 403
        assert b"Foyer des Tilleuls" not in response.content
    # The portal's administrators read it, as they read the organisation's returns.
    client.force_login(cast.admin)
    assert client.get(url).status_code == 200


def test_the_other_organisation_reads_only_its_own(client, cast, computed, other_organisation):
    client.force_login(cast.other_admin)
    text = text_of(client.get(page_url(other_organisation)))
    assert "CCAS de Dampierre" in text and "42,5 %" in text  # its own value
    assert text.count(SECRET) >= 1
    assert "Foyer des Tilleuls" not in text and "35,0 %" not in text


@pytest.mark.parametrize(
    "query",
    [
        # Keys, sectors, EPCI of a group holding the CCAS alone among others: ignored.
        {"groupe": "3:2:0-9", "secteur": "personnes-agees", "epci": "200000002"},
        {"cle": "200000002", "type": "territory", "etablissement": "3", "metier": "aide"},
        {"annee": "1999"},
        {"annee": "2024%20OR%201=1"},
        {"annee": str(YEAR), "organisation": "entraide-vendee-littoral"},
    ],
)
def test_crafted_parameters_reveal_nothing(client, cast, computed, organisation, query):
    client.force_login(cast.member)
    plain = text_of(client.get(page_url(organisation)))
    response = client.get(page_url(organisation, query))
    assert response.status_code == 200
    text = text_of(response)
    for stranger in STRANGERS:
        assert stranger not in text
    # The same comparison as without them (a year it does not hold says so, and shows the
    # latest).
    body = text[text.index(f"Année {YEAR}") :]
    assert body == plain[plain.index(f"Année {YEAR}") :]
    if query.get("annee", str(YEAR)) != str(YEAR):
        assert "Il n’y a pas de comparaison pour l’année" in text
    # Nor in the PDF.
    query_string = "&".join(f"{k}={v}" for k, v in query.items())
    report = client.get(f"{report_url(organisation)}?{query_string}")
    assert not any(stranger in pdf_text(report.content) for stranger in STRANGERS)


def test_an_organisation_of_one_sector_and_epci_alone_gets_the_marker_only(
    client,
    cast,
    computed,
    reference,
    small_geography,
    organisation,
    benchmark_campaign,
):
    """Sector × EPCI with one employer: no group is defined on it, and the groups the
    establishment belongs to are too small."""
    lonely = Establishment.objects.create(
        organisation=organisation,
        name="Halte-garderie d'Épinay",
        siret="12345678900066",
        commune=small_geography["98005"],
        sector=reference.elderly,
        employer_kind=reference.association,
    )
    validated(benchmark_campaign, lonely, {EDUC: educators(4, headcount=300, headcount_start=300)})
    run = succeeded_run()
    benchmark_compute(run.pk)
    client.force_login(cast.member)
    text = text_of(client.get(page_url(organisation)))
    block = text[text.index("Halte-garderie d'Épinay") :]
    block = block[: block.index("Service d'aide à domicile du Maine")]
    assert SECRET in block
    assert not re.search(r"\d+e centile|\d+(,\d+)?( %)? · \d", block)
    assert not BenchmarkGroup.objects.filter(run=run, kind="similar", employers__lt=1).exists()


def test_no_comparison_yet(client, cast, organisation, establishments):
    client.force_login(cast.member)
    text = text_of(client.get(page_url(organisation)))
    assert "Pas encore de comparaison" in text
    response = client.get(report_url(organisation))
    assert response.status_code == 200
    assert "Pas encore de comparaison" in pdf_text(response.content)


def test_demo_label(client, cast, computed, organisation):
    Establishment.objects.filter(organisation=organisation).update(is_demo=True)
    client.force_login(cast.member)
    assert "Données fictives de démonstration" in text_of(client.get(page_url(organisation)))
    report = client.get(report_url(organisation))
    assert "Données fictives de démonstration" in pdf_text(report.content)


def more_establishments(organisation, reference, small_geography, campaign, count):
    for index in range(count):
        establishment = Establishment.objects.create(
            organisation=organisation,
            name=f"Antenne n° {index + 1}",
            siret=f"9876543210{index:04d}",
            commune=small_geography["98003"],
            sector=reference.child,
            employer_kind=reference.association,
        )
        validated(
            campaign, establishment, {EDUC: educators(index + 1), "aide-a-domicile": educators(2)}
        )


# The user, the organisation, the permission (its membership), the published run, the
# organisation's establishments, the years, the positions of the year with their groups,
# the professions' names; the page's frame adds the user's permissions and groups (three).
# Pinned: a change here is a change of the page's reads, to look at.
QUERIES = {"page": 11, "report": 8}


@pytest.mark.parametrize("view", ["page", "report"])
def test_a_constant_number_of_queries(
    client,
    cast,
    computed,
    organisation,
    reference,
    small_geography,
    benchmark_campaign,
    view,
):
    client.force_login(cast.member)
    url = page_url(organisation) if view == "page" else report_url(organisation)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    more_establishments(organisation, reference, small_geography, benchmark_campaign, 4)
    benchmark_compute(succeeded_run().pk)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.status_code == 200
    assert len(before) == len(after) == QUERIES[view], [q["sql"] for q in after.captured_queries]


def test_linked_from_the_establishments_and_my_returns(client, cast, computed, organisation):
    client.force_login(cast.member)
    url = page_url(organisation)
    establishments_page = client.get(
        reverse("observatory:establishment_list", args=[organisation.slug])
    )
    assert f'href="{url}"' in establishments_page.content.decode()
    mine = client.get(reverse("observatory:my_returns")).content.decode()
    assert f'href="{url}?annee={YEAR}"' in mine
    assert "Comparer Secours Solidaire du Maine à des employeurs similaires (2024)" in mine
