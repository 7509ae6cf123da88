"""Filling returns from a file: the template pre-filled with last year's answers (XLSX and
CSV), the round trip, the awkward files people really send, every refusal (nothing changed),
who may download and upload, and the job through a real worker."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs.choices import JobState
from jobs.models import Job
from observatory.campaigns.models import Campaign
from observatory.choices import ReturnEventKind, ReturnStatus
from observatory.establishments.models import Establishment
from observatory.returns import uploads
from observatory.returns.fields import NAMES
from observatory.returns.models import Return, ReturnEvent, ReturnLine
from observatory.returns.services import (
    LineInput,
    return_lines_save,
    return_reopen,
    return_submit,
    return_validate,
)
from observatory.returns.template_files import COLUMNS
from observatory.returns.uploads import TASK_NAME
from tests.conftest import running_worker, wait_for
from tests.observatory.conftest import SIRETS, good_figures

pytestmark = pytest.mark.django_db

HOME, CARE, OTHER, SPARE = SIRETS
# 20 people: the age bands and the sexes add up.
EXTRA_20 = {"age_under_30": 5, "age_30_44": 7, "age_45_54": 5, "age_55_plus": 3}
EXTRA_20 |= {"women": 17, "men": 3}


# --- helpers -------------------------------------------------------------------------------


def template_url(campaign, organisation, fmt):
    return reverse("observatory:return_template", args=[campaign.year, organisation.slug, fmt])


def upload_url(campaign, organisation):
    return reverse("observatory:return_upload", args=[campaign.year, organisation.slug])


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def row(siret=HOME, code="educateur-specialise", comment="", **changes):
    """One row of the template as {column: text}, with good figures."""
    figures = good_figures(**changes)
    cells = {"siret": siret, "etablissement": "", "code_metier": code, "metier": ""}
    cells |= {name: "" if figures[name] is None else str(figures[name]) for name in NAMES}
    cells["commentaire_recrutement"] = comment
    return cells


def csv_bytes(rows, *, columns=COLUMNS, sep=";", encoding="utf-8", decimal=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(columns)
    for cells in rows:
        writer.writerow([str(cells.get(column, "")).replace(".", decimal) for column in columns])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, *, columns=COLUMNS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for cells in rows:
        sheet.append([_typed(cells.get(column, "")) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _typed(text):
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text or None


def upload(client, campaign, organisation, name, content, capture):
    """Post the file; the job runs eagerly once the request's transaction commits."""
    with capture(execute=True):
        response = client.post(
            upload_url(campaign, organisation), {"file": SimpleUploadedFile(name, content)}
        )
    return response


def last_job():
    return Job.objects.filter(kind=TASK_NAME).order_by("-created_at").first()


def snapshot():
    """Everything an upload could change."""
    return (
        sorted(ReturnLine.objects.values_list("return_obj_id", "profession__code", *NAMES)),
        ReturnEvent.objects.count(),
        sorted(Return.objects.values_list("pk", "status", "lock_version")),
    )


@pytest.fixture
def last_campaign(cast, reference, establishments, campaign):
    """The campaign before `campaign`, closed: the home answered it (validated) with two
    professions; the care service was invited and never answered."""
    year = campaign.year - 1
    today = timezone.localdate()
    previous = Campaign.objects.create(
        year=year,
        reference_date=datetime.date(year, 12, 31),
        opens_on=today - datetime.timedelta(days=400),
        closes_on=today + datetime.timedelta(days=1),
    )
    home = Return.objects.create(campaign=previous, establishment=establishments.home)
    Return.objects.create(campaign=previous, establishment=establishments.care)
    home = return_lines_save(
        return_obj=home,
        user=cast.member,
        lines={
            reference.educ: LineInput(good_figures(), recruitment_comment="Peu de candidats"),
            reference.aide: LineInput(good_figures(headcount=20, fte=14.25, **EXTRA_20)),
        },
        lock_version=None,
    )
    home = return_submit(return_obj=home, user=cast.member)
    return_validate(return_obj=home, user=cast.admin)
    Campaign.objects.filter(pk=previous.pk).update(closes_on=today - datetime.timedelta(days=300))
    return previous


# --- the template --------------------------------------------------------------------------


def test_the_xlsx_template_is_pre_filled_with_last_years_answers(
    cast, organisation, campaign, last_campaign
):
    response = client_for(cast.member).get(template_url(campaign, organisation, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="observatoire-{campaign.year}-{organisation.slug}.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Déclaration", "Métiers", "Notice"]
    sheet = workbook["Déclaration"]
    header = [cell.value for cell in sheet[1]]
    assert header == list(COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "E2"
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(2)]
    by_code = {(r["siret"], r["code_metier"]): r for r in rows}
    educ = by_code[(HOME, "educateur-specialise")]
    assert (educ["headcount"], educ["fte"], educ["etablissement"]) == (
        12,
        10.5,
        "Foyer des Tilleuls",
    )
    assert by_code[(HOME, "aide-a-domicile")]["fte"] == 14.25
    # Last year's comment speaks of last year: not carried over.
    assert not educ["commentaire_recrutement"]
    # The care service never answered: one row naming it, for the delegate to complete.
    assert by_code[(CARE, None)]["etablissement"] == "Service d'aide à domicile du Maine"
    assert OTHER not in {r["siret"] for r in rows}
    codes = [r[0].value for r in workbook["Métiers"].iter_rows(min_row=2)]
    assert "educateur-specialise" in codes and len(codes) >= 14
    notice = " ".join(str(c.value) for r in workbook["Notice"].iter_rows() for c in r if c.value)
    assert str(campaign.year) in notice
    assert f"campagne {last_campaign.year}" in notice
    assert "démonstration" not in notice


def test_the_csv_template_opens_in_french_spreadsheets_with_the_same_values(
    cast, organisation, campaign, last_campaign
):
    response = client_for(cast.org_admin).get(template_url(campaign, organisation, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(COLUMNS)
    by_code = {(r[0], r[2]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    educ = by_code[(HOME, "educateur-specialise")]
    assert (educ["headcount"], educ["fte"], educ["posts_budgeted"]) == ("12", "10,5", "13")
    assert by_code[(HOME, "aide-a-domicile")]["fte"] == "14,25"
    assert (CARE, "") in by_code


def test_the_current_lines_win_over_last_year_and_a_reopened_return_gives_its_validated_version(
    cast, reference, organisation, campaign, returns, last_campaign
):
    # Last year's return reopened for a correction, left in draft with another headcount:
    # the template shows the version that was validated.
    previous_home = Return.objects.get(campaign=last_campaign, establishment__siret=HOME)
    Campaign.objects.filter(pk=last_campaign.pk).update(closes_on=timezone.localdate())
    previous_home = return_reopen(return_obj=previous_home, user=cast.member)
    return_lines_save(
        return_obj=previous_home,
        user=cast.member,
        lines={reference.educ: LineInput(good_figures(headcount=99))},
        lock_version=None,
    )
    # The care service already started this year's return.
    return_lines_save(
        return_obj=returns.care,
        user=cast.member,
        lines={reference.aide: LineInput(good_figures(headcount=7), recruitment_comment="Dur")},
        lock_version=None,
    )
    response = client_for(cast.member).get(template_url(campaign, organisation, "csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by_code = {(r[0], r[2]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_code[(HOME, "educateur-specialise")]["headcount"] == "12"
    assert by_code[(CARE, "aide-a-domicile")]["headcount"] == "7"
    assert by_code[(CARE, "aide-a-domicile")]["commentaire_recrutement"] == "Dur"
    # The page says which.
    page = client_for(cast.member).get(upload_url(campaign, organisation)).content.decode()
    assert f"campagne {last_campaign.year}" in page
    assert "lignes actuelles" in page


def test_demo_data_says_so_in_both_templates_which_still_upload(
    cast, reference, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    Establishment.objects.filter(pk=returns.home.establishment_id).update(is_demo=True)
    return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={reference.educ: LineInput(good_figures())},
        lock_version=None,
    )
    client = client_for(cast.member)
    content = client.get(template_url(campaign, organisation, "xlsx")).content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    notice = " ".join(str(c.value) for r in workbook["Notice"].iter_rows() for c in r if c.value)
    assert "Données fictives de démonstration" in notice
    assert workbook["Déclaration"]["B2"].value == "Données fictives de démonstration"
    text = client.get(template_url(campaign, organisation, "csv")).content
    assert (
        text.decode("utf-8-sig").splitlines()[1].startswith(";Données fictives de démonstration;")
    )
    # The notice's row is not read back as a line.
    for name, data in (("demo.xlsx", content), ("demo.csv", text)):
        upload(client, campaign, organisation, name, data, django_capture_on_commit_callbacks)
        job = last_job()
        assert job.state == JobState.SUCCEEDED, job.error
        assert job.result["lines"] == 1
    # The result page, which names the returns filled, says so too.
    result_url = reverse(
        "observatory:return_upload_result", args=[campaign.year, organisation.slug, job.pk]
    )
    assert "Données fictives de démonstration" in client.get(result_url).content.decode()


def test_a_comment_that_looks_like_a_formula_stays_text(
    cast, reference, organisation, campaign, returns
):
    return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={reference.educ: LineInput(good_figures(), recruitment_comment="=HYPERLINK(1)")},
        lock_version=None,
    )
    client = client_for(cast.member)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(template_url(campaign, organisation, "xlsx")).content)
    )
    cell = workbook["Déclaration"].cell(row=2, column=len(COLUMNS))
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")
    text = client.get(template_url(campaign, organisation, "csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


# --- round trips ---------------------------------------------------------------------------


def test_round_trip_xlsx_download_change_one_figure_upload(
    cast, organisation, campaign, returns, last_campaign, django_capture_on_commit_callbacks
):
    client = client_for(cast.member)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(template_url(campaign, organisation, "xlsx")).content)
    )
    sheet = workbook["Déclaration"]
    header = [cell.value for cell in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[0].value == HOME and cells[2].value == "educateur-specialise":
            cells[header.index("headcount")].value = 13
            cells[header.index("age_55_plus")].value = 3
            cells[header.index("women")].value = 10
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(
        client,
        campaign,
        organisation,
        "rempli.xlsx",
        buffer.getvalue(),
        django_capture_on_commit_callbacks,
    )
    job = last_job()
    assert job.state == JobState.SUCCEEDED, job.error
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "observatory:return_upload_result", args=[campaign.year, organisation.slug, job.pk]
    )
    lines = {line.profession.code: line for line in returns.home.lines.all()}
    assert (lines["educateur-specialise"].headcount, lines["educateur-specialise"].women) == (
        13,
        10,
    )
    assert lines["aide-a-domicile"].fte == Decimal("14.25")
    # The care service's row named no profession: its return was left alone.
    assert not returns.care.lines.exists()
    returns.home.refresh_from_db()
    assert returns.home.status == ReturnStatus.DRAFT
    assert returns.home.events.filter(kind=ReturnEventKind.UPLOADED).count() == 1
    assert job.result["establishments"] == 1 and job.result["lines"] == 2
    page = client.get(response["Location"]).content.decode()
    assert "2 lignes écrites" in page and "Foyer des Tilleuls" in page
    assert f'href="{returns.home.get_absolute_url()}"' in page


def test_round_trip_csv_and_a_profession_left_out_is_removed(
    cast,
    reference,
    organisation,
    campaign,
    returns,
    last_campaign,
    django_capture_on_commit_callbacks,
):
    client = client_for(cast.member)
    text = client.get(template_url(campaign, organisation, "csv")).content.decode("utf-8-sig")
    lines = text.splitlines()
    kept = [lines[0]] + [
        line.replace(";10,5;", ";10,75;") for line in lines[1:] if "educateur-specialise" in line
    ]
    content = ("\ufeff" + "\r\n".join(kept) + "\r\n").encode("utf-8")
    upload(
        client, campaign, organisation, "rempli.csv", content, django_capture_on_commit_callbacks
    )
    job = last_job()
    assert job.state == JobState.SUCCEEDED, job.error
    [line] = returns.home.lines.all()
    assert (line.profession, line.fte) == (reference.educ, Decimal("10.75"))


# --- awkward real-world files, accepted ----------------------------------------------------


def _accepted(client, campaign, organisation, name, content, capture):
    upload(client, campaign, organisation, name, content, capture)
    job = last_job()
    assert job.state == JobState.SUCCEEDED, job.error
    return job


def test_windows_1252_csv_with_semicolons_decimal_commas_and_accents(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    content = csv_bytes(
        [row(comment="Difficultés à recruter en périphérie", fte="10.5")], encoding="cp1252"
    )
    assert "é".encode("cp1252") in content
    _accepted(
        client_for(cast.member),
        campaign,
        organisation,
        "export.csv",
        content,
        django_capture_on_commit_callbacks,
    )
    line = returns.home.lines.get()
    assert line.recruitment_comment == "Difficultés à recruter en périphérie"
    assert line.fte == Decimal("10.50")


def test_tab_separated_csv_with_decimal_points(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    content = csv_bytes([row(), row(CARE, "aide-a-domicile")], sep="\t", decimal=".")
    job = _accepted(
        client_for(cast.member),
        campaign,
        organisation,
        "export.csv",
        content,
        django_capture_on_commit_callbacks,
    )
    assert job.result["establishments"] == 2
    assert returns.care.lines.get().fte == Decimal("10.5")


def test_an_xlsx_saved_under_a_csv_name(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    _accepted(
        client_for(cast.member),
        campaign,
        organisation,
        "classeur.csv",
        xlsx_bytes([row()]),
        django_capture_on_commit_callbacks,
    )
    assert returns.home.lines.get().headcount == 12


def test_utf8_bom_extra_blank_lines_and_columns_in_another_case(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    columns = ["SIRET", "Établissement", "Code Métier", "métier", *(n.upper() for n in NAMES)]
    columns.append("Commentaire recrutement")
    body = csv_bytes([], columns=columns).decode()
    cells = row(siret="732 829 320 00074")
    line = ";".join(cells[c] for c in COLUMNS).replace(".", ",")
    content = ("\ufeff" + body + "\r\n" + line + "\r\n\r\n;;;\r\n\r\n").encode("utf-8")
    content = content.replace(b";;;\r\n", b";" * (len(COLUMNS) - 1) + b"\r\n")
    _accepted(
        client_for(cast.member),
        campaign,
        organisation,
        "bom.csv",
        content,
        django_capture_on_commit_callbacks,
    )
    assert returns.home.lines.get().headcount == 12


def test_a_siret_that_lost_its_leading_zero_and_fte_with_many_decimals(
    cast, organisation, campaign, returns, establishments, django_capture_on_commit_callbacks
):
    Establishment.objects.filter(pk=establishments.home.pk).update(siret="03282932000073")
    content = xlsx_bytes([row(siret="3282932000073", fte="10.333333")])
    _accepted(
        client_for(cast.member),
        campaign,
        organisation,
        "zero.xlsx",
        content,
        django_capture_on_commit_callbacks,
    )
    assert returns.home.lines.get().fte == Decimal("10.33")


# --- refused files: a clear message, nothing changed ---------------------------------------


def _refused(client, campaign, organisation, name, content, capture):
    before = snapshot()
    upload(client, campaign, organisation, name, content, capture)
    job = last_job()
    assert job.state == JobState.FAILED
    assert snapshot() == before
    return job.error


REFUSALS = [
    pytest.param(
        [row(), row(code="educateur-specialize")],
        "code métier inconnu « educateur-specialize » (vouliez-vous dire educateur-specialise ?)",
        id="unknown-profession",
    ),
    pytest.param([row(headcount="abc")], "headcount : « abc » n’est pas un nombre", id="letters"),
    pytest.param([row(hires="-3")], "hires : ne peut pas être négatif (-3)", id="negative"),
    # Numbers past what a float holds: refused, not saved as empty figures.
    pytest.param([row(headcount="1e400")], "headcount : « 1e400 » n’est pas un nombre", id="huge"),
    pytest.param([row(fte="-inf")], "fte : « -inf » n’est pas un nombre", id="infinite"),
    pytest.param([row(headcount="12.5")], "nombre entier est attendu (12,5)", id="decimal-count"),
    pytest.param([row(), row(trainees="4")], "déjà à la ligne 3", id="duplicate"),
    pytest.param([row(siret="12345")], "« 12345 » n’est pas un SIRET", id="not-a-siret"),
    pytest.param(
        [row(siret="7,32829E+13")], "transformé en nombre par le tableur", id="siret-as-number"
    ),
    pytest.param([row(code="")], "aucun code métier", id="no-profession"),
]


@pytest.mark.parametrize(("rows", "message"), REFUSALS)
def test_bad_rows_refuse_the_whole_file_with_their_line(
    cast,
    reference,
    organisation,
    campaign,
    returns,
    rows,
    message,
    django_capture_on_commit_callbacks,
):
    # A good row for the care service too: it is not written either.
    content = csv_bytes([row(CARE, "aide-a-domicile"), *rows])
    error = _refused(
        client_for(cast.member),
        campaign,
        organisation,
        "faux.csv",
        content,
        django_capture_on_commit_callbacks,
    )
    assert "rien n’a été modifié" in error
    assert message in error, error
    assert "Ligne " in error


def test_missing_and_renamed_columns_are_named(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    columns = [c for c in COLUMNS if c != "trainees"]
    columns[columns.index("headcount")] = "Effectif à la date de référence"
    cells = row()
    cells["Effectif à la date de référence"] = cells["headcount"]
    error = _refused(
        client_for(cast.member),
        campaign,
        organisation,
        "colonnes.csv",
        csv_bytes([cells], columns=columns),
        django_capture_on_commit_callbacks,
    )
    assert "Colonne(s) manquante(s) : headcount, trainees" in error
    assert "La colonne « Effectif à la date de référence » ressemble à headcount" in error


def test_another_organisations_establishment_is_refused_without_revealing_it(
    cast,
    reference,
    organisation,
    campaign,
    returns,
    establishments,
    django_capture_on_commit_callbacks,
):
    client = client_for(cast.member)
    other = _refused(
        client,
        campaign,
        organisation,
        "a.csv",
        csv_bytes([row(OTHER)]),
        django_capture_on_commit_callbacks,
    )
    nobody = _refused(
        client,
        campaign,
        organisation,
        "b.csv",
        csv_bytes([row("12345678200010")]),
        django_capture_on_commit_callbacks,
    )
    assert establishments.other.name not in other
    assert "Entraide" not in other and "Dampierre" not in other
    assert other.replace(OTHER, "X") == nobody.replace("12345678200010", "X")
    assert not returns.other.lines.exists()


def test_an_establishment_of_the_organisation_not_invited_is_named(
    cast,
    reference,
    organisation,
    campaign,
    returns,
    small_geography,
    django_capture_on_commit_callbacks,
):
    Establishment.objects.create(
        organisation=organisation,
        name="Halte-garderie des Lilas",
        siret=SPARE,
        commune=small_geography["98003"],
        sector=reference.child,
        employer_kind=reference.association,
    )
    error = _refused(
        client_for(cast.member),
        campaign,
        organisation,
        "c.csv",
        csv_bytes([row(SPARE)]),
        django_capture_on_commit_callbacks,
    )
    assert "Halte-garderie des Lilas" in error and "n’est pas invité" in error


def test_a_ragged_row_refuses_the_file(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    content = csv_bytes([row()]) + b"73282932000074;;moniteur-educateur;;1;2\r\n"
    error = _refused(
        client_for(cast.member),
        campaign,
        organisation,
        "r.csv",
        content,
        django_capture_on_commit_callbacks,
    )
    assert "ligne 3" in error and "champs" in error


def test_a_csv_named_xlsx_is_refused(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    error = _refused(
        client_for(cast.member),
        campaign,
        organisation,
        "faux.xlsx",
        csv_bytes([row()]),
        django_capture_on_commit_callbacks,
    )
    assert "pas un classeur Excel" in error


def test_only_the_first_fifty_problems_are_listed(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    rows = [row(code=f"metier-{n}") for n in range(60)]
    error = _refused(
        client_for(cast.member),
        campaign,
        organisation,
        "long.csv",
        csv_bytes(rows),
        django_capture_on_commit_callbacks,
    )
    assert error.startswith("60 problèmes dans le fichier")
    assert error.count("• ") == 50
    assert error.endswith("… et 10 autres.")
    assert len(error) <= 5000


def test_a_submitted_return_is_not_changed(
    cast, reference, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    ret = return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={reference.educ: LineInput(good_figures())},
        lock_version=None,
    )
    return_submit(return_obj=ret, user=cast.member)
    error = _refused(
        client_for(cast.member),
        campaign,
        organisation,
        "envoyee.csv",
        csv_bytes([row(headcount="13", women="10", age_55_plus="3")]),
        django_capture_on_commit_callbacks,
    )
    assert "La déclaration de Foyer des Tilleuls (73282932000074) est envoyée" in error
    assert returns.home.lines.get().headcount == 12


def test_a_closed_campaign_takes_no_file(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=timezone.localdate() - datetime.timedelta(days=40),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    error = _refused(
        client_for(cast.member),
        campaign,
        organisation,
        "tard.csv",
        csv_bytes([row()]),
        django_capture_on_commit_callbacks,
    )
    assert "La campagne a été close le" in error


def test_the_result_page_lists_the_problems(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    client = client_for(cast.member)
    response = upload(
        client,
        campaign,
        organisation,
        "faux.csv",
        csv_bytes([row(headcount="abc")]),
        django_capture_on_commit_callbacks,
    )
    page = client.get(response["Location"]).content.decode()
    assert '<ul class="upload-problems">' in page
    assert "Ligne 2 : headcount : « abc » n’est pas un nombre" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("gros.csv", b"x" * (5 * 1024 * 1024 + 1), "trop volumineux"),
        ("modele.ods", b"PK\x03\x04", "Enregistrez-le"),
        ("modele.pdf", b"%PDF-1.4", "Type de fichier non pris en charge"),
    ],
)
def test_the_form_refuses_oversized_or_wrong_files_before_reading(
    cast,
    organisation,
    campaign,
    returns,
    name,
    content,
    message,
    django_capture_on_commit_callbacks,
):
    response = upload(
        client_for(cast.member),
        campaign,
        organisation,
        name,
        content,
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_the_stored_file_is_removed_once_the_job_ends_and_kept_only_for_a_retry(
    cast,
    organisation,
    campaign,
    returns,
    settings,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = str(tmp_path)
    client = client_for(cast.member)
    upload(
        client,
        campaign,
        organisation,
        "faux.csv",
        csv_bytes([row(headcount="abc")]),
        django_capture_on_commit_callbacks,
    )
    assert last_job().state == JobState.FAILED and not list(tmp_path.rglob("*.csv"))

    tries = []

    def database_away(**kwargs):
        tries.append(list(tmp_path.rglob("*.csv")))
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(uploads, "returns_upload_apply", database_away)
    upload(
        client,
        campaign,
        organisation,
        "a.csv",
        csv_bytes([row()]),
        django_capture_on_commit_callbacks,
    )
    job = last_job()
    assert job.state == JobState.FAILED and job.attempts == settings.JOBS_MAX_ATTEMPTS
    assert len(tries) == settings.JOBS_MAX_ATTEMPTS and all(tries)  # there for each try
    assert not list(tmp_path.rglob("*.csv"))

    def bug(**kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(uploads, "returns_upload_apply", bug)
    with pytest.raises(RuntimeError):
        upload(
            client,
            campaign,
            organisation,
            "b.csv",
            csv_bytes([row()]),
            django_capture_on_commit_callbacks,
        )
    assert last_job().state == JobState.FAILED and not list(tmp_path.rglob("*.csv"))


# --- who may -------------------------------------------------------------------------------


MEMBERS = {"visitor": 302, "member": 200, "org_admin": 200, "other_admin": 403}
MEMBERS |= {"curator": 403, "analyst": 403}


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("xlsx", {**MEMBERS, "admin": 200}),
        ("csv", {**MEMBERS, "admin": 200}),
        ("upload", {**MEMBERS, "admin": 403}),
    ],
)
def test_permission_matrix(cast, organisation, campaign, returns, page, expected):
    url = (
        upload_url(campaign, organisation)
        if page == "upload"
        else template_url(campaign, organisation, page)
    )
    got = {persona: client_for(getattr(cast, persona)).get(url).status_code for persona in expected}
    assert got == expected


def test_a_delegate_of_another_organisation_can_neither_download_nor_upload(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    client = client_for(cast.other_admin)
    assert client.get(template_url(campaign, organisation, "xlsx")).status_code == 403
    assert client.get(template_url(campaign, organisation, "csv")).status_code == 403
    assert client.get(upload_url(campaign, organisation)).status_code == 403
    response = upload(
        client,
        campaign,
        organisation,
        "x.csv",
        csv_bytes([row(OTHER)]),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_visitors_are_sent_to_log_in(organisation, campaign, returns):
    client = Client()
    for url in (template_url(campaign, organisation, "xlsx"), upload_url(campaign, organisation)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/compte/" in response["Location"]


def test_unknown_format_campaign_or_organisation_is_not_found(
    cast, organisation, other_organisation, campaign, returns
):
    client = client_for(cast.member)
    assert client.get(template_url(campaign, organisation, "pdf")).status_code == 404
    url = reverse("observatory:return_template", args=[1999, organisation.slug, "csv"])
    assert client.get(url).status_code == 404
    url = reverse("observatory:return_template", args=[campaign.year, "nobody", "csv"])
    assert client.get(url).status_code == 404


def test_an_upload_is_followed_by_its_author_only(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    response = upload(
        client_for(cast.member),
        campaign,
        organisation,
        "a.csv",
        csv_bytes([row()]),
        django_capture_on_commit_callbacks,
    )
    assert client_for(cast.member).get(response["Location"]).status_code == 200
    assert client_for(cast.org_admin).get(response["Location"]).status_code == 404
    assert client_for(cast.other_admin).get(response["Location"]).status_code == 403


# --- through a real worker -----------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reads_the_upload_and_writes_the_returns(
    cast, reference, organisation, campaign, returns, redis_broker
):
    client = client_for(cast.member)
    with running_worker():
        response = client.post(
            upload_url(campaign, organisation),
            {
                "file": SimpleUploadedFile(
                    "rempli.csv", csv_bytes([row(), row(CARE, "aide-a-domicile")])
                )
            },
        )
        assert response.status_code == 302
        job = last_job()
        assert wait_for(lambda: Job.objects.get(pk=job.pk).state == JobState.SUCCEEDED)
    assert returns.home.lines.get().headcount == 12
    assert returns.care.lines.get().profession == reference.aide
    job.refresh_from_db()
    assert job.result["establishments"] == 2
    assert job.worker
    with transaction.atomic():
        assert ReturnEvent.objects.filter(kind=ReturnEventKind.UPLOADED).count() == 2


def test_a_campaign_not_yet_open_takes_no_file_and_says_when_it_opens(
    cast, organisation, campaign, returns, django_capture_on_commit_callbacks
):
    opens = timezone.localdate() + datetime.timedelta(days=2)
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=opens, closes_on=opens + datetime.timedelta(days=30)
    )
    error = _refused(
        client_for(cast.member),
        campaign,
        organisation,
        "tot.csv",
        csv_bytes([row()]),
        django_capture_on_commit_callbacks,
    )
    assert f"La campagne ouvre le {opens:%d/%m/%Y}" in error
    assert not returns.home.lines.exists()
