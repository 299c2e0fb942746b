"""Shutdowns (services.shutdowns): the bookings in the period flagged or cancelled in one
transaction, their bookers told, new bookings refused, the waiting list not offered the freed
slots, audit, ending early and calling off."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from nesta.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.instruments.models import Blackout, Booking
from nesta.instruments.services import booking_cancel, booking_check_in, booking_create
from nesta.instruments.services.problems import problem_report
from nesta.instruments.services.shutdowns import shutdown_end, shutdown_start
from tests.instruments.conftest import NOW, at

pytestmark = pytest.mark.django_db


def book(user, instrument, start, end):
    return booking_create(actor=user, instrument_id=instrument.pk, start=start, end=end, now=NOW).booking


def down(actor, instrument, start, end, mode="flag", now=NOW, **kw):
    kw.setdefault("reason", "电子枪故障，等待厂家维修")
    return shutdown_start(actor=actor, instrument_id=instrument.pk, start=start, end=end, mode=mode, now=now, **kw)


@pytest.fixture
def booked(users, sem, outsider, member2):
    """Three bookings on Tuesday (09–11 member, 13–15 outsider, 16–18 member2), one on Thursday."""
    return {
        "member": book(users["member"], sem, at(1, 9), at(1, 11)),
        "outsider": book(outsider, sem, at(1, 13), at(1, 15)),
        "member2": book(member2, sem, at(1, 16), at(1, 18)),
        "thursday": book(users["member"], sem, at(3, 9), at(3, 11)),
    }


def test_flag_keeps_the_bookings_flags_them_and_tells_each_booker(users, sem, booked, outsider):
    result = down(users["instrument_manager"], sem, at(1, 10), at(1, 17))
    assert [a.booking_id for a in result.affected] == [booked[k].pk for k in ("member", "outsider", "member2")]
    assert {a.action for a in result.affected} == {"flagged"}
    for key in ("member", "outsider", "member2"):
        row = Booking.objects.get(pk=booked[key].pk)
        assert row.status == "confirmed" and "电子枪故障" in row.flag and "2026-12-01 10:00" in row.flag
    assert Booking.objects.get(pk=booked["thursday"].pk).flag == ""
    note = Notification.objects.get(user=outsider, kind="booking_flagged")
    assert sem.name in note.title and "不计逾期取消" in note.body
    assert AuditLog.objects.filter(action="booking.flagged").count() == 3
    log = AuditLog.objects.get(action="shutdown.started")
    assert log.changes["mode"] == [None, "flag"] and log.object_id == str(result.shutdown.pk)
    shutdown = Blackout.objects.get(pk=result.shutdown.pk)
    assert (shutdown.kind, shutdown.created_by) == ("shutdown", users["instrument_manager"])


def test_cancel_cancels_through_the_lifecycle_never_late_and_the_table_tells_the_booker(users, sem, booked, outsider):
    result = down(users["instrument_manager"], sem, at(1, 10), at(1, 17), mode="cancel", now=at(1, 8))
    assert [(a.action, a.status) for a in result.affected] == [("cancelled", "cancelled")] * 3
    for key in ("member", "outsider", "member2"):
        row = Booking.objects.get(pk=booked[key].pk)
        assert row.status == "cancelled" and row.cancelled_at == at(1, 8) and "电子枪故障" in row.flag
    note = Notification.objects.get(user=outsider, kind="booking_cancelled")
    assert "电子枪故障" in note.body  # the table's message carries the shutdown's reason
    assert AuditLog.objects.filter(action="booking.cancelled").count() == 3
    assert not AuditLog.objects.filter(action="booking.late_cancelled").exists()


def test_a_managers_own_booking_cancelled_by_their_shutdown_is_not_late(users, sem):
    manager = users["instrument_manager"]
    own = book(manager, sem, at(1, 9), at(1, 11))
    result = down(manager, sem, at(1, 8), at(1, 12), mode="cancel", now=at(1, 8, 30))  # after its deadline
    assert result.affected[0].status == "cancelled"
    assert Booking.objects.get(pk=own.pk).status == "cancelled"
    assert not Notification.objects.filter(user=manager).exists()


def test_a_booking_in_use_is_flagged_even_in_cancel_mode(users, sem, booked):
    booking_check_in(actor=users["member"], booking_id=booked["member"].pk, now=at(1, 9, 5))
    result = down(users["instrument_manager"], sem, at(1, 9, 30), at(1, 12), mode="cancel", now=at(1, 9, 30))
    assert [(a.booking_id, a.action, a.status) for a in result.affected] == [(booked["member"].pk, "flagged", "in_use")]
    assert Booking.objects.get(pk=booked["member"].pk).flag


def test_bookings_already_over_or_inactive_are_left_alone(users, sem, booked):
    booking_cancel(actor=users["member"], booking_id=booked["member"].pk, now=NOW)
    result = down(users["instrument_manager"], sem, at(1, 8), at(1, 12), mode="cancel", now=at(1, 8))
    assert result.affected == []


def test_a_flagged_booking_may_be_cancelled_by_its_booker_without_it_being_late(users, sem, booked):
    down(users["instrument_manager"], sem, at(1, 10), at(1, 12), now=at(1, 7))
    cancelled = booking_cancel(actor=users["member"], booking_id=booked["member"].pk, now=at(1, 8))  # past deadline
    assert cancelled.status == "cancelled"


def test_booking_is_refused_during_a_shutdown(users, sem, booked, member2):
    down(users["instrument_manager"], sem, at(2, 8), at(2, 20))
    with pytest.raises(ValidationFailed) as exc:
        book(member2, sem, at(2, 9), at(2, 10))
    violation = exc.value.details["violations"][0]
    assert violation["code"] == "blackout" and "电子枪故障" in violation["message"]
    book(member2, sem, at(4, 9), at(4, 10))  # another day is fine


def test_the_waiting_list_is_not_offered_a_slot_freed_by_a_shutdown(users, sem, booked, member2, outsider):
    waitlist = pytest.importorskip("nesta.instruments.services.waitlist")
    join = getattr(waitlist, "waitlist_join", None)
    if join is None:
        pytest.skip("the waiting list has no waitlist_join yet")
    from nesta.instruments.models import WaitlistEntry

    join(actor=member2, instrument_id=sem.pk, start=at(1, 9), end=at(1, 11), now=NOW)
    down(users["instrument_manager"], sem, at(1, 8), at(1, 12), mode="cancel", now=NOW)
    assert Booking.objects.get(pk=booked["member"].pk).status == "cancelled"
    entry = WaitlistEntry.objects.get(user=member2)
    assert entry.status == "waiting" and entry.offered_at is None
    assert not Notification.objects.filter(user=member2, kind__startswith="waitlist").exists()
    # the control: a slot freed outside the shutdown is offered
    join(actor=member2, instrument_id=sem.pk, start=at(1, 13), end=at(1, 15), now=NOW)
    booking_cancel(actor=outsider, booking_id=booked["outsider"].pk, now=NOW)
    assert WaitlistEntry.objects.get(user=member2, start=at(1, 13)).status == "offered"


def test_shutdowns_of_one_instrument_never_overlap(users, sem):
    first = down(users["instrument_manager"], sem, at(1, 8), at(1, 12)).shutdown
    with pytest.raises(Conflict) as exc:
        down(users["instrument_manager"], sem, at(1, 11), at(1, 14))
    assert exc.value.code == "shutdown_overlaps" and exc.value.details == {"shutdown_id": first.pk}
    down(users["instrument_manager"], sem, at(1, 12), at(1, 14))  # touching is not overlapping
    # a maintenance blackout in the way is not a shutdown: allowed
    Blackout.objects.create(instrument=sem, kind="maintenance", start=at(2, 8), end=at(2, 10))
    down(users["instrument_manager"], sem, at(2, 9), at(2, 11))


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(at(1, 10), at(1, 9), "end"), (at(-1, 8), at(-1, 9), "end"), (at(-9, 8), at(1, 9), "start"),
     (at(1, 8), at(400, 8), "end")],
)  # fmt: skip
def test_period_validation(users, sem, start, end, field):
    with pytest.raises(ValidationFailed) as exc:
        down(users["instrument_manager"], sem, start, end)
    assert field in exc.value.details
    assert not Blackout.objects.exists()


def test_reason_mode_and_problem_are_checked(users, sem, org_jl):
    manager = users["instrument_manager"]
    with pytest.raises(ValidationFailed) as exc:
        down(manager, sem, at(1, 8), at(1, 9), reason="  ")
    assert "reason" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        down(manager, sem, at(1, 8), at(1, 9), mode="explode")
    assert "mode" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        down(manager, sem, at(1, 8), at(1, 9), problem_id=987654)
    assert "problem" in exc.value.details
    problem = problem_report(actor=manager, instrument_id=sem.pk, title="真空泵异响", severity="critical")
    shutdown = down(manager, sem, at(1, 8), at(1, 9), problem_id=problem.pk).shutdown
    assert shutdown.problem == problem


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("office", True), ("org_admin", True), ("instrument_manager", True), ("province", False), ("expert", False),
     ("member", False)],
)  # fmt: skip
def test_permission_matrix(users, sem, role, allowed):
    if allowed:
        assert down(users[role], sem, at(1, 8), at(1, 9)).shutdown.pk
    else:
        with pytest.raises(PermissionDenied):
            down(users[role], sem, at(1, 8), at(1, 9))
        assert not Blackout.objects.exists()


def test_anonymous_and_unknown_instrument(users, sem):
    with pytest.raises(NotAuthenticated):
        down(AnonymousUser(), sem, at(1, 8), at(1, 9))
    with pytest.raises(NotFound):
        shutdown_start(actor=users["office"], instrument_id=999999, start=at(1, 8), end=at(1, 9), reason="x", now=NOW)


def test_a_failed_cancel_leaves_nothing_behind(users, sem, booked, monkeypatch):
    from nesta.instruments.services import shutdowns

    def boom(*a, **kw):
        raise RuntimeError("notify failed")

    monkeypatch.setattr(shutdowns, "_flag", boom)
    with pytest.raises(RuntimeError):
        down(users["instrument_manager"], sem, at(1, 10), at(1, 17))
    assert not Blackout.objects.exists()
    assert not AuditLog.objects.filter(action="shutdown.started").exists()


# --- ending early, calling off -------------------------------------------------------------------


def test_ending_early_shortens_it_unflags_what_is_now_after_it_and_is_audited(users, sem, booked, outsider):
    manager = users["instrument_manager"]
    shutdown = down(manager, sem, at(1, 8), at(1, 17), now=at(1, 7)).shutdown
    ended = shutdown_end(actor=manager, instrument_id=sem.pk, shutdown_id=shutdown.pk, now=at(1, 12))
    assert ended.end == at(1, 12)
    assert Booking.objects.get(pk=booked["member"].pk).flag  # 09–11: it was down then
    assert Booking.objects.get(pk=booked["outsider"].pk).flag == ""  # 13–15: back before it
    assert Notification.objects.filter(user=outsider, kind="booking_unflagged").count() == 1
    log = AuditLog.objects.get(action="shutdown.ended")
    assert log.changes == {"end": [at(1, 17).isoformat(), at(1, 12).isoformat()]}
    with pytest.raises(Conflict) as exc:
        shutdown_end(actor=manager, instrument_id=sem.pk, shutdown_id=shutdown.pk, now=at(1, 13))
    assert exc.value.code == "shutdown_over"


def test_booking_is_possible_again_once_it_ended(users, sem, member2):
    manager = users["instrument_manager"]
    shutdown = down(manager, sem, at(0, 7), at(3, 20), now=NOW).shutdown
    with pytest.raises(ValidationFailed):
        book(member2, sem, at(1, 9), at(1, 10))
    shutdown_end(actor=manager, instrument_id=sem.pk, shutdown_id=shutdown.pk, now=NOW + timedelta(minutes=5))
    assert book(member2, sem, at(1, 9), at(1, 10)).status == "confirmed"


def test_a_shutdown_not_yet_begun_is_called_off(users, sem, booked):
    manager = users["instrument_manager"]
    shutdown = down(manager, sem, at(1, 10), at(1, 17)).shutdown
    assert shutdown_end(actor=manager, instrument_id=sem.pk, shutdown_id=shutdown.pk, now=NOW) is None
    assert not Blackout.objects.exists()
    assert not Booking.objects.exclude(flag="").exists()
    assert AuditLog.objects.filter(action="shutdown.called_off", object_id=str(shutdown.pk)).exists()


def test_ending_needs_the_instruments_staff(users, sem):
    shutdown = down(users["instrument_manager"], sem, at(0, 7), at(1, 9)).shutdown
    with pytest.raises(PermissionDenied):
        shutdown_end(actor=users["member"], instrument_id=sem.pk, shutdown_id=shutdown.pk, now=NOW)
    with pytest.raises(NotFound):
        shutdown_end(actor=users["office"], instrument_id=sem.pk, shutdown_id=shutdown.pk + 1000, now=NOW)
