"""The free-time index (models.PolicyShape, kept by database triggers) and the search that asks it
first: the index follows every write path, a window no shape can hold is answered from the index
alone, and the indexed search lists exactly what the plain rule evaluation (freetime.judge on
every instrument) finds, on random small calendars."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nesta.instruments.models import Blackout, Booking, BookingPolicy, Instrument, PolicyShape, Qualification
from nesta.instruments.selectors import freesearch, freetime
from nesta.instruments.selectors.registry import InstrumentFilters, instrument_list
from tests.factories import InstrumentFactory
from tests.instruments.conftest import NOW, at

pytestmark = pytest.mark.django_db


def shapes():
    return {
        (s.weekdays, s.open_from.strftime("%H:%M"), s.open_until.strftime("%H:%M"), s.advance_days): s.policies
        for s in PolicyShape.objects.filter(policies__gt=0)
    }


def test_the_triggers_exist_after_every_migration():
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT tgname FROM pg_trigger WHERE tgname = 'policyshape_sync'")
            assert [r[0] for r in cur.fetchall()] == ["policyshape_sync"]
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'policyshape_%'")
            assert sorted(r[0] for r in cur.fetchall()) == [
                "policyshape_delete",
                "policyshape_insert",
                "policyshape_update",
            ]


def test_the_index_follows_creates_bulk_creates_updates_and_deletes(org_ln):
    a, b, c = (InstrumentFactory(owner=org_ln) for _ in range(3))
    BookingPolicy.objects.create(instrument=a, weekdays="12345", open_from="08:00", open_until="20:00")
    BookingPolicy.objects.bulk_create(
        [BookingPolicy(instrument=i, weekdays="67", open_from="09:00", open_until="17:00") for i in (b, c)]
    )
    assert shapes() == {("12345", "08:00", "20:00", 30): 1, ("67", "09:00", "17:00", 30): 2}
    BookingPolicy.objects.filter(instrument=b).update(advance_days=7)
    policy = BookingPolicy.objects.get(instrument=c)
    policy.gap_minutes = 30  # not a shape field: nothing moves
    policy.save()
    assert shapes() == {
        ("12345", "08:00", "20:00", 30): 1,
        ("67", "09:00", "17:00", 30): 1,
        ("67", "09:00", "17:00", 7): 1,
    }
    a.delete()  # the policy goes with it (cascade)
    BookingPolicy.objects.filter(instrument=c).delete()
    assert shapes() == {("67", "09:00", "17:00", 7): 1}


def test_a_window_no_shape_holds_is_answered_from_the_index(org_ln, users):
    for n in range(5):
        i = InstrumentFactory(owner=org_ln, name=f"电镜{n}")
        BookingPolicy.objects.create(instrument=i, weekdays="12345", open_from="08:00", open_until="20:00")
    filters = InstrumentFilters(available_from=at(5, 9), available_to=at(5, 17))  # a Saturday
    with CaptureQueriesContext(connection) as ctx:
        page = instrument_list(filters=filters, limit=20, viewer=users["member"], now=NOW)
    assert page.items == []
    assert [q["sql"] for q in ctx.captured_queries if "instruments_instrument" in q["sql"]] == []
    assert len(ctx.captured_queries) == 1  # the index's shapes, nothing else


def test_the_daytime_page_costs_a_fixed_number_of_queries(org_ln, users):
    for n in range(30):
        i = InstrumentFactory(owner=org_ln, name=f"电镜{n}")
        BookingPolicy.objects.create(instrument=i, weekdays="12345", open_from="08:00", open_until="20:00")
    counts = []
    for limit in (5, 20):
        with CaptureQueriesContext(connection) as ctx:
            page = instrument_list(
                filters=InstrumentFilters(available_from=at(1, 10), available_to=at(1, 12)),
                limit=limit,
                viewer=users["member"],
                now=NOW,
            )
        assert len(page.items) == limit
        counts.append(len(ctx.captured_queries))
    # shapes + candidates + the user's offences + bookings + blackouts + waiting-list holds
    assert counts == [6, 6]


# --- the indexed search equals the plain rule evaluation -------------------------------------


def _random_calendar(rng, org_ln, other_org, users):
    instruments = []
    for n in range(14):
        inst = InstrumentFactory(owner=rng.choice([org_ln, other_org]), name=f"仪器{n}", is_open=rng.random() < 0.8)
        if rng.random() < 0.15:
            instruments.append(inst)  # no policy: the defaults apply
            continue
        around = rng.random() < 0.2
        opening = rng.choice([0, 6, 8, 9, 13])
        BookingPolicy.objects.create(
            instrument=inst,
            weekdays="".join(d for d in "1234567" if rng.random() < 0.6) or "3",
            open_from=f"{opening:02d}:00" if not around else "00:00",
            open_until=f"{min(opening + rng.choice([4, 8, 12]), 23):02d}:30" if not around else "00:00",
            min_notice_minutes=rng.choice([0, 0, 60, 24 * 60]),
            min_minutes=rng.choice([30, 60, 120]),
            max_minutes=rng.choice([60, 240, 480]),
            advance_days=rng.choice([1, 3, 7, 30]),
            gap_minutes=rng.choice([0, 0, 30]),
            requires_training=rng.random() < 0.2,
        )
        if rng.random() < 0.5:
            Qualification.objects.create(instrument=inst, user=users["member"])
        instruments.append(inst)
    for inst in instruments:
        for k in range(rng.randint(0, 4)):  # one a day at most, so none overlap
            start = at(2 * k + rng.randint(0, 1), rng.randint(6, 20))
            Booking.objects.create(
                instrument=inst,
                user=users["org_admin"],
                start=start,
                end=start + timedelta(hours=rng.choice([1, 2, 5])),
                status=rng.choice(["confirmed", "pending", "cancelled"]),
            )
        if rng.random() < 0.2:
            start = at(rng.randint(0, 6), 0)
            Blackout.objects.create(instrument=inst, start=start, end=start + timedelta(hours=rng.choice([6, 30])))
    return instruments


def _plain(instruments, user, start, end, duration):
    """Every instrument judged by the rules alone (no prefilter, no index)."""
    fresh = list(Instrument.objects.select_related("policy").filter(pk__in=[i.pk for i in instruments]).order_by("pk"))
    person = freetime.person_of(user, fresh, now=NOW)
    blocks = freetime.load_blocks(fresh, start, end, now=NOW)
    return [i.pk for i in fresh if freetime.judge(i, person, blocks, start, end, now=NOW, duration=duration).free]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_indexed_search_equals_the_plain_rules_on_random_calendars(seed, org_ln, org_jl, users):
    rng = random.Random(seed)
    instruments = _random_calendar(rng, org_ln, org_jl, users)
    for _ in range(30):
        start = at(rng.randint(0, 9), rng.randint(0, 23), rng.choice([0, 30]))
        end = start + timedelta(hours=rng.choice([1, 2, 3, 6, 14, 30, 80]))
        minutes = rng.choice([None, None, 60, 120, 300])
        duration = timedelta(minutes=minutes) if minutes else None
        user = rng.choice([None, users["member"]])
        page = instrument_list(
            filters=InstrumentFilters(available_from=start, available_to=end, free_minutes=minutes),
            limit=100,
            viewer=user,
            now=NOW,
        )
        expected = _plain(instruments, user, start, end, duration)
        assert [i.pk for i in page.items] == expected, (start, end, minutes, user)
        # the index's Python check and the SQL conditions agree on every policy
        t = freesearch.terms(start=start, end=end, duration=duration, now=NOW)
        if t is not None:
            in_sql = set(BookingPolicy.objects.filter(t.q(prefix="")).values_list("pk", flat=True))
            in_python = {p.pk for p in BookingPolicy.objects.all() if t.fits(p)}
            assert in_sql == in_python, (start, end, minutes)
