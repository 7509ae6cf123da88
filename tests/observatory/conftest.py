"""The observatory's cast: reference lists, two employers' establishments in the small
geography, an open campaign and the returns it invited."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from observatory.campaigns.models import Campaign
from observatory.choices import ReturnStatus
from observatory.establishments.models import Establishment
from observatory.reference.models import EmployerKind, Profession, Sector
from observatory.reference.services import reference_load
from observatory.returns.models import Return

# Valid SIRETs (Luhn), one per establishment.
SIRETS = ["73282932000074", "35600000000048", "44306184100047", "55210055400013"]


@pytest.fixture
def reference(db):
    reference_load()
    return SimpleNamespace(
        educ=Profession.objects.get(code="educateur-specialise"),
        aide=Profession.objects.get(code="aide-a-domicile"),
        child=Sector.objects.get(code="protection-enfance"),
        elderly=Sector.objects.get(code="personnes-agees"),
        association=EmployerKind.objects.get(code="association"),
        ccas=EmployerKind.objects.get(code="ccas-cias"),
    )


@pytest.fixture
def establishments(reference, small_geography, organisation, other_organisation):
    """Two establishments of `organisation` (EPCI Alpha, child protection and elderly) and
    one of `other_organisation` (EPCI Bêta)."""
    make = Establishment.objects.create
    return SimpleNamespace(
        home=make(
            organisation=organisation,
            name="Foyer des Tilleuls",
            siret=SIRETS[0],
            commune=small_geography["98001"],
            sector=reference.child,
            employer_kind=reference.association,
        ),
        care=make(
            organisation=organisation,
            name="Service d'aide à domicile du Maine",
            siret=SIRETS[1],
            commune=small_geography["98002"],
            sector=reference.elderly,
            employer_kind=reference.association,
        ),
        other=make(
            organisation=other_organisation,
            name="CCAS de Dampierre",
            siret=SIRETS[2],
            commune=small_geography["98004"],
            sector=reference.elderly,
            employer_kind=reference.ccas,
        ),
    )


@pytest.fixture
def campaign(db, establishments):
    """The campaign of last year, open today for a month, every establishment invited."""
    today = timezone.localdate()
    year = today.year - 1
    campaign = Campaign.objects.create(
        year=year,
        reference_date=datetime.date(year, 12, 31),
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=30),
    )
    for establishment in vars(establishments).values():
        Return.objects.create(campaign=campaign, establishment=establishment)
    return campaign


@pytest.fixture
def returns(campaign, establishments):
    return SimpleNamespace(
        home=Return.objects.get(campaign=campaign, establishment=establishments.home),
        care=Return.objects.get(campaign=campaign, establishment=establishments.care),
        other=Return.objects.get(campaign=campaign, establishment=establishments.other),
    )


def good_figures(**changes):
    """One profession's figures that break no rule (12 people, 10.5 FTE)."""
    figures = {
        "headcount": 12,
        "headcount_start": 11,
        "fte": 10.5,
        "posts_budgeted": 13,
        "vacant_posts": 2,
        "long_vacant_posts": 1,
        "hires": 3,
        "departures_retirement": 1,
        "departures_resignation": 1,
        "departures_fixed_term_end": 0,
        "departures_dismissal": 0,
        "departures_other": 0,
        "age_under_30": 3,
        "age_30_44": 4,
        "age_45_54": 3,
        "age_55_plus": 2,
        "women": 9,
        "men": 3,
        "fixed_term": 2,
        "part_time": 3,
        "absence_days_sickness": 120,
        "absence_days_work_accident": 10,
        "trainees": 2,
    }
    figures.update(changes)
    return figures


__all__ = ["SIRETS", "ReturnStatus", "good_figures"]
