"""Recurring maintenance (services.maintenance): the series' dates, local hours, conflicts with
bookings refused and reported, bounds, removing a series or one occurrence."""

import uuid
from datetime import date, datetime, time

import pytest

from nesta.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.instruments.models import Blackout
from nesta.instruments.services import blackout_remove, booking_create
from nesta.instruments.services.maintenance import maintenance_remove_series, maintenance_schedule, occurrence_dates
from tests.instruments.conftest import NOW, TZ, at

pytestmark = pytest.mark.django_db


def schedule(actor, instrument, first, count, **kw):
    kw.setdefault("start_time", time(8, 0))
    kw.setdefault("end_time", time(10, 0))
    return maintenance_schedule(actor=actor, instrument_id=instrument.pk, first_date=first, count=count, now=NOW, **kw)


def test_weekly_dates_every_n_weeks():
    assert occurrence_dates(date(2026, 12, 1), pattern="weekly", every=2, count=3) == [
        date(2026, 12, 1),
        date(2026, 12, 15),
        date(2026, 12, 29),
    ]


def test_monthly_on_the_same_weekday_of_the_month_and_the_fifth_is_the_last():
    # 2026-12-08 is the 2nd Tuesday of December
    assert occurrence_dates(date(2026, 12, 8), pattern="monthly", every=1, count=3) == [
        date(2026, 12, 8),
        date(2027, 1, 12),
        date(2027, 2, 9),
    ]
    # 2026-12-29 is the 5th (last) Tuesday: February 2027 has four, its last is the 23rd
    assert occurrence_dates(date(2026, 12, 29), pattern="monthly", every=1, count=3) == [
        date(2026, 12, 29),
        date(2027, 1, 26),
        date(2027, 2, 23),
    ]


def test_a_weekly_series_in_local_time_one_series_id_audited(users, sem):
    result = schedule(users["instrument_manager"], sem, date(2026, 12, 2), 4, reason="季度保养")
    rows = list(Blackout.objects.filter(series=result.series).order_by("start"))
    assert [b.start for b in rows] == [datetime(2026, 12, d, 8, 0, tzinfo=TZ) for d in (2, 9, 16, 23)]
    assert all(b.end - b.start == at(0, 10) - at(0, 8) for b in rows)
    assert {b.kind for b in rows} == {"maintenance"} and {b.reason for b in rows} == {"季度保养"}
    log = AuditLog.objects.get(action="maintenance.scheduled")
    assert log.changes["series"] == [None, str(result.series)]
    assert log.changes["occurrences"][1][0] == "2026-12-02 08:00"


def test_an_end_not_after_the_start_is_the_next_morning(users, sem):
    result = schedule(users["instrument_manager"], sem, date(2026, 12, 2), 1, start_time=time(22), end_time=time(6))
    b = result.created[0]
    assert (b.start, b.end) == (datetime(2026, 12, 2, 22, tzinfo=TZ), datetime(2026, 12, 3, 6, tzinfo=TZ))


def test_occurrences_that_clash_with_a_booking_are_not_created_but_reported(users, sem):
    booking = booking_create(
        actor=users["member"], instrument_id=sem.pk, start=at(9, 9), end=at(9, 11), now=NOW
    ).booking
    result = schedule(users["instrument_manager"], sem, date(2026, 12, 2), 3, end_time=time(9, 30))
    assert [b.start.date() for b in result.created] == [date(2026, 12, 2), date(2026, 12, 16)]
    assert result.skipped == [
        {
            "start": datetime(2026, 12, 9, 8, tzinfo=TZ).isoformat(),
            "end": datetime(2026, 12, 9, 9, 30, tzinfo=TZ).isoformat(),
            "code": "booking_conflict",
            "message": "与已有预约冲突。",
            "booking_ids": [booking.pk],
        }
    ]


def test_nothing_schedulable_is_409_or_422(users, sem):
    booking_create(actor=users["member"], instrument_id=sem.pk, start=at(2, 8), end=at(2, 10), now=NOW)
    with pytest.raises(Conflict) as exc:
        schedule(users["instrument_manager"], sem, date(2026, 12, 2), 1)
    assert exc.value.code == "series_unavailable"
    with pytest.raises(ValidationFailed) as exc:  # every date already past
        schedule(users["instrument_manager"], sem, date(2026, 11, 1), 2)
    assert exc.value.code == "series_unavailable" and exc.value.details["skipped"][0]["code"] == "in_past"
    assert not Blackout.objects.exists()
    assert not AuditLog.objects.filter(action="maintenance.scheduled").exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [({"count": 0}, "count"), ({"count": 105}, "count"), ({"count": True}, "count"),
     ({"every": 13, "count": 2}, "every"), ({"pattern": "daily", "count": 2}, "pattern"),
     ({"count": 104, "every": 12}, "count"), ({"first_date": "9999-01-01", "count": 1}, "first_date"),
     ({"start_time": "8 o'clock", "count": 1}, "start_time")],
)  # fmt: skip
def test_bounds(users, sem, kw, field):
    kw = {"first_date": date(2026, 12, 2), **kw}
    with pytest.raises(ValidationFailed) as exc:
        maintenance_schedule(actor=users["instrument_manager"], instrument_id=sem.pk, now=NOW,
                             start_time=kw.pop("start_time", time(8)), end_time=time(10), **kw)  # fmt: skip
    assert field in exc.value.details


@pytest.mark.parametrize("role", ["province", "expert", "member"])
def test_only_the_instruments_staff(users, sem, role):
    with pytest.raises(PermissionDenied):
        schedule(users[role], sem, date(2026, 12, 2), 2)


def test_removing_the_series_keeps_what_is_past_and_one_occurrence_goes_alone(users, sem):
    manager = users["instrument_manager"]
    result = schedule(manager, sem, date(2026, 12, 2), 4)
    blackout_remove(actor=manager, blackout=result.created[1])  # one occurrence
    assert Blackout.objects.filter(series=result.series).count() == 3
    later = datetime(2026, 12, 10, 12, tzinfo=TZ)  # the first has happened by then
    removed = maintenance_remove_series(actor=manager, instrument_id=sem.pk, series=result.series, now=later)
    assert removed == 2
    assert list(Blackout.objects.filter(series=result.series).values_list("start", flat=True)) == [
        datetime(2026, 12, 2, 8, tzinfo=TZ)
    ]
    assert AuditLog.objects.filter(action="maintenance.removed").count() == 1
    with pytest.raises(NotFound):
        maintenance_remove_series(actor=manager, instrument_id=sem.pk, series=uuid.uuid4(), now=later)
    with pytest.raises(PermissionDenied):
        maintenance_remove_series(actor=users["member"], instrument_id=sem.pk, series=result.series, now=later)


def test_booking_refused_in_an_occurrence(users, sem):
    schedule(users["instrument_manager"], sem, date(2026, 12, 2), 2)
    with pytest.raises(ValidationFailed) as exc:
        booking_create(actor=users["member"], instrument_id=sem.pk, start=at(2, 9), end=at(2, 11), now=NOW)
    assert exc.value.details["violations"][0]["code"] == "blackout"
