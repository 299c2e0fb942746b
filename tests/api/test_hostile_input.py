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
