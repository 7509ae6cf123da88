"""The shipped region loaded through the import path, checked against figures computed by
hand from the shipped CSVs; and another region's files in the same form."""

import json
import shutil

import pandas as pd
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError

from territories.catalogue.models import Indicator, IndicatorValue
from territories.geography.models import Territory
from territories.imports.models import DataImport
from territories.pipeline.models import AggregateValue
from territories.pipeline.selectors import published_run_id
from tests.territories.conftest import REGION_DIR

pytestmark = pytest.mark.django_db

ANCENIS = "244400552"  # CC du Pays d'Ancenis: communes in Loire-Atlantique and Maine-et-Loire
REDON = "243500741"  # CA Redon Agglomération: 8 of its 31 communes are in the region


def aggregate(code, slug, period):
    return AggregateValue.objects.get(
        run_id=published_run_id(), territory__code=code, indicator__slug=slug, period=period
    )


def by_hand(epci_siren):
    """The EPCI's figures computed with pandas alone, from the shipped files."""
    communes = pd.read_csv(REGION_DIR / "communes.csv", dtype=str)
    members = communes[communes.epci_siren == epci_siren]
    population = members.population_municipale.astype(int)
    passage = pd.read_csv(REGION_DIR / "passage_codes_2024_2026.csv", dtype=str)
    to_2026 = dict(zip(passage.code_insee_2024, passage.code_insee_2026, strict=True))

    comparateur = pd.read_csv(REGION_DIR / "comparateur_territoires_2024_communes.csv", dtype=str)
    comparateur["code"] = comparateur.code_insee.map(lambda c: to_2026.get(c, c))
    comp = comparateur[comparateur.code.isin(members.code_insee)]
    unemployment = (
        100
        * comp.pop_15_64_chomage_2021.astype(float).sum()
        / comp.pop_15_64_active_2021.astype(float).sum()
    )

    filosofi = pd.read_csv(REGION_DIR / "filosofi_2021_communes.csv", sep=";", dtype=str)
    filosofi["code"] = filosofi.CODGEO.map(lambda c: to_2026.get(c, c))
    filo = filosofi[filosofi.code.isin(members.code_insee)].copy()
    filo["rate"] = pd.to_numeric(filo.TP6021.str.replace(",", "."), errors="coerce")
    filo["persons"] = pd.to_numeric(filo.NBPERSMENFISC21.str.replace(",", "."), errors="coerce")
    known = filo.dropna(subset=["rate", "persons"])
    known_codes = set(known.code) - set(
        filo[filo.rate.isna()].code
    )  # a merged commune needs all its parts
    known = known[known.code.isin(known_codes)]
    poverty = 100 * (known.rate / 100 * known.persons).sum() / known.persons.sum()
    # Coverage is the share of the rate's denominator, the persons of fiscal households,
    # held by communes whose rate is known (population only if some persons are unknown).
    persons = filo.groupby("code").persons.sum(min_count=1)
    if persons.reindex(members.code_insee).notna().all() and filo.persons.notna().all():
        coverage = persons[persons.index.isin(known_codes)].sum() / persons.sum()
    else:
        coverage = population[members.code_insee.isin(known_codes)].sum() / population.sum()
    return {
        "population": population.sum(),
        "population_2021": comp.population_2021.astype(int).sum(),
        "unemployment": unemployment,
        "poverty": poverty,
        "coverage": coverage,
        "departements": sorted(members.dep_code.unique()),
    }


def test_the_region_loads_through_the_import_path_and_aggregates_as_by_hand(capsys):
    call_command("load_territories", str(REGION_DIR))
    output = capsys.readouterr().out
    counts = dict(
        Territory.objects.values_list("level").annotate(
            n=__import__("django").db.models.Count("id")
        )
    )
    assert counts == {"region": 1, "departement": 5, "epci": 71, "commune": 1228}
    assert DataImport.objects.filter(state="succeeded").count() == 10
    assert "filosofi_2021_communes.csv: 1232 rows imported, 0 rejected, 5 codes mapped" in output
    assert Territory.objects.get(level="commune", code="85113").epci is None  # L'Île-d'Yeu
    assert "49069" in Territory.objects.get(level="commune", code="49126").former_codes.split()
    assert Indicator.objects.count() == 37
    assert all(
        shapely.geometry.shape(geometry).is_valid
        for geometry in Territory.objects.filter(level="commune").values_list("geometry", flat=True)
    )

    for siren in (ANCENIS, REDON):
        expected = by_hand(siren)
        epci = Territory.objects.get(level="epci", code=siren)
        assert epci.population == expected["population"]
        assert aggregate(siren, "population", 2021).value == expected["population_2021"]
        assert aggregate(siren, "taux-chomage-15-64", 2021).value == pytest.approx(
            expected["unemployment"]
        )
        poverty = aggregate(siren, "taux-pauvrete", 2021)
        assert poverty.coverage == pytest.approx(expected["coverage"])
        if poverty.coverage >= 0.5:
            assert poverty.value == pytest.approx(expected["poverty"])
        else:
            assert poverty.value is None
    assert by_hand(ANCENIS)["departements"] == ["44", "49"]
    redon = Territory.objects.get(level="epci", code=REDON)
    assert redon.share_in_region == pytest.approx(0.315, abs=0.001)

    # The region's own figures: the sum of the census age bands, as SOURCES.md gives it.
    assert aggregate("52", "population", 2022).value == pytest.approx(3_879_216, abs=1)
    assert aggregate("52", "enfants-0-14", 2022).value == pytest.approx(687_243, abs=1)
    assert aggregate("52", "taux-chomage-15-64", 2022).value == pytest.approx(
        100 * 170_638 / 1_816_047, abs=0.01
    )

    # Loading again duplicates nothing.
    call_command("load_territories", str(REGION_DIR))
    assert "already loaded" in capsys.readouterr().out
    assert Territory.objects.count() == 1305


def test_another_region_in_the_same_form_loads_with_no_code_change(tmp_path):
    """Mayenne and Sarthe, made into a region of their own."""
    keep = {"53", "72"}
    folder = tmp_path / "autre-region"
    folder.mkdir()
    communes = pd.read_csv(REGION_DIR / "communes.csv", dtype=str)
    communes = communes[communes.dep_code.isin(keep)].assign(region_code="99")
    communes.to_csv(folder / "communes.csv", index=False)
    epci = pd.read_csv(REGION_DIR / "epci.csv", dtype=str)
    epci = epci[epci.siren.isin(communes.epci_siren.dropna())]
    epci.to_csv(folder / "epci.csv", index=False)
    for name, key in (
        ("communes.geojson", "code"),
        ("epci.geojson", "siren"),
        ("departements.geojson", "code"),
    ):
        document = json.loads((REGION_DIR / name).read_text())
        wanted = set(communes.code_insee) | set(epci.siren) | keep
        document["features"] = [f for f in document["features"] if f["properties"][key] in wanted]
        (folder / name).write_text(json.dumps(document))
    departements = json.loads((folder / "departements.geojson").read_text())
    union = shapely.union_all(
        [shapely.geometry.shape(f["geometry"]) for f in departements["features"]]
    )
    region = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "code": "99",
                    "nom": "Maine",
                    "population": int(communes.population_municipale.astype(int).sum()),
                },
                "geometry": shapely.geometry.mapping(union),
            }
        ],
    }
    (folder / "region.geojson").write_text(json.dumps(region))
    for name in (
        "passage_codes_2024_2026.csv",
        "filosofi_2021_communes.csv",
        "comparateur_territoires_2024_communes.csv",
        "dossier_complet_2022_communes.csv",
    ):
        shutil.copy(REGION_DIR / name, folder / name)
    spec = json.loads((REGION_DIR / "load.json").read_text())
    spec["region_code"] = "99"
    (folder / "load.json").write_text(json.dumps(spec))

    # The INSEE files cover the whole former région: refused whole by default...
    with pytest.raises(CommandError, match="rien n’a été importé"):
        call_command("load_territories", str(folder))
    assert not IndicatorValue.objects.exists()
    # ...and loaded when the analyst accepts their valid rows, the others reported.
    call_command("load_territories", str(folder), "--force", "--accept-valid-rows")

    assert Territory.objects.filter(level="commune").count() == 240 + 352
    assert Territory.objects.get(level="region").code == "99"
    maine = aggregate("99", "population", 2022).value
    expected = sum(aggregate(code, "population", 2022).value for code in ("53", "72"))
    assert maine == pytest.approx(expected)
    # Rows of the other départements in the INSEE files are reported, not imported.
    rejected = DataImport.objects.filter(original_name__startswith="filosofi").latest("pk")
    rejected = rejected.report["rejected"]
    assert len(rejected) == 1232 - 592 - 2  # two merged codes map to communes of 72
    assert "inconnu" in rejected[0]["reason"]
