"""Booking reminders: once per confirmed booking, BOOKING_REMINDER_HOURS ahead, in-app and by
e-mail after commit, audited, from `manage.py instruments_tick`."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from nesta.core.models import AuditLog, Notification
from nesta.instruments.models import Booking
from nesta.instruments.services import booking_approve, booking_cancel, booking_create, bookings_send_reminders
from tests.instruments.conftest import NOW, at

pytestmark = pytest.mark.django_db


def book(user, instrument, start, end):
    return booking_create(actor=user, instrument_id=instrument.pk, start=start, end=end, now=NOW).booking


@pytest.fixture
def member(users):
    user = users["member"]
    user.email = "member@example.cn"
    user.save()
    return user


def test_a_booking_within_the_window_is_reminded_once(member, sem, django_capture_on_commit_callbacks):
    soon = book(member, sem, at(1, 9), at(1, 10))  # 25 h after NOW
    later = book(member, sem, at(2, 9), at(2, 10))
    run_at = NOW + timedelta(hours=2)  # soon starts 23 h later, inside the 24 h window
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_send_reminders(now=run_at) == 1
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.reminded_at == run_at and later.reminded_at is None
    note = Notification.objects.get(user=member, kind="booking_reminder")
    assert sem.name in note.title and "2026-12-01 09:00" in note.title
    assert "09:00–10:00" in note.body and note.url == "/instruments/my/"
    assert [m.to for m in mail.outbox] == [["member@example.cn"]]
    assert AuditLog.objects.filter(
        object_type="instruments.booking", object_id=str(soon.pk), changes__has_key="reminded_at"
    ).exists()
    assert bookings_send_reminders(now=run_at + timedelta(minutes=5)) == 0  # not twice
    assert Notification.objects.filter(kind="booking_reminder").count() == 1


def test_the_mail_leaves_only_after_commit(member, sem, django_capture_on_commit_callbacks):
    book(member, sem, at(1, 9), at(1, 10))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert bookings_send_reminders(now=NOW + timedelta(hours=2)) == 1
    assert mail.outbox == [] and len(callbacks) == 1


@pytest.mark.parametrize("hours", [1, 48])
def test_the_window_follows_the_setting(member, sem, settings, hours):
    settings.BOOKING_REMINDER_HOURS = hours
    book(member, sem, at(1, 9), at(1, 10))  # 25 h after NOW
    assert bookings_send_reminders(now=NOW) == (1 if hours == 48 else 0)


def test_cancelled_pending_and_started_bookings_are_not_reminded(member, outsider, users, sem):
    sem.policy.external_requires_approval = True
    sem.policy.save()
    cancelled = book(member, sem, at(1, 9), at(1, 10))
    booking_cancel(actor=member, booking_id=cancelled.pk, now=NOW)
    pending = book(outsider, sem, at(1, 8), at(1, 9))
    assert pending.status == "pending"
    started = book(member, sem, at(0, 9), at(0, 10))
    assert bookings_send_reminders(now=at(0, 9, 5)) == 0
    booking_approve(actor=users["instrument_manager"], booking_id=pending.pk)
    assert bookings_send_reminders(now=at(0, 9, 5)) == 1
    assert Booking.objects.get(pk=pending.pk).reminded_at is not None
    assert Booking.objects.get(pk=started.pk).reminded_at is None


def test_instruments_tick_sends_them(member, sem):
    from django.utils import timezone

    now = timezone.now()
    Booking.objects.create(
        instrument=sem,
        user=member,
        organization=member.organization,
        start=now + timedelta(hours=3),
        end=now + timedelta(hours=4),
    )
    out = StringIO()
    call_command("instruments_tick", stdout=out)
    assert "reminders sent: 1" in out.getvalue()
    assert Notification.objects.filter(user=member, kind="booking_reminder").count() == 1
