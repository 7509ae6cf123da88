"""Odd input on every address of the permission matrix: a clear 400 or 404, never a 500."""

import pytest
from django.test import Client

from jobs.models import Job
from portal.knowledge.reference.services import reference_preconisations_load
from tests.factories import InvitationFactory
from tests.test_permission_matrix import MATRIX, _media, resolve  # noqa: F401 (a fixture)

ODD_QUERIES = [
    {"q": "\x00"},
    {"q": "a\x00b", "page": "2"},
    {"annee": "99999999999999999999", "page": "99999999999999999999"},
    {"level": "\x00", "indicator": "a\x00", "period": "-1"},
]


@pytest.mark.django_db
def test_odd_queries_never_break_a_page(cast, organisation):
    reference_preconisations_load()
    job = Job.objects.create(kind="accounts.send_invitation_email", created_by=cast.member)
    invitation = InvitationFactory(organisation=organisation, email="invitee@exemple.test")
    failures = []
    for name, expected in MATRIX:
        url = resolve(name, organisation, job, invitation)
        for user in (None, cast.admin):
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            for query in ODD_QUERIES:
                status = client.get(url, query).status_code
                # The health check's 503 is its answer when no worker runs (as here).
                if status >= 500 and status not in expected.values():
                    failures.append(f"{url} {query!r}: {status}")
    assert not failures, failures


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/territoires/?q=%00", "/api/v1/values/?indicator=a%00", "/territoires/commune/%00/"],
)
def test_a_nul_character_gets_a_clear_400(url):
    response = Client().get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["status"] == 400
    else:
        assert "Requête invalide" in response.content.decode() or "Bad request" in (
            response.content.decode()
        )


@pytest.mark.django_db
def test_a_nul_character_in_a_form_gets_a_400(cast):
    client = Client()
    client.force_login(cast.member)
    response = client.post("/compte/profil/modifier/", {"full_name": "Nom\x00"})
    assert response.status_code == 400
