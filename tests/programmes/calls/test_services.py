"""Calls: create, edit by state, checks of criteria, rounds, form fields and windows, the lifecycle, the closing job."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nesta.core.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.programmes.models import Call, CallStatus
from nesta.programmes.services import calls as services
from tests.programmes.calls.conftest import call_data
from tests.programmes.factories import CallFactory

pytestmark = pytest.mark.django_db


def test_office_creates_a_draft_call_with_everything(users):
    call = services.call_create(actor=users["office"], data=call_data())
    assert call.status == CallStatus.DRAFT and call.owner_province is None
    assert [c.code for c in call.criteria.all()] == ["innovation", "feasibility", "team"]
    assert sum(c.weight for c in call.criteria.all()) == Decimal(1)
    rounds = list(call.rounds.order_by("order"))
    assert [(r.kind, r.reviewers_per_application, r.cutoff_count) for r in rounds] == [
        ("correspondence", 5, None),
        ("panel", 7, 20),
    ]
    assert call.form_fields[0]["name"] == "market" and call.tilt_share == Decimal("0.3") and call.max_avoid == 3
    assert {r.code for r in call.provinces.all()} == {"210000", "220000"}
    assert AuditLog.objects.filter(action="call.created", object_id=str(call.pk)).exists()


def test_a_province_runs_only_its_own_calls(users, jilin):
    call = services.call_create(actor=users["province"], data=call_data())
    assert call.owner_province.code == "210000"
    with pytest.raises(PermissionDenied):
        services.call_create(actor=users["province"], data=call_data(owner_province="220000"))
    with pytest.raises(PermissionDenied):
        services.call_create(actor=users["member"], data=call_data())


def test_anonymous_is_401_before_validation(reference):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        services.call_create(actor=AnonymousUser(), data={"title": "\x00"})


@pytest.mark.parametrize(
    "over,code",
    [
        ({"criteria": [{"code": "a", "name": "甲", "weight": "0.5"}]}, "criteria_weights"),
        ({"criteria": [{"code": "a", "name": "甲", "weight": "1.5"}]}, "invalid_call"),
        ({"criteria": [{"code": "a", "name": "甲", "weight": "NaN"}]}, "invalid_call"),
        ({"criteria": [{"code": "a", "name": "甲", "weight": 1, "scale": "stars"}]}, "invalid_call"),
        ({"rounds": [{"kind": "panel", "cutoff_count": 3}]}, "invalid_rounds"),
        ({"rounds": [{"kind": "correspondence", "reviewers_per_application": 99}]}, "invalid_rounds"),
        ({"rounds": [{"kind": "correspondence"}, {"kind": "panel"}]}, "invalid_rounds"),
        ({"rounds": [{"kind": "correspondence", "min_load": 9, "max_load": 2}]}, "invalid_rounds"),
        ({"closes_at": timezone.now() - dt.timedelta(days=3)}, "invalid_window"),
        ({"closes_at": timezone.now() + dt.timedelta(days=900)}, "invalid_window"),
        ({"opens_at": "1900-01-01T00:00:00"}, "invalid_call"),
        ({"max_request": "40000000"}, "max_request_over_budget"),
        ({"budget": "1e30"}, "invalid_call"),
        ({"budget": "-5"}, "invalid_call"),
        ({"title": "指南\x07"}, "invalid_call"),
        ({"year": 10**20}, "invalid_call"),
        ({"tilt_group": "everyone"}, "invalid_call"),
        ({"tilt_share": "1.5"}, "invalid_call"),
        ({"form_fields": [{"name": "Bad Name", "label": "x", "type": "text"}]}, "invalid_form_fields"),
        ({"form_fields": [{"name": "a", "label": "x", "type": "file"}]}, "invalid_form_fields"),
        ({"form_fields": [{"name": "a", "label": "x", "type": "choice", "choices": []}]}, "invalid_form_fields"),
        ({"form_fields": [{"name": "a", "label": "x", "type": "int", "min": 5, "max": 1}]}, "invalid_form_fields"),
        ({"form_fields": [{"name": "a", "label": "x", "type": "text", "max_length": 10**9}]}, "invalid_form_fields"),
        ({"form_fields": [{"name": f"f{i}", "label": "x", "type": "text"} for i in range(31)]}, "invalid_form_fields"),
        ({"form_fields": [{"name": "a", "label": "x", "type": "text", "evil": 1}]}, "invalid_form_fields"),
        ({"fields": ["no-such-field"]}, "unknown_field"),
        ({"provinces": ["999999"]}, "unknown_region"),
        ({"programme": "nope"}, "unknown_programme"),
    ],
)
def test_bad_calls_are_refused_with_a_code(users, over, code):
    with pytest.raises(ValidationFailed) as exc:
        services.call_create(actor=users["office"], data=call_data(**over))
    assert exc.value.code == code
    assert not Call.objects.exists()


def test_what_may_change_depends_on_the_state(users):
    call = services.call_create(actor=users["office"], data=call_data())
    services.call_update(actor=users["office"], call_id_=call.pk, data={"max_avoid": 5, "blind": False})
    services.call_run("publish", actor=users["office"], call_id_=call.pk)
    with pytest.raises(Conflict) as exc:
        services.call_update(actor=users["office"], call_id_=call.pk, data={"max_request": "100"})
    assert exc.value.code == "call_locked"
    with pytest.raises(ValidationFailed) as exc:
        services.call_update(
            actor=users["office"], call_id_=call.pk, data={"closes_at": timezone.now() + dt.timedelta(days=2)}
        )
    assert exc.value.code == "closes_earlier"
    later = services.call_update(
        actor=users["office"],
        call_id_=call.pk,
        data={"closes_at": timezone.now() + dt.timedelta(days=60), "title": "新名称"},
    )
    assert later.title == "新名称"
    assert AuditLog.objects.filter(action="call.updated", object_id=str(call.pk)).count() == 2


def test_lifecycle_and_409(users):
    call = services.call_create(actor=users["office"], data=call_data())
    with pytest.raises(Conflict) as exc:
        services.call_run("close", actor=users["office"], call_id_=call.pk)
    assert exc.value.code == "invalid_state"
    for step, status in (("publish", "open"), ("close", "closed"), ("review", "reviewing")):
        call = services.call_run(step, actor=users["office"], call_id_=call.pk)
        assert call.status == status
    with pytest.raises(Conflict):
        services.call_run("archive", actor=users["office"], call_id_=call.pk)
    with pytest.raises(PermissionDenied):
        services.call_run("publish", actor=users["member"], call_id_=CallFactory(status="draft").pk)


def test_the_job_closes_calls_past_their_closing_time(users):
    due = CallFactory(
        closes_at=timezone.now() - dt.timedelta(minutes=1), opens_at=timezone.now() - dt.timedelta(days=5)
    )
    running = CallFactory()
    assert services.calls_close_due() == 1
    due.refresh_from_db()
    running.refresh_from_db()
    assert due.status == "closed" and due.closed_at is not None and running.status == "open"
    assert AuditLog.objects.filter(action="call.closed", object_id=str(due.pk)).exists()


def test_the_job_is_registered():
    from nesta.core.registry import registry

    assert "programmes.close_calls" in {j.name for j in registry.periodic_jobs()}
