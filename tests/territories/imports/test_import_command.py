"""`manage.py import_file`: the form's options on the command line, a printed report, a
non-zero exit when the file is refused, and nothing changed then."""

import pytest
from django.core.management import CommandError, call_command

from territories.catalogue.models import IndicatorValue
from territories.geography.models import Territory
from territories.imports.models import DataImport
from tests.territories.conftest import geojson, square, write

pytestmark = pytest.mark.django_db

COLUMNS = "TP60=taux-pauvrete@2021,NBPERS=personnes-menages-fiscaux@2021"


def command(path, *extra):
    from io import StringIO

    out = StringIO()
    try:
        call_command("import_file", str(path), *extra, stdout=out)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), None


def test_a_windows_1252_semicolon_file_is_imported_and_reported(tmp_path, small_geography):
    path = write(
        tmp_path / "filo.csv",
        "CODGEO;Libellé;TP60;NBPERS\n98001;Étoile;12,5;100\n98002;Noël;s;200\n",
        "cp1252",
    )
    out, error = command(path, "--code-column", "CODGEO", "--columns", COLUMNS)
    assert error is None
    assert "accepted: 2 of 2 rows" in out
    assert IndicatorValue.objects.filter(indicator__slug="taux-pauvrete").count() == 2


def test_a_duplicate_refuses_the_file_naming_both_lines(tmp_path, small_geography):
    path = write(tmp_path / "dup.csv", "CODGEO;TP60;NBPERS\n98001;10;1\n98002;3;1\n98001;10;1\n")
    out, error = command(path, "--code-column", "CODGEO", "--columns", COLUMNS)
    assert error is not None
    assert "rejected: line 4" in out and "2" in out.split("rejected: line 4", 1)[1]
    assert IndicatorValue.objects.count() == 0
    assert DataImport.objects.get().state == "failed"


def test_accept_valid_rows_is_an_explicit_recorded_choice(tmp_path, small_geography):
    path = write(tmp_path / "part.csv", "CODGEO;TP60;NBPERS\n98001;10;1\n98777;3;1\n")
    out, error = command(
        path, "--code-column", "CODGEO", "--columns", COLUMNS, "--accept-valid-rows"
    )
    assert error is None and "rejected: line 3" in out
    assert IndicatorValue.objects.filter(indicator__slug="taux-pauvrete").count() == 1
    assert DataImport.objects.get().accept_valid_rows is True


def test_ragged_rows_exit_non_zero_with_their_line(tmp_path, small_geography):
    path = write(tmp_path / "court.csv", "CODGEO;TP60;NBPERS\n98001;10\n98002;3;1;9\n")
    _out, error = command(path, "--code-column", "CODGEO", "--columns", COLUMNS)
    assert "2" in error and "3" in error and "tokenizing" not in error
    assert IndicatorValue.objects.count() == 0


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+33", "-Nantes", "@SUM(A1)"])
def test_a_name_that_looks_like_a_formula_is_refused(tmp_path, small_geography, name):
    before = dict(Territory.objects.values_list("code", "name"))
    path = write(
        tmp_path / "noms.geojson",
        geojson(
            [
                {
                    "type": "Feature",
                    "properties": {"code": "98001", "nom": name},
                    "geometry": square(-1.5, 47),
                }
            ]
        ),
    )
    out, error = command(
        path, "--kind", "geography", "--code-column", "code", "--name-column", "nom"
    )
    assert error is not None and "formul" in out
    assert dict(Territory.objects.values_list("code", "name")) == before


def _boundaries(tmp_path, name, features):
    return write(tmp_path / name, geojson(features))


def _feature(code, geometry, **properties):
    return {"type": "Feature", "properties": {"code": code, **properties}, "geometry": geometry}


def test_swapped_axis_geojson_is_refused_with_both_boxes(tmp_path, small_geography):
    path = _boundaries(tmp_path, "latlon.geojson", [_feature("98001", square(47.2, -1.5))])
    _out, error = command(path, "--kind", "geography", "--code-column", "code")
    assert "latitude" in error and "[47.200, -1.500" in error and "[-6.300, 40.700" in error
    assert Territory.objects.filter(geometry__isnull=False).count() == 0


def test_boundaries_far_from_the_loaded_area_are_refused(tmp_path, small_geography):
    first = _boundaries(tmp_path, "a.geojson", [_feature("98001", square(-1.5, 47.2))])
    assert command(first, "--kind", "geography", "--code-column", "code")[1] is None
    far = _boundaries(tmp_path, "b.geojson", [_feature("98002", square(5.0, 45.0))])
    _out, error = command(far, "--kind", "geography", "--code-column", "code")
    assert "[5.000, 45.000" in error and "[-2.000, 46.700" in error
    assert Territory.objects.get(code="98002").geometry is None


def test_a_boundary_that_moves_needs_a_confirmation(tmp_path, small_geography):
    first = _boundaries(
        tmp_path,
        "a.geojson",
        [_feature("98001", square(-1.5, 47.2)), _feature("98002", square(-1.3, 47.2))],
    )
    assert command(first, "--kind", "geography", "--code-column", "code")[1] is None
    before = Territory.objects.get(code="98001").geometry
    moved = _boundaries(tmp_path, "b.geojson", [_feature("98001", square(-1.4, 47.2))])
    out, error = command(moved, "--kind", "geography", "--code-column", "code")
    assert error is not None and "7.6 km" in out
    assert Territory.objects.get(code="98001").geometry == before
    out, error = command(moved, "--kind", "geography", "--code-column", "code", "--confirm-moves")
    assert error is None and "moved 7.6 km" in out


def test_renaming_a_loaded_territory_needs_a_confirmation(tmp_path, small_geography):
    path = _boundaries(tmp_path, "noms.geojson", [_feature("98001", square(-1.5, 47), nom="Z")])
    args = ("--kind", "geography", "--code-column", "code", "--name-column", "nom")
    out, error = command(path, *args)
    assert error is not None and "Aubert" in out
    assert Territory.objects.get(code="98001").name == "Aubert"
    out, error = command(path, *args, "--confirm-renames")
    assert error is None and Territory.objects.get(code="98001").name == "Z"


def test_long_file_code_year_value(tmp_path, small_geography):
    path = write(
        tmp_path / "long.csv",
        "code;annee;valeur\n98001;2020;10,5\n98001;2021;11\n98002;2021;12\n",
    )
    out, error = command(
        path,
        "--code-column",
        "code",
        "--period-column",
        "annee",
        "--columns",
        "valeur=taux-pauvrete",
    )
    assert error is None, out
    stored = set(IndicatorValue.objects.values_list("territory__code", "period", "value", "status"))
    # 98002 has no 2020 row: nothing is written for it, not even a "missing"
    assert stored == {
        ("98001", 2020, 10.5, "ok"),
        ("98001", 2021, 11.0, "ok"),
        ("98002", 2021, 12.0, "ok"),
    }


def test_long_file_with_indicator_names_and_a_duplicate(tmp_path, small_geography):
    from territories.catalogue.models import Indicator

    name = Indicator.objects.get(slug="taux-pauvrete").name
    path = write(
        tmp_path / "long4.csv",
        f"code,annee,indicateur,valeur\n98001,2021,{name},10\n98001,2021,taux-pauvrete,10\n"
        "98002,2021,personnes-menages-fiscaux,5\n98003,2021,inconnu,1\n",
    )
    args = ("--code-column", "code", "--period-column", "annee")
    out, error = command(
        path, *args, "--indicator-column", "indicateur", "--value-column", "valeur"
    )
    assert error is not None
    assert "refused: nothing was imported" in out
    duplicate = out.split("rejected: line 3", 1)[1].split("\n", 1)[0]
    assert "98001" in duplicate and "2021" in duplicate and " 2" in duplicate
    assert "rejected: line 5" in out and "inconnu" in out
    assert IndicatorValue.objects.count() == 0


def test_code_changes_from_the_command_line(tmp_path, small_geography):
    from territories.geography.models import CodeChange

    path = write(tmp_path / "passage.csv", "ancien;nouveau\n98098;98004\n")
    out, error = command(
        path,
        "--kind",
        "code_changes",
        "--code-column",
        "ancien",
        "--old-column",
        "ancien",
        "--new-column",
        "nouveau",
        "--from-vintage",
        "2024",
        "--to-vintage",
        "2026",
    )
    assert error is None and "accepted: 1 of 1 rows" in out
    assert CodeChange.objects.filter(old_code="98098", new_code="98004").exists()


def test_every_problem_of_a_row_is_listed_with_column_and_value(tmp_path, small_geography):
    path = write(tmp_path / "deux.csv", "CODGEO;TP60;NBPERS\n98001;abc;-4\n98002;1;1\n")
    out, error = command(path, "--code-column", "CODGEO", "--columns", COLUMNS)
    assert error is not None
    assert "rejected: line 2 column TP60 value 'abc'" in out
    assert "rejected: line 2 column NBPERS value '-4'" in out
    assert IndicatorValue.objects.count() == 0


def test_long_file_reports_a_bad_value_on_its_own_line(tmp_path, small_geography):
    path = write(
        tmp_path / "long-bad.csv",
        "code;annee;valeur\n98001;2020;10,5\n98002;2021;12\n98001;2021;douze\n",
    )
    args = (
        "--code-column",
        "code",
        "--period-column",
        "annee",
        "--columns",
        "valeur=taux-pauvrete",
    )
    out, error = command(path, *args)
    assert error is not None and "refused: nothing was imported" in out
    # The bad value is on line 4, not on line 2 where 98001 first appears.
    assert "rejected: line 4" in out and "douze" in out
    assert "rejected: line 2" not in out
    assert IndicatorValue.objects.count() == 0
