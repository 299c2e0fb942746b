"""The waiting list over the API (instruments/api/waitlist.py)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from nesta.instruments.models import BookingPolicy, WaitlistEntry
from nesta.instruments.policy import LOCAL
from nesta.instruments.services import booking_create
from nesta.instruments.services.booking import booking_cancel
from tests.conftest import bearer
from tests.factories import InstrumentFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def sem(users, org_ln):
    instrument = InstrumentFactory(owner=org_ln, name="场发射扫描电镜 候补")
    BookingPolicy.objects.create(instrument=instrument, weekdays="1234567", open_from="00:00", open_until="23:59")
    instrument.managers.add(users["instrument_manager"])
    return instrument


@pytest.fixture
def slot():
    # 10:00 local two days ahead: an hour taken from "now" crossed local midnight after 23:00
    # (Asia/Shanghai), outside the policy's 00:00–23:59
    local = timezone.localtime(timezone.now(), LOCAL) + timedelta(days=2)
    start = local.replace(hour=10, minute=0, second=0, microsecond=0)
    return start, start + timedelta(hours=1)


@pytest.fixture
def taken(sem, users, slot):
    return booking_create(actor=users["member"], instrument_id=sem.pk, start=slot[0], end=slot[1]).booking


@pytest.fixture
def queuers(org_ln):
    return [
        grant(UserFactory(username=f"t_q{i}", organization=org_ln), "member", organization=org_ln) for i in range(2)
    ]


def post(client, url, user=None, data=None):
    headers = bearer(user) if user else {}
    return client.post(url, data=json.dumps(data or {}), content_type="application/json", **headers)


def body(slot, **extra):
    return {"start": slot[0].isoformat(), "end": slot[1].isoformat(), **extra}


def test_join_answers_201_with_the_position(api_client, sem, taken, slot, queuers):
    url = f"/api/v1/instruments/{sem.pk}/waitlist"
    first = post(api_client, url, queuers[0], body(slot, purpose="成像"))
    second = post(api_client, url, queuers[1], body(slot))
    assert first.status_code == 201, first.content
    assert (first.json()["position"], second.json()["position"]) == (1, 2)
    assert first.json()["status"] == "waiting" and first.json()["purpose"] == "成像"
    again = post(api_client, url, queuers[0], body(slot))
    assert again.status_code == 409 and again.json()["code"] == "already_waiting"


def test_join_refusals(api_client, sem, taken, slot, queuers):
    url = f"/api/v1/instruments/{sem.pk}/waitlist"
    assert post(api_client, url, None, body(slot)).status_code == 401
    free = (slot[0] + timedelta(days=1), slot[1] + timedelta(days=1))
    r = post(api_client, url, queuers[0], body(free))
    assert r.status_code == 422 and r.json()["code"] == "slot_free"
    naive = post(api_client, url, queuers[0], {"start": "2026-12-20T09:00", "end": "2026-12-20T10:00"})
    assert naive.status_code == 422
    assert post(api_client, "/api/v1/instruments/999999/waitlist", queuers[0], body(slot)).status_code == 404
    assert post(api_client, url, queuers[0], {"start": "x", "end": 5}).status_code == 422


def test_me_claim_and_leave(api_client, sem, taken, slot, users, queuers):
    url = f"/api/v1/instruments/{sem.pk}/waitlist"
    entry_id = post(api_client, url, queuers[0], body(slot)).json()["id"]
    second_id = post(api_client, url, queuers[1], body(slot)).json()["id"]
    mine = api_client.get("/api/v1/me/waitlist", **bearer(queuers[1]))
    assert mine.status_code == 200
    assert [(i["id"], i["position"]) for i in mine.json()["items"]] == [(second_id, 2)]
    assert api_client.get("/api/v1/me/waitlist").status_code == 401
    # not offered yet: 409 invalid_state; someone else's: 403
    early = post(api_client, f"/api/v1/waitlist/{entry_id}/claim", queuers[0])
    assert early.status_code == 409 and early.json()["code"] == "invalid_state"
    booking_cancel(actor=users["member"], booking_id=taken.pk)
    assert post(api_client, f"/api/v1/waitlist/{entry_id}/claim", queuers[1]).status_code == 403
    claimed = post(api_client, f"/api/v1/waitlist/{entry_id}/claim", queuers[0])
    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["status"] == "claimed" and claimed.json()["booking_id"]
    left = api_client.delete(f"/api/v1/waitlist/{second_id}", **bearer(queuers[1]))
    assert left.status_code == 200 and left.json()["status"] == "cancelled"
    assert api_client.delete(f"/api/v1/waitlist/{second_id}", **bearer(queuers[1])).status_code == 409
    assert api_client.delete(f"/api/v1/waitlist/{entry_id}", **bearer(queuers[1])).status_code in (403, 409)


def test_claim_after_the_deadline_is_409_offer_expired(api_client, sem, taken, slot, users, queuers):
    entry_id = post(api_client, f"/api/v1/instruments/{sem.pk}/waitlist", queuers[0], body(slot)).json()["id"]
    booking_cancel(actor=users["member"], booking_id=taken.pk)
    WaitlistEntry.objects.filter(pk=entry_id).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    r = post(api_client, f"/api/v1/waitlist/{entry_id}/claim", queuers[0])
    assert r.status_code == 409 and r.json()["code"] == "offer_expired"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/instruments/1/waitlist", "/api/v1/waitlist/1/claim", "/api/v1/instruments/1/training-requests"],
)
def test_anonymous_gets_401_before_validation(api_client, reference, url):
    r = api_client.post(url, data=json.dumps({"start": "yesterday", "message": 5}), content_type="application/json")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
