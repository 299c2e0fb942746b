"""Payments to a project (拨款), recorded by finance (`payment.record`).

A payment is against one budget category of the project's approved budget (the application's
BudgetItem rows paid from the grant). Under the project's row lock:
- the project's payments never add up to more than its grant (422 `payment_over_grant`);
- a category's payments never more than its approved line (422 `payment_over_budget_line`);
- a payment against a milestone needs the milestone's report accepted (409 `milestone_not_accepted`)
  and stays within the milestone's scheduled amount (422 `payment_over_schedule`).
Programme, province and year are copied from the project's call and application, so the budget
view sums one indexed table. Payments are never edited: a correction is a new record (by design,
not here yet: a negative amount is refused by the table).
"""

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, ValidationFailed
from nesta.core.inputs import Actor
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text, local_date, money_yuan
from nesta.programmes.models import (
    ApplicationStatus,
    BudgetCategory,
    BudgetItem,
    Milestone,
    Payment,
    ReportStatus,
)
from nesta.programmes.services.projects import project_for, user_of

S = ApplicationStatus
# money goes to a project from signing until acceptance is decided; a closed project may get its
# last tranche (the balance due on passing acceptance)
PAYABLE = (S.IN_PROGRESS, S.ACCEPTANCE, S.CLOSED)
# 设备购置费 is a part of 设备费 (the indirect-cost base); payments are against the five lines
PAYABLE_CATEGORIES = tuple(c for c in BudgetCategory.values if c != BudgetCategory.EQUIPMENT_PURCHASE)
ZERO = Decimal("0.00")


def _fail(field: str, message: Any, code: str) -> ValidationFailed:
    return ValidationFailed(message, details={field: [message]}, code=code)


def payment_record(*, actor: Actor, project_id: int, data: dict[str, Any]) -> Payment:
    project = project_for(project_id)
    require(actor, "payment.record", project)
    category = data.get("category")
    if category not in PAYABLE_CATEGORIES:
        raise _fail("category", _("预算科目应为设备费、业务费、劳务费或间接费用。"), "invalid_category")
    amount = money_yuan(data.get("amount"), field="amount")
    assert amount is not None
    if amount <= 0:
        raise _fail("amount", _("拨付金额应大于 0。"), "validation_error")
    paid_on = local_date(data.get("paid_on"), field="paid_on")
    reference = clean_text(data.get("reference"), field="reference", max_length=40, multiline=False)
    note = clean_text(data.get("note"), field="note", max_length=300, multiline=False)
    milestone_id = data.get("milestone")
    with write_transaction():
        project = project_for(project_id, lock=True)
        app = project.application
        if app.status not in PAYABLE:
            raise Conflict(
                _("项目当前状态为“%(s)s”，不能拨款。") % {"s": app.get_status_display()},
                code="invalid_state",
                details={"status": app.status, "allowed": list(PAYABLE)},
            )
        milestone = None
        if milestone_id not in (None, ""):
            milestone = (
                Milestone.objects.filter(pk=milestone_id, project=project).first()
                if isinstance(milestone_id, int) and 0 < milestone_id < 2**31
                else None
            )
            if milestone is None:
                raise _fail("milestone", _("该项目没有这个节点。"), "unknown_milestone")
            if not milestone.reports.filter(status=ReportStatus.ACCEPTED).exists():
                raise Conflict(
                    _("节点“%(t)s”的报告尚未审核通过，不能按该节点拨款。") % {"t": milestone.title},
                    code="milestone_not_accepted",
                    details={"field": "milestone"},
                )
            on_milestone = Payment.objects.filter(milestone=milestone).aggregate(s=Sum("amount"))["s"] or ZERO
            if on_milestone + amount > milestone.payment_amount:
                raise _fail(
                    "amount",
                    _("超过节点“%(t)s”的计划拨付额（计划 %(p)s 元，已拨 %(d)s 元）。")
                    % {"t": milestone.title, "p": milestone.payment_amount, "d": on_milestone},
                    "payment_over_schedule",
                )
        paid = Payment.objects.filter(project=project).aggregate(s=Sum("amount"))["s"] or ZERO
        if paid + amount > project.grant_amount:
            raise _fail(
                "amount",
                _("累计拨款将超过资助总额（资助 %(g)s 元，已拨 %(p)s 元）。") % {"g": project.grant_amount, "p": paid},
                "payment_over_grant",
            )
        line = (
            BudgetItem.objects.filter(application=app, category=category, from_grant=True)
            .values_list("amount", flat=True)
            .first()
        )
        in_category = Payment.objects.filter(project=project, category=category).aggregate(s=Sum("amount"))["s"] or ZERO
        if line is None or in_category + amount > line:
            raise _fail(
                "amount",
                _("超过预算科目“%(c)s”的批准额度（批准 %(l)s 元，已拨 %(p)s 元）。")
                % {"c": BudgetCategory(category).label, "l": line or ZERO, "p": in_category},
                "payment_over_budget_line",
            )
        payment = Payment.objects.create(
            project=project,
            milestone=milestone,
            category=category,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            note=note,
            programme_id=app.call.programme_id,
            province_id=app.province_id,
            year=app.call.year,
            recorded_by=user_of(actor),
        )
        audit_record(actor=actor, action="payment.recorded", instance=payment, changes=diff({}, snapshot(payment)))
    return payment


def payment_cells_rebuild() -> int:
    """Recompute the payment cells from the payments (after a bulk load that bypassed the
    triggers); returns the number of cells."""
    from django.db import connection

    with write_transaction(), connection.cursor() as cur:
        cur.execute("DELETE FROM programmes_paymentcell")
        cur.execute(
            "INSERT INTO programmes_paymentcell (year, programme_id, province_id, payments, amount_fen) "
            "SELECT year, programme_id, province_id, COUNT(*), SUM(CAST(ROUND(amount * 100) AS BIGINT)) "
            "FROM programmes_payment GROUP BY year, programme_id, province_id"
        )
        cur.execute("SELECT COUNT(*) FROM programmes_paymentcell")
        return int(cur.fetchone()[0])
