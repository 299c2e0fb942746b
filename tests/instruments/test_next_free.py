"""The earliest slot this user could book ("最早可约", selectors.nextfree) on hand-built
calendars, and GET /api/v1/instruments/{id}/next-free (status codes, bounds, hostile durations)."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nesta.instruments.api.availability import parse_duration
from nesta.instruments.models import Blackout, Booking, BookingPolicy, Qualification
from nesta.instruments.selectors.nextfree import next_free_slot, next_free_verdict
from tests.factories import InstrumentFactory, UserFactory
from tests.instruments.conftest import NOW, TZ, at

H = timedelta(hours=1)


def make(owner, *, status="in_use", is_open=True, **policy):
    instrument = InstrumentFactory(owner=owner, status=status, is_open=is_open)
    BookingPolicy.objects.create(
        instrument=instrument, **{"weekdays": "12345", "open_from": "08:00", "open_until": "20:00", **policy}
    )
    return type(instrument).objects.select_related("policy").get(pk=instrument.pk)


def book(instrument, start, end, status="confirmed", user=None):
    return Booking.objects.create(
        instrument=instrument, user=user or UserFactory(), start=start, end=end, status=status
    )


def slot(instrument, user=None, hours=2, **kw):
    found = next_free_slot(instrument, user, timedelta(hours=hours), now=kw.pop("now", NOW), **kw)
    return (found.start, found.end) if found else None


def test_the_first_slot_honours_hours_bookings_and_gap(org_ln):
    sem = make(org_ln, gap_minutes=15)
    assert slot(sem) == (at(0, 8), at(0, 10))  # Monday 08:00, right now
    book(sem, at(0, 8), at(0, 12))
    book(sem, at(0, 13), at(0, 19))
    # 12:15–12:45 is too short for two hours, 19:15–20:00 too; Tuesday opens at 08:00
    assert slot(sem) == (at(1, 8), at(1, 10))
    assert slot(sem, hours=0.5) == (at(0, 12, 15), at(0, 12, 45))


def test_weekend_and_night_are_skipped(org_ln):
    sem = make(org_ln)
    friday_evening = at(4, 19)
    assert slot(sem, now=friday_evening) == (at(7, 8), at(7, 10))  # next Monday
    assert slot(sem, after=at(4, 19, 30)) == (at(7, 8), at(7, 10))


def test_round_the_clock_crosses_midnight(org_ln):
    always = make(org_ln, weekdays="1234567", open_from="00:00", open_until="00:00", max_minutes=600)
    book(always, at(0, 8), at(0, 23))
    assert slot(always, hours=3) == (at(0, 23), at(1, 2))


def test_blackouts_notice_and_advance(org_ln):
    sem = make(org_ln, min_notice_minutes=24 * 60, advance_days=3)
    Blackout.objects.create(instrument=sem, kind="shutdown", start=at(1, 0), end=at(2, 12))
    assert slot(sem) == (at(2, 12), at(2, 14))  # a day's notice, then the shutdown
    Blackout.objects.create(instrument=sem, kind="maintenance", start=at(2, 12), end=at(4, 0))
    assert slot(sem) is None  # the rest of the 3-day window is down
    assert next_free_verdict(sem, None, 2 * H, now=NOW).reason == "no_free_slot"


def test_duration_against_the_policy(org_ln):
    sem = make(org_ln, min_minutes=60, max_minutes=120)
    assert slot(sem, hours=0.25) == (at(0, 8), at(0, 9))  # at least the minimum
    assert slot(sem, hours=3) is None
    assert next_free_verdict(sem, None, 3 * H, now=NOW).reason == "too_long"


def test_status_openness_training_suspension(org_ln, org_jl, users, outsider):
    member = users["member"]
    broken = make(org_ln, status="repair")
    assert slot(broken) is None
    closed = make(org_ln, is_open=False, external_requires_approval=True)
    assert slot(closed, outsider) is None
    assert slot(closed, member) == (at(0, 8), at(0, 10))
    approval = make(org_ln, external_requires_approval=True)
    assert next_free_verdict(approval, outsider, H, now=NOW).needs_approval is True
    assert next_free_verdict(approval, member, H, now=NOW).needs_approval is False
    trained = make(org_ln, requires_training=True)
    assert slot(trained) == (at(0, 8), at(0, 10))  # anonymous: person rules not applied
    assert next_free_verdict(trained, member, H, now=NOW).reason == "qualification_required"
    Qualification.objects.create(instrument=trained, user=member, expires_at=at(0, 9))
    assert slot(trained, member) is None  # expires before two hours end
    assert slot(trained, member, hours=1) == (at(0, 8), at(0, 9))
    sem = make(org_ln)
    for day in (1, 2, 3):
        book(sem, NOW - timedelta(days=day), NOW - timedelta(days=day) + H, status="late_cancelled", user=member)
    assert next_free_verdict(sem, member, H, now=NOW).reason == "booking_suspended"
    assert slot(sem, users["org_admin"]) == (at(0, 8), at(0, 10))


def test_start_rounds_up_to_a_quarter_hour(org_ln):
    sem = make(org_ln)
    assert slot(sem, now=at(0, 9, 7)) == (at(0, 9, 15), at(0, 11, 15))


def test_a_busy_fortnight_scans_further_in_few_queries(org_ln, users):
    sem = make(org_ln, weekdays="1234567", advance_days=60, max_minutes=720)
    for day in range(20):  # every opening hour of the next 20 days is taken
        book(sem, at(day, 8), at(day, 20))
    with CaptureQueriesContext(connection) as ctx:
        found = next_free_slot(sem, users["member"], 2 * H, now=NOW)
    assert (found.start, found.end) == (at(20, 8), at(20, 10))
    assert len(ctx.captured_queries) == 7  # offences + two chunks of bookings, blackouts and waiting-list holds
    with CaptureQueriesContext(connection) as ctx:
        next_free_slot(sem, None, 2 * H, now=NOW, after=at(25, 0))
    assert len(ctx.captured_queries) == 3  # one chunk: bookings, blackouts, waiting-list holds


# --- durations and the API ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,minutes",
    [("PT2H", 120), ("pt90m", 90), ("PT1M", 1), ("P1D", 1440), ("P1W", 7 * 1440), ("P1DT2H30M", 1590), ("PT60S", 1)],
)
def test_durations(text, minutes):
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "text,code",
    [
        ("P9999Y", "invalid_duration"),
        ("P1M", "invalid_duration"),
        ("PT0S", "duration_out_of_range"),
        ("PT30S", "duration_out_of_range"),
        ("P8D", "duration_out_of_range"),
        ("P9999W", "duration_out_of_range"),
        ("PT99999999999999H", "invalid_duration"),
        ("P", "invalid_duration"),
        ("PT", "invalid_duration"),
        ("P1DT", "invalid_duration"),
        ("2 hours", "invalid_duration"),
        ("-PT1H", "invalid_duration"),
        ("PT1.5H", "invalid_duration"),
        ("", "invalid_duration"),
    ],
)
def test_hostile_durations_are_422(api_client, org_ln, text, code):
    sem = make(org_ln)
    r = api_client.get(f"/api/v1/instruments/{sem.pk}/next-free", {"duration": text})
    assert r.status_code == 422, r.content
    assert r.json()["code"] == code


def _tuesday():
    day = timezone.localtime(timezone.now(), TZ).date() + timedelta(days=2)
    while day.isoweekday() != 2:
        day += timedelta(days=1)
    return day


def test_api_next_free(api_client, org_ln, users, outsider, auth_headers):
    sem = make(org_ln, external_requires_approval=True, advance_days=30)
    day = _tuesday()
    after = datetime(day.year, day.month, day.day, 6, 0, tzinfo=TZ)
    url = f"/api/v1/instruments/{sem.pk}/next-free"
    r = api_client.get(url, {"duration": "PT2H", "after": after.isoformat()})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body == {
        "instrument_id": sem.pk,
        "start": f"{day.isoformat()}T08:00:00+08:00",
        "end": f"{day.isoformat()}T10:00:00+08:00",
        "needs_approval": True,
    }
    r = api_client.get(url, {"duration": "PT2H", "after": after.isoformat()}, **auth_headers(users["member"]))
    assert r.status_code == 200 and r.json()["needs_approval"] is False
    assert api_client.get(url, {"duration": "PT2H"}, HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    assert api_client.get("/api/v1/instruments/999999/next-free", {"duration": "PT2H"}).status_code == 404
    assert api_client.get(url).status_code == 422  # duration is required
    r = api_client.get(url, {"duration": "PT2H", "after": "2026-12-01T09:00:00"})  # no time zone
    assert r.status_code == 422
    r = api_client.get(url, {"duration": "PT9H"})  # above the 8-hour maximum
    assert r.status_code == 404 and r.json()["code"] == "no_free_slot"
    assert r.json()["details"]["reason"] == "too_long"
    BookingPolicy.objects.filter(instrument=sem).update(requires_training=True)
    r = api_client.get(url, {"duration": "PT1H"}, **auth_headers(outsider))
    assert r.status_code == 404 and r.json()["details"]["reason"] == "qualification_required"
