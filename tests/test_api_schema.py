"""The API keeps its OpenAPI schema's promises: schemathesis sends generated requests to
every operation (bounded examples), valid and invalid ones, anonymously and as a logged-in
member, and runs every check it has on each answer — no server error, status code, content
type, headers and body as the schema says, invalid data refused, valid data accepted, an
undeclared method refused, authentication not ignored."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from jobs.services import job_enqueue
from portal.accounts.notifications import services as notifications
from portal.committees.membership import services as membership
from portal.knowledge.choices import ResourceKind
from portal.knowledge.models import Preconisation
from portal.knowledge.reference.services import reference_preconisations_load
from territories.choices import SignalStatus
from territories.signals.models import WeakSignal
from territories.signals.services import signal_review_create
from tests.jobs.tasks_for_tests import count_to
from tests.knowledge.conftest import themes  # noqa: F401 (fixture)
from tests.knowledge.helpers import make
from tests.observatory.conftest import (  # noqa: F401 (fixtures)
    campaign,
    establishments,
    reference,
    returns,
)
from tests.observatory.test_returns_api import filled  # noqa: F401 (fixture)
from tests.territories.world import published_world

# Every check, on valid and invalid requests alike. One expectation differs from
# schemathesis' defaults, and the schema says so: the values endpoint answers 400 to
# well-formed parameters naming an indicator that does not exist, or giving none of
# indicator, level and territory (rules across parameters that OpenAPI cannot state).
CONFIG = schemathesis.config.SchemathesisConfig.from_str(
    """
[generation]
mode = "all"

[checks]
enabled = true

[[operations]]
include-path = "/api/v1/values/"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "404"]
"""
)
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", get_wsgi_application(), config=CONFIG
)


@pytest.fixture
def in_test_transaction():
    # As Django's test client does: the request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def unthrottled(monkeypatch):
    # DRF's throttles read their rates once, when imported: hundreds of generated requests
    # must not turn into 429s (which the schema still declares).
    rates = {"anon": "1000000/minute", "user": "1000000/minute"}
    for throttle in (AnonRateThrottle, UserRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)


@pytest.fixture
def published_region(small_geography):
    """Something to read: values recomputed for a small région, with an index and a
    typology computed on its communes, and the weak signals detected in them."""
    return published_world(small_geography)


@pytest.fixture
def reading(published_region, cast, request):
    """The rest of what the API reads: the reference preconisations, published resources,
    the member's notifications and jobs, an observatory return with its lines, a confirmed
    weak signal."""
    # Fixtures of other test packages, imported above.
    request.getfixturevalue("filled")
    isolement = request.getfixturevalue("themes")["isolement"]
    reference_preconisations_load()
    make(
        "Rompre l'isolement",
        "Des visites de voisinage.",
        "Chaque semaine.",
        themes=[isolement],
        preconisations=list(Preconisation.objects.all()[:2]),
    )
    make("La précarité énergétique", "Une étude.", kind=ResourceKind.SYNTHESIS)
    notifications.notify(
        recipients=[cast.member], kind=membership.MEMBERSHIP, title="Bonjour", path="/comites/"
    )
    job_enqueue(task=count_to, arguments={"n": 1}, user=cast.member, label="Un essai")
    for signal in WeakSignal.objects.all()[:2]:
        signal_review_create(
            signal=signal, status=SignalStatus.CONFIRMED, comment="", user=cast.analyst
        )


@pytest.fixture
def member_token(cast):
    return Token.objects.create(user=cast.member).key


def call_and_validate(case, **headers):
    # The WSGI transport hands back bytes as sent: ask for them uncompressed, as the
    # schema describes them (real clients undo the gzip the site applies).
    case.call_and_validate(headers={"Accept-Encoding": "identity", **headers})


FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.django_db
@pytest.mark.usefixtures("in_test_transaction", "unthrottled", "reading")
@schema.parametrize()
@FUZZ
def test_every_operation_answers_a_visitor_as_its_schema_says(case):
    call_and_validate(case)


@pytest.mark.django_db
@pytest.mark.usefixtures("in_test_transaction", "unthrottled", "reading")
@schema.parametrize()
@FUZZ
def test_every_operation_answers_a_member_as_its_schema_says(case, member_token):
    call_and_validate(case, Authorization=f"Token {member_token}")
