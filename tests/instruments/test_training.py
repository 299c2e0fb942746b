"""Training requests: the state machine, who may take each step, and the qualification granted
with its expiry, after which booking is allowed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from nesta.core.audit import AuditLog
from nesta.core.errors import Conflict, PermissionDenied, ValidationFailed
from nesta.core.notifications import Notification
from nesta.instruments.lifecycles import TRAINING
from nesta.instruments.models import Qualification, TrainingRequest
from nesta.instruments.selectors.training import training_state
from nesta.instruments.services import booking_create
from nesta.instruments.services.training import (
    training_decline,
    training_grant,
    training_request,
    training_schedule,
    training_withdraw,
)
from tests.instruments.conftest import NOW, at

T = TrainingRequest.Status


@pytest.fixture
def trained_sem(sem):
    sem.policy.requires_training = True
    sem.policy.save()
    return sem


def ask(user, instrument, message="课题需要做 SEM 成像"):
    return training_request(actor=user, instrument_id=instrument.pk, message=message)


def soon():
    """A session time ahead of the wall clock (the service refuses one in the past)."""
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    return start, start + timedelta(hours=2)


def test_request_schedule_grant_then_booking_is_allowed(trained_sem, users):
    member, manager = users["member"], users["instrument_manager"]
    with pytest.raises(ValidationFailed) as before:
        booking_create(actor=member, instrument_id=trained_sem.pk, start=at(1, 9), end=at(1, 10), now=NOW)
    assert before.value.code == "qualification_required"
    r = ask(member, trained_sem)
    assert r.status == T.REQUESTED
    assert Notification.objects.filter(user=manager, kind="training_requested").exists()
    start, end = soon()
    r = training_schedule(actor=manager, request_id=r.pk, start=start, end=end, location="B201", note="带样品")
    assert (r.status, r.session_location, r.scheduled_at is not None) == (T.SCHEDULED, "B201", True)
    assert Notification.objects.filter(user=member, kind="training_scheduled", body__contains="B201").exists()
    expires = timezone.now() + timedelta(days=365)
    r = training_grant(actor=manager, request_id=r.pk, expires_at=expires)
    assert r.status == T.GRANTED and r.qualification_expires_at == expires
    q = Qualification.objects.get(instrument=trained_sem, user=member)
    assert q.expires_at == expires and q.granted_by == manager
    assert Notification.objects.filter(user=member, kind="training_granted").exists()
    booking_create(actor=member, instrument_id=trained_sem.pk, start=at(1, 9), end=at(1, 10), now=NOW)
    events = set(AuditLog.objects.filter(object_id=str(r.pk)).values_list("action", flat=True))
    assert {"training.requested", "training.scheduled", "training.granted"} <= events
    assert AuditLog.objects.filter(action="qualification.granted").exists()


def test_grant_renews_an_expiring_qualification(trained_sem, users):
    member, manager = users["member"], users["instrument_manager"]
    Qualification.objects.create(instrument=trained_sem, user=member, expires_at=timezone.now() + timedelta(days=400))
    with pytest.raises(ValidationFailed) as qualified:
        ask(member, trained_sem)
    assert qualified.value.code == "already_qualified"
    Qualification.objects.filter(user=member).update(expires_at=timezone.now() + timedelta(days=5))
    r = ask(member, trained_sem)
    new_expiry = timezone.now() + timedelta(days=730)
    training_grant(actor=manager, request_id=r.pk, expires_at=new_expiry)
    assert Qualification.objects.get(user=member, instrument=trained_sem).expires_at == new_expiry
    assert AuditLog.objects.filter(action="qualification.renewed").exists()


def test_one_open_request_and_only_where_training_is_needed(sem, trained_sem, users):
    member = users["member"]
    ask(member, trained_sem)
    with pytest.raises(Conflict) as twice:
        ask(member, trained_sem)
    assert twice.value.code == "request_open"
    sem.policy.requires_training = False
    sem.policy.save()
    with pytest.raises(ValidationFailed) as needless:
        ask(member, sem)
    assert needless.value.code == "training_not_required"


def test_decline_needs_a_reason_and_tells_the_user(trained_sem, users):
    member, manager = users["member"], users["instrument_manager"]
    r = ask(member, trained_sem)
    with pytest.raises(ValidationFailed):
        training_decline(actor=manager, request_id=r.pk, reason="  ")
    r = training_decline(actor=manager, request_id=r.pk, reason="请先完成安全培训")
    assert r.status == T.DECLINED and r.manager_note == "请先完成安全培训"
    assert Notification.objects.filter(user=member, kind="training_declined", body="请先完成安全培训").exists()
    with pytest.raises(Conflict) as closed:
        training_grant(actor=manager, request_id=r.pk)
    assert closed.value.code == "invalid_state"
    ask(member, trained_sem)  # a declined request is closed: the user may ask again


def test_withdraw_and_state_machine_edges(trained_sem, users):
    member, manager = users["member"], users["instrument_manager"]
    r = ask(member, trained_sem)
    start, end = soon()
    with pytest.raises(ValidationFailed):
        training_schedule(actor=manager, request_id=r.pk, start=end, end=start)
    training_schedule(actor=manager, request_id=r.pk, start=start, end=end)
    moved = training_schedule(
        actor=manager, request_id=r.pk, start=start + timedelta(days=1), end=end + timedelta(days=1)
    )
    assert moved.session_start == start + timedelta(days=1)  # rescheduling stays scheduled
    r = training_withdraw(actor=member, request_id=r.pk)
    assert r.status == T.CANCELLED and r.cancelled_at is not None
    with pytest.raises(Conflict):
        training_withdraw(actor=member, request_id=r.pk)
    assert AuditLog.objects.filter(action="training.withdrawn", object_id=str(r.pk)).exists()


@pytest.mark.parametrize(
    "role, schedule, withdraw",
    [
        ("instrument_manager", True, True),  # the owner's staff answer (and may close it)
        ("org_admin", True, True),
        ("office", True, True),
        ("expert", False, False),
        ("province", False, False),
    ],
)
def test_permission_matrix(trained_sem, users, outsider, role, schedule, withdraw):
    r = ask(users["member"], trained_sem)
    actor = users[role]
    start, end = soon()
    t = TRAINING
    assert (t.transition("schedule") in t.available(actor, r)) is schedule
    assert (t.transition("withdraw") in t.available(actor, r)) is withdraw
    if schedule:
        training_schedule(actor=actor, request_id=r.pk, start=start, end=end)
    else:
        with pytest.raises(PermissionDenied):
            training_schedule(actor=actor, request_id=r.pk, start=start, end=end)
        with pytest.raises(PermissionDenied):
            training_grant(actor=actor, request_id=r.pk)
    # an outsider never answers, nor withdraws another's request; the user never grants their own
    with pytest.raises(PermissionDenied):
        training_grant(actor=outsider, request_id=r.pk)
    with pytest.raises(PermissionDenied):
        training_withdraw(actor=outsider, request_id=r.pk)
    with pytest.raises(PermissionDenied):
        training_grant(actor=users["member"], request_id=r.pk)


def test_training_state_for_the_instrument_page(trained_sem, users):
    member = users["member"]
    state = training_state(instrument=trained_sem, user=member)
    assert state.required and not state.qualified and state.may_request
    r = ask(member, trained_sem)
    state = training_state(instrument=trained_sem, user=member)
    assert state.request == r and not state.may_request
    training_grant(actor=users["instrument_manager"], request_id=r.pk)
    state = training_state(instrument=trained_sem, user=member)
    assert state.qualified and not state.may_request
