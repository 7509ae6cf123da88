"""Headline indicators with details, published by an app above territories: the catalogue
lists headlines and reaches their details, the explorer offers the details in a second
select and only the levels with values, a secret cell's number never leaves the server, and
portraits list headlines only."""

import csv
import io
import json
import re
from html import unescape

import openpyxl
import pytest
import shapely
from django.urls import reverse

from territories.catalogue.models import Indicator
from territories.choices import Aggregation, Level, ValueStatus
from territories.pipeline import publishers
from territories.pipeline import services as pipeline
from tests.secrecy import assert_number_absent
from tests.territories.pipeline.test_pipeline import put

pytestmark = pytest.mark.django_db

PUBLISHER = "editeur-essai"  # never named on a page
SECRET_VALUE = 987.654  # published with a secret status: it must never be shown
HEADLINE, AIDES, EDUCS = "essai-vacance", "essai-vacance--aides", "essai-vacance--educs"


def _indicator(slug, name, **fields):
    return Indicator.objects.create(
        slug=slug,
        name=name,
        definition="Des postes vacants rapportés aux postes budgétés.",
        unit="%",
        theme="Métiers",
        source="Enquête témoin",
        source_vintage="2024",
        aggregation=Aggregation.RATIO,  # without a denominator: it is published, not rebuilt
        published_by=PUBLISHER,
        **fields,
    )


@pytest.fixture
def details(small_geography):
    """A headline with two details per profession, published for EPCI, département and
    région (never communes), one EPCI secret."""
    geo = small_geography
    headline = _indicator(
        HEADLINE,
        "Taux de vacance témoin",
        dimension="Métier",
        method="La moyenne des cellules publiées, jamais celle des taux.",
        secrecy="Une cellule de moins de trois employeurs n'est pas publiée.",
    )
    aides = _indicator(
        AIDES,
        "Taux de vacance témoin — Aide à domicile",
        variant_of=headline,
        variant_label="Aide à domicile",
    )
    educs = _indicator(
        EDUCS,
        "Taux de vacance témoin — Éducateur spécialisé",
        variant_of=headline,
        variant_label="Éducateur spécialisé",
    )
    cells = [
        (headline, "epci_a", 8.0, ValueStatus.OK, 2023),
        (headline, "departement", 7.0, ValueStatus.OK, 2023),
        (headline, "epci_a", 8.5, ValueStatus.OK, 2024),
        (headline, "epci_b", SECRET_VALUE, ValueStatus.SECRET, 2024),
        (headline, "departement", 7.25, ValueStatus.OK, 2024),
        (headline, "region", 7.25, ValueStatus.OK, 2024),
        (aides, "epci_a", 12.5, ValueStatus.OK, 2024),
        (aides, "epci_b", SECRET_VALUE, ValueStatus.SECRET, 2024),
        (aides, "region", 11.0, ValueStatus.OK, 2024),
        (educs, "epci_a", 4.5, ValueStatus.OK, 2024),
        (educs, "epci_b", 3.5, ValueStatus.OK, 2024),
    ]

    def publish(*, run_id):
        return [
            {
                "indicator_id": indicator.pk,
                "territory_id": geo[key].pk,
                "period": period,
                "value": value,
                "coverage": 1.0,
                "members": 3,
                "members_known": 3,
                "status": status,
            }
            for indicator, key, value, status, period in cells
        ]

    publishers.register_publisher(PUBLISHER, publish)
    # And an indicator of communes, aggregated as before; boundaries for the browser.
    put(geo, "population", {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250})
    for index, code in enumerate(["98001", "98002", "98003", "98004", "98005"]):
        geo[code].geometry = shapely.geometry.mapping(
            shapely.box(index * 0.1, 47, index * 0.1 + 0.1, 47.1)
        )
        geo[code].save(update_fields=["geometry"])
    run = pipeline.recompute_now(reason="test")
    assert run.state == "succeeded", run.error
    yield geo
    publishers.PUBLISHERS.pop(PUBLISHER, None)


def _secret_absent(text):
    assert_number_absent(text, SECRET_VALUE)


# The catalogue


def test_the_catalogue_lists_headlines_with_how_many_details(client, details):
    html = client.get(reverse("territories:indicator_list")).content.decode()
    assert "Taux de vacance témoin" in html
    assert "détaillé par métier (2)" in html
    assert "Aide à domicile" not in html and AIDES not in html
    assert "Publié à partir de l'échelon des EPCI" in html
    assert PUBLISHER not in html


def test_a_headlines_sheet_lists_its_details_method_and_secrecy(client, details):
    html = client.get(reverse("territories:indicator_detail", args=[HEADLINE])).content.decode()
    assert "Détails par métier (2)" in html
    assert f'href="/indicateurs/{AIDES}/"' in html and f'href="/indicateurs/{EDUCS}/"' in html
    assert ">Méthode</h2>" in html and "jamais celle des taux" in html
    assert ">Secret statistique</h2>" in html and "moins de trois employeurs" in html
    assert "À partir de l'échelon des EPCI" in html and "aucune valeur pour les communes" in html
    # Not the rules of an aggregate rebuilt from communes.
    assert "de la population est couverte" not in html
    assert PUBLISHER not in html


def test_a_details_sheet_links_back_to_its_headline(client, details):
    html = client.get(reverse("territories:indicator_detail", args=[AIDES])).content.decode()
    assert "Détail de" in html and f'href="/indicateurs/{HEADLINE}/"' in html
    assert "<dt>Métier</dt><dd>Aide à domicile</dd>" in html
    assert "Détails par" not in html


def test_the_api_serialises_details_and_filters_them(client, details):
    detail = client.get(f"/api/v1/indicators/{AIDES}/").json()
    assert detail["variant_of"] == HEADLINE and detail["variant_label"] == "Aide à domicile"
    headline = client.get(f"/api/v1/indicators/{HEADLINE}/").json()
    assert headline["variant_of"] is None and headline["dimension"] == "Métier"
    assert "jamais celle des taux" in headline["method"]
    assert "trois employeurs" in headline["secrecy"]
    assert "published_by" not in headline
    headlines = {row["slug"] for row in client.get("/api/v1/indicators/?headline=1").json()}
    assert HEADLINE in headlines and "taux-pauvrete" in headlines and AIDES not in headlines
    of = {row["slug"] for row in client.get(f"/api/v1/indicators/?variant_of={HEADLINE}").json()}
    assert of == {AIDES, EDUCS}
    assert {row["slug"] for row in client.get("/api/v1/indicators/?headline=0").json()} == {
        AIDES,
        EDUCS,
    }
    assert client.get("/api/v1/indicators/?variant_of=").status_code == 400
    assert client.get("/api/v1/indicators/?headline=oui").status_code == 400


# The explorer


def _select(html, name):
    match = re.search(rf'<select id="map-{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, name
    return match.group(0)


def _state(html):
    match = re.search(r'<script id="explorer-state" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


def test_the_explorer_offers_a_headlines_details_in_a_second_select(client, details):
    html = client.get("/carte/", {"indicateur": HEADLINE, "niveau": "epci"}).content.decode()
    indicators = _select(html, "indicator")
    assert f'value="{HEADLINE}" selected' in indicators
    assert AIDES not in indicators  # details are in the second select only
    detail = _select(html, "detail")
    assert '<label for="map-detail" id="map-detail-label">Métier</label>' in html
    assert '<option value="">Tous</option>' in detail
    assert "Aide à domicile" in detail and "Éducateur spécialisé" in detail
    assert "disabled" not in detail.split(">", 1)[0]
    # Levels without values are not offered: no commune for published values.
    levels = _select(html, "level")
    assert re.search(r'value="commune"[^>]*disabled', levels)
    assert not re.search(r'value="epci"[^>]*disabled', levels)
    assert _state(html)["indicator"] == HEADLINE


@pytest.mark.parametrize(
    "query",
    [
        {"indicateur": HEADLINE, "detail": AIDES},  # the form, without script
        {"indicateur": AIDES},  # a permalink the script wrote
    ],
)
def test_a_detail_is_chosen_by_the_form_or_a_permalink(client, details, query):
    html = client.get("/carte/", {**query, "niveau": "epci"}).content.decode()
    assert f'value="{HEADLINE}" selected' in _select(html, "indicator")
    assert f'value="{AIDES}" selected' in _select(html, "detail")
    assert _state(html)["indicator"] == AIDES
    assert "form-errors" not in html


def test_a_detail_of_another_indicator_is_left_out_quietly(client, details):
    # The first select changed, the second still sends the previous headline's detail.
    html = client.get(
        "/carte/", {"indicateur": "population", "detail": AIDES, "niveau": "epci"}
    ).content.decode()
    assert _state(html)["indicator"] == "population"
    assert "form-errors" not in html
    assert '<div class="field" id="map-detail-field" hidden>' in html


def test_communes_asked_for_a_published_indicator_lead_to_the_epci(client, details):
    html = client.get("/carte/", {"indicateur": HEADLINE, "niveau": "commune"}).content.decode()
    assert "commencent à l'échelon des EPCI" in unescape(html)
    assert _state(html)["level"] == Level.EPCI
    assert f'href="/carte/?indicateur={HEADLINE}&amp;niveau=epci&amp;periode=2024"' in html


def test_a_secret_cells_number_is_in_no_layer_table_or_export(client, details):
    layer = client.get(f"/carte/couche/{HEADLINE}/epci/2024.json")
    document = json.loads(layer.content)
    assert document["values"]["200000002"][:2] == [None, "secret"]
    assert document["values"]["200000001"][0] == 8.5
    _secret_absent(layer.content.decode())
    _secret_absent(client.get(f"/carte/couche/{AIDES}/epci/2024.json").content.decode())

    query = {"indicateur": AIDES, "niveau": "epci", "periode": 2024}
    for fmt, sep in (("csv", ","), ("csv-fr", ";")):
        text = client.get(f"/carte/export.{fmt}", query).content.decode("utf-8-sig")
        _secret_absent(text)
        rows = {row[0]: row for row in csv.reader(io.StringIO(text), delimiter=sep) if row}
        assert rows["code"][3] == "statut"  # in words: a download for people
        assert rows["200000002"][2] == "" and rows["200000002"][3] == "Secret statistique"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/carte/export.xlsx", query).content))
    cells = [
        c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row
    ]
    _secret_absent(" ".join(str(c) for c in cells))
    rows = {row[0]: row for row in book["Données"].iter_rows(values_only=True)}
    assert rows["200000002"][2] is None and rows["200000002"][3] == "Secret statistique"
    geojson = client.get(
        "/carte/export.geojson", {"indicateur": AIDES, "niveau": "epci", "periode": 2024}
    )
    _secret_absent(geojson.content.decode())

    values = client.get("/api/v1/values/", {"indicator": HEADLINE, "level": "epci"}).json()
    assert {row["code"]: row["value"] for row in values} == {"200000001": 8.5, "200000002": None}
    text = client.get(
        "/api/v1/values/", {"indicator": HEADLINE, "level": "epci", "download": "csv"}
    ).content.decode()
    _secret_absent(text)
    assert "Secret statistique" in text


def test_the_explorer_labels_a_secret_cell_in_french(client, details):
    html = client.get("/carte/", {"indicateur": HEADLINE, "niveau": "epci"}).content.decode()
    match = re.search(r'<script id="explorer-labels" type="application/json">(.*?)</script>', html)
    assert json.loads(match.group(1))["secret"] == "secret statistique"


# Portraits, comparison and analyses


def test_a_portrait_and_a_comparison_list_headlines_only(client, details):
    html = client.get(details["epci_a"].get_absolute_url()).content.decode()
    assert "Taux de vacance témoin" in html
    # Its trend, beside the département's (a rate, though published without a denominator).
    trend = html[html.index(f'id="trend-{HEADLINE}"') :]
    assert "<polyline" in trend.split("</figure>")[0]
    assert 'stroke-dasharray="2 3"' in trend.split("</figure>")[0]
    assert "Aide à domicile" not in html and "Éducateur spécialisé" not in html
    secret = client.get(details["epci_b"].get_absolute_url()).content.decode()
    _secret_absent(secret)
    compare = client.get(
        "/territoires/comparer/", {"t": ["epci/200000001", "epci/200000002"]}
    ).content.decode()
    assert "Taux de vacance témoin" in compare and "Aide à domicile" not in compare
    assert '<abbr title="Secret statistique">s</abbr>' in compare
    _secret_absent(compare)


def test_analysts_choose_details_after_the_headlines(client, cast, details):
    client.force_login(cast.analyst)
    html = client.get(reverse("analysis:composite_create")).content.decode()
    select = re.search(r'<select name="components-0-indicator".*?</select>', html, re.S).group(0)
    group = re.search(r'<optgroup label="Métiers">(.*?)</optgroup>', select, re.S).group(1)
    position = {
        slug: group.index(f'value="{pk}"')
        for slug, pk in Indicator.objects.filter(theme="Métiers").values_list("slug", "pk")
    }
    assert position[HEADLINE] < position[AIDES] < position[EDUCS]
