"""The observatory's publisher in the recompute: an EPCI straddling two départements, full and
partial coverage, a measure without a denominator, the catalogue's demo flag and vintage,
what a validation and a correction ask of the recompute, and a run whose secrecy audit fails."""

import dataclasses
import datetime

import pytest

from observatory.campaigns.models import Campaign
from observatory.indicators import publish as publisher
from observatory.indicators.contributions import validated_contributions
from observatory.indicators.definitions import MEASURES, indicator_slug
from observatory.indicators.services import indicators_ensure
from observatory.returns import services as return_services
from observatory.returns.models import Return
from observatory.secrecy.models import SecrecyAudit
from territories.catalogue.models import Indicator, IndicatorValue
from territories.catalogue.selectors import territory_values
from territories.choices import Level, RunState, ValueStatus
from territories.geography.models import Territory
from territories.pipeline import services as pipeline
from territories.pipeline import tasks as pipeline_tasks
from territories.pipeline.models import AggregateValue, PipelineRun
from territories.pipeline.selectors import published_run_id
from tests.observatory.conftest import good_figures
from tests.observatory.indicators.test_indicators import EDUC, YEAR, employer, validated

pytestmark = pytest.mark.django_db

AIDE = "aide-a-domicile"
POPULATION = {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250, "97001": 400}


def no_posts_budgeted():
    """Home helpers whose employers budget no post: no vacancy rate can be computed."""
    return good_figures(posts_budgeted=0, vacant_posts=0, long_vacant_posts=0)


@pytest.fixture
def straddling(reference, small_geography):
    """EPCI Alpha straddles two départements: three employers in its communes of the
    département 98 and three in a commune of a second département, 97, where one more
    establishment was invited and did not answer. Every employer has 12 educators and 12
    home helpers (the conftest's figures; the helpers with no post budgeted)."""
    geo = dict(small_geography)
    geo["dep97"] = Territory.objects.create(
        level=Level.DEPARTEMENT, code="97", name="Second département", region=geo["region"]
    )
    geo["97001"] = Territory.objects.create(
        level=Level.COMMUNE,
        code="97001",
        name="Frontière",
        population=400,
        region=geo["region"],
        departement=geo["dep97"],
        epci=geo["epci_a"],
    )
    campaign = Campaign.objects.create(
        year=YEAR,
        reference_date=datetime.date(YEAR, 12, 31),
        opens_on=datetime.date(YEAR + 1, 1, 15),
        closes_on=datetime.date(YEAR + 1, 3, 31),
    )
    places = ["98001", "98002", "98003", "97001", "97001", "97001"]
    for number, code in enumerate(places, start=1):
        establishment = employer(number, geo[code], reference.child, reference.association)
        validated(campaign, establishment, {EDUC: good_figures(), AIDE: no_posts_budgeted()})
    silent = employer(7, geo["97001"], reference.child, reference.association)
    Return.objects.create(campaign=campaign, establishment=silent)
    population = Indicator.objects.get(slug="population")
    for code, people in POPULATION.items():
        IndicatorValue.objects.create(
            indicator=population, territory=geo[code], period=2021, value=people
        )
    return geo


def published(geo, place, measure, profession=None):
    return AggregateValue.objects.get(
        run_id=published_run_id(),
        indicator__slug=indicator_slug(measure, profession),
        territory=geo[place],
        period=YEAR,
    )


def test_an_epci_straddling_two_departements_counts_in_each_by_its_communes(straddling):
    run = pipeline.recompute_now(reason="test")
    assert run.state == RunState.SUCCEEDED, run.error
    geo = straddling
    # Six employers of 12 educators in Alpha, three in each département, six in the région.
    headcounts = {
        place: published(geo, place, "effectif", EDUC).value
        for place in ("epci_a", "departement", "dep97", "region")
    }
    assert headcounts == {"epci_a": 72, "departement": 36, "dep97": 36, "region": 72}
    # All professions: educators and home helpers together.
    assert published(geo, "epci_a", "effectif").value == 144
    # The density divides by the people of the territory's own communes: 3 × 10.5 FTE for
    # the département 98's 1,000 inhabitants (Bêta's too) and the 97's 400, 63 for Alpha's
    # 1,000.
    assert published(geo, "departement", "densite-etp", EDUC).value == pytest.approx(
        31.5 * 10_000 / 1000
    )
    assert published(geo, "dep97", "densite-etp", EDUC).value == pytest.approx(31.5 * 10_000 / 400)
    assert published(geo, "epci_a", "densite-etp", EDUC).value == pytest.approx(63 * 10_000 / 1000)


def test_coverage_is_full_or_partial_by_the_territorys_invited_returns(straddling):
    pipeline.recompute_now(reason="test")
    geo = straddling
    full = published(geo, "departement", "effectif", EDUC)
    assert (full.status, full.coverage, full.members, full.members_known) == (
        ValueStatus.OK,
        1,
        3,
        3,
    )
    # The silent establishment is in the département 97, hence in Alpha and the région.
    for place, invited in (("dep97", 4), ("epci_a", 7), ("region", 7)):
        row = published(geo, place, "effectif", EDUC)
        assert row.status == ValueStatus.PARTIAL, place
        assert (row.members, row.members_known) == (invited, invited - 1)
        assert row.coverage == pytest.approx((invited - 1) / invited)


def test_a_measure_without_denominator_is_missing_and_the_others_published(straddling):
    pipeline.recompute_now(reason="test")
    geo = straddling
    for measure in ("taux-vacance", "taux-vacance-longue", "indice-tension"):
        row = published(geo, "departement", measure, AIDE)
        assert (row.status, row.value) == (ValueStatus.MISSING, None), measure
    assert published(geo, "departement", "part-55-plus", AIDE).value == pytest.approx(100 * 2 / 12)
    # All professions together: the educators' 6 vacant of 39 posts (3 × 13) make it.
    assert published(geo, "departement", "taux-vacance").value == pytest.approx(100 * 6 / 39)
    rows = {
        row["indicator"].slug: row
        for row in territory_values(territory=geo["departement"])
        if row["period"] == YEAR
    }
    assert rows[indicator_slug("effectif", AIDE)]["value"] == 36
    assert rows[indicator_slug("effectif", AIDE)]["status"] == ValueStatus.OK


def test_the_catalogue_is_demo_only_when_every_answered_campaign_is(straddling, reference):
    earlier = Campaign.objects.create(
        year=YEAR - 2,
        reference_date=datetime.date(YEAR - 2, 12, 31),
        opens_on=datetime.date(YEAR - 1, 1, 15),
        closes_on=datetime.date(YEAR - 1, 3, 31),
        is_demo=True,
    )
    validated(
        earlier,
        employer(8, straddling["98001"], reference.child, reference.association),
        {EDUC: good_figures()},
    )
    # A demo campaign nobody answered does not count.
    Campaign.objects.create(
        year=YEAR + 1,
        reference_date=datetime.date(YEAR + 1, 12, 31),
        opens_on=datetime.date(YEAR + 2, 1, 15),
        closes_on=datetime.date(YEAR + 2, 3, 31),
        is_demo=True,
    )
    indicators_ensure()
    headline = Indicator.objects.get(slug=indicator_slug("rotation"))
    assert headline.source_vintage == f"campagnes {YEAR - 2} à {YEAR}"
    assert not headline.is_demo
    Campaign.objects.filter(year=YEAR).update(is_demo=True)
    indicators_ensure()
    assert set(
        Indicator.objects.filter(published_by="observatory").values_list("is_demo", flat=True)
    ) == {True}


def test_a_validation_asks_for_a_recompute_and_a_correction_does_not(
    cast, reference, returns, django_capture_on_commit_callbacks
):
    def validate(return_obj, figures):
        return_services.return_lines_save(
            return_obj=return_obj,
            user=cast.member,
            lines={reference.educ: return_services.LineInput(figures)},
            lock_version=None,
        )
        submitted = return_services.return_submit(return_obj=return_obj, user=cast.member)
        return return_services.return_validate(return_obj=submitted, user=cast.admin)

    def headcounts():
        frame = validated_contributions()
        return dict(zip(frame["establishment"], frame["headcount"], strict=True))

    with django_capture_on_commit_callbacks(execute=True):
        validated_home = validate(returns.home, good_figures())
    run = PipelineRun.objects.get()
    year = returns.home.campaign.year
    assert run.reasons == [f"Déclaration validée : Foyer des Tilleuls (campagne {year})"]
    assert run.requested_by == cast.admin and run.job.kind == "territories.recompute"
    home = returns.home.establishment_id

    # Reopened for a correction, the return still counts with its validated figures, and
    # nothing is recomputed until the correction is validated.
    with django_capture_on_commit_callbacks(execute=True):
        reopened = return_services.return_reopen(
            return_obj=validated_home, user=cast.member, reason="Effectif erroné"
        )
        return_services.return_lines_save(
            return_obj=reopened,
            user=cast.member,
            lines={reference.educ: return_services.LineInput(good_figures(headcount=30))},
            lock_version=None,
        )
    assert PipelineRun.objects.count() == 1
    assert headcounts() == {home: 12}
    doubled = {name: value * 2 for name, value in good_figures().items()}
    with django_capture_on_commit_callbacks(execute=True):
        validate(reopened, doubled)
    assert headcounts() == {home: 24}
    assert PipelineRun.objects.count() == 2


def test_a_run_whose_audit_fails_publishes_nothing_and_keeps_its_audit(
    straddling, monkeypatch, django_capture_on_commit_callbacks
):
    good = pipeline.recompute_now(reason="good")
    assert published_run_id() == good.pk
    protect = publisher.protect

    def unprotected(contributions, **kwargs):
        return dataclasses.replace(protect(contributions, **kwargs), failures=2)

    monkeypatch.setattr(publisher, "protect", unprotected)
    run = PipelineRun.objects.create(reasons=["audit"])
    with django_capture_on_commit_callbacks(execute=False):
        pipeline.recompute_start(run_id=run.pk)
    chunk = run.chunks.get(publisher="observatory")
    with pytest.raises(publisher.SecrecyNotProtected, match="2 masked cells"):
        pipeline_tasks.recompute_chunk.run_job(job=None, run_id=run.pk, number=chunk.number)
    run.refresh_from_db()
    assert run.state == RunState.FAILED and "2 masked cells" in run.error
    assert published_run_id() == good.pk
    # The audit stays with the failed run, for administrators to see which year failed.
    assert SecrecyAudit.objects.filter(run=run, year=YEAR).exists()
    assert not AggregateValue.objects.filter(run=run, indicator__published_by="observatory")


def test_every_measure_has_a_row_for_every_cell(straddling):
    run = pipeline.recompute_now(reason="test")
    rows = AggregateValue.objects.filter(run=run, indicator__published_by="observatory")
    # Cells: educators, home helpers and all professions × Alpha, two départements, région.
    assert rows.count() == len(MEASURES) * 3 * 4
