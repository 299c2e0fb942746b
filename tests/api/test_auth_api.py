import json

import pytest

from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def token_for(client, username, password):
    return client.post(
        "/api/v1/auth/token",
        data=json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )


def test_token_login_and_bearer_use(client, reference):
    grant(UserFactory(username="api_office"), "office")
    response = token_for(client, "api_office", "pass-2026-x")
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me["username"] == "api_office"
    assert me["roles"] == [{"role": "office", "province": None, "organization_id": None}]


def test_wrong_password_401_then_rate_limited_429(client, reference, settings):
    UserFactory(username="victim")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert token_for(client, "victim", "wrong").status_code == 401
    limited = token_for(client, "victim", "pass-2026-x")
    assert limited.status_code == 429
    assert limited.json()["code"] == "too_many_attempts"
    assert int(limited["Retry-After"]) > 0


def test_invalid_bearer_token_is_401_not_anonymous(client, reference):
    response = client.get("/api/v1/organizations", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert client.get("/api/v1/auth/me", HTTP_AUTHORIZATION="Basic abc").status_code == 401


def test_session_write_requires_csrf(reference):
    from django.test import Client

    user = grant(UserFactory(username="csrf_office"), "office")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        "/api/v1/organizations",
        data=json.dumps({"name": "x", "kind": "enterprise", "province": "210000"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_audit_endpoint_is_for_the_office_only(client, users, auth_headers):
    assert client.get("/api/v1/audit", **auth_headers(users["province"])).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401
    body = client.get("/api/v1/audit", **auth_headers(users["office"])).json()
    assert "items" in body
