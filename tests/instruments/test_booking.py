"""The booking service: rules, conflicts, approvals, cancellation, check-in/out, no-shows, idempotency."""

from datetime import timedelta

import pytest

from nesta.core.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.instruments.models import Blackout, Booking, BookingPolicy, Qualification, UsageSession
from nesta.instruments.services import (
    booking_approve,
    booking_cancel,
    booking_check_in,
    booking_check_out,
    booking_create,
    booking_create_weekly,
    booking_reject,
    bookings_mark_no_shows,
)
from tests.instruments.conftest import NOW, at

pytestmark = pytest.mark.django_db


def book(user, instrument, start, end, **kw):
    return booking_create(actor=user, instrument_id=instrument.pk, start=start, end=end, now=NOW, **kw).booking


def test_member_books_and_the_booking_is_audited(users, sem):
    b = book(users["member"], sem, at(1, 9), at(1, 11), purpose="高温合金断口形貌观察")
    assert (b.status, b.is_external, b.organization_id) == ("confirmed", False, users["member"].organization_id)
    log = AuditLog.objects.get(object_type="instruments.booking", object_id=str(b.pk))
    assert log.actor == users["member"] and log.changes["status"] == [None, "confirmed"]


def test_anonymous_cannot_book(sem):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        booking_create(actor=AnonymousUser(), instrument_id=sem.pk, start=at(1, 9), end=at(1, 10), now=NOW)


@pytest.mark.parametrize(
    "start,end,ok",
    [
        ((1, 11), (1, 12), True),  # touching the end is fine: ranges are half-open
        ((1, 8), (1, 9), True),
        ((1, 10), (1, 12), False),
        ((1, 8), (1, 12), False),
        ((1, 9, 30), (1, 10, 30), False),
    ],
)
def test_overlap_is_slot_taken(users, member2, sem, start, end, ok):
    book(users["member"], sem, at(1, 9), at(1, 11))
    if ok:
        book(member2, sem, at(*start), at(*end))
    else:
        with pytest.raises(Conflict) as exc:
            book(member2, sem, at(*start), at(*end))
        assert exc.value.code == "slot_taken"
    assert Booking.objects.filter(instrument=sem).count() == (2 if ok else 1)


def test_cancelled_booking_frees_the_slot(users, member2, sem):
    b = book(users["member"], sem, at(2, 9), at(2, 11))
    booking_cancel(actor=users["member"], booking_id=b.pk, now=NOW)
    assert book(member2, sem, at(2, 9), at(2, 11)).status == "confirmed"


def test_gap_between_bookings(users, member2, sem):
    BookingPolicy.objects.filter(instrument=sem).update(gap_minutes=30)
    book(users["member"], sem, at(1, 9), at(1, 11))
    with pytest.raises(ValidationFailed) as exc:
        book(member2, sem, at(1, 11, 15), at(1, 12))
    assert exc.value.code == "gap_required"
    assert book(member2, sem, at(1, 11, 30), at(1, 12)).pk


@pytest.mark.parametrize(
    "setup,code",
    [
        (
            lambda sem: BookingPolicy.objects.filter(instrument=sem).update(requires_training=True),
            "qualification_required",
        ),
        (
            lambda sem: BookingPolicy.objects.filter(instrument=sem).update(daily_quota_minutes_user=60),
            "quota_exceeded",
        ),
        (
            lambda sem: Blackout.objects.create(instrument=sem, start=at(1, 0), end=at(2, 0), reason="更换灯丝"),
            "blackout",
        ),
        (lambda sem: BookingPolicy.objects.filter(instrument=sem).update(open_from="10:00"), "outside_bookable_hours"),
    ],
)
def test_each_rule_is_a_specific_422_code_and_nothing_is_written(users, sem, setup, code):
    setup(sem)
    with pytest.raises(ValidationFailed) as exc:
        book(users["member"], sem, at(1, 9), at(1, 11))
    assert exc.value.status == 422 and exc.value.code == code
    assert code in [v["code"] for v in exc.value.details["violations"]]
    assert not Booking.objects.exists()
    assert not AuditLog.objects.filter(object_type="instruments.booking").exists()


def test_training_with_a_valid_qualification_passes(users, sem):
    BookingPolicy.objects.filter(instrument=sem).update(requires_training=True)
    Qualification.objects.create(instrument=sem, user=users["member"], expires_at=at(60, 0))
    assert book(users["member"], sem, at(1, 9), at(1, 11)).status == "confirmed"


def test_external_user_needs_approval_and_managers_are_notified(users, outsider, sem):
    BookingPolicy.objects.filter(instrument=sem).update(external_requires_approval=True)
    b = book(outsider, sem, at(1, 9), at(1, 11))
    assert (b.status, b.is_external) == ("pending", True)
    assert Notification.objects.filter(user=users["instrument_manager"], kind="booking_pending").count() == 1
    with pytest.raises(PermissionDenied):
        booking_approve(actor=outsider, booking_id=b.pk)
    assert booking_approve(actor=users["instrument_manager"], booking_id=b.pk).status == "confirmed"
    assert Notification.objects.filter(user=outsider, kind="booking_approved").exists()
    with pytest.raises(Conflict):
        booking_reject(actor=users["instrument_manager"], booking_id=b.pk)


def test_rejected_booking_frees_the_slot(users, outsider, sem):
    BookingPolicy.objects.filter(instrument=sem).update(external_requires_approval=True)
    b = book(outsider, sem, at(1, 9), at(1, 11))
    booking_reject(actor=users["instrument_manager"], booking_id=b.pk)
    assert book(users["member"], sem, at(1, 9), at(1, 11)).status == "confirmed"


def test_late_cancellation_and_no_show_lead_to_suspension(users, sem):
    BookingPolicy.objects.filter(instrument=sem).update(no_show_limit=2, cancel_deadline_hours=24)
    member = users["member"]
    late = book(member, sem, at(0, 12), at(0, 13))
    Booking.objects.filter(pk=late.pk).update(created_at=NOW - timedelta(days=2))  # booked well before
    assert booking_cancel(actor=member, booking_id=late.pk, now=NOW).status == "late_cancelled"
    early = book(member, sem, at(3, 12), at(3, 13))
    assert booking_cancel(actor=member, booking_id=early.pk, now=NOW).status == "cancelled"
    missed = book(member, sem, at(0, 9), at(0, 10))
    assert bookings_mark_no_shows(now=at(0, 9, 20)) == 1
    missed.refresh_from_db()
    assert missed.status == "no_show"
    with pytest.raises(ValidationFailed) as exc:
        booking_create(actor=member, instrument_id=sem.pk, start=at(2, 9), end=at(2, 10), now=at(0, 10))
    assert exc.value.code == "booking_suspended"


def test_cancellation_by_someone_else_is_refused(users, member2, sem):
    b = book(users["member"], sem, at(1, 9), at(1, 10))
    with pytest.raises(PermissionDenied):
        booking_cancel(actor=member2, booking_id=b.pk, now=NOW)
    assert booking_cancel(actor=users["instrument_manager"], booking_id=b.pk, now=NOW).status == "cancelled"
    assert Notification.objects.filter(user=users["member"], kind="booking_cancelled").exists()


def test_check_in_and_out_records_actual_use(users, sem):
    b = book(users["member"], sem, at(0, 9), at(0, 11))
    with pytest.raises(ValidationFailed):
        booking_check_in(actor=users["member"], booking_id=b.pk, now=at(0, 7))
    session = booking_check_in(actor=users["member"], booking_id=b.pk, now=at(0, 9, 5))
    assert session.started_at == at(0, 9, 5)
    session = booking_check_out(actor=users["member"], booking_id=b.pk, now=at(0, 10, 35), samples=4)
    assert (session.hours, session.samples, session.is_external) == (pytest.approx(1.5), 4, False)
    b.refresh_from_db()
    assert b.status == "completed"
    assert UsageSession.objects.get(booking=b).ended_at == at(0, 10, 35)
    with pytest.raises(Conflict):
        booking_check_out(actor=users["member"], booking_id=b.pk, now=at(0, 11))


def test_weekly_series_skips_and_reports_conflicts(users, member2, sem):
    book(member2, sem, at(14, 9), at(14, 10))  # blocks the third week
    result = booking_create_weekly(
        actor=users["member"],
        instrument_id=sem.pk,
        start=at(0, 9),
        end=at(0, 10),
        weeks=4,
        now=NOW - timedelta(hours=1),
    )
    assert [b.start for b in result.created] == [at(0, 9), at(7, 9), at(21, 9)]
    assert [(s["start"], s["code"]) for s in result.skipped] == [(at(14, 9).isoformat(), "slot_taken")]
    assert {b.series for b in result.created} == {result.series}


def test_idempotency_key_returns_the_first_booking(users, sem):
    first = booking_create(
        actor=users["member"], instrument_id=sem.pk, start=at(1, 9), end=at(1, 10), now=NOW, idempotency_key="k-1"
    )
    again = booking_create(
        actor=users["member"], instrument_id=sem.pk, start=at(1, 9), end=at(1, 10), now=NOW, idempotency_key="k-1"
    )
    assert (again.replayed, again.booking.pk) == (True, first.booking.pk)
    assert Booking.objects.count() == 1


def test_naive_datetimes_are_refused(users, sem):
    with pytest.raises(ValidationFailed) as exc:
        booking_create(
            actor=users["member"], instrument_id=sem.pk, start=at(1, 9).replace(tzinfo=None), end=at(1, 10), now=NOW
        )
    assert "start" in exc.value.details


def test_check_out_charges_the_session_at_the_internal_rate(users, sem):
    from decimal import Decimal

    from nesta.instruments.models import Charge

    b = book(users["member"], sem, at(0, 9), at(0, 11))
    booking_check_in(actor=users["member"], booking_id=b.pk, now=at(0, 9))
    session = booking_check_out(actor=users["member"], booking_id=b.pk, now=at(0, 10, 30))
    charges = list(Charge.objects.filter(usage_session=session))
    assert [c.amount for c in charges] == [Decimal("300.00")]  # 1.5 h × 200 元/h internal rate


def test_what_each_role_may_do_with_a_booking_now_comes_from_its_table(users, sem, member2):
    from nesta.instruments.selectors.bookings import booking_actions

    b = book(users["member"], sem, at(1, 9), at(1, 11))
    b = Booking.objects.select_related("instrument__province").get(pk=b.pk)
    now = at(1, 8, 45)  # 15 minutes before the start: the check-in window is open
    allowed = {role: booking_actions(actor=users[role], booking=b, now=now) for role in users}
    assert allowed["member"] == ["cancel", "check_in"]  # the booker
    assert allowed["instrument_manager"] == allowed["org_admin"] == ["cancel", "check_in"]  # the owner's staff
    assert allowed["office"] == ["cancel", "check_in"]
    assert allowed["province"] == allowed["expert"] == []
    assert booking_actions(actor=member2, booking=b, now=now) == []  # another organisation's member
    assert booking_actions(actor=users["member"], booking=b, now=at(0, 9)) == ["cancel"]  # too early to check in
    assert booking_actions(actor=users["member"], booking=b, now=at(1, 12)) == []  # over: nothing left to do


# --- late cancellation: the grace for bookings made inside the window (issue 8) ------------------


def test_a_booking_made_inside_the_window_may_be_cancelled_within_the_grace(users, sem):
    BookingPolicy.objects.filter(instrument=sem).update(cancel_deadline_hours=24, late_cancel_grace_minutes=15)
    member = users["member"]
    made = at(0, 8, 36)  # 24 minutes before it starts, long after the 24 h deadline
    quick = book(member, sem, at(0, 9), at(0, 10))
    Booking.objects.filter(pk=quick.pk).update(created_at=made)
    assert booking_cancel(actor=member, booking_id=quick.pk, now=made + timedelta(minutes=10)).status == "cancelled"
    slow = book(member, sem, at(0, 11), at(0, 12))
    Booking.objects.filter(pk=slow.pk).update(created_at=made)
    late = booking_cancel(actor=member, booking_id=slow.pk, now=made + timedelta(minutes=16))
    assert late.status == "late_cancelled"


def test_a_pending_booking_is_never_a_late_cancellation(users, outsider, sem):
    BookingPolicy.objects.filter(instrument=sem).update(external_requires_approval=True, cancel_deadline_hours=24)
    b = book(outsider, sem, at(0, 12), at(0, 13))
    Booking.objects.filter(pk=b.pk).update(created_at=NOW - timedelta(days=3))
    assert b.status == "pending"
    assert booking_cancel(actor=outsider, booking_id=b.pk, now=NOW).status == "cancelled"
