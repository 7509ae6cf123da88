"""The API keeps its OpenAPI schema's promises: schemathesis sends generated requests to
every operation (bounded examples) and checks each answer against the schema — status
codes, content types, bodies, and no server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from territories.pipeline import services as pipeline
from tests.territories.pipeline.test_pipeline import put

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def in_test_transaction():
    # As Django's test client does: the request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def published_region(small_geography):
    """Something to read: values recomputed for a small région."""
    put(
        small_geography,
        "population",
        {"98001": 100, "98002": 200, "98003": 300, "98004": 150, "98005": 250},
    )
    pipeline.recompute_now(reason="schema test")
    return small_geography


@pytest.mark.django_db
@pytest.mark.usefixtures("in_test_transaction", "published_region")
@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case):
    # Every check but « a schema-valid request is accepted »: a well-formed request may
    # still name an indicator or a territory that does not exist, and gets a 400 saying so.
    # The WSGI transport hands back bytes as sent: ask for them uncompressed, as the
    # schema describes them (real clients undo the gzip the site applies).
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance]
    )
