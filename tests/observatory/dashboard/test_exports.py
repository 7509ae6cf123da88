"""The dashboard's exports: the région's and the EPCI's tables for the chosen year and
profession, in CSV (international, or for French spreadsheets) and XLSX with their parameters,
the demonstration label, « secret statistique » with no number, formulas neutralised; a bad
choice is refused with a message."""

import csv
import io

import openpyxl
import pytest

from territories.catalogue.models import Indicator
from territories.geography.models import Territory
from territories.pipeline import services as pipeline
from tests.observatory.dashboard.conftest import AIDE, EDUC, SECRET_VALUE
from tests.secrecy import assert_number_absent

pytestmark = pytest.mark.django_db

CSV_URL = "/observatoire/tableau-de-bord/export.csv"
CSV_FR_URL = "/observatoire/tableau-de-bord/export.csv-fr"
XLSX_URL = "/observatoire/tableau-de-bord/export.xlsx"
SECRET = "secret statistique"
DEMO = "Données fictives de démonstration"


def read_csv(response, *, french=False):
    """(text, header, rows) of a CSV download, checked for its form."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode()) == french
    content = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";" if french else ","))
    assert not rows[0][0].startswith("#")  # the parameters are in the XLSX, not above
    return content, rows[0], rows[1:]


def read_xlsx(response):
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


@pytest.mark.parametrize("french", [False, True])
def test_csv_holds_both_tables(client, published, french):
    response = client.get(CSV_FR_URL if french else CSV_URL, {"annee": "2024", "metier": EDUC})
    stem = "observatoire-tableau-de-bord-2024-educateur-specialise"
    assert f"{stem}{'-excel-fr' if french else ''}.csv" in response["Content-Disposition"]
    content, header, rows = read_csv(response, french=french)
    assert ("\r\n" in content) and content.count("\r\n") == content.count("\n")
    assert header[:5] == ["niveau", "code", "territoire", "code_metier", "metier"]
    assert header[5:7] == ["effectif", "indice-tension"] and header[-1] == "remarque"
    by_key = {(row[0], row[1], row[3]): dict(zip(header, row, strict=True)) for row in rows}

    def number(text):
        return text.replace(".", ",") if french else text

    region = by_key[("region", "99", EDUC)]
    assert (region["effectif"], region["indice-tension"], region["densite-etp"]) == (
        "800",
        number("0.73"),
        number("12.6"),
    )
    assert by_key[("region", "99", AIDE)]["indice-tension"] == SECRET
    assert by_key[("region", "99", "")]["metier"] == "Tous métiers"
    alpha = by_key[("epci", "200000001", EDUC)]
    assert (alpha["indice-tension"], alpha["taux-vacance"], alpha["taux-pauvrete"]) == (
        number("1.51"),
        number("9.5"),
        number("23.3"),
    )
    assert alpha["effectif"] == "nd"
    assert by_key[("epci", "200000002", EDUC)]["indice-tension"] == SECRET
    assert all(row[-1] == DEMO for row in rows)
    assert len(rows) == 3 + 2  # every profession of the région, then each EPCI
    assert_number_absent(content, SECRET_VALUE)


def test_xlsx_has_a_sheet_per_table_and_one_for_the_parameters(client, published):
    sheets = read_xlsx(client.get(XLSX_URL, {"metier": EDUC}))
    assert list(sheets) == ["Région", "EPCI", "Paramètres"]
    region = sheets["Région"]
    assert region[0][:2] == ["Code du métier", "Métier"]
    assert region[0][3].startswith("Indice de tension")
    educ = next(row for row in region if row[0] == EDUC)
    assert educ[2:4] == [800, 0.73] and educ[-1] == DEMO
    aide = next(row for row in region if row[0] == AIDE)
    assert aide[2:-2] == [SECRET] * 11
    epci = {row[1]: row for row in sheets["EPCI"][1:]}
    assert epci["CC Alpha"][3] == 1.51 and epci["CC Bêta"][3] == SECRET
    assert sheets["EPCI"][0][-2] == "Taux de pauvreté (%, 2021)"
    parameters = dict(sheets["Paramètres"][1:])
    assert parameters["Année"] == 2024
    assert parameters["Métier"] == "Éducateur spécialisé"
    assert parameters["Recalcul publié"] == published.run.pk
    assert parameters["Source"].startswith("Observatoire régional des métiers")
    assert parameters["Exporté le"][:4].isdigit()
    assert parameters["Remarque"] == DEMO
    # No figure near the secret, as a number or as text (the parameters hold no figure, but
    # the published recompute's id, which grows through a test session).
    cells = [
        cell
        for name, rows in sheets.items()
        if name != "Paramètres"
        for row in rows
        for cell in row
    ]
    numbers = [c for c in cells if isinstance(c, int | float) and not isinstance(c, bool)]
    assert not any(abs(number - SECRET_VALUE) < 1 for number in numbers)
    assert_number_absent(" ".join(str(cell) for cell in cells), SECRET_VALUE)


def test_exports_neutralise_formulas(client, published):
    Territory.objects.filter(code="200000001").update(name='=HYPERLINK("http://x","y")')
    for url, french in ((CSV_URL, False), (CSV_FR_URL, True)):
        _content, _header, rows = read_csv(client.get(url), french=french)
        assert any(row[2] == '\'=HYPERLINK("http://x","y")' for row in rows)
    sheets = read_xlsx(client.get(XLSX_URL))
    names = [row[1] for row in sheets["EPCI"][1:]]
    assert '\'=HYPERLINK("http://x","y")' in names


def test_real_figures_carry_no_demo_label(client, published):
    Indicator.objects.filter(slug__startswith="metiers-").update(is_demo=False)
    pipeline.recompute_now(reason="real figures")
    content, _header, rows = read_csv(client.get(CSV_URL))
    assert DEMO not in content and all(row[-1] == "" for row in rows)
    sheets = read_xlsx(client.get(XLSX_URL))
    assert "Remarque" not in dict(sheets["Paramètres"][1:])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"annee": "1999"}, "Aucun chiffre n’est publié pour l’année « 1999 »"),
        ({"metier": "plombier"}, "« plombier » n’est pas un métier observé"),
    ],
)
@pytest.mark.parametrize("url", [CSV_URL, CSV_FR_URL, XLSX_URL])
def test_a_bad_choice_is_refused_with_a_message(client, published, url, params, message):
    response = client.get(url, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_unknown_format_and_nothing_published(client, published):
    response = client.get("/observatoire/tableau-de-bord/export.pdf")
    assert response.status_code == 404
    assert "csv, csv-fr ou xlsx" in response.content.decode()


def test_nothing_published_yet(client, reference):
    response = client.get(CSV_URL)
    assert response.status_code == 404
    assert "Aucun chiffre des effectifs" in response.content.decode()
