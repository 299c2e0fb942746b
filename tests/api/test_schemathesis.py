"""Property-based run of the whole API against its own OpenAPI document: no input gets a 5xx.

Bounded (max_examples per operation) so the suite stays fast; run once anonymously and once as
the office, so writes reach the services' validation instead of stopping at 401.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.conftest import bearer
from tests.factories import UserFactory, grant

# pytest-django has configured Django before collection; loading the document needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def keep_test_connection():
    """The WSGI handler closes "old" connections around each request, which would close the
    test's transaction on PostgreSQL; Django's own test client disconnects the same hooks."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@schema.parametrize()
@FUZZ
def test_anonymous_requests_never_get_5xx(case, reference):
    response = case.call()
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "details"}, body


@schema.parametrize()
@FUZZ
def test_office_requests_never_get_5xx(case, reference):
    office = UserFactory(username="fuzz_office")
    if not office.role_assignments.exists():
        grant(office, "office")
    headers = {"Authorization": bearer(office)["HTTP_AUTHORIZATION"]}
    response = case.call(headers=headers)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "details"}, body
