"""A shutdown created between a booking's rule check and its insert: the blackouts are checked
again under the write lock, so the booking cannot land inside the shutdown unflagged."""

import pytest

from nesta.core.errors import ValidationFailed
from nesta.core.transactions import write_transaction
from nesta.instruments.models import Blackout, Booking
from nesta.instruments.services.booking import check_request, check_slot, lock_instrument_row, slot_attempt
from tests.instruments.conftest import NOW, at

pytestmark = pytest.mark.django_db


def test_a_shutdown_made_after_the_rules_were_checked_still_refuses_the_booking(users, sem):
    attempt = slot_attempt(booker=users["member"], instrument=sem, start=at(1, 9), end=at(1, 10), now=NOW)
    check_request(attempt)  # before the lock: no blackout yet
    Blackout.objects.create(instrument=sem, kind="shutdown", start=at(1, 8), end=at(1, 12), reason="真空泵故障")
    with pytest.raises(ValidationFailed) as exc, write_transaction():
        lock_instrument_row(sem)
        check_slot(attempt)
    assert exc.value.code == "blackout" and "真空泵故障" in str(exc.value.message)
    assert not Booking.objects.filter(instrument=sem).exists()
