"""Shared fixtures: the cast of personas, and access to the real services.

Services (Redis, PostgreSQL, Chromium) are real. When one is missing the tests that need
it are skipped, except under CI (CI=true) where a missing service fails the run.
"""

import os
import socket
from types import SimpleNamespace

import pytest

from portal.accounts.choices import MembershipRole, PortalGroup
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def require(available, what):
    """Skip when a service is missing; fail instead under CI."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required under CI but is not available.")
    pytest.skip(f"{what} is not available here.")


def port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A fast hasher: the suite creates many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests do not run collectstatic: serve static files without the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Secours Solidaire du Maine", territory="Le Mans (72)")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(
        name="Entraide Vendée Littoral", territory="Les Sables-d'Olonne (85)"
    )


@pytest.fixture
def cast(db, organisation, other_organisation):
    """The named personas every permission test speaks about."""
    member = UserFactory(email="membre@exemple.test", full_name="Mina Membre")
    MembershipFactory(user=member, organisation=organisation, role=MembershipRole.DELEGATE)
    org_admin = UserFactory(email="responsable@exemple.test", full_name="Odile Responsable")
    MembershipFactory(user=org_admin, organisation=organisation, role=MembershipRole.ADMIN)
    other_admin = UserFactory(email="autre@exemple.test", full_name="Omar Autre")
    MembershipFactory(user=other_admin, organisation=other_organisation, role=MembershipRole.ADMIN)
    curator = UserFactory(
        email="curation@exemple.test", full_name="Chloé Curatrice", groups=[PortalGroup.CURATOR]
    )
    analyst = UserFactory(
        email="analyse@exemple.test", full_name="Anatole Analyste", groups=[PortalGroup.ANALYST]
    )
    admin = UserFactory(
        email="admin@exemple.test", full_name="Ada Admin", is_staff=True, is_superuser=True
    )
    return SimpleNamespace(
        visitor=None,
        member=member,
        org_admin=org_admin,
        other_admin=other_admin,
        curator=curator,
        analyst=analyst,
        admin=admin,
    )


@pytest.fixture
def redis_available():
    require(port_open("127.0.0.1", 6379), "Redis on 127.0.0.1:6379")
    return REDIS_URL
