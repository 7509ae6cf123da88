"""A benchmark to check by hand: validated returns of one year, a succeeded recompute run and
its benchmark computed.

`organisation` has two establishments in EPCI Alpha: the Foyer des Tilleuls (child
protection, 12 specialised educators, vacancy rate 35 %) and the home-care service (elderly,
5 home-care aides). Six other employers run a child-protection home of 12 educators each,
five in Alpha and one in Bêta, whose vacancy rates are 5, 10, 15, 20, 25 (Alpha) and 30 %
(Bêta); `other_organisation`'s CCAS in Bêta (elderly) employs 7 home-care aides, vacancy
rate 42.5 % — a value no page of `organisation` may show.

So the Foyer's similar employers (child protection × the département × 10 to 49 people) are
7 employers, rates 5…35: the Foyer's percentile 95 (the highest quarter); its territory,
Alpha, holds 6 employers with an educators' rate (5…25 and 35): percentile 90. Both groups
are too small for their quartiles to be told (13 values needed). The home-care service's
similar employers are two (itself and the CCAS): too few, secret.

`crowded` adds six homes in Bêta, rates 0, 0, 5, 10, 15, 20: the similar group then holds
13 employers, rates 0 0 5 5 10 10 15 15 20 20 25 30 35, whose quartiles are told as the
means of the three values around ranks 3, 6 and 9 (from 0): (5 + 5 + 10) / 3 = 6.7,
(10 + 15 + 15) / 3 = 13, (20 + 20 + 25) / 3 = 22 (two significant digits); the Foyer's
percentile stays 95 ((12 + ½) / 13 = 96 %).
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from observatory.benchmark.compute import benchmark_compute
from observatory.campaigns.models import Campaign
from observatory.choices import ReturnStatus
from observatory.establishments.models import Establishment
from observatory.returns.models import Return, ReturnVersion
from territories.choices import RunState
from territories.pipeline.models import PipelineRun
from tests.factories import OrganisationFactory
from tests.observatory.conftest import good_figures

YEAR = 2024
EDUC, AIDE = "educateur-specialise", "aide-a-domicile"
# SIRETs of the six other child-protection homes (unique; not checked when created here).
OTHER_SIRETS = [
    "12345678900009",
    "12345678900017",
    "12345678900025",
    "12345678900033",
    "12345678900041",
    "12345678900058",
]
OTHER_RATES = [5, 10, 15, 20, 25, 30]  # vacant posts out of 20 budgeted → these percentages
OTHER_COMMUNES = ["98001", "98002", "98003", "98002", "98003", "98005"]
CROWDED_RATES = [0, 0, 5, 10, 15, 20]


def educators(vacant, **changes):
    """12 educators, 20 posts budgeted of which `vacant` are vacant (`vacant` × 5 %)."""
    return good_figures(posts_budgeted=20, vacant_posts=vacant, long_vacant_posts=0, **changes)


def validated(campaign, establishment, lines):
    ret = Return.objects.create(
        campaign=campaign,
        establishment=establishment,
        status=ReturnStatus.VALIDATED,
        validated_at=timezone.now(),
        is_demo=establishment.is_demo,
    )
    ReturnVersion.objects.create(return_obj=ret, number=1, lines=lines)
    return ret


def succeeded_run():
    now = timezone.now()
    return PipelineRun.objects.create(
        state=RunState.SUCCEEDED, started_at=now, finished_at=now, progress=100
    )


@pytest.fixture
def benchmark_campaign(db):
    return Campaign.objects.create(
        year=YEAR,
        reference_date=datetime.date(YEAR, 12, 31),
        opens_on=datetime.date(YEAR + 1, 1, 15),
        closes_on=datetime.date(YEAR + 1, 3, 31),
    )


@pytest.fixture
def peers(reference, small_geography, establishments, benchmark_campaign):
    """The six other child-protection homes, each of its own employer, and every return."""
    homes = []
    for index, (siret, code) in enumerate(zip(OTHER_SIRETS, OTHER_COMMUNES, strict=True)):
        employer = OrganisationFactory(name=f"Maison d'enfants n° {index + 1}")
        homes.append(
            Establishment.objects.create(
                organisation=employer,
                name=f"MECS n° {index + 1}",
                siret=siret,
                commune=small_geography[code],
                sector=reference.child,
                employer_kind=reference.association,
            )
        )
    for home, rate in zip(homes, OTHER_RATES, strict=True):
        validated(benchmark_campaign, home, {EDUC: educators(rate // 5)})
    validated(benchmark_campaign, establishments.home, {EDUC: educators(7)})
    validated(
        benchmark_campaign,
        establishments.care,
        {
            AIDE: good_figures(
                headcount=5,
                headcount_start=5,
                fte=4.2,
                hires=1,
                age_under_30=1,
                age_30_44=2,
                age_45_54=1,
                age_55_plus=1,
                women=4,
                men=1,
                fixed_term=1,
                part_time=2,
                posts_budgeted=6,
                vacant_posts=1,
            )
        },
    )
    validated(
        benchmark_campaign,
        establishments.other,
        {
            AIDE: good_figures(
                headcount=7,
                headcount_start=7,
                age_under_30=2,
                age_30_44=2,
                age_45_54=1,
                age_55_plus=2,
                women=5,
                men=2,
                fixed_term=1,
                part_time=2,
                posts_budgeted=8,
                vacant_posts=3.4,
            )
        },
    )
    return homes


@pytest.fixture
def computed(peers):
    """A succeeded run whose benchmark is computed from those returns."""
    run = succeeded_run()
    benchmark_compute(run.pk)
    return SimpleNamespace(run=run, peers=peers)


@pytest.fixture
def crowded(peers, reference, small_geography, benchmark_campaign):
    """Six more child-protection homes in Bêta, each of its own employer, and a succeeded
    run whose benchmark is computed."""
    for index, rate in enumerate(CROWDED_RATES):
        home = Establishment.objects.create(
            organisation=OrganisationFactory(name=f"Maison d'enfants n° {index + 7}"),
            name=f"MECS n° {index + 7}",
            siret=f"987654321{index:05d}",
            commune=small_geography["98004"],
            sector=reference.child,
            employer_kind=reference.association,
        )
        validated(benchmark_campaign, home, {EDUC: educators(rate // 5)})
    run = succeeded_run()
    benchmark_compute(run.pk)
    return SimpleNamespace(run=run, peers=peers)
