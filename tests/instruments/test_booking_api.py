import json
from datetime import timedelta

import pytest

from nesta.instruments.models import Booking, BookingPolicy
from tests.conftest import bearer
from tests.timeutil import working_day

pytestmark = pytest.mark.django_db


def slot(days=1, hour=9, hours=2):
    day = working_day(days)
    start = day.replace(hour=hour, minute=0, second=0, microsecond=0)
    return start.isoformat(), (start + timedelta(hours=hours)).isoformat()


def post(client, url, user, data=None, **headers):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json", **bearer(user), **headers)


def test_book_then_slot_taken_409(client, users, member2, sem):
    start, end = slot()
    url = f"/api/v1/instruments/{sem.pk}/bookings"
    first = post(client, url, users["member"], {"start": start, "end": end, "purpose": "XRD 物相分析"})
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "confirmed"
    second = post(client, url, member2, {"start": start, "end": end})
    assert second.status_code == 409
    assert second.json()["code"] == "slot_taken"


def test_policy_violation_is_422_with_its_code(client, users, sem):
    BookingPolicy.objects.filter(instrument=sem).update(requires_training=True)
    start, end = slot()
    response = post(client, f"/api/v1/instruments/{sem.pk}/bookings", users["member"], {"start": start, "end": end})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "qualification_required"
    assert [v["code"] for v in body["details"]["violations"]] == ["qualification_required"]
    start, end = slot(hour=6)
    BookingPolicy.objects.filter(instrument=sem).update(requires_training=False)
    response = post(client, f"/api/v1/instruments/{sem.pk}/bookings", users["member"], {"start": start, "end": end})
    assert response.json()["code"] == "outside_bookable_hours"


def test_repeated_idempotency_key_books_once(client, users, sem):
    start, end = slot()
    url = f"/api/v1/instruments/{sem.pk}/bookings"
    a = post(client, url, users["member"], {"start": start, "end": end}, HTTP_IDEMPOTENCY_KEY="abc-123")
    b = post(client, url, users["member"], {"start": start, "end": end}, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] == b.json()["id"]
    assert Booking.objects.count() == 1


def test_cancel_and_wrong_state(client, users, sem):
    start, end = slot(days=3)
    booking = post(
        client, f"/api/v1/instruments/{sem.pk}/bookings", users["member"], {"start": start, "end": end}
    ).json()
    cancelled = post(client, f"/api/v1/bookings/{booking['id']}/cancel", users["member"])
    assert cancelled.json()["status"] == "cancelled"
    again = post(client, f"/api/v1/bookings/{booking['id']}/cancel", users["member"])
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


def test_weekly_series_over_the_api(client, users, sem):
    start, end = slot(days=1)
    response = post(
        client, f"/api/v1/instruments/{sem.pk}/bookings", users["member"], {"start": start, "end": end, "weeks": 3}
    )
    assert response.status_code == 201
    assert len(response.json()["created"]) == 3 and response.json()["skipped"] == []


def test_naive_time_and_unknown_instrument(client, users, sem):
    response = post(
        client,
        f"/api/v1/instruments/{sem.pk}/bookings",
        users["member"],
        {"start": "2026-12-01T09:00:00", "end": "2026-12-01T10:00:00"},
    )
    assert response.status_code == 422 and "start" in response.json()["details"]
    start, end = slot()
    missing = post(client, "/api/v1/instruments/999999/bookings", users["member"], {"start": start, "end": end})
    assert missing.status_code == 404
    anonymous = client.post(
        f"/api/v1/instruments/{sem.pk}/bookings",
        data=json.dumps({"start": start, "end": end}),
        content_type="application/json",
    )
    assert anonymous.status_code == 401


# --- C.12: a series that books nothing, a key reused for another request --------------------


def test_weekly_series_whose_every_date_is_taken_is_409_not_201(client, users, member2, sem):
    start, end = slot(days=1)
    url = f"/api/v1/instruments/{sem.pk}/bookings"
    assert post(client, url, member2, {"start": start, "end": end, "weeks": 2}).status_code == 201
    response = post(client, url, users["member"], {"start": start, "end": end, "weeks": 2})
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "series_unavailable"
    assert [s["code"] for s in body["details"]["skipped"]] == ["slot_taken", "slot_taken"]
    assert not Booking.objects.filter(user=users["member"]).exists()


def test_weekly_series_whose_every_date_breaks_a_rule_is_422(client, users, sem):
    start, end = slot(days=1, hour=5)  # before the 08:00 opening, every week
    response = post(
        client, f"/api/v1/instruments/{sem.pk}/bookings", users["member"], {"start": start, "end": end, "weeks": 2}
    )
    assert response.status_code == 422 and response.json()["code"] == "series_unavailable"
    assert {s["code"] for s in response.json()["details"]["skipped"]} == {"outside_bookable_hours"}


def test_idempotency_key_reused_with_another_body_is_422(client, users, sem):
    start, end = slot(days=1)
    other_start, other_end = slot(days=2)
    url = f"/api/v1/instruments/{sem.pk}/bookings"
    first = post(client, url, users["member"], {"start": start, "end": end}, HTTP_IDEMPOTENCY_KEY="key-7")
    assert first.status_code == 201
    reused = post(client, url, users["member"], {"start": other_start, "end": other_end}, HTTP_IDEMPOTENCY_KEY="key-7")
    assert reused.status_code == 422, reused.content
    assert reused.json()["code"] == "idempotency_key_reused"
    purpose = post(
        client, url, users["member"], {"start": start, "end": end, "purpose": "另一用途"}, HTTP_IDEMPOTENCY_KEY="key-7"
    )
    assert purpose.status_code == 422
    assert Booking.objects.count() == 1


def test_idempotency_key_repeat_in_another_time_zone_is_the_same_request(client, users, sem):
    from datetime import UTC, datetime

    start, end = slot(days=1)
    url = f"/api/v1/instruments/{sem.pk}/bookings"
    first = post(client, url, users["member"], {"start": start, "end": end}, HTTP_IDEMPOTENCY_KEY="key-8")
    as_utc = [datetime.fromisoformat(t).astimezone(UTC).isoformat() for t in (start, end)]
    again = post(client, url, users["member"], {"start": as_utc[0], "end": as_utc[1]}, HTTP_IDEMPOTENCY_KEY="key-8")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
