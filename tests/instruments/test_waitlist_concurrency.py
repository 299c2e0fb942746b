"""The waiting list under concurrency (each thread with its own connection; SQLite and, with
DATABASE_URL, PostgreSQL): many join at once and one cancellation offers the slot to the first
joiner; many claims of one offer at once make exactly one booking."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from nesta.core.errors import Conflict, PermissionDenied, ServiceUnavailable
from nesta.instruments.models import Booking, BookingPolicy, WaitlistEntry
from nesta.instruments.services import booking_create
from nesta.instruments.services.booking import booking_cancel
from nesta.instruments.services.waitlist import waitlist_claim, waitlist_join
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant
from tests.instruments.conftest import NOW, at

CLIENTS = 12
SLOT = (at(1, 9), at(1, 11))


@pytest.fixture
def queue(transactional_db, reference):
    org = OrganizationFactory(province_code="210000", city_code="210100")
    instrument = InstrumentFactory(owner=org)
    BookingPolicy.objects.create(instrument=instrument)
    holder = grant(UserFactory(username="wl_holder", organization=org), "member", organization=org)
    users = [
        grant(UserFactory(username=f"wl_race{i}", organization=org), "member", organization=org) for i in range(CLIENTS)
    ]
    booking = booking_create(actor=holder, instrument_id=instrument.pk, start=SLOT[0], end=SLOT[1], now=NOW).booking
    return instrument, holder, booking, users


def _all_at_once(fn, items):
    barrier = threading.Barrier(len(items))

    def run(item):
        try:
            barrier.wait(timeout=30)
            return fn(item)
        except (Conflict, PermissionDenied) as exc:
            return exc.code
        except ServiceUnavailable:
            return "busy"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(run, items))


def test_many_join_at_once_and_the_first_joiner_is_offered(queue):
    instrument, holder, booking, users = queue
    results = _all_at_once(lambda u: waitlist_join(u, instrument.pk, SLOT[0], SLOT[1], now=NOW).position, users)
    positions = [r for r in results if isinstance(r, int)]
    assert sorted(positions) == list(range(1, len(positions) + 1)), results  # each place once
    assert len(positions) >= CLIENTS - 2, results  # a busy answer at most for a couple
    booking_cancel(actor=holder, booking_id=booking.pk, now=NOW)
    entries = list(WaitlistEntry.objects.filter(instrument=instrument).order_by("created_at", "id"))
    assert [e.status for e in entries] == ["offered"] + ["waiting"] * (len(entries) - 1)


def test_many_claims_at_once_make_exactly_one_booking(queue):
    instrument, holder, booking, users = queue
    first = waitlist_join(users[0], instrument.pk, SLOT[0], SLOT[1], now=NOW).entry
    booking_cancel(actor=holder, booking_id=booking.pk, now=NOW)
    claim_at = NOW + timedelta(minutes=5)
    # the offered user's claim sent many times at once, and everyone else booking the slot
    attempts = [("claim", users[0])] * (CLIENTS // 2) + [("book", u) for u in users[1 : CLIENTS // 2 + 1]]

    def go(attempt):
        kind, user = attempt
        if kind == "claim":
            waitlist_claim(user, first.pk, now=claim_at)
        else:
            booking_create(actor=user, instrument_id=instrument.pk, start=SLOT[0], end=SLOT[1], now=claim_at)
        return kind

    results = _all_at_once(go, attempts)
    active = Booking.objects.filter(instrument=instrument, status__in=Booking.ACTIVE)
    assert active.count() == 1, results
    assert active.get().user == users[0]
    assert results.count("claim") == 1, results
    assert results.count("book") == 0, results
    first.refresh_from_db()
    assert first.status == "claimed" and first.booking == active.get()
