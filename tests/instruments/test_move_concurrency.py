"""Moves racing with creates: many clients, each on its own connection, move their bookings into
and around the slots others are booking. Never an overlap; every client gets a clear answer
(moved 200, booked 201, 409 taken or no longer movable, 422 a rule) and nothing else."""

import random
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from nesta.core.errors import Conflict, DomainError, ValidationFailed
from nesta.instruments.models import Booking, BookingPolicy
from nesta.instruments.services import booking_create, booking_move
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant
from tests.instruments.conftest import NOW, at

CLIENTS = 16
CLEAR = {200, 201, 409, 422}
HALF = timedelta(minutes=30)


@pytest.fixture
def arena(transactional_db, reference):
    org = OrganizationFactory(province_code="210000", city_code="210100")
    instrument = InstrumentFactory(owner=org)
    BookingPolicy.objects.create(instrument=instrument, min_minutes=15)
    users = [
        grant(UserFactory(username=f"mover{i}", organization=org), "member", organization=org) for i in range(CLIENTS)
    ]
    return instrument, users


def _status(run) -> int | str:
    try:
        run()
    except Conflict:
        return 409
    except ValidationFailed:
        return 422
    except DomainError as exc:  # 503 busy, 403…: not a clear answer here
        return f"{type(exc).__name__}:{exc.code}"
    except Exception as exc:  # the test reports whatever escaped
        return f"{type(exc).__name__}:{exc}"
    return 0


def _overlaps(instrument) -> list[tuple[int, int]]:
    rows = list(
        Booking.objects.filter(instrument=instrument, status__in=Booking.ACTIVE)
        .order_by("start")
        .values_list("pk", "start", "end")
    )
    return [(a[0], b[0]) for a, b in zip(rows, rows[1:], strict=False) if b[1] < a[2]]


def test_moves_and_creates_into_one_contested_slot_have_one_winner(arena):
    """Half the clients move their own booking to 09:xx on day 1, half book 09:xx there; the four
    candidate slots all overlap one another, so exactly one client wins."""
    instrument, users = arena
    movers = users[: CLIENTS // 2]
    owned = {
        u.pk: booking_create(
            actor=u, instrument_id=instrument.pk, start=at(3, 8 + i), end=at(3, 9 + i), now=NOW
        ).booking
        for i, u in enumerate(movers)
    }
    barrier = threading.Barrier(CLIENTS)

    def client(i_user):
        i, user = i_user
        start, end = at(1, 9, (i % 4) * 15), at(1, 10, (i % 4) * 15)

        def run():
            barrier.wait(timeout=30)
            if user.pk in owned:
                booking_move(actor=user, booking_id=owned[user.pk].pk, start=start, end=end, now=NOW)
            else:
                booking_create(actor=user, instrument_id=instrument.pk, start=start, end=end, now=NOW)

        try:
            status = _status(run)
            return (200 if user.pk in owned else 201) if status == 0 else status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(client, enumerate(users)))
    assert set(results) <= CLEAR, results
    assert sum(r in (200, 201) for r in results) == 1, results
    assert results.count(409) == CLIENTS - 1, results
    on_day_1 = Booking.objects.filter(instrument=instrument, start__gte=at(1, 0), end__lte=at(2, 0))
    assert on_day_1.count() == 1 and not _overlaps(instrument)
    # a mover that lost still holds its old slot; a mover that won freed its old one
    assert Booking.objects.filter(instrument=instrument).count() == len(movers) + results[CLIENTS // 2 :].count(201)


def test_many_rounds_of_random_moves_and_creates_never_overlap(arena):
    """Each client, several times, either moves its booking to a random slot of a small window or
    books one there: slots freed by moves are taken by others while they race."""
    instrument, users = arena
    owned = {
        u.pk: booking_create(
            actor=u, instrument_id=instrument.pk, start=at(1, 8) + HALF * i, end=at(1, 8) + HALF * (i + 1), now=NOW
        ).booking.pk
        for i, u in enumerate(users[: CLIENTS // 2])
    }
    barrier = threading.Barrier(CLIENTS)

    def client(i_user):
        i, user = i_user
        rng = random.Random(i)
        statuses = []
        try:
            barrier.wait(timeout=30)
            for _ in range(4):
                half_hours = rng.randrange(0, 16)  # 08:00 … 15:30 of day 1
                length = rng.choice((30, 60, 90))
                start = at(1, 8) + HALF * half_hours
                end = start + timedelta(minutes=length)
                if user.pk in owned:
                    status = _status(
                        lambda s=start, e=end: booking_move(
                            actor=user, booking_id=owned[user.pk], start=s, end=e, now=NOW
                        )
                    )
                    statuses.append(200 if status == 0 else status)
                else:
                    status = _status(
                        lambda s=start, e=end: booking_create(
                            actor=user, instrument_id=instrument.pk, start=s, end=e, now=NOW
                        )
                    )
                    statuses.append(201 if status == 0 else status)
            return statuses
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = [s for statuses in pool.map(client, enumerate(users)) for s in statuses]
    assert set(results) <= CLEAR, results
    assert 200 in results or 201 in results
    assert not _overlaps(instrument)
    # every mover still holds exactly its one booking, moved or not
    assert Booking.objects.filter(pk__in=owned.values(), status="confirmed").count() == len(owned)


def test_the_database_is_the_last_word_when_the_check_is_bypassed(arena, monkeypatch):
    """Should any path race past the service's check, the exclusion constraint (PostgreSQL) or the
    update trigger (SQLite) refuses the moved row: 409 slot_taken, nothing changed."""
    instrument, users = arena
    mine = booking_create(actor=users[0], instrument_id=instrument.pk, start=at(1, 9), end=at(1, 10), now=NOW).booking
    booking_create(actor=users[1], instrument_id=instrument.pk, start=at(1, 11), end=at(1, 12), now=NOW)
    monkeypatch.setattr(sys.modules["nesta.instruments.services.booking_move"], "check_slot", lambda attempt: None)
    with pytest.raises(Conflict) as exc:
        booking_move(actor=users[0], booking_id=mine.pk, start=at(1, 11, 30), end=at(1, 12, 30), now=NOW)
    assert exc.value.code == "slot_taken"
    assert Booking.objects.get(pk=mine.pk).start == at(1, 9)
