"""The dashboard on the observatory's front page: for everyone, anonymous included; the
région's table and its trends, the linked maps' table, the most tense; a secret cell never
shows a number; a bad choice falls back with a message, never an error."""

import re

import pytest

from observatory.indicators.definitions import indicator_slug
from territories.catalogue.models import Indicator
from territories.pipeline import services as pipeline
from tests.observatory.dashboard.conftest import (
    AIDE,
    EDUC,
    SECRET_VALUE,
    published_figures,
    workforce_indicators,
)
from tests.secrecy import assert_number_absent

pytestmark = pytest.mark.django_db

HOME = "/observatoire/"
SECRET = "secret statistique"


def page(response):
    assert response.status_code == 200
    return response.content.decode()


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).replace("\xa0", " ").strip()


def table(html, css_class, nth=0):
    """The rows of the nth table of this class, as lists of their cells' text."""
    found = re.findall(rf'<table class="{css_class}">(.*?)</table>', html, re.S)[nth]
    body = re.search(r"<tbody>(.*?)</tbody>", found, re.S).group(1)
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_anonymous_visitors_read_the_regions_figures_first(client, published):
    html = page(client.get(HOME))
    assert html.index('id="dashboard-title"') < html.index("/observatoire/metiers/")
    rows = table(html, "dashboard-region-table")
    assert [row[0] for row in rows] == ["Tous métiers", "Éducateur spécialisé", "Aide à domicile"]
    # Headcount, tension index, vacancy … density, as published for 2024 (the latest year).
    assert rows[0][1:3] == ["1 234", "0,42"]
    assert rows[1][1:4] == ["800", "0,73", "8,4"]
    assert rows[1][-1] == "12,6"
    assert len(rows[1]) == 12
    # The home-care aides' cells of 2024 are secret: the words, and no number anywhere.
    assert rows[2][1:] == [SECRET] * 11
    assert_number_absent(html, SECRET_VALUE)
    assert "Région test" in html
    assert "Données fictives de démonstration" in html
    # The form shows what is shown: the latest year, all professions, the tension index.
    assert '<option value="2024" selected>' in html
    assert '<option value="" selected>Tous métiers</option>' in html
    assert '<option value="indice-tension" selected>' in html


def test_the_maps_their_table_and_the_most_tense(client, published):
    html = page(client.get(HOME, {"metier": EDUC}))
    epci = table(html, "dashboard-epci-table")
    # Alpha: (10 × 100 + 20 × 200 + 30 × 300) ÷ 600 poor; Bêta: (12 × 150 + 14 × 250) ÷ 400.
    assert epci == [["CC Alpha", "1,51", "23,3"], ["CC Bêta", SECRET, "13,3"]]
    maps = re.findall(r'<svg class="dashboard-map".*?</svg>', html, re.S)
    assert len(maps) == 2
    for drawn in maps:
        assert re.findall(r'data-code="(\d+)"', drawn) == ["200000001", "200000002"]
    # On the tension map, the secret EPCI is grey and says why, with no number.
    beta = re.search(r'<a [^>]*data-code="200000002"[^>]*>.*?</a>', maps[0], re.S).group(0)
    assert 'fill="#9e9e9e"' in beta and SECRET in beta
    assert "legend" in html and f"{SECRET} (1)" in text(html)
    # The most tense: published cells only, highest first, components beside the index.
    top = table(html, "dashboard-top-table")
    assert [row[:4] for row in top] == [
        ["1", "Éducateur spécialisé", "CC Alpha", "1,51"],
        ["2", "Aide à domicile", "CC Alpha", "0,88"],
        ["3", "Aide à domicile", "CC Bêta", "-0,25"],
    ]
    assert top[0][4:] == ["9,5", "4,5", "21,5", "7,5"]
    assert_number_absent(html, SECRET_VALUE)


def test_each_profession_has_its_trend_with_its_table(client, published):
    html = page(client.get(HOME))
    charts = re.findall(r'<figure class="trend".*?</figure>', html, re.S)
    assert len(charts) == 3
    assert all('class="trend-table"' in chart for chart in charts)
    educ = table(charts[1], "trend-table")
    assert educ == [["2023", "0,31", "1,00"], ["2024", "0,73", "0,42"]]
    assert "<svg" in charts[1] and "polyline" in charts[1]
    aide = table(charts[2], "trend-table")
    assert aide[1] == ["2024", SECRET, "0,42"]
    vacancy = page(client.get(HOME, {"tendance": "taux-vacance"}))
    assert "Au fil des années : Taux de vacance" in text(vacancy)
    assert table(vacancy, "trend-table", 1)[1] == ["2024", "8,4", "1,0"]


def test_the_year_and_the_profession_are_in_the_address(client, published):
    html = page(client.get(HOME, {"annee": "2023", "metier": AIDE}))
    rows = table(html, "dashboard-region-table")
    assert rows[2][1:3] == ["1", "1,00"]  # 2023: the aides were published
    assert '<option value="2023" selected>' in html
    assert f'<option value="{AIDE}" selected>' in html
    assert "/observatoire/tableau-de-bord/export.csv?annee=2023&amp;metier=aide-a-domicile" in html
    assert "Aide à domicile, 2023" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"annee": "1999"}, "Aucun chiffre n’est publié pour l’année « 1999 »"),
        ({"annee": "deux mille"}, "Aucun chiffre n’est publié pour l’année « deux mille »"),
        ({"annee": "9" * 400}, "Aucun chiffre n’est publié pour l’année"),
        ({"metier": "plombier"}, "« plombier » n’est pas un métier observé"),
        (
            {"tendance": "<b>x</b>"},
            "« &lt;b&gt;x&lt;/b&gt; » n’est pas une mesure du tableau de bord",
        ),
    ],
)
def test_a_bad_choice_falls_back_with_a_message(client, published, params, message):
    html = page(client.get(HOME, params))
    assert message in html
    assert 'role="alert"' in html
    assert table(html, "dashboard-region-table")[0][1] == "1 234"  # the latest year
    assert '<option value="2024" selected>' in html


def test_nothing_published_yet(client, reference):
    html = page(client.get(HOME))
    assert "Aucun chiffre des effectifs n’est encore publié" in html
    assert "dashboard-region-table" not in html


def test_logged_in_people_see_the_dashboard_then_their_own_parts(client, cast, published, returns):
    client.force_login(cast.member)
    html = page(client.get(HOME))
    assert "dashboard-region-table" in html
    assert html.index('id="dashboard-title"') < html.index('id="returns-title"')
    assert "Foyer des Tilleuls" in html


def test_real_figures_carry_no_demo_label(client, published):
    Indicator.objects.filter(slug__startswith="metiers-").update(is_demo=False)
    pipeline.recompute_now(reason="real figures")
    html = page(client.get(HOME))
    assert "Données fictives de démonstration" not in html
    # The maps link to the same maps in the explorer.
    assert f"/carte/?indicateur={indicator_slug('indice-tension')}&amp;niveau=epci" in html
    assert_number_absent(html, SECRET_VALUE)


def test_the_kept_dashboard_follows_the_choice(client, cast, published, settings):
    settings.PAGE_CACHE_TTL = 300  # the fragment is kept for every reader (portal.pagecache)
    client.force_login(cast.member)
    for _again in range(2):
        latest = page(client.get(HOME))
        assert table(latest, "dashboard-region-table")[2][1] == SECRET
        earlier = page(client.get(HOME, {"annee": "2023"}))
        assert table(earlier, "dashboard-region-table")[2][1] == "1"
        educ = page(client.get(HOME, {"metier": EDUC}))
        assert table(educ, "dashboard-epci-table")[0][1] == "1,51"


def test_without_boundaries_or_poverty_rate_the_tables_still_tell_everything(
    client, small_geography, reference, observatory_publisher
):
    Indicator.objects.filter(slug="taux-pauvrete").delete()
    indicators = workforce_indicators([reference.educ, reference.aide])
    published_figures(small_geography, indicators, observatory_publisher)
    pipeline.recompute_now(reason="no boundaries")
    html = page(client.get(HOME, {"metier": EDUC}))
    assert "Les contours des EPCI ne sont pas encore chargés" in html
    assert table(html, "dashboard-epci-table")[0][:2] == ["CC Alpha", "1,51"]
    assert table(html, "dashboard-epci-table")[0][2] == "nd"
    assert client.get("/observatoire/tableau-de-bord/export.xlsx").status_code == 200
