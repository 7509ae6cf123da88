import json
from pathlib import Path

import pytest
from django.conf import settings

from territories.choices import Level
from territories.models import CodeChange, Territory
from territories.services import indicator_catalogue_load

CATALOGUE = Path(settings.BASE_DIR) / "data" / "reference" / "indicators.json"
REGION_DIR = Path(settings.BASE_DIR) / "data" / "paysdelaloire"


@pytest.fixture
def catalogue(db):
    indicator_catalogue_load(path=CATALOGUE)


@pytest.fixture
def small_geography(db, catalogue):
    """A région, a département, two EPCI and five communes with round numbers."""
    region = Territory.objects.create(
        level=Level.REGION, code="99", name="Région test", population=1000
    )
    dep = Territory.objects.create(
        level=Level.DEPARTEMENT, code="98", name="Département test", population=1000, region=region
    )
    epci_a = Territory.objects.create(
        level=Level.EPCI, code="200000001", name="CC Alpha", population=600, region=region
    )
    epci_b = Territory.objects.create(
        level=Level.EPCI, code="200000002", name="CC Bêta", population=400, region=region
    )
    communes = {}
    for code, name, population, epci in [
        ("98001", "Aubert", 100, epci_a),
        ("98002", "Bellecombe", 200, epci_a),
        ("98003", "Chaumont", 300, epci_a),
        ("98004", "Dampierre", 150, epci_b),
        ("98005", "Épinay", 250, epci_b),
    ]:
        communes[code] = Territory.objects.create(
            level=Level.COMMUNE,
            code=code,
            name=name,
            population=population,
            region=region,
            departement=dep,
            epci=epci,
            postal_codes=f"{code[:2]}100",
            siren=f"21{code}0",
        )
    CodeChange.objects.create(
        old_code="98099", new_code="98005", from_vintage=2024, to_vintage=2026
    )
    return {"region": region, "departement": dep, "epci_a": epci_a, "epci_b": epci_b, **communes}


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def geojson(features, crs=None):
    document = {"type": "FeatureCollection", "features": features}
    if crs:
        document["crs"] = crs
    return json.dumps(document)


def square(x, y, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }
