"""The observatory's indicators journey in a real browser: an employer submits its return, an
administrator validates it, the indicators recompute, and the public dashboard and the map
show the new figures; a return that makes a cell too small shows there as « secret
statistique »."""

import pytest

from observatory.establishments.models import Establishment
from observatory.reference.models import Profession
from observatory.returns import services as return_services
from observatory.returns.models import Return, ReturnVersion
from portal.accounts.models import Organisation
from territories.pipeline import services as pipeline
from territories.pipeline.models import PipelineRun
from tests.conftest import wait_for
from tests.e2e.test_accounts import log_in
from tests.e2e.test_committees import log_out
from tests.e2e.test_observatory import add_profession, fill_row
from tests.observatory import conftest as observatory
from tests.observatory.conftest import good_figures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

reference = observatory.reference
establishments = observatory.establishments
campaign = observatory.campaign
returns = observatory.returns

EDUC = "educateur-specialise"


def answered(campaign, number, commune, reference, lines):
    """A fictitious employer of `commune` whose return for `campaign` is validated."""
    organisation = Organisation.objects.create(
        name=f"Employeur {number}", slug=f"employeur-{number}", kind="association"
    )
    establishment = Establishment.objects.create(
        organisation=organisation,
        name=f"Établissement {number}",
        siret=f"{number:014d}",
        commune=commune,
        sector=reference.child,
        employer_kind=reference.association,
    )
    return_obj = Return.objects.create(
        campaign=campaign, establishment=establishment, status="validated"
    )
    ReturnVersion.objects.create(return_obj=return_obj, number=1, lines=lines)


def region_row(page, name):
    return page.locator(".dashboard-region-table tr", has=page.locator(f"th:text-is('{name}')"))


def test_submit_validate_recompute_then_the_dashboard_and_the_map_show_it(
    page, cast, reference, establishments, returns, small_geography
):
    campaign = returns.home.campaign
    # Three educators' employers in each EPCI have answered already: 72 educators in all.
    for number, code in enumerate(["98001", "98002", "98003", "98004", "98005", "98004"], 1):
        answered(campaign, number, small_geography[code], reference, {EDUC: good_figures()})
    pipeline.recompute_now(reason="test")
    page.goto("/observatoire/")
    assert "72" in region_row(page, "Éducateur spécialisé").locator("td").first.inner_text()

    # The delegate submits the Foyer's educators (12 more) and an administrator validates.
    log_in(page, cast.member.email)
    page.goto(f"/observatoire/declarations/{returns.home.pk}/saisie/")
    add_profession(page, "Éducateur spécialisé")
    fill_row(page, EDUC, good_figures())
    page.get_by_role("button", name="Enregistrer").click()
    assert wait_for(lambda: returns.home.lines.filter(headcount=12).exists())
    page.get_by_role("link", name="Relire et envoyer la déclaration").click()
    page.get_by_role("button", name="Envoyer la déclaration").click()
    page.locator(".message").first.wait_for()
    log_out(page)
    runs = PipelineRun.objects.count()
    log_in(page, cast.admin.email)
    page.goto(returns.home.get_absolute_url())
    page.get_by_role("button", name="Valider la déclaration").click()
    page.locator(".message").first.wait_for()
    assert wait_for(
        lambda: (
            PipelineRun.objects.count() > runs
            and not PipelineRun.objects.filter(state__in=["pending", "running"]).exists()
        ),
        timeout=60,
    )
    log_out(page)

    # Anyone: the dashboard counts 84 educators, the map of EPCI Alpha's educators 48.
    page.goto("/observatoire/")
    assert "84" in region_row(page, "Éducateur spécialisé").locator("td").first.inner_text()
    layer = page.request.get(
        f"/carte/couche/metiers-effectif--{EDUC}/epci/{campaign.year}.json"
    ).json()
    # Alpha: four employers of 12 educators, one of them partial coverage (the Service of
    # the same association is invited and has not answered).
    assert layer["values"][small_geography["epci_a"].code][0] == 48

    # A mediator declared by one employer alone: its cells are secret everywhere.
    other = returns.other
    return_services.return_lines_save(
        return_obj=other,
        user=cast.other_admin,
        lines={
            Profession.objects.get(code="mediateur-social"): return_services.LineInput(
                good_figures()
            )
        },
        lock_version=None,
    )
    other = return_services.return_submit(return_obj=other, user=cast.other_admin)
    return_services.return_validate(return_obj=other, user=cast.admin)
    pipeline.recompute_now(reason="test")
    page.goto("/observatoire/")
    assert "secret statistique" in region_row(page, "Médiateur social").inner_text()
    assert page.console_errors == []
