"""Hostile and careless clients (issue 7, part C): authentication before validation, bodies that
are not JSON objects, media types, multipart without a boundary, oversized bodies."""

import json

import pytest

pytestmark = pytest.mark.django_db

# Login-required endpoints with a body or query that would also fail validation.
INVALID_ANONYMOUS_CALLS = [
    ("post", "/api/v1/organizations", {"name": "x"}),
    ("patch", "/api/v1/organizations/1", {"kind": "not-a-kind"}),
    ("post", "/api/v1/people", {"name": ""}),
    ("post", "/api/v1/instruments", {"name": 5}),
    ("patch", "/api/v1/instruments/1", {"policy": {"max_minutes": "many"}}),
    ("post", "/api/v1/instruments/1/bookings", {"start": "yesterday"}),
    ("post", "/api/v1/orders/1/quote", {"amount": "lots"}),
    ("get", "/api/v1/audit", {"limit": "all"}),
    ("get", "/api/v1/auth/me", {}),
]


@pytest.mark.parametrize(("method", "url", "data"), INVALID_ANONYMOUS_CALLS)
def test_anonymous_gets_401_before_validation(client, reference, method, url, data):
    if method == "get":
        response = client.get(url, data)
    else:
        response = getattr(client, method)(url, data=json.dumps(data), content_type="application/json")
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["details"] == {}


def test_anonymous_reads_still_validate(client, reference):
    response = client.get("/api/v1/organizations", {"limit": "all"})
    assert response.status_code == 422
    assert "limit" in response.json()["details"]


@pytest.fixture
def office(reference):
    from tests.factories import UserFactory, grant

    return grant(UserFactory(username="hostile_office"), "office")


@pytest.mark.parametrize("body", [b"[null, null]", b'"x"', b"null", b"3", b"[]"])
def test_a_body_that_is_not_a_json_object_is_400(client, office, org_ln, body):
    from tests.conftest import bearer

    before = org_ln.name
    response = client.patch(
        f"/api/v1/organizations/{org_ln.pk}", data=body, content_type="application/json", **bearer(office)
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "malformed_request"
    org_ln.refresh_from_db()
    assert org_ln.name == before


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", "application/jsonx"]
)
def test_a_non_json_media_type_on_a_json_endpoint_is_415(client, office, org_ln, content_type):
    from tests.conftest import bearer

    response = client.patch(
        f"/api/v1/organizations/{org_ln.pk}",
        data=json.dumps({"description": "改了"}),
        content_type=content_type,
        **bearer(office),
    )
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "unsupported_media_type"


def test_json_with_a_charset_and_json_suffix_types_are_accepted(client, office, org_ln):
    from tests.conftest import bearer

    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = client.patch(
            f"/api/v1/organizations/{org_ln.pk}",
            data=json.dumps({"description": content_type}),
            content_type=content_type,
            **bearer(office),
        )
        assert response.status_code == 200, response.content


@pytest.mark.parametrize("path", ["/api/v1/organizations", "/api/v1/market/listings", "/api/v1/market/contracts"])
def test_a_multipart_body_on_a_json_endpoint_is_415_not_500(client, office, path):
    # the body guard parses multipart bodies up front, so the operation finds the stream consumed
    from tests.conftest import bearer

    response = client.post(path, data={"name": "表单提交", "title": "表单提交"}, **bearer(office))
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "unsupported_media_type"
    assert response.json()["details"]["content_type"].startswith("multipart/form-data")
