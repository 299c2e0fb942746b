"""No double booking, ever: many clients with their own connections book one slot at once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, transaction

from nesta.core.errors import Conflict, ServiceUnavailable
from nesta.core.write_gate import sqlite_write_gate
from nesta.instruments.models import Booking, BookingPolicy, Instrument
from nesta.instruments.services import booking_create
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant
from tests.instruments.conftest import NOW, at

CLIENTS = 24


@pytest.fixture
def contested(transactional_db, reference):
    org = OrganizationFactory(province_code="210000", city_code="210100")
    instrument = InstrumentFactory(owner=org)
    BookingPolicy.objects.create(instrument=instrument)
    users = [
        grant(UserFactory(username=f"race{i}", organization=org), "member", organization=org) for i in range(CLIENTS)
    ]
    return instrument, users


def _race(instrument, users, slot):
    barrier = threading.Barrier(len(users))

    def attempt(user):
        try:
            barrier.wait(timeout=30)
            booking_create(actor=user, instrument_id=instrument.pk, start=slot[0], end=slot[1], now=NOW)
            return "booked"
        except Conflict as exc:
            return exc.code
        except ServiceUnavailable:
            return "busy"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        return list(pool.map(attempt, users))


def test_exactly_one_of_many_concurrent_clients_wins(contested):
    instrument, users = contested
    results = _race(instrument, users, (at(1, 9), at(1, 11)))
    assert results.count("booked") == 1, results
    assert results.count("slot_taken") == CLIENTS - 1, results
    assert Booking.objects.filter(instrument=instrument).count() == 1


def test_overlapping_but_different_slots_also_yield_one_winner(contested):
    instrument, users = contested
    barrier = threading.Barrier(len(users))

    def attempt(i_user):
        i, user = i_user
        try:
            barrier.wait(timeout=30)
            start = at(2, 9, (i % 4) * 10)  # 09:00, 09:10, 09:20, 09:30 — all overlap one another
            booking_create(actor=user, instrument_id=instrument.pk, start=start, end=at(2, 11), now=NOW)
            return "booked"
        except Conflict as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        results = list(pool.map(attempt, enumerate(users)))
    assert results.count("booked") == 1, results
    assert Booking.objects.filter(instrument=instrument).count() == 1


def test_the_database_forbids_overlaps_even_past_the_service(contested):
    """PostgreSQL: the exclusion constraint; SQLite: the triggers. Both raise IntegrityError."""
    instrument, users = contested
    Booking.objects.create(instrument=instrument, user=users[0], start=at(3, 9), end=at(3, 11), status="confirmed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(instrument=instrument, user=users[1], start=at(3, 10), end=at(3, 12), status="pending")
    # Cancelled bookings do not hold the slot.
    freed = Booking.objects.create(
        instrument=instrument, user=users[1], start=at(3, 10), end=at(3, 12), status="cancelled"
    )
    # ... and may not be revived into an overlap either.
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=freed.pk).update(status="confirmed")
    assert Booking.objects.filter(instrument=instrument).count() == 2


def test_a_client_that_waits_too_long_for_the_lock_gets_503(contested, settings):
    instrument, users = contested
    if connection.vendor == "sqlite":
        import sqlite3

        blocker = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.1)
        blocker.execute("BEGIN IMMEDIATE")
        with connection.cursor() as cur:
            cur.execute("PRAGMA busy_timeout = 200")
    else:
        import psycopg

        settings.BOOKING_LOCK_TIMEOUT_MS = 200
        s = connection.settings_dict
        blocker = psycopg.connect(
            host=s["HOST"] or "127.0.0.1",
            port=s["PORT"] or 5432,
            user=s["USER"],
            dbname=s["NAME"],
            password=s["PASSWORD"] or None,
        )
        blocker.execute("SELECT id FROM instruments_instrument WHERE id = %s FOR UPDATE", [instrument.pk])
    try:
        with pytest.raises(ServiceUnavailable) as exc:
            booking_create(actor=users[0], instrument_id=instrument.pk, start=at(4, 9), end=at(4, 10), now=NOW)
        assert exc.value.status == 503 and exc.value.details["retry_after"] >= 1
    finally:
        blocker.rollback()
        blocker.close()
        connection.close()
    assert not Booking.objects.filter(instrument=instrument).exists()


def test_a_client_queued_too_long_at_the_write_gate_gets_503(contested, settings):
    """Another writer holds the gate (SQLite) / the instrument's row (PostgreSQL) past the timeout."""
    instrument, users = contested
    settings.BOOKING_LOCK_TIMEOUT_MS = 150
    held, release = threading.Event(), threading.Event()

    def holder():
        if connection.vendor == "sqlite":
            with sqlite_write_gate(1):
                held.set()
                release.wait(5)
        else:
            with transaction.atomic():
                list(Instrument.objects.select_for_update().filter(pk=instrument.pk))
                held.set()
                release.wait(5)
            connection.close()

    t = threading.Thread(target=holder)
    t.start()
    try:
        held.wait(5)
        with pytest.raises(ServiceUnavailable) as exc:
            booking_create(actor=users[0], instrument_id=instrument.pk, start=at(4, 9), end=at(4, 10), now=NOW)
        assert exc.value.details["retry_after"] >= 1
    finally:
        release.set()
        t.join()
    assert not Booking.objects.filter(instrument=instrument).exists()
    booking_create(actor=users[0], instrument_id=instrument.pk, start=at(4, 9), end=at(4, 10), now=NOW)
    assert Booking.objects.filter(instrument=instrument).count() == 1
