"""Property-based run of the whole API against its own OpenAPI document (issue 7, C.18): the
document describes what the server does. Every operation is called with generated input,
anonymously and as two roles (the office, an organisation admin), and every response must pass
the conformance checks — a documented status code, a documented content type, a body that
matches the documented schema — and never be a server error. Errors are {code, message, details}.

Bounded (max_examples per operation) so the suite stays well under two minutes.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import bearer
from tests.factories import OrganizationFactory, UserFactory, grant

# pytest-django has configured Django before collection; loading the document needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


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
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _check(case, headers=None):
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    if response.status_code >= 400 and response.headers.get("Content-Type", [""])[0].startswith("application/json"):
        body = response.json()
        assert set(body) == {"code", "message", "details"}, body


def _token(username: str, role: str) -> dict[str, str]:
    user = UserFactory._meta.model.objects.filter(username=username).first()
    if user is None:
        if role == "org_admin":
            org = OrganizationFactory(province_code="210000", city_code="210100")
            user = grant(UserFactory(username=username, organization=org), role, organization=org)
        else:
            user = grant(UserFactory(username=username), role)
    return {"Authorization": bearer(user)["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@FUZZ
def test_anonymous(case, reference):
    _check(case)


@schema.parametrize()
@FUZZ
def test_as_the_office(case, reference):
    _check(case, _token("fuzz_office", "office"))


@schema.parametrize()
@FUZZ
def test_as_an_org_admin(case, reference):
    _check(case, _token("fuzz_org_admin", "org_admin"))


def test_file_downloads_are_documented_with_their_media_types():
    from nesta.api import api

    paths = api.get_openapi_schema()["paths"]
    assert "*/*" in paths["/api/v1/orders/{order_id}/report"]["get"]["responses"]["200"]["content"]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx in paths["/api/v1/instruments/export.xlsx"]["get"]["responses"]["200"]["content"]
    assert "text/calendar" in paths["/api/v1/me/calendar.ics"]["get"]["responses"]["200"]["content"]
