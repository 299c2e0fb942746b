"""A spending limit holds when many clients book against one account at once: on different
instruments (so the instrument's row lock does not queue them on PostgreSQL — the account's row
lock must), each with its own connection. Exactly as many as fit are booked; the others get 422
account_limit_exceeded."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from nesta.core.errors import Conflict, ServiceUnavailable, ValidationFailed
from nesta.instruments.models import Booking, BookingPolicy, PayerAccount
from nesta.instruments.services import booking_create
from nesta.instruments.services.payers import account_usage
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant
from tests.instruments.conftest import NOW, at

CLIENTS = 16
INSTRUMENTS = 8


@pytest.fixture
def limited(transactional_db, reference):
    org = OrganizationFactory(province_code="210000", city_code="210100")
    instruments = []
    for _i in range(INSTRUMENTS):
        instrument = InstrumentFactory(owner=org, internal_hourly_rate=200)
        BookingPolicy.objects.create(instrument=instrument)
        instruments.append(instrument)
    users = [
        grant(UserFactory(username=f"payrace{i}", organization=org), "member", organization=org) for i in range(CLIENTS)
    ]
    # 1000 元 is five one-hour bookings at 200 元/h
    account = PayerAccount.objects.create(organization=org, code="RACE-1", name="限额账户", spending_limit=1000)
    return instruments, users, account


def test_the_limit_is_never_exceeded(limited):
    instruments, users, account = limited
    barrier = threading.Barrier(len(users))

    def attempt(i_user):
        i, user = i_user
        instrument = instruments[i % INSTRUMENTS]
        hour = 9 + i // INSTRUMENTS  # distinct slots: no two clients want the same instrument-hour
        try:
            barrier.wait(timeout=30)
            booking_create(
                actor=user,
                instrument_id=instrument.pk,
                start=at(1, hour),
                end=at(1, hour + 1),
                now=NOW,
                account_id=account.pk,
            )
            return "booked"
        except (ValidationFailed, Conflict) as exc:
            return exc.code
        except ServiceUnavailable:
            return "busy"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        results = list(pool.map(attempt, enumerate(users)))
    assert results.count("booked") == 5, results
    assert results.count("account_limit_exceeded") == CLIENTS - 5, results
    assert Booking.objects.filter(account=account).count() == 5
    assert account_usage(account.pk).committed == Decimal("1000.00")
