"""Every e-mail links to SITE_URL, whatever address the request came through, and says its
subject as written (no HTML escapes in a plain-text e-mail)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.accounts import services as accounts
from portal.knowledge.curation import services as curation
from portal.links import on_site, site_url
from tests.factories import PASSWORD, UserFactory
from tests.knowledge.helpers import draft

pytestmark = pytest.mark.django_db

SITE = "https://cohesion.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE + "/"
    settings.ALLOWED_HOSTS = ["*"]


def links(message):
    return re.findall(r"https?://[^\s>]+", message.body)


def test_the_helpers_put_any_address_on_the_site():
    assert site_url("/carte/") == f"{SITE}/carte/"
    assert on_site("http://10.0.0.3:8000/a/b/?c=1#d") == f"{SITE}/a/b/?c=1#d"


def test_allauth_emails_link_to_the_site_not_to_the_request_host():
    user = UserFactory(email="connue@exemple.test")
    intruder = Client(HTTP_HOST="interne.exemple:8000")
    intruder.post(reverse("account_reset_password"), {"email": user.email})
    intruder.post(reverse("account_reset_password"), {"email": "inconnue@exemple.test"})
    intruder.post(
        reverse("account_signup"),
        {"email": "nouvelle@exemple.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert links(message), message.body
        assert all(link.startswith(SITE + "/") for link in links(message)), message.body
        assert "interne.exemple" not in message.body


def test_portal_emails_link_to_the_site_and_keep_their_subject_as_written(
    cast, organisation, django_capture_on_commit_callbacks
):
    resource = draft(cast, organisation, title="Rompre l'isolement")
    curation.resource_submit(user=cast.member, resource=resource)
    with django_capture_on_commit_callbacks(execute=True):
        curation.resource_request_changes(user=cast.curator, resource=resource, comment="Sources ?")
    message = mail.outbox[-1]
    assert "Rompre l'isolement" in message.subject and "&#x27;" not in message.subject
    assert "&#x27;" not in message.body
    assert f"{SITE}{resource.get_absolute_url()}" in message.body
    assert all(link.startswith(SITE + "/") for link in links(message))
    assert cast.member.notifications.get().title.endswith("Rompre l'isolement")


def test_the_invitation_links_to_the_site_and_names_the_organisation_as_written(cast, organisation):
    organisation.name = "L'Entraide"
    organisation.save(update_fields=["name"])
    invitation = accounts.invitation_create(
        inviter=cast.admin, email="invitee@exemple.test", organisation=organisation, role="delegate"
    )
    accounts.invitation_send_email(invitation_id=invitation.pk)
    message = mail.outbox[-1]
    assert "L'Entraide" in message.subject and "L'Entraide" in message.body
    assert f"{SITE}{invitation.get_absolute_url()}" in message.body
