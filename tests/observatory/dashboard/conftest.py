"""Published workforce figures for the dashboard, through a real recompute: the workforce
indicators are created in the catalogue with the slugs of observatory.indicators, and a
publisher registered under « observatory » writes the values each test gives it (what the
observatory's own publisher does from the validated returns)."""

from types import SimpleNamespace

import pytest
import shapely

from observatory.indicators.definitions import ALL_PROFESSIONS, MEASURES, indicator_slug
from territories.catalogue.models import Indicator
from territories.choices import Aggregation, Level, ValueStatus
from territories.geography.models import Territory
from territories.pipeline import publishers
from territories.pipeline import services as pipeline
from tests.territories.pipeline.test_pipeline import put

EDUC, AIDE = "educateur-specialise", "aide-a-domicile"
SECRET_VALUE = 987.654  # written with a secret status: it must never be shown


def workforce_indicators(professions, *, is_demo=True):
    """The catalogue's workforce indicators: each measure for all professions, and its
    detail per profession. {(measure, profession code or ALL_PROFESSIONS): Indicator}."""
    made = {}
    for measure in MEASURES:
        headline = Indicator.objects.filter(slug=indicator_slug(measure.slug)).first()
        headline = headline or Indicator.objects.create(
            slug=indicator_slug(measure.slug),
            name=str(measure.name),
            definition=str(measure.definition),
            unit=str(measure.unit),
            theme="Métiers de la cohésion sociale",
            source="Observatoire régional des métiers, déclarations annuelles des employeurs",
            source_vintage="Campagnes 2023-2024",
            polarity=measure.polarity,
            aggregation=Aggregation.NONE,
            decimals=measure.decimals,
            published_by="observatory",
            dimension="Métier",
            is_demo=is_demo,
        )
        made[(measure.slug, ALL_PROFESSIONS)] = headline
        for profession in professions:
            made[(measure.slug, profession.code)] = Indicator.objects.create(
                slug=indicator_slug(measure.slug, profession.code),
                name=f"{measure.name} — {profession.name}",
                definition=str(measure.definition),
                unit=str(measure.unit),
                theme=headline.theme,
                source=headline.source,
                source_vintage=headline.source_vintage,
                polarity=measure.polarity,
                aggregation=Aggregation.NONE,
                decimals=measure.decimals,
                published_by="observatory",
                variant_of=headline,
                variant_label=profession.name,
                is_demo=is_demo,
            )
    return made


@pytest.fixture
def observatory_publisher():
    """Registers a publisher « observatory » writing `rows` (a list the test fills with
    (indicator, territory, period, value, status)); the one registered before comes back."""
    rows = []
    before = publishers.PUBLISHERS.get("observatory")

    def publish(*, run_id):
        return [
            {
                "indicator_id": indicator.pk,
                "territory_id": territory.pk,
                "period": period,
                "value": value,
                "coverage": 1.0,
                "members": 1,
                "members_known": 1,
                "status": status,
            }
            for indicator, territory, period, value, status in rows
        ]

    publishers.register_publisher("observatory", publish)
    yield rows
    if before is None:
        publishers.PUBLISHERS.pop("observatory", None)
    else:
        publishers.register_publisher("observatory", before)


def draw_boundaries(geo):
    """A square for each commune, so that the EPCI have boundaries to draw."""
    communes = Territory.objects.filter(level=Level.COMMUNE).order_by("code")
    for index, commune in enumerate(communes):
        commune.geometry = shapely.geometry.mapping(
            shapely.box(index * 0.1, 47, index * 0.1 + 0.1, 47.1)
        )
        commune.save(update_fields=["geometry"])


def poverty_rates(geo):
    Indicator.objects.filter(slug="taux-pauvrete").update(min_count=0)
    communes = ["98001", "98002", "98003", "98004", "98005"]
    put(geo, "personnes-menages-fiscaux", dict(zip(communes, [100, 200, 300, 150, 250])))
    put(geo, "taux-pauvrete", dict(zip(communes, [10.0, 20.0, 30.0, 12.0, 14.0])))


# The région's figures: (measure, profession, year) → value; every other cell of the two
# years is published too (value 1.0), except the home-care aides' 2024 ones, all secret.
REGION = {
    ("effectif", ALL_PROFESSIONS, 2024): 1234.0,
    ("effectif", EDUC, 2024): 800.0,
    ("indice-tension", ALL_PROFESSIONS, 2024): 0.42,
    ("indice-tension", EDUC, 2024): 0.73,
    ("indice-tension", EDUC, 2023): 0.31,
    ("taux-vacance", EDUC, 2024): 8.4,
    ("densite-etp", EDUC, 2024): 12.6,
}
# EPCI figures of 2024: (measure, profession, EPCI key) → value.
EPCI = {
    ("indice-tension", EDUC, "epci_a"): 1.51,
    ("indice-tension", AIDE, "epci_a"): 0.88,
    ("indice-tension", AIDE, "epci_b"): -0.25,
    ("indice-tension", ALL_PROFESSIONS, "epci_a"): 1.11,
    ("indice-tension", ALL_PROFESSIONS, "epci_b"): 0.05,
    ("taux-vacance", EDUC, "epci_a"): 9.5,
    ("taux-vacance-longue", EDUC, "epci_a"): 4.5,
    ("rotation", EDUC, "epci_a"): 21.5,
    ("absenteisme", EDUC, "epci_a"): 7.5,
}


def published_figures(geo, indicators, rows):
    """Fill the publisher's rows: the région's two years, the EPCI's 2024."""
    for (measure, profession), indicator in indicators.items():
        for year in (2023, 2024):
            if profession == AIDE and year == 2024:
                rows.append((indicator, geo["region"], year, SECRET_VALUE, ValueStatus.SECRET))
                continue
            value = REGION.get((measure, profession, year), 1.0)
            rows.append((indicator, geo["region"], year, value, ValueStatus.OK))
    for (measure, profession, key), value in EPCI.items():
        rows.append((indicators[(measure, profession)], geo[key], 2024, value, ValueStatus.OK))
    # The educators of Bêta: too few employers.
    rows.append((indicators[("indice-tension", EDUC)], geo["epci_b"], 2024, SECRET_VALUE, "secret"))


@pytest.fixture
def published(small_geography, reference, observatory_publisher):
    """The figures above, published by a real recompute (aggregates, layers and all)."""
    geo = small_geography
    draw_boundaries(geo)
    poverty_rates(geo)
    indicators = workforce_indicators([reference.educ, reference.aide])
    published_figures(geo, indicators, observatory_publisher)
    run = pipeline.recompute_now(reason="test")
    assert run.state == "succeeded", run.error
    return SimpleNamespace(geo=geo, indicators=indicators, run=run, rows=observatory_publisher)
