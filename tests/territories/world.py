"""A small published world for the tests that read everything the territories publish: the
API's schema test and the permission matrix."""

from territories.analyses import services as analyses
from territories.catalogue.models import Indicator
from territories.pipeline import services as pipeline
from territories.pipeline.selectors import published_run_id
from territories.signals import detection
from tests.territories.pipeline.test_pipeline import put
from tests.territories.signals.conftest import RULES

COMMUNES = ("98001", "98002", "98003", "98004", "98005")
# (indicator, period, a value per commune)
VALUES = [
    ("population", 2021, (100, 200, 300, 150, 250)),
    ("taux-chomage-15-64", 2022, (20.0, 16.0, 7.0, 9.0, 12.0)),
    ("niveau-vie-median", 2021, (20000, 22000, 18000, 20000, 25000)),
    ("part-75-plus", 2022, (8.0, 12.0, 15.0, 9.0, 11.0)),
]
COMPOSITE = "Indice test"
TYPOLOGY = "typologie-test"


def published_world(geo, *, images=False):
    """On `geo` (tests.conftest.small_geography_create): values and boundaries for its five
    communes, an index and a typology on them, recomputed and published, with the weak
    signals detected; and, with `images`, the maps' images drawn."""
    for slug, period, values in VALUES:
        put(geo, slug, dict(zip(COMMUNES, values, strict=True)), period)
    put(geo, "decile-1", {"98001": 14000, "98003": 14500})
    for index, code in enumerate(COMMUNES):
        x = index / 10
        geo[code].geometry = {
            "type": "Polygon",
            "coordinates": [[[x, 47], [x + 0.1, 47], [x + 0.1, 47.1], [x, 47.1], [x, 47]]],
        }
        geo[code].save()
    unemployment = Indicator.objects.get(slug="taux-chomage-15-64")
    income = Indicator.objects.get(slug="niveau-vie-median")
    analyses.composite_save(
        name=COMPOSITE,
        level="commune",
        period=2022,
        normalisation="zscore",
        components=[
            {"indicator": unemployment, "period": 2022, "weight": 2, "reverse": False},
            {"indicator": income, "period": 2021, "weight": 1, "reverse": True},
        ],
        request_recompute=False,
    )
    analyses.typology_save(
        name="Typologie test",
        slug=TYPOLOGY,
        level="commune",
        method="kmeans",
        k=2,
        k_max=4,
        seed=7,
        variables=[
            {"indicator": Indicator.objects.get(slug="part-75-plus"), "period": 2022},
            {"indicator": unemployment, "period": 2022},
        ],
        request_recompute=False,
    )
    pipeline.recompute_now(reason="test")
    if images:
        from territories.maps.images import render_images

        render_images(run_id=published_run_id())
    detection.detect(run_id=published_run_id(), rules=RULES)
    return geo
