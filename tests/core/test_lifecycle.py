"""The lifecycle mechanism (core.lifecycle): the table is checked when declared; run() checks
permission (401/403) then state (409 with the allowed states), sets the target and the timestamp,
audits the named event, and tells people only once the change commits; available() is what each
role may do now. Exercised on the instrument network's two tables and on scratch tables."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from nesta.core.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.lifecycle import Lifecycle, LifecycleError, Transition, lifecycles
from nesta.core.models import AuditLog, Notification
from nesta.core.registry import registry
from nesta.instruments.lifecycles import BOOKING, TESTORDER
from nesta.instruments.models import Booking, BookingPolicy, TestOrder
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def scratch(*transitions, **kwargs):
    return Lifecycle(Booking, list(transitions), register_events=False, **kwargs)


def ok(name="approve", **overrides):
    values = {"sources": ("pending",), "target": "confirmed", "permission": "instrument.manage"}
    values.update(overrides)
    return Transition(name, **values)


# --- the table -----------------------------------------------------------------------------------


def test_a_valid_table_names_its_events_and_offers_its_transitions():
    table = scratch(ok(), ok("reject", target="rejected", event="booking.x_rejected"), ok("hidden", offered=False))
    assert [t.name for t in table.offered()] == ["approve", "reject"]
    assert table.transition("approve").event == "booking.approve"  # the default name
    assert table.transition("reject").event == "booking.x_rejected"
    with pytest.raises(LookupError):
        table.transition("nope")


@pytest.mark.parametrize(
    "transitions,message",
    [
        ((ok(), ok()), "declared twice"),
        ((ok(sources=()),), "no source states"),
        ((ok(sources=("pending", "lost")),), "unknown states ['lost']"),
        ((ok(target="gone"),), "unknown states ['gone']"),
        ((ok(permission=""),), "no permission"),
        ((ok(timestamp="no_such_field"),), "no timestamp field"),
        ((ok(timestamp="purpose"),), "not a DateTimeField"),
        ((ok(or_self="nobody_id"),), "no attribute"),
        ((ok(event="booking.same"), ok("reject", target="rejected", event="booking.same")), "used twice"),
        ((ok(event="booking." + "x" * 60),), "longer than 60"),
        ((ok(offered=False),), "no transition is offered"),
    ],
)
def test_a_table_that_does_not_fit_its_model_is_refused_when_declared(transitions, message):
    with pytest.raises(LifecycleError, match=message.replace("[", r"\[").replace("]", r"\]")):
        scratch(*transitions)


def test_a_state_field_without_choices_is_refused():
    with pytest.raises(LifecycleError, match="no state field"):
        scratch(ok(), state_field="nothing")
    with pytest.raises(LifecycleError, match="no choices"):
        scratch(ok(), state_field="purpose")


def test_the_instrument_tables_register_every_event_with_a_label():
    assert {lc.object_type for lc in lifecycles()} >= {"instruments.booking", "instruments.testorder"}
    events = registry.audit_events()
    for name in [
        "booking.created",
        "booking.cancelled",
        "booking.late_cancelled",
        "booking.approved",
        "booking.rejected",
        "booking.checked_in",
        "booking.checked_out",
        "booking.no_show",
        "testorder.submitted",
        "testorder.quoted",
        "testorder.confirmed",
        "testorder.received",
        "testorder.started",
        "testorder.reported",
        "testorder.settled",
        "testorder.cancelled",
    ]:
        assert name in events and str(events[name]), name
    from django.utils import translation

    with translation.override("en"):
        assert str(registry.audit_event_label("booking.cancelled")) != "取消预约"  # translated (en .po)


# --- running a transition --------------------------------------------------------------------------


@pytest.fixture
def world(reference):
    owner = OrganizationFactory(province_code="210000", city_code="210100")
    other = OrganizationFactory(province_code="220000", city_code="220100")
    instrument = InstrumentFactory(owner=owner)
    BookingPolicy.objects.create(instrument=instrument, cancel_deadline_hours=24)
    manager = grant(UserFactory(username="lc_manager", organization=owner), "instrument_manager", organization=owner)
    instrument.managers.add(manager)
    booker = grant(
        UserFactory(username="lc_booker", organization=other, email="booker@example.cn"), "member", organization=other
    )
    stranger = grant(UserFactory(username="lc_stranger", organization=other), "member", organization=other)
    office = grant(UserFactory(username="lc_office"), "office")
    start = timezone.now() + timedelta(days=3)
    booking = Booking.objects.create(
        instrument=instrument,
        user=booker,
        organization=other,
        start=start,
        end=start + timedelta(hours=1),
        status="pending",
        is_external=True,
    )
    return {
        "booking": booking,
        "manager": manager,
        "booker": booker,
        "stranger": stranger,
        "office": office,
        "instrument": instrument,
    }


def test_run_sets_the_target_the_timestamp_and_audits_the_named_event(world):
    now = timezone.now()
    booking = BOOKING.run("cancel", actor=world["manager"], obj_id=world["booking"].pk, now=now)
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_at) == ("cancelled", now)
    log = AuditLog.objects.get(object_type="instruments.booking", object_id=str(booking.pk))
    assert (log.action, log.actor, log.changes) == (
        "booking.cancelled",
        world["manager"],
        {"status": ["pending", "cancelled"]},
    )
    assert log.event_label == "取消预约"


def test_fields_given_to_run_are_set_and_in_the_diff(world):
    BOOKING.run("approve", actor=world["manager"], obj_id=world["booking"].pk, decided_by=world["manager"])
    log = AuditLog.objects.get(object_id=str(world["booking"].pk))
    assert log.action == "booking.approved"
    assert log.changes == {"status": ["pending", "confirmed"], "decided_by": [None, world["manager"].pk]}


def test_divert_hands_over_to_the_late_transition(world):
    booking = world["booking"]
    Booking.objects.filter(pk=booking.pk).update(status="confirmed")  # a pending one is never late
    now = booking.start - timedelta(hours=2)  # past the 24 h deadline, the booker cancels
    BOOKING.run("cancel", actor=world["booker"], obj_id=booking.pk, now=now)
    booking.refresh_from_db()
    assert booking.status == "late_cancelled" and booking.cancelled_at == now
    assert AuditLog.objects.get(object_id=str(booking.pk)).action == "booking.late_cancelled"


def test_wrong_state_is_409_with_the_current_and_the_allowed_states(world):
    Booking.objects.filter(pk=world["booking"].pk).update(status="completed")
    with pytest.raises(Conflict) as exc:
        BOOKING.run("approve", actor=world["manager"], obj_id=world["booking"].pk)
    assert (exc.value.status, exc.value.code) == (409, "invalid_state")
    assert exc.value.details == {"status": "completed", "allowed": ["pending"], "transition": "approve"}
    assert str(exc.value.message) == "预约当前状态为“已完成”，不能审批。"
    assert not AuditLog.objects.exists()


def test_permission_is_checked_before_the_state(world):
    Booking.objects.filter(pk=world["booking"].pk).update(status="completed")
    with pytest.raises(PermissionDenied) as exc:
        BOOKING.run("approve", actor=world["stranger"], obj_id=world["booking"].pk)
    assert (exc.value.status, exc.value.details) == (403, {"action": "instrument.manage"})
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated) as exc:
        BOOKING.run("approve", actor=AnonymousUser(), obj_id=world["booking"].pk)
    assert exc.value.status == 401


def test_or_self_lets_the_booker_take_the_step_without_the_permission(world):
    booking = world["booking"]
    Booking.objects.filter(pk=booking.pk).update(status="confirmed")
    with pytest.raises(PermissionDenied):
        BOOKING.run("check_in", actor=world["stranger"], obj_id=booking.pk, now=booking.start)
    BOOKING.run("check_in", actor=world["booker"], obj_id=booking.pk, now=booking.start)
    assert Booking.objects.get(pk=booking.pk).status == "in_use"


def test_a_guard_refuses_with_its_domain_error_and_changes_nothing(world):
    booking = world["booking"]
    Booking.objects.filter(pk=booking.pk).update(status="confirmed")
    with pytest.raises(ValidationFailed) as exc:
        BOOKING.run("check_in", actor=world["booker"], obj_id=booking.pk, now=booking.start - timedelta(hours=2))
    assert exc.value.code == "check_in_window"
    assert Booking.objects.get(pk=booking.pk).status == "confirmed" and not AuditLog.objects.exists()


def test_an_unknown_object_is_404(world):
    from nesta.core.errors import NotFound

    with pytest.raises(NotFound):
        BOOKING.run("approve", actor=world["manager"], obj_id=999999)


def test_system_runs_skip_the_permission_only(world):
    booking = world["booking"]
    with pytest.raises(Conflict):  # still pending: no_show starts from confirmed
        BOOKING.run("no_show", actor=None, obj_id=booking.pk, system=True)
    Booking.objects.filter(pk=booking.pk).update(status="confirmed")
    BOOKING.run("no_show", actor=None, obj_id=booking.pk, system=True)
    log = AuditLog.objects.get(object_id=str(booking.pk))
    assert (log.action, log.actor) == ("booking.no_show", None)


def test_the_notification_leaves_only_after_the_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        BOOKING.run("approve", actor=world["manager"], obj_id=world["booking"].pk, decided_by=world["manager"])
    # the in-app message is written with the change (it exists exactly when the change does) …
    assert Notification.objects.filter(user=world["booker"], kind="booking_approved").count() == 1
    # … and its e-mail waits for the commit
    assert mail.outbox == [] and callbacks
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["booker@example.cn"]]


def test_a_rolled_back_step_tells_no_one(world, django_capture_on_commit_callbacks):
    def fail(obj, t):
        raise RuntimeError("the step's own work failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            BOOKING.run("approve", actor=world["manager"], obj_id=world["booking"].pk, effect=fail)
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.exists() and not AuditLog.objects.exists()
    assert Booking.objects.get(pk=world["booking"].pk).status == "pending"


# --- what may each role do now -------------------------------------------------------------------


def test_available_per_role_on_a_pending_booking(world, django_assert_num_queries):
    booking = Booking.objects.select_related("instrument__province").get(pk=world["booking"].pk)
    names = {}
    for role in ("manager", "booker", "stranger", "office"):
        user = world[role]
        user.role_assignments.all()  # grants are read once per user: count them outside
        from nesta.core.permissions import grants_of

        grants_of(user)
        with django_assert_num_queries(0):
            names[role] = [t.name for t in BOOKING.available(user, booking)]
    assert names == {
        "manager": ["cancel", "approve", "reject"],
        "booker": ["cancel"],
        "stranger": [],
        "office": ["cancel", "approve", "reject"],
    }


def test_available_per_side_on_a_quoted_order(world):
    from decimal import Decimal

    from nesta.instruments.models import ServiceItem

    item = ServiceItem.objects.create(
        instrument=world["instrument"], name="SEM", internal_price=Decimal(100), external_price=Decimal(200)
    )
    order = TestOrder.objects.create(
        service=item,
        instrument=world["instrument"],
        customer=world["booker"],
        organization=world["booker"].organization,
        quantity=1,
        unit_price=200,
        list_amount=200,
        status="quoted",
    )
    assert [t.name for t in TESTORDER.available(world["manager"], order)] == ["quote"]
    assert [t.name for t in TESTORDER.available(world["booker"], order)] == ["confirm", "cancel"]
    assert TESTORDER.available(world["stranger"], order) == []


# --- the web and the API are derived from the same tables ----------------------------------------


def test_every_offered_transition_has_its_web_url_and_its_api_endpoint():
    from django.urls import reverse

    from nesta.api import api

    paths = api.get_openapi_schema()["paths"]
    for table, web, api_prefix, names in [
        (BOOKING, "instruments:booking_{}", "/api/v1/bookings/{booking_id}/", {}),
        (
            TESTORDER,
            "instruments:order_{}",
            "/api/v1/orders/{order_id}/",
            {"report": "instruments:order_upload_report"},
        ),
    ]:
        for t in table.offered():
            assert reverse(names.get(t.name, web.format(t.name)), args=[1])
            assert "post" in paths[api_prefix + t.name.replace("_", "-")], t.name
        for t in table.transitions:
            if not t.offered:  # reached only through another transition: no endpoint of its own
                assert api_prefix + t.name.replace("_", "-") not in paths
