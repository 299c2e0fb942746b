"""The calls API: list (drafts hidden), create, read, edit, the lifecycle's steps; 401 before 422."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.conftest import bearer
from tests.programmes.calls.conftest import call_data
from tests.programmes.factories import CallFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/calls"


def post(client, url, body, user=None, method="post"):
    headers = bearer(user) if user else {}
    return getattr(client, method)(url, json.dumps(body, default=str), content_type="application/json", **headers)


def test_public_list_hides_drafts(api_client, reference):
    open_call = CallFactory()
    draft = CallFactory(status="draft")
    ids = {x["id"] for x in api_client.get(API).json()["items"]}
    assert open_call.pk in ids and draft.pk not in ids
    assert api_client.get(f"{API}/{draft.pk}").status_code == 404
    r = api_client.get(f"{API}/{open_call.pk}")
    assert r.status_code == 200 and [c["code"] for c in r.json()["criteria"]] == ["innovation", "feasibility"]
    assert api_client.get(f"{API}?status=open").status_code == 200
    assert api_client.get(f"{API}?status=bogus").status_code == 422


def test_anonymous_write_is_401_before_422(api_client, reference):
    assert post(api_client, API, {"title": 5}).status_code == 401


def test_create_edit_publish(api_client, users, reference):
    r = post(api_client, API, call_data(), users["office"])
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["transitions"] == ["publish"] and len(body["rounds"]) == 2
    pk = body["id"]
    r = post(api_client, f"{API}/{pk}", {"max_avoid": 5}, users["office"], method="patch")
    assert r.status_code == 200 and r.json()["max_avoid"] == 5
    assert post(api_client, f"{API}/{pk}/publish", {}, users["member"]).status_code == 403
    r = post(api_client, f"{API}/{pk}/publish", {}, users["office"])
    assert r.status_code == 200 and r.json()["status"] == "open"
    r = post(api_client, f"{API}/{pk}", {"max_request": "1"}, users["office"], method="patch")
    assert r.status_code == 409 and r.json()["code"] == "call_locked"
    assert post(api_client, f"{API}/{pk}/archive", {}, users["office"]).json()["code"] == "invalid_state"


def test_member_may_not_create(api_client, users, reference):
    assert post(api_client, API, call_data(), users["member"]).status_code == 403


@pytest.mark.parametrize(
    "over",
    [
        {"budget": "1e30"},
        {"budget": 10**40},
        {"year": 10**12},
        {"opens_at": "0001-01-01T00:00:00"},
        {"closes_at": "not a date"},
        {"title": "\x07"},
        {"criteria": [{"code": "a", "name": "x", "weight": "0.2"}]},
        {"criteria": "x"},
        {"form_fields": [{"name": "a", "label": "x", "type": "int", "min": 10**30}]},
        {"rounds": [{"kind": "panel"}]},
        {"provinces": ["x" * 1000]},
        {"tilt_share": "7"},
        {"nope": 1},
        {"closes_at": (timezone.now() - dt.timedelta(days=9)).isoformat()},
    ],
)
def test_hostile_call_input_is_a_coded_422(api_client, users, reference, over):
    r = post(api_client, API, call_data(**over), users["office"])
    assert r.status_code == 422, r.content
    assert r.json()["code"] not in ("", "internal_error")
