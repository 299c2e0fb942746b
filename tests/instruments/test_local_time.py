"""Issue 7 C.16: every time a person reads is local (Asia/Shanghai). A 10:00 booking read 02:00
in notification texts and in its __str__ (the audit log's object_repr), which printed UTC."""

from datetime import UTC, datetime, timedelta

from nesta.core.models import Notification
from nesta.instruments.models import Blackout, Booking, BookingPolicy, UsageSession
from nesta.instruments.services.booking import booking_create
from tests.instruments.conftest import NOW


def test_a_1000_shanghai_booking_reads_1000(sem, outsider, users):
    BookingPolicy.objects.filter(instrument=sem).update(external_requires_approval=True, weekdays="1234567")
    start = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, as an API client may send it
    booking_create(actor=outsider, instrument_id=sem.pk, start=start, end=start + timedelta(hours=1), now=NOW)
    booking = Booking.objects.get()  # read back: the database hands out UTC
    assert str(booking) == f"{sem} 2026-12-01 10:00"
    note = Notification.objects.get(user=users["instrument_manager"], kind="booking_pending")
    assert "2026-12-01 10:00–11:00" in note.body and "02:00" not in note.body
    blackout = Blackout.objects.create(instrument=sem, start=start, end=start + timedelta(hours=2))
    assert str(Blackout.objects.get(pk=blackout.pk)).endswith("2026-12-01 10:00")
    session = UsageSession.objects.create(instrument=sem, user=outsider, started_at=start)
    assert str(UsageSession.objects.get(pk=session.pk)).endswith("2026-12-01 10:00")
