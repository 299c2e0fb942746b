"""Payments: finance records them; never more than the grant, the approved budget line of the
category, or a milestone's scheduled amount; the budget cell is copied from the project."""

import datetime as dt
from decimal import Decimal

import pytest

from nesta.core.errors import Conflict, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.programmes.models import Payment
from nesta.programmes.services import payments
from nesta.programmes.services import projects as services

pytestmark = pytest.mark.django_db


def pay(people, project, who="finance", **kw):
    data = {"category": "business", "amount": "100000", "paid_on": "2026-03-01", "reference": "CZ-001"}
    data.update(kw)
    return payments.payment_record(actor=people[who], project_id=project.pk, data=data)


def test_finance_records_a_payment_with_the_budget_cell_copied(people, project):
    p = pay(people, project)
    app = project.application
    assert p.amount == Decimal("100000.00") and p.paid_on == dt.date(2026, 3, 1)
    assert (p.year, p.programme_id, p.province_id) == (app.call.year, app.call.programme_id, app.province_id)
    assert AuditLog.objects.filter(action="payment.recorded", object_id=str(p.pk)).exists()
    # the office may record too (the policy row); nobody else
    assert pay(people, project, who="office", amount="1000").pk


@pytest.mark.parametrize("who", ["applicant", "province", "stranger", "expert"])
def test_others_cannot_record_payments(people, project, who):
    with pytest.raises(PermissionDenied):
        pay(people, project, who=who)
    assert not Payment.objects.exists()


def test_never_more_than_the_budget_line_of_the_category(people, project):
    pay(people, project, amount="400000")  # 业务费 approved 400,000
    with pytest.raises(ValidationFailed) as exc:
        pay(people, project, amount="0.01")
    assert exc.value.code == "payment_over_budget_line"
    with pytest.raises(ValidationFailed) as exc:
        pay(people, project, category="labour", amount="150000.01")
    assert exc.value.code == "payment_over_budget_line"
    assert Payment.objects.count() == 1


def test_never_more_than_the_grant(people, project):
    # grant 1,000,000 = the four grant lines; raise the lines to see the grant's own cap
    project.application.budget_items.filter(category="equipment").update(amount=Decimal("900000"))
    pay(people, project, category="equipment", amount="300000")
    pay(people, project, category="business", amount="400000")
    pay(people, project, category="labour", amount="150000")
    pay(people, project, category="indirect", amount="100000")
    with pytest.raises(ValidationFailed) as exc:
        pay(people, project, category="equipment", amount="50000.01")
    assert exc.value.code == "payment_over_grant"
    assert pay(people, project, category="equipment", amount="50000").pk
    assert sum(p.amount for p in Payment.objects.all()) == project.grant_amount


def test_milestone_payment_needs_the_accepted_report_and_stays_in_schedule(people, project):
    m = project.milestones.order_by("sort_order").first()  # 300,000 scheduled
    with pytest.raises(Conflict) as exc:
        pay(people, project, milestone=m.pk, amount="100000")
    assert exc.value.code == "milestone_not_accepted"
    r = services.milestone_report_submit(
        actor=people["applicant"], project_id=project.pk, milestone_id=m.pk, text="完成"
    )
    services.milestone_report_review(actor=people["office"], report_id=r.pk, accept=True)
    pay(people, project, milestone=m.pk, category="equipment", amount="250000")
    with pytest.raises(ValidationFailed) as exc:
        pay(people, project, milestone=m.pk, amount="50000.01")
    assert exc.value.code == "payment_over_schedule"
    with pytest.raises(ValidationFailed) as exc:
        pay(people, project, milestone=999999, amount="1")
    assert exc.value.code == "unknown_milestone"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"category": "equipment_purchase"}, "category"),
        ({"category": "bribes"}, "category"),
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "1e400"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"paid_on": "9999-01-01"}, "paid_on"),
        ({"reference": "a\x07b"}, "reference"),
    ],
)
def test_payment_input_is_checked(people, project, change, field):
    with pytest.raises(ValidationFailed) as exc:
        pay(people, project, **change)
    assert field in exc.value.details


def test_no_payment_before_signing_or_after_failure(people, project):
    services.acceptance_request(actor=people["applicant"], project_id=project.pk)
    assert pay(people, project, amount="1000").pk  # in acceptance: still payable
    services.acceptance_decide(actor=people["office"], project_id=project.pk, result="failed", note="未通过")
    with pytest.raises(Conflict) as exc:
        pay(people, project, amount="1000")
    assert exc.value.code == "invalid_state"
