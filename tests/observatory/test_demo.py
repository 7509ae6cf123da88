"""The observatory's demo generator (observatory.demo), on the small test geography: seeded,
labelled, shaped as specified, idempotent, removable without touching anything real."""

import datetime
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from stdnum.fr import siret

from observatory.campaigns.models import Campaign
from observatory.choices import ANSWERED, ReturnStatus
from observatory.demo import (
    SIREN_PREFIX,
    DemoRefused,
    _areas,
    demo_campaign_years,
    demo_observatory_load,
    demo_observatory_remove,
)
from observatory.establishments.models import Establishment
from observatory.returns.fields import NAMES
from observatory.returns.models import Return, ReturnEvent, ReturnLine, ReturnVersion
from observatory.returns.services import return_findings
from portal.accounts.demo import demo_accounts_ensure
from portal.accounts.models import Organisation
from territories.catalogue.models import Indicator, IndicatorValue
from territories.geography.models import Territory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(reference, small_geography):
    """The test geography, the observatory's reference lists and the demo accounts (the
    persona organisation « Association de démonstration » among them)."""
    demo_accounts_ensure()
    return small_geography


def figures_digest(*, with_identity=True):
    """A digest of every return's status and figures (by SIRET, or by rank when the
    identities are left out)."""
    rows = []
    lines = ReturnLine.objects.select_related(
        "profession", "return_obj__campaign", "return_obj__establishment"
    ).order_by("return_obj__establishment__siret", "return_obj__campaign__year", "profession__code")
    for line in lines:
        ret = line.return_obj
        identity = [ret.establishment.siret, ret.establishment.name] if with_identity else []
        rows.append(
            identity
            + [ret.campaign.year, ret.status, line.profession.code]
            + [str(getattr(line, name)) for name in NAMES]
        )
    rows += sorted(
        [ret.establishment.siret if with_identity else "", ret.campaign.year, ret.status]
        for ret in Return.objects.filter(lines__isnull=True).select_related(
            "establishment", "campaign"
        )
    )
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def test_the_same_seed_gives_the_same_figures_and_another_seed_others(demo_world):
    demo_observatory_load(seed=7)
    first = figures_digest()
    assert ReturnLine.objects.exists()
    demo_observatory_remove()
    demo_observatory_load(seed=7)
    assert figures_digest() == first
    demo_observatory_remove()
    demo_observatory_load(seed=8)
    assert figures_digest() != first


def test_every_object_is_labelled_demo_with_a_valid_fictitious_siret(demo_world):
    counts = demo_observatory_load(seed=3)
    establishments = list(Establishment.objects.all())
    assert len(establishments) == counts["establishments"] >= 40
    assert all(establishment.is_demo for establishment in establishments)
    sirets = [establishment.siret for establishment in establishments]
    assert len(set(sirets)) == len(sirets)
    assert all(siret.is_valid(value) and value.startswith(SIREN_PREFIX) for value in sirets)
    assert not Return.objects.filter(is_demo=False).exists()
    assert not Campaign.objects.filter(is_demo=False).exists()
    created = Organisation.objects.filter(siret__startswith=SIREN_PREFIX)
    assert created.count() == counts["organisations"] > 0
    assert not created.filter(is_demo=False).exists()
    # Spread over the EPCI in proportion to their population (600 and 400 inhabitants).
    in_alpha = Establishment.objects.filter(commune__epci=demo_world["epci_a"]).count()
    in_beta = Establishment.objects.filter(commune__epci=demo_world["epci_b"]).count()
    assert in_alpha > in_beta > 0
    # Every establishment employs at least one profession, a director at most once.
    for ret in Return.objects.filter(campaign__year=demo_campaign_years()[0]):
        assert ret.lines.exists()
        assert (
            ret.lines.filter(profession__code="directeur-etablissement", headcount__gt=1).count()
            == 0
        )


def test_three_campaigns_past_ones_validated_the_current_one_mixed(demo_world):
    demo_observatory_load(seed=11)
    years = demo_campaign_years()
    assert sorted(Campaign.objects.values_list("year", flat=True)) == years
    today = timezone.localdate()
    current = Campaign.objects.get(year=years[-1])
    assert current.reference_date == datetime.date(years[-1], 12, 31)
    assert current.is_open(today)
    for campaign in Campaign.objects.filter(year__in=years[:-1]):
        assert campaign.is_closed(today)
        returns = campaign.returns.all()
        assert {ret.status for ret in returns} == {ReturnStatus.VALIDATED}
        # Validated through the services: each has its validated version and its history.
        assert ReturnVersion.objects.filter(return_obj__campaign=campaign).count() >= len(returns)
        assert all(ret.submitted_at and ret.validated_at for ret in returns)
    statuses = list(current.returns.values_list("status", flat=True))
    share = {
        "answered": sum(status in ANSWERED for status in statuses) / len(statuses),
        "in_progress": sum(
            status in (ReturnStatus.DRAFT, ReturnStatus.SENT_BACK) for status in statuses
        )
        / len(statuses),
        "not_started": statuses.count(ReturnStatus.NOT_STARTED) / len(statuses),
    }
    assert 0.45 <= share["answered"] <= 0.65, share
    assert 0.18 <= share["in_progress"] <= 0.32, share
    assert 0.12 <= share["not_started"] <= 0.28, share
    # Events dated within the campaigns, never in the future.
    now = timezone.now()
    assert not ReturnEvent.objects.filter(created_at__gt=now).exists()
    assert not ReturnEvent.objects.filter(
        return_obj__campaign=current, created_at__date__lt=current.opens_on
    ).exists()


def test_some_returns_in_progress_break_the_rules_and_no_answered_one_does(demo_world):
    demo_observatory_load(seed=5)
    current = Campaign.objects.get(year=demo_campaign_years()[-1])

    def blocking(ret):
        return [f.rule for found in return_findings(ret).values() for f in found if f.blocking]

    drafts = current.returns.filter(status=ReturnStatus.DRAFT)
    assert any(blocking(ret) for ret in drafts)
    answered = Return.objects.filter(status__in=ANSWERED)
    assert answered.exists()
    for ret in answered:
        assert blocking(ret) == []
        assert not any(
            f.blocking
            for found in return_findings(ret, for_submission=True).values()
            for f in found
        )


def test_the_persona_organisation_has_two_establishments_with_history_and_work_to_do(demo_world):
    demo_observatory_load(seed=2)
    persona = Organisation.objects.get(slug="association-de-demonstration")
    establishments = list(persona.establishments.order_by("siret"))
    assert len(establishments) == 2
    assert all(establishment.is_demo for establishment in establishments)
    years = demo_campaign_years()
    current = {
        ret.status: ret
        for ret in Return.objects.filter(establishment__in=establishments, campaign__year=years[-1])
    }
    assert set(current) == {ReturnStatus.DRAFT, ReturnStatus.NOT_STARTED}
    in_progress = current[ReturnStatus.DRAFT]
    assert in_progress.lines.exists()
    assert in_progress.updated_by.email == "coordination@cohesion.example"
    assert in_progress.events.get().author.email == "membre@cohesion.example"
    past = Return.objects.filter(establishment__in=establishments, campaign__year__in=years[:-1])
    assert {ret.status for ret in past} == {ReturnStatus.VALIDATED}
    assert {ret.submitted_by.email for ret in past} == {
        "membre@cohesion.example",
        "coordination@cohesion.example",
    }


def test_running_the_command_twice_changes_nothing(demo_world):
    call_command("load_demo_observatory", stdout=io.StringIO())
    before = (
        figures_digest(),
        sorted(Establishment.objects.values_list("pk", flat=True)),
        ReturnEvent.objects.count(),
    )
    out = io.StringIO()
    call_command("load_demo_observatory", stdout=out)
    assert "already loaded" in out.getvalue()
    after = (
        figures_digest(),
        sorted(Establishment.objects.values_list("pk", flat=True)),
        ReturnEvent.objects.count(),
    )
    assert after == before


def test_reset_and_remove_touch_only_demo_data(demo_world, reference):
    real = OrganisationFactory(name="Entraide réelle")
    real_establishment = Establishment.objects.create(
        organisation=real,
        name="Foyer réel",
        siret="73282932000074",
        commune=demo_world["98001"],
        sector=reference.child,
        employer_kind=reference.association,
    )
    old = Campaign.objects.create(
        year=2001,
        reference_date=datetime.date(2001, 12, 31),
        opens_on=datetime.date(2002, 1, 10),
        closes_on=datetime.date(2002, 3, 1),
    )
    real_return = Return.objects.create(campaign=old, establishment=real_establishment)
    call_command("load_demo_observatory", "--seed", "4", stdout=io.StringIO())
    demo_count = Establishment.objects.filter(is_demo=True).count()
    call_command("load_demo_observatory", "--reset", "--seed", "9", stdout=io.StringIO())
    assert Establishment.objects.filter(is_demo=True).count() > 0
    assert Establishment.objects.filter(is_demo=True).count() == pytest.approx(demo_count, abs=5)
    call_command("load_demo_observatory", "--remove", stdout=io.StringIO())
    assert not Establishment.objects.filter(is_demo=True).exists()
    assert not Campaign.objects.filter(is_demo=True).exists()
    assert not Organisation.objects.filter(siret__startswith=SIREN_PREFIX).exists()
    assert list(Establishment.objects.all()) == [real_establishment]
    assert list(Return.objects.all()) == [real_return]
    assert list(Campaign.objects.all()) == [old]
    assert Organisation.objects.filter(pk=real.pk).exists()
    # The demo accounts' organisation is theirs, not the observatory's: it stays.
    assert Organisation.objects.filter(slug="association-de-demonstration").exists()


def test_a_real_campaign_in_a_demo_year_refuses_the_demo(demo_world):
    year = demo_campaign_years()[-1]
    Campaign.objects.create(
        year=year,
        reference_date=datetime.date(year, 12, 31),
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    with pytest.raises(DemoRefused):
        demo_observatory_load(seed=1)
    assert not Establishment.objects.exists()
    err = io.StringIO()
    call_command("load_demo_observatory", stdout=io.StringIO(), stderr=err)
    assert "real campaign" in err.getvalue()
    assert not Establishment.objects.exists()


def test_nothing_depends_on_the_region_codes(demo_world):
    demo_observatory_load(seed=6)
    digest = figures_digest(with_identity=False)
    demo_observatory_remove()
    # Another region's geography, in the same form: other codes, the same order.
    for territory in Territory.objects.all():
        territory.code = {"99": "11", "98": "77", "200000001": "200054781"}.get(
            territory.code, territory.code.replace("98", "77", 1)
        )
        territory.save()
    demo_observatory_load(seed=6)
    assert figures_digest(with_identity=False) == digest


def test_the_share_of_elderly_people_and_children_weighs_each_epci(demo_world):
    assert {area.elderly for area in _areas()} == {1.0}  # no value: population alone
    elderly = Indicator.objects.get(slug="personnes-75-plus")
    # Alpha's communes are old (20 % aged 75 and over), Bêta's young (5 %).
    for code in ("98001", "98002", "98003", "98004", "98005"):
        commune = demo_world[code]
        share = 0.20 if commune.epci == demo_world["epci_a"] else 0.05
        IndicatorValue.objects.create(
            indicator=elderly, territory=commune, period=2022, value=share * commune.population
        )
    areas = {area.name: area for area in _areas()}
    assert areas["CC Alpha"].elderly > 1 > areas["CC Bêta"].elderly
