"""The workforce indicators on hand-checked returns: each measure from the cells' sums, the
all-professions row, the density over the people served, coverage, secrecy of every
measure of a masked cell, the catalogue entries (those of a profession dropped from the
reference too), and the recompute a validation asks for."""

import datetime

import pandas as pd
import pytest

from observatory.campaigns.models import Campaign
from observatory.dashboard import selectors as dashboard
from observatory.establishments.models import Establishment
from observatory.indicators.cells import cell_sums, cell_values
from observatory.indicators.contributions import validated_contributions
from observatory.indicators.definitions import MEASURES, indicator_slug, parse_slug
from observatory.indicators.services import indicators_ensure
from observatory.reference.models import Profession
from observatory.returns.models import Return, ReturnVersion
from observatory.secrecy.models import SecrecyAudit
from portal.accounts.models import Organisation
from territories.analyses.models import Typology, TypologyVariable
from territories.catalogue.models import Indicator, IndicatorValue
from territories.catalogue.selectors import territory_values
from territories.choices import Level, RunState, ValueStatus
from territories.pipeline import services as pipeline
from territories.pipeline.models import AggregateValue, PipelineRun
from tests.observatory.conftest import good_figures

pytestmark = pytest.mark.django_db

YEAR = 2024
EDUC = "educateur-specialise"
AIDE = "aide-a-domicile"


def employer(number, commune, sector, kind):
    organisation = Organisation.objects.create(
        name=f"Employeur {number}", slug=f"employeur-{number}", kind="association"
    )
    return Establishment.objects.create(
        organisation=organisation,
        name=f"Établissement {number}",
        siret=f"{number:014d}",
        commune=commune,
        sector=sector,
        employer_kind=kind,
    )


def validated(campaign, establishment, lines):
    """A return validated with these lines (profession code → figures)."""
    return_obj = Return.objects.create(
        campaign=campaign, establishment=establishment, status="validated"
    )
    ReturnVersion.objects.create(return_obj=return_obj, number=1, lines=lines)
    return return_obj


@pytest.fixture
def survey(reference, small_geography):
    """EPCI Alpha: four employers with educators (12 people each, the conftest's figures,
    one with 24) and three with home helpers; EPCI Bêta: one employer with both — its cells
    are secret (a single employer). One more establishment of Alpha invited, not answered."""
    geo = small_geography
    campaign = Campaign.objects.create(
        year=YEAR,
        reference_date=datetime.date(YEAR, 12, 31),
        opens_on=datetime.date(YEAR + 1, 1, 15),
        closes_on=datetime.date(YEAR + 1, 3, 31),
    )
    alpha = ["98001", "98002", "98003", "98001"]
    for number, code in enumerate(alpha, start=1):
        lines = {EDUC: good_figures()}
        if number == 4:
            lines = {EDUC: double(good_figures())}
        if number <= 3:
            lines[AIDE] = good_figures(vacant_posts=4, long_vacant_posts=2)
        validated(
            campaign, employer(number, geo[code], reference.child, reference.association), lines
        )
    beta = employer(5, geo["98004"], reference.elderly, reference.ccas)
    validated(
        campaign,
        beta,
        {EDUC: good_figures(), AIDE: good_figures(hires=6, absence_days_sickness=300)},
    )
    silent = employer(6, geo["98002"], reference.child, reference.association)
    Return.objects.create(campaign=campaign, establishment=silent)
    population = Indicator.objects.get(slug="population")
    for code, people in {
        "98001": 100,
        "98002": 200,
        "98003": 300,
        "98004": 150,
        "98005": 250,
    }.items():
        IndicatorValue.objects.create(
            indicator=population, territory=geo[code], period=2021, value=people
        )
    aged = Indicator.objects.get(slug="personnes-75-plus")
    for code, people in {"98001": 10, "98002": 20, "98003": 30, "98004": 15, "98005": 25}.items():
        IndicatorValue.objects.create(
            indicator=aged, territory=geo[code], period=2021, value=people
        )
    return geo


def double(figures):
    return {name: value * 2 for name, value in figures.items()}


def value(geo, place, measure, profession=None):
    row = AggregateValue.objects.get(
        run_id=PipelineRun.objects.filter(state=RunState.SUCCEEDED).latest("pk").pk,
        indicator__slug=indicator_slug(measure, profession),
        territory=geo[place],
        period=YEAR,
    )
    return row


def cells_of(geo):
    """Every cell's measures as computed before secrecy, by (place, profession)."""
    contributions = validated_contributions()
    professions = {p.code: p for p in Profession.objects.all()}
    everything = pd.Series(
        True,
        index=pd.MultiIndex.from_frame(
            cell_sums(contributions)[["year", "profession", "level", "territory"]]
        ),
    )
    cells = cell_values(contributions, professions, published=everything)
    names = {t.pk: code for code, t in geo.items()}
    return {
        (names[row["territory"]], row["profession"]): row
        for row in cells.to_dict("records")
        if row["territory"] in names
    }


def test_each_measure_from_the_cells_sums(survey):
    cells = cells_of(survey)
    # Educators in Alpha: three employers with the conftest's figures, one with twice them:
    # five times each figure in all.
    educ = cells[("epci_a", EDUC)]
    assert educ["effectif"] == 60
    assert educ["taux-vacance"] == pytest.approx(100 * 2 / 13)
    assert educ["taux-vacance-longue"] == pytest.approx(100 / 13)
    # Average headcount (11 + 12) / 2; moves: 3 hires + 2 departures, halved.
    assert educ["rotation"] == pytest.approx(100 * 2.5 / 11.5)
    assert educ["taux-demission"] == pytest.approx(100 / 11.5)
    assert educ["part-55-plus"] == pytest.approx(100 * 2 / 12)
    assert educ["absenteisme"] == pytest.approx(100 * 130 / (10.5 * 365))
    assert educ["part-cdd"] == pytest.approx(100 * 2 / 12)
    assert educ["part-temps-partiel"] == pytest.approx(25)
    # Density: 52.5 FTE for Alpha's 600 inhabitants, per 10,000.
    assert educ["densite-etp"] == pytest.approx(52.5 * 10_000 / 600)
    # Home helpers serve people aged 75 and over: 31.5 FTE per 1,000 of Alpha's 60.
    assert cells[("epci_a", AIDE)]["densite-etp"] == pytest.approx(31.5 * 1000 / 60)
    # All professions together: the sums of both (60 + 36 people; vacancies 10 + 12 of 65 + 39).
    assert cells[("epci_a", "*")]["effectif"] == 96
    assert cells[("epci_a", "*")]["taux-vacance"] == pytest.approx(100 * 22 / 104)
    # The département and the région add Bêta's 12 + 12 people.
    assert cells[("departement", "*")]["effectif"] == 120
    assert cells[("region", EDUC)]["effectif"] == 72


def test_the_density_counts_each_commune_at_its_own_period(survey):
    """Chaumont's population of 2022 is its own: the other communes keep their 2021 counts
    (a period chosen for all of them would count Chaumont alone, or nobody)."""
    geo = survey
    population = Indicator.objects.get(slug="population")
    IndicatorValue.objects.create(
        indicator=population, territory=geo["98003"], period=2022, value=330
    )
    # Aubert's people aged 75+ are counted only in 2026, after the year: that count serves.
    aged = Indicator.objects.get(slug="personnes-75-plus")
    IndicatorValue.objects.filter(indicator=aged, territory=geo["98001"]).update(
        period=2026, value=12
    )
    cells = cells_of(geo)
    # Alpha: 100 + 200 + 330 inhabitants; 12 + 20 + 30 people aged 75+.
    assert cells[("epci_a", EDUC)]["densite-etp"] == pytest.approx(52.5 * 10_000 / 630)
    assert cells[("epci_a", AIDE)]["densite-etp"] == pytest.approx(31.5 * 1000 / 62)
    # The région: Alpha's and Bêta's 400 (21 FTE of educators in Bêta: one employer).
    assert cells[("region", EDUC)]["densite-etp"] == pytest.approx(63 * 10_000 / 1030)
    assert cells[("epci_b", EDUC)]["densite-etp"] == pytest.approx(10.5 * 10_000 / 400)


def test_a_territory_with_a_commune_without_a_count_has_no_density(survey):
    """Épinay (Bêta) has no population at all: Bêta, the département and the région have no
    density, rather than one over the other communes' people only; Alpha keeps its own."""
    geo = survey
    IndicatorValue.objects.filter(indicator__slug="population", territory=geo["98005"]).delete()
    # A count unknown at its period is no count either: Dampierre's people aged 75+.
    IndicatorValue.objects.filter(
        indicator__slug="personnes-75-plus", territory=geo["98004"]
    ).update(value=None)
    cells = cells_of(geo)
    for place in ("epci_b", "departement", "region"):
        for profession in (EDUC, AIDE, "*"):
            assert pd.isna(cells[(place, profession)]["densite-etp"]), (place, profession)
    assert cells[("epci_a", EDUC)]["densite-etp"] == pytest.approx(52.5 * 10_000 / 600)
    assert cells[("epci_a", AIDE)]["densite-etp"] == pytest.approx(31.5 * 1000 / 60)


def test_the_tension_index_standardises_its_components_over_published_epci_cells(survey):
    cells = cells_of(survey)
    epci = [row for (place, _p), row in cells.items() if place in ("epci_a", "epci_b")]
    frame = pd.DataFrame(epci)
    expected = (
        sum(
            (cells[("epci_a", EDUC)][c] - frame[c].mean()) / frame[c].std(ddof=0)
            for c in ("taux-vacance", "taux-vacance-longue", "rotation", "absenteisme")
        )
        / 4
    )
    assert cells[("epci_a", EDUC)]["indice-tension"] == pytest.approx(expected)


def test_published_values_are_the_cells_and_coverage_counts_invited_returns(survey):
    run = pipeline.recompute_now(reason="test")
    assert run.state == RunState.SUCCEEDED, run.error
    cells = cells_of(survey)
    published = AggregateValue.objects.filter(
        run=run, indicator__published_by="observatory", status__in=["ok", "partial"]
    ).select_related("indicator", "territory")
    assert published.exists()
    names = {t.pk: code for code, t in survey.items()}
    for row in published:
        measure, profession = parse_slug(row.indicator.slug)
        assert row.value == pytest.approx(cells[(names[row.territory_id], profession)][measure])
    alpha = AggregateValue.objects.get(
        run=run, indicator__slug=indicator_slug("effectif"), territory=survey["epci_a"]
    )
    # Alpha: five establishments invited, four answered.
    assert (alpha.members, alpha.members_known) == (5, 4)
    assert alpha.coverage == pytest.approx(0.8)


def test_every_measure_of_a_masked_cell_is_secret(survey):
    pipeline.recompute_now(reason="test")
    for measure in MEASURES:
        for profession in (EDUC, AIDE, None):
            row = value(survey, "epci_b", measure.slug, profession)
            assert row.status == ValueStatus.SECRET and row.value is None
    audit = SecrecyAudit.objects.get(year=YEAR)
    assert audit.failures == 0 and audit.primary >= 3 and audit.narrowest >= 1


def test_no_masked_value_can_be_recomputed_from_the_published_ones(survey):
    """Region = département = Alpha + Bêta: with Bêta secret and the département published,
    Alpha must be masked too, or Bêta = département − Alpha."""
    pipeline.recompute_now(reason="test")
    geo = survey
    for profession in (EDUC, AIDE, None):
        shown = [
            value(geo, place, "effectif", profession).status
            for place in ("epci_a", "departement", "region")
        ]
        assert ValueStatus.SECRET in shown


def test_rows_read_through_the_territories_selectors(survey):
    pipeline.recompute_now(reason="test")
    rows = {
        row["indicator"].slug: row
        for row in territory_values(territory=survey["epci_a"])
        if row["period"] == YEAR
    }
    educ = rows[indicator_slug("effectif", EDUC)]
    assert (educ["status"], educ["value"]) in (
        (ValueStatus.PARTIAL, 60),
        (ValueStatus.SECRET, None),
    )
    assert indicator_slug("indice-tension") in rows


def test_catalogue_entries_name_their_source_vintage_and_rule(survey):
    ids = indicators_ensure()
    assert len(ids) == len(MEASURES) * 17  # 16 professions and all of them
    headline = Indicator.objects.get(slug=indicator_slug("taux-vacance"))
    detail = Indicator.objects.get(slug=indicator_slug("taux-vacance", AIDE))
    assert headline.dimension == "Métier" and headline.variant_of is None
    assert detail.variant_of == headline and detail.variant_label == "Aide à domicile"
    assert detail.name == "Taux de vacance — Aide à domicile"
    assert headline.source_vintage == f"campagne {YEAR}"
    assert headline.published_by == "observatory" and "Secret statistique" in headline.secrecy
    density = Indicator.objects.get(slug=indicator_slug("densite-etp", AIDE))
    assert "1\u202f000" in density.unit
    # Every text fits its column (SQLite would not say; PostgreSQL refuses).
    for indicator in Indicator.objects.filter(published_by="observatory"):
        for field in Indicator._meta.get_fields():
            if getattr(field, "max_length", None) and isinstance(
                getattr(indicator, field.attname, None), str
            ):
                assert len(getattr(indicator, field.attname)) <= field.max_length, (
                    indicator.slug,
                    field.name,
                )
    assert not headline.is_demo
    Campaign.objects.update(is_demo=True)
    indicators_ensure()
    assert Indicator.objects.get(slug=indicator_slug("taux-vacance")).is_demo
    assert indicators_ensure() == ids  # idempotent


def test_the_tension_index_has_its_components(survey):
    pipeline.recompute_now(reason="test")
    tension = AggregateValue.objects.filter(
        indicator__slug__startswith="metiers-indice-tension", status=ValueStatus.OK
    )
    components = AggregateValue.objects.filter(
        indicator__slug__startswith="metiers-taux-vacance-longue", status__in=["ok", "partial"]
    )
    # A published index needs its components published.
    for row in tension:
        assert components.filter(territory=row.territory, period=row.period).exists()


def test_a_run_without_validated_returns_publishes_nothing_of_the_observatory(reference):
    run = pipeline.recompute_now(reason="test")
    assert run.state == RunState.SUCCEEDED
    assert not AggregateValue.objects.filter(run=run, indicator__published_by="observatory")
    # Nor any empty catalogue entry.
    assert not Indicator.objects.filter(published_by="observatory").exists()


def test_an_establishment_closed_by_the_reference_date_is_not_missing(survey):
    silent = Establishment.objects.get(name="Établissement 6")
    silent.closed_on = datetime.date(YEAR, 6, 30)
    silent.save()
    run = pipeline.recompute_now(reason="test")
    alpha = AggregateValue.objects.get(
        run=run, indicator__slug=indicator_slug("effectif"), territory=survey["epci_a"]
    )
    assert (alpha.members, alpha.members_known) == (4, 4)
    assert alpha.coverage == 1.0


def recompute():
    run = pipeline.recompute_now(reason="test")
    assert run.state == RunState.SUCCEEDED, run.error
    return run


def values_of(run, profession):
    """{(measure slug, territory id): (status, value)} of a profession's entries in a run."""
    rows = AggregateValue.objects.filter(
        run=run, indicator__slug__endswith=f"--{profession}", period=YEAR
    ).values_list("indicator__slug", "territory_id", "status", "value")
    return {(slug, territory): (status, value) for slug, territory, status, value in rows}


def entries_of(profession):
    return Indicator.objects.filter(slug__endswith=f"--{profession}")


def test_a_dropped_profession_still_in_validated_returns_keeps_its_entries_and_values(survey):
    before = values_of(recompute(), AIDE)
    names = dict(entries_of(AIDE).values_list("slug", "name"))
    Profession.objects.filter(code=AIDE).delete()
    after = values_of(recompute(), AIDE)
    assert dict(entries_of(AIDE).values_list("slug", "name")) == names
    assert len(names) == len(MEASURES)
    # The same values, but the density: no Profession is left to say whom it serves, so it
    # is counted per 10,000 inhabitants, as its entry now says.
    density = indicator_slug("densite-etp", AIDE)
    assert {k: v for k, v in after.items() if k[0] != density} == {
        k: v for k, v in before.items() if k[0] != density
    }
    assert any(value is not None for _status, value in after.values())
    assert (
        Indicator.objects.get(slug=density).unit
        == Indicator.objects.get(slug=indicator_slug("densite-etp")).unit
    )
    assert (AIDE, "Aide à domicile") in dashboard.regional()["professions"]


def test_a_dropped_profession_in_no_return_loses_its_entries(survey):
    recompute()
    unused = Profession.objects.exclude(code__in=[EDUC, AIDE]).first()
    assert entries_of(unused.code).count() == len(MEASURES)
    unused.delete()
    recompute()
    assert not entries_of(unused.code).exists()
    assert entries_of(EDUC).count() == entries_of(AIDE).count() == len(MEASURES)
    codes = [code for code, _name in dashboard.regional()["professions"]]
    assert unused.code not in codes and EDUC in codes


def test_an_entry_an_analysis_uses_is_kept(survey):
    recompute()
    unused = Profession.objects.exclude(code__in=[EDUC, AIDE]).first()
    used = Indicator.objects.get(slug=indicator_slug("taux-vacance", unused.code))
    typology = Typology.objects.create(name="Tensions", slug="tensions", level=Level.EPCI, k=2)
    TypologyVariable.objects.create(typology=typology, indicator=used, period=YEAR)
    unused.delete()
    recompute()
    assert list(entries_of(unused.code)) == [used]
