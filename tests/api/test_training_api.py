"""Training requests over the API (instruments/api/training.py)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from nesta.instruments.models import BookingPolicy, Qualification
from tests.conftest import bearer
from tests.factories import InstrumentFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def sem(users, org_ln):
    instrument = InstrumentFactory(owner=org_ln, name="透射电镜 培训")
    BookingPolicy.objects.create(instrument=instrument, requires_training=True)
    instrument.managers.add(users["instrument_manager"])
    return instrument


@pytest.fixture
def outsider(org_jl):
    return grant(UserFactory(username="t_tr_outsider", organization=org_jl), "member", organization=org_jl)


def post(client, url, user=None, data=None):
    headers = bearer(user) if user else {}
    return client.post(url, data=json.dumps(data or {}), content_type="application/json", **headers)


def test_request_schedule_grant(api_client, sem, users):
    member, manager = users["member"], users["instrument_manager"]
    url = f"/api/v1/instruments/{sem.pk}/training-requests"
    assert post(api_client, url, None, {"message": "x"}).status_code == 401
    r = post(api_client, url, member, {"message": "课题需要"})
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert r.json()["status"] == "requested"
    assert post(api_client, url, member, {}).json()["code"] == "request_open"
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    s = post(
        api_client,
        f"/api/v1/training-requests/{rid}/schedule",
        manager,
        {"start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat(), "location": "B201"},
    )
    assert s.status_code == 200, s.content
    assert s.json()["status"] == "scheduled" and s.json()["session_location"] == "B201"
    expires = (timezone.now() + timedelta(days=365)).replace(microsecond=0)
    g = post(api_client, f"/api/v1/training-requests/{rid}/grant", manager, {"expires_at": expires.isoformat()})
    assert g.status_code == 200, g.content
    assert g.json()["status"] == "granted"
    assert Qualification.objects.get(instrument=sem, user=member).expires_at == expires
    mine = api_client.get("/api/v1/me/training-requests", **bearer(member))
    assert [i["id"] for i in mine.json()["items"]] == [rid]


def test_staff_list_decline_withdraw_and_refusals(api_client, sem, users, outsider):
    member, manager = users["member"], users["instrument_manager"]
    url = f"/api/v1/instruments/{sem.pk}/training-requests"
    rid = post(api_client, url, member, {"message": "a"}).json()["id"]
    staff = api_client.get(url, **bearer(manager))
    assert staff.status_code == 200 and [i["id"] for i in staff.json()["items"]] == [rid]
    assert api_client.get(url, **bearer(member)).status_code == 403
    assert api_client.get(url).status_code == 401
    assert api_client.get(url + "?status=bogus", **bearer(manager)).status_code == 422
    # the user cannot answer their own; an outsider cannot withdraw it
    assert post(api_client, f"/api/v1/training-requests/{rid}/grant", member, {}).status_code == 403
    assert post(api_client, f"/api/v1/training-requests/{rid}/withdraw", outsider).status_code == 403
    no_reason = post(api_client, f"/api/v1/training-requests/{rid}/decline", manager, {"reason": ""})
    assert no_reason.status_code == 422
    d = post(api_client, f"/api/v1/training-requests/{rid}/decline", manager, {"reason": "名额已满"})
    assert d.status_code == 200 and d.json()["manager_note"] == "名额已满"
    rid2 = post(api_client, url, member, {}).json()["id"]
    w = post(api_client, f"/api/v1/training-requests/{rid2}/withdraw", member)
    assert w.status_code == 200 and w.json()["status"] == "cancelled"
    assert post(api_client, f"/api/v1/training-requests/{rid2}/withdraw", member).status_code == 409
    assert post(api_client, "/api/v1/training-requests/999999/withdraw", member).status_code == 404


def test_grant_without_expiry_and_with_an_empty_body(api_client, sem, users):
    rid = post(api_client, f"/api/v1/instruments/{sem.pk}/training-requests", users["member"]).json()["id"]
    g = post(api_client, f"/api/v1/training-requests/{rid}/grant", users["instrument_manager"], {})
    assert g.status_code == 200, g.content
    assert Qualification.objects.get(instrument=sem, user=users["member"]).expires_at is None
