"""A field observation in a real browser: a member raises it from the committee's page, the
coordinator, told by the bell, validates it, and it shows among the weak signals and on the
territory's portrait, marked as an observation from the field. The pages pass the automated
WCAG rules on the way."""

import pytest

from portal.committees.choices import CommitteeAccess, CommitteeRole, ObservationStatus
from portal.committees.models import Committee, CommitteeMembership
from portal.committees.observations.models import FieldObservation
from portal.knowledge.reference.models import Theme
from tests.e2e.test_accounts import log_in
from tests.e2e.test_committees import accessible, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEEN = "Des retraités seuls viennent pour des factures d'énergie impayées."


def test_a_member_raises_an_observation_the_coordinator_validates_it(page, cast, small_geography):
    Theme.objects.create(name="Précarité énergétique", slug="precarite-energetique")
    committee = Committee.objects.create(
        name="Comité du département test",
        slug="departement-test",
        access=CommitteeAccess.PUBLIC,
        territory=small_geography["departement"],
    )
    CommitteeMembership.objects.create(
        committee=committee, user=cast.org_admin, role=CommitteeRole.COORDINATOR
    )
    CommitteeMembership.objects.create(committee=committee, user=cast.member)
    aubert = small_geography["98001"]

    log_in(page, cast.member.email)
    page.goto(committee.get_absolute_url())
    page.get_by_role("link", name="Signaler une observation").click()
    accessible(page)
    page.get_by_label("Territoire").select_option(label="Aubert")
    page.get_by_label("Thème").select_option(label="Précarité énergétique")
    page.get_by_label("Ce qui a été vu").fill(SEEN)
    page.get_by_label("Depuis quand").fill("2026-01-01")
    page.get_by_label("Combien de personnes sont concernées").fill("25")
    page.get_by_role("button", name="Signaler l’observation").click()
    page.locator(".message-success").wait_for()
    observation = FieldObservation.objects.get()
    assert observation.territory == aubert and observation.people_concerned == 25
    assert "En attente de validation" in page.content()
    accessible(page)
    # Not among the signals before a coordinator validates it.
    page.goto("/territoires/signaux/")
    assert SEEN not in page.content()

    log_out(page)
    log_in(page, cast.org_admin.email)
    page.goto("/")
    assert page.locator(".bell-count").inner_text().startswith("1")
    page.locator("a.bell").click()
    page.get_by_role(
        "link", name="Nouvelle observation de terrain dans Comité du département test"
    ).click()
    page.wait_for_url(f"**{observation.get_absolute_url()}")
    accessible(page)
    page.get_by_label("Valider : elle rejoint les signaux faibles des territoires").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.locator(".message-success").wait_for()
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.VALIDATED

    log_out(page)
    page.goto("/territoires/signaux/")
    row = page.locator("tbody tr", has_text="Aubert")
    assert "Observation de terrain" in row.inner_text()
    assert SEEN in row.inner_text() and "Comité du département test" in row.inner_text()
    accessible(page)
    row.get_by_role("link", name="Aubert").click()
    page.wait_for_url(f"**{aubert.get_absolute_url()}")
    signals = page.locator("section", has=page.get_by_role("heading", name="Signaux faibles"))
    assert "Observé sur le terrain" in signals.inner_text()
    assert SEEN in signals.inner_text() and "Comité du département test" in signals.inner_text()
    accessible(page)
    assert page.console_errors == []
