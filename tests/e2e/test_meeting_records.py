"""After a meeting, in a real browser: the coordinator marks who came, prints the sign-in
sheet, writes the minutes with a decision and an action, makes them final and adds them to
the knowledge base; the participant downloads their certificate and marks their action
done; a curator publishes the report, and a visitor finds it in the knowledge base, linked
to the meeting. The pages pass the automated WCAG rules on the way."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from portal.committees.choices import (
    CommitteeAccess,
    CommitteeRole,
    MeetingVisibility,
    MinutesStatus,
)
from portal.committees.meetings.models import Meeting, Registration
from portal.committees.minutes.models import Minutes, MinutesItem
from portal.committees.models import Committee, CommitteeMembership
from portal.knowledge.choices import ResourceKind, ResourceStatus
from portal.knowledge.models import Resource, Theme
from portal.knowledge.reference.services import reference_preconisations_load
from tests.e2e.test_accounts import log_in
from tests.e2e.test_committees import accessible, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def downloaded_text(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    content = Path(info.value.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    return " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages
    )


def test_attendance_minutes_capitalisation_and_curation(page, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reference_preconisations_load()
    Theme.objects.create(name="Mobilité", slug="mobilite")
    committee = Committee.objects.create(
        name="Comité de la Sarthe", slug="sarthe", access=CommitteeAccess.PUBLIC
    )
    CommitteeMembership.objects.create(
        committee=committee, user=cast.org_admin, role=CommitteeRole.COORDINATOR
    )
    for person in (cast.member, cast.other_admin):
        CommitteeMembership.objects.create(committee=committee, user=person)
    start = timezone.now() - timedelta(hours=3)
    meeting = Meeting.objects.create(
        committee=committee,
        title="Rencontre sur la mobilité",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        address="Maison des associations, Le Mans",
        visibility=MeetingVisibility.PUBLIC,
    )
    for person in (cast.member, cast.other_admin):
        Registration.objects.create(meeting=meeting, user=person, status="registered")

    # The coordinator marks who came, and someone who came without registering.
    log_in(page, cast.org_admin.email)
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Enregistrer les présences").click()
    page.get_by_label("Mina Membre").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    page.locator(".message-success").wait_for()
    page.get_by_label("Nom", exact=True).fill("Jeanne Passante")
    page.get_by_label("Organisation", exact=True).fill("CCAS du Mans")
    page.get_by_role("button", name="Enregistrer comme présent·e").click()
    page.locator(".message-success").wait_for()
    accessible(page)
    assert Registration.objects.get(user=cast.member).attended
    assert not Registration.objects.get(user=cast.other_admin).attended
    sheet = downloaded_text(page, "Feuille d’émargement à imprimer (PDF)")
    assert "Mina Membre" in sheet and "Jeanne Passante" in sheet

    # The minutes: a decision and an action for the member, made final at once.
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Rédiger le compte rendu").click()
    page.locator("[name=body]").fill("Nous avons parlé du **transport solidaire**.")
    page.locator("[name='items-0-kind']").select_option("decision")
    page.locator("[name='items-0-text']").fill("Ouvrir une ligne de covoiturage")
    page.locator("[name='items-1-kind']").select_option("action")
    page.locator("[name='items-1-text']").fill("Recenser les conducteurs bénévoles")
    page.locator("[name='items-1-responsible_user']").select_option(label="Mina Membre")
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    page.locator("[name='items-1-due_on']").fill(due)
    accessible(page)
    page.get_by_role("button", name="Enregistrer et rendre définitif").click()
    page.locator(".message-success").wait_for()
    minutes = Minutes.objects.get()
    assert minutes.status == MinutesStatus.FINAL
    assert page.locator("#minutes ~ .prose strong").inner_text() == "transport solidaire"
    accessible(page)

    # Capitalised: a meeting report submitted to the curators.
    page.get_by_role("link", name="Ajouter le compte rendu à la base de connaissances").click()
    page.get_by_label("Public", exact=True).check()
    page.get_by_label("Mobilité").check()
    page.locator("[name=summary]").fill("Ce que le comité a décidé sur la mobilité.")
    accessible(page)
    page.get_by_role("button", name="Soumettre aux curateurs").click()
    page.locator(".message-success").wait_for()
    resource = Resource.objects.get()
    assert resource.kind == ResourceKind.MEETING_REPORT
    assert resource.status == ResourceStatus.SUBMITTED
    assert [p.number for p in resource.preconisations.all()] == [12]
    assert Meeting.objects.get().report == resource

    # The participant downloads their certificate and marks their action done.
    log_out(page)
    log_in(page, cast.member.email)
    page.goto(meeting.get_absolute_url())
    certificate = downloaded_text(page, "Télécharger mon attestation de présence (PDF)")
    assert "Attestation de présence" in certificate and "Mina Membre" in certificate
    assert "Rencontre sur la mobilité" in certificate and "Durée : 2 h" in certificate
    page.goto("/comites/sarthe/")
    actions = page.get_by_role("region", name="Actions en cours")
    actions.get_by_text("Recenser les conducteurs bénévoles").wait_for()
    accessible(page)
    actions.get_by_role("button", name="Marquer comme faite").click()
    page.locator(".message-success").wait_for()
    assert MinutesItem.objects.get(kind="action").done_by == cast.member
    assert "Recenser les conducteurs bénévoles" not in page.content()

    # A curator publishes it.
    log_out(page)
    log_in(page, cast.curator.email)
    page.goto("/ressources/a-relire/")
    page.get_by_role("link", name=resource.title).click()
    page.locator("form[action$='/etape/publish/'] button[type=submit]").click()
    page.locator(".message").first.wait_for()
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED

    # A visitor finds it among the meeting reports, linked to the meeting, and back.
    log_out(page)
    page.goto("/ressources/recherche/?type=meeting_report")
    page.get_by_role("link", name=resource.title).click()
    page.get_by_role("heading", name=resource.title).wait_for()
    assert "transport solidaire" in page.content()
    accessible(page)
    page.get_by_role("link", name="Rencontre sur la mobilité").click()
    page.get_by_role("heading", name="Rencontre sur la mobilité").wait_for()
    assert page.get_by_role("link", name=resource.title).count() == 1
    assert page.console_errors == []
