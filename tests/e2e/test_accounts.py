"""Journeys of issue 2 in a real browser: sign up, confirm, log in, log out; download
one's data; an organisation admin invites a delegate who accepts."""

import json
import re
from pathlib import Path

import pytest
from django.core import mail

from portal.accounts.choices import MembershipRole
from portal.accounts.models import Invitation, Membership
from portal.knowledge.reference.services import reference_preconisations_load
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def link_in_last_mail(pattern):
    body = mail.outbox[-1].body
    return re.search(pattern, body).group(0)


def path_of(url):
    return url[url.index("/", url.index("//") + 2) :]


def log_in(page, email, password=PASSWORD):
    page.goto("/compte/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe :", exact=True).fill(password)
    page.get_by_role("button", name="Connexion").click()


def test_sign_up_confirm_log_in_log_out(page):
    reference_preconisations_load()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("navigation", name="Votre compte").get_by_role(
        "link", name="Créer un compte"
    ).click()

    page.get_by_label("Courriel").fill("claire@asso-exemple.test")
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation) :").fill(PASSWORD)
    page.get_by_role("button", name="Création de compte").click()
    page.get_by_role("heading", name="Vérifiez votre adresse e-mail").wait_for()

    confirm_url = link_in_last_mail(r"https?://\S+/compte/confirm-email/\S+")
    page.goto(path_of(confirm_url))
    page.get_by_role("button", name="Confirmer").click()

    log_in(page, "claire@asso-exemple.test")
    page.get_by_role("heading", name="Mon compte").wait_for()
    assert "claire@asso-exemple.test" in page.content()

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").first.wait_for()
    page.goto("/compte/profil/")
    assert "/compte/login/" in page.url
    assert page.console_errors == []


def test_a_person_downloads_their_data(page, organisation):
    user = UserFactory(email="donnees@exemple.test", full_name="Daria Données")
    Membership.objects.create(user=user, organisation=organisation)
    log_in(page, user.email)
    page.get_by_role("heading", name="Mon compte").wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger mes données").first.click()
    download = download_info.value
    assert download.suggested_filename == "cohesion-mes-donnees.json"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == "donnees@exemple.test"
    assert data["account"]["full_name"] == "Daria Données"
    assert data["memberships"] == [
        {
            "organisation": organisation.name,
            "role": "delegate",
            "joined_at": data["memberships"][0]["joined_at"],
        }
    ]


def test_an_organisation_admin_invites_a_delegate_who_accepts(page, organisation, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    admin = UserFactory(email="resp@exemple.test")
    Membership.objects.create(user=admin, organisation=organisation, role=MembershipRole.ADMIN)
    log_in(page, admin.email)
    page.goto(f"/organisations/{organisation.slug}/gerer/")
    page.get_by_label("Adresse e-mail").fill("recrue@exemple.test")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    page.get_by_text("Invitation envoyée à recrue@exemple.test").wait_for()
    invitation = Invitation.objects.get(email="recrue@exemple.test")
    accept_url = link_in_last_mail(r"https?://\S+/invitations/\S+/")
    assert invitation.token in accept_url

    page.get_by_role("button", name="Se déconnecter").click()
    recruit = UserFactory(email="recrue@exemple.test")
    log_in(page, recruit.email)
    page.goto(path_of(accept_url))
    page.get_by_role("button", name="Accepter l’invitation").click()
    page.get_by_text("Bienvenue").wait_for()
    assert Membership.objects.get(user=recruit).organisation == organisation

    # The link cannot be used twice.
    page.goto(path_of(accept_url))
    assert "déjà été utilisée" in page.content()
