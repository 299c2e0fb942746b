"""Availability on hand-built cases: the policy's days and hours, bookings widened by the gap,
blackouts, notice and advance window, minimum length, and two queries whatever the range."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nesta.instruments.models import Blackout, Booking, BookingPolicy, Instrument
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors.availability import availability
from tests.core.world import reference_loaded
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory


@pytest.fixture(scope="module")
def reference_module(django_db_setup, django_db_blocker):
    with reference_loaded(django_db_blocker):
        yield


@pytest.fixture
def reference(reference_module, db):
    """The reference data, loaded once for the module."""


MONDAY = datetime(2030, 3, 4, tzinfo=LOCAL)  # a Monday
NOW = datetime(2030, 3, 1, 12, 0, tzinfo=LOCAL)


def at(day: int, hh: int, mm: int = 0) -> datetime:
    """Local time on MONDAY + day."""
    return MONDAY + timedelta(days=day, hours=hh, minutes=mm)


def hm(intervals):
    return [
        (w.start.astimezone(LOCAL).strftime("%a %H:%M"), w.end.astimezone(LOCAL).strftime("%a %H:%M"))
        for w in intervals
    ]


@pytest.fixture
def instrument(reference):
    inst = InstrumentFactory(owner=OrganizationFactory())
    BookingPolicy.objects.create(
        instrument=inst,
        open_from=time(8),
        open_until=time(18),
        weekdays="12345",
        gap_minutes=15,
        min_minutes=30,
        max_minutes=480,
        advance_days=30,
    )
    return Instrument.objects.select_related("policy").get(pk=inst.pk)


@pytest.fixture
def user(reference):
    return UserFactory(username="booker")


def book(instrument, user, start, end, status="confirmed"):
    return Booking.objects.create(instrument=instrument, user=user, start=start, end=end, status=status)


def test_policy_hours_bookings_with_gap_and_blackout(instrument, user):
    book(instrument, user, at(0, 10), at(0, 11))
    book(instrument, user, at(0, 13), at(0, 14), status="pending")
    book(instrument, user, at(0, 15), at(0, 16), status="cancelled")  # frees its slot
    Blackout.objects.create(instrument=instrument, start=at(1, 0), end=at(1, 12), reason="年度维护")
    result = availability(instrument, at(0, 0), at(3, 0), now=NOW)
    assert [d.date.isoformat() for d in result.days] == ["2030-03-04", "2030-03-05", "2030-03-06"]
    assert hm(result.days[0].free) == [
        ("Mon 08:00", "Mon 09:45"),
        ("Mon 11:15", "Mon 12:45"),
        ("Mon 14:15", "Mon 18:00"),
    ]
    assert hm(result.days[1].free) == [("Tue 12:00", "Tue 18:00")]
    assert hm(result.days[2].free) == [("Wed 08:00", "Wed 18:00")]
    assert hm(result.days[0].open) == [("Mon 08:00", "Mon 18:00")]
    busy = [(b.kind, b.label) for b in result.busy]
    assert busy == [("booked", ""), ("pending", ""), ("maintenance", "年度维护")]
    assert hm(result.busy) == [("Mon 10:00", "Mon 11:00"), ("Mon 13:00", "Mon 14:00"), ("Tue 00:00", "Tue 12:00")]
    assert (result.gap_minutes, result.min_minutes, result.bookable) == (15, 30, True)


def test_closed_days_and_partial_range(instrument):
    result = availability(instrument, at(4, 16), at(7, 9), now=NOW)  # Friday 16:00 → Monday 09:00
    assert [(d.date.isoweekday(), hm(d.free)) for d in result.days] == [
        (5, [("Fri 16:00", "Fri 18:00")]),
        (6, []),
        (7, []),
        (1, [("Mon 08:00", "Mon 09:00")]),
    ]
    assert result.days[1].open == []


def test_windows_shorter_than_the_minimum_are_dropped(instrument, user):
    book(instrument, user, at(0, 8), at(0, 11))
    book(instrument, user, at(0, 11, 40), at(0, 18))  # leaves 11:15–11:25 between the gaps
    assert availability(instrument, at(0, 0), at(1, 0), now=NOW).free == []


def test_notice_and_advance_window(instrument, user):
    policy = instrument.policy
    policy.min_notice_minutes = 30
    policy.advance_days = 1
    policy.save()
    book(instrument, user, at(0, 10), at(0, 11))
    now = at(0, 10, 20)
    result = availability(instrument, at(0, 0), at(3, 0), now=now)
    # Before now + 30 min nothing; no start later than now + 1 day (Tuesday 10:20).
    assert hm(result.free) == [("Mon 11:15", "Mon 18:00"), ("Tue 08:00", "Tue 10:20")]


def test_instrument_under_repair_has_no_windows_but_shows_busy(instrument, user):
    book(instrument, user, at(0, 9), at(0, 10))
    instrument.status = "repair"
    result = availability(instrument, at(0, 0), at(1, 0), now=NOW)
    assert (result.bookable, result.free, len(result.busy)) == (False, [], 1)
    assert hm(result.days[0].open) == [("Mon 08:00", "Mon 18:00")]


def test_round_the_clock_and_a_booking_running_into_the_range(instrument, user):
    policy = instrument.policy
    policy.open_from = policy.open_until = time(0)
    policy.weekdays = "1234567"
    policy.max_minutes = 3000
    policy.gap_minutes = 0
    policy.save()
    book(instrument, user, at(0, 0) - timedelta(hours=40), at(0, 6))  # started 40 h before the range
    book(instrument, user, at(0, 22), at(1, 2))  # across midnight
    result = availability(instrument, at(0, 0), at(2, 0), now=NOW)
    assert [hm(d.free) for d in result.days] == [
        [("Mon 06:00", "Mon 22:00")],
        [("Tue 02:00", "Wed 00:00")],
    ]
    assert hm(result.busy) == [("Sat 08:00", "Mon 06:00"), ("Mon 22:00", "Tue 02:00")]


def test_gap_of_a_booking_just_outside_the_range(instrument, user):
    book(instrument, user, at(0, 9), at(0, 10))
    result = availability(instrument, at(0, 10, 5), at(0, 12), now=NOW)
    assert hm(result.free) == [("Mon 10:15", "Mon 12:00")]
    assert result.busy == []  # the booking itself lies outside the range


def test_no_policy_row_uses_the_defaults(reference, user):
    inst = InstrumentFactory(owner=OrganizationFactory())
    inst = Instrument.objects.select_related("policy").get(pk=inst.pk)
    result = availability(inst, at(0, 0), at(1, 0), now=NOW)
    assert hm(result.free) == [("Mon 08:00", "Mon 22:00")]


def test_other_instruments_do_not_count(instrument, user):
    other = InstrumentFactory(owner=instrument.owner)
    book(other, user, at(0, 9), at(0, 17))
    Blackout.objects.create(instrument=other, start=at(0, 0), end=at(1, 0))
    assert hm(availability(instrument, at(0, 0), at(1, 0), now=NOW).free) == [("Mon 08:00", "Mon 18:00")]


def test_two_queries_whatever_the_range(instrument, user):
    for day in range(30):
        book(instrument, user, at(day, 9), at(day, 10))
        Blackout.objects.create(instrument=instrument, start=at(day, 12), end=at(day, 13))
    for days in (1, 7, 31):
        with CaptureQueriesContext(connection) as ctx:
            result = availability(instrument, at(0, 0), at(days, 0), now=NOW)
        assert len(ctx.captured_queries) == 3  # bookings, blackouts, waiting-list holds
        assert len(result.days) == days


def test_booking_query_uses_the_instrument_start_index(instrument, user):
    with CaptureQueriesContext(connection) as ctx:
        availability(instrument, at(0, 0), at(7, 0), now=NOW)
    sql = next(q["sql"] for q in ctx.captured_queries if "instruments_booking" in q["sql"])
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(row[-1]) for row in cur.fetchall())
            assert "USING INDEX" in plan and "instrument_id=? AND start>? AND start<?" in plan, plan
        else:
            # A tiny test table is cheaper to scan; forbid that so the planner shows its index path.
            cur.execute("SET LOCAL enable_seqscan = off")
            # Without statistics the plain instrument_id index (the foreign key's) ties with the
            # composite one; drop it inside the test's transaction so the plan shows whether the
            # (instrument, start) index serves the query.
            cur.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'instruments_booking' "
                "AND indexdef LIKE '%%(instrument_id)'"
            )
            for (name,) in cur.fetchall():
                cur.execute(f'DROP INDEX "{name}"')
            cur.execute("EXPLAIN " + sql)
            plan = " ".join(row[0] for row in cur.fetchall())
            assert "instruments_instrum_7b1625_idx" in plan or "booking_no_overlap" in plan, plan


def test_no_stored_rule_can_make_the_search_fail(instrument, user):
    """Issue 7 C.3: max_minutes 2147483647 made every availability search 500 (date overflow).
    The database refuses such a row now; the arithmetic is bounded whatever a row holds."""
    from django.db import IntegrityError, transaction

    from nesta.instruments.selectors import freetime

    with pytest.raises(IntegrityError), transaction.atomic():
        BookingPolicy.objects.filter(instrument=instrument).update(max_minutes=2**31 - 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingPolicy.objects.filter(instrument=instrument).update(gap_minutes=10**6)
    policy = instrument.policy
    policy.max_minutes = policy.gap_minutes = policy.min_notice_minutes = 2**31 - 1  # never saved
    policy.advance_days = 32767
    book(instrument, user, at(0, 10), at(0, 11))
    result = availability(instrument, at(0, 0), at(1, 0), now=NOW)
    assert (result.gap_minutes, result.max_minutes) == (1440, 10080)
    assert result.free == []  # a day's gap around the booking covers the whole day
    # the rule-aware search reads the same bounds (issue 8: freetime replaced longest_booking)
    blocks = freetime.load_blocks([instrument], at(0, 0), at(1, 0))
    assert freetime.judge(instrument, freetime.ANONYMOUS, blocks, at(0, 0), at(1, 0), now=NOW).free is False
