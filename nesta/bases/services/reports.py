"""Writes of the annual reports: create and edit a draft, and the workflow's steps.

The host organisation's people (`base_report.fill`) write the typed figures of a draft (or of a
returned report); submitting freezes the derived figures from the platform's records
(selectors.derived). The province checks or returns, the office accepts or sends back — a return
always says why (status_note, kept on the record and in the audit row).
"""

from decimal import Decimal
from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.bases.indicators import TYPED
from nesta.bases.lifecycles import REPORT
from nesta.bases.models import COUNT_MAX, Base, BaseReport, ReportStatus
from nesta.bases.selectors.derived import derived_figures
from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text, money_yuan

YEAR_MIN, YEAR_MAX = 2000, 2100
MONEY_MAX = Decimal(10) ** 14  # DecimalField(16, 2)
REASON_MAX = 1000
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
FIELDS = ["summary", *(i.key for i in TYPED)]


def _fail(field: str, message: str, code: str = "invalid_report") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "summary" in data:
        out["summary"] = clean_text(data.get("summary"), field="summary", max_length=8000)
    for ind in TYPED:
        if ind.key not in data or data[ind.key] is None:
            continue
        if ind.money:
            out[ind.key] = money_yuan(data[ind.key], field=ind.key, maximum=MONEY_MAX)
        else:
            out[ind.key] = bounded_int(data[ind.key], field=ind.key, maximum=COUNT_MAX)
    return out


def _consistent(report: BaseReport) -> None:
    if report.senior_staff > report.fixed_staff:
        raise _fail("senior_staff", _("高级职称人员不能多于固定人员。"), "staff_inconsistent")
    if report.doctorate_staff > report.fixed_staff:
        raise _fail("doctorate_staff", _("博士学位人员不能多于固定人员。"), "staff_inconsistent")


def report_create(*, actor: Any, base_id: int, year: Any, data: dict[str, Any]) -> BaseReport:
    base = Base.objects.select_related("host__province", "organization").filter(pk=base_id).first()
    if base is None:
        raise NotFound(_("未找到该创新基地。"))
    require(actor, "base_report.fill", base.permission_target())
    year = bounded_int(year, field="year", minimum=YEAR_MIN, maximum=min(YEAR_MAX, timezone.localdate().year))
    report = BaseReport(base=base, year=year, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    for name, value in _figures(data).items():
        setattr(report, name, value)
    _consistent(report)
    with write_transaction():
        if BaseReport.objects.filter(base=base, year=year).exists():
            raise Conflict(
                _("该基地 %(y)d 年度报告已存在。") % {"y": year}, code="report_exists", details={"year": year}
            )
        try:
            report.save()
        except IntegrityError:
            raise Conflict(
                _("该基地 %(y)d 年度报告已存在。") % {"y": year}, code="report_exists", details={"year": year}
            ) from None
        audit_record(
            actor=actor, action="base_report.created", instance=report, changes=diff({}, snapshot(report, FIELDS))
        )
    return report


def report_update(*, actor: Any, report_id: int, data: dict[str, Any]) -> BaseReport:
    values = _figures(data)
    with write_transaction():
        report = (
            BaseReport.objects.select_for_update()
            .select_related("base__host__province", "base__organization")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            raise NotFound(_("未找到该年度报告。"))
        require(actor, "base_report.fill", report.permission_target())
        if report.status not in EDITABLE:
            raise Conflict(
                _("当前状态为“%(s)s”，不能修改。") % {"s": report.get_status_display()},
                code="invalid_state",
                details={"status": report.status, "allowed": list(EDITABLE)},
            )
        before = snapshot(report, FIELDS)
        for name, value in values.items():
            setattr(report, name, value)
        _consistent(report)
        report.save()
        changes = diff(before, snapshot(report, FIELDS))
        if changes:
            audit_record(actor=actor, action="base_report.updated", instance=report, changes=changes)
    return report


def report_run(name: str, *, actor: Any, report_id: int, reason: Any = "") -> BaseReport:
    """A step of the report workflow. return / send_back need a reason; submit freezes the derived
    figures and clears the last return's reason."""
    try:
        t = REPORT.transition(name)
    except LookupError:
        raise NotFound(_("未知的操作。")) from None
    fields: dict[str, Any] = {}
    if t.needs_input:
        fields["status_note"] = clean_text(reason, field="reason", max_length=REASON_MAX, required=True)
    elif name == "submit":
        fields["status_note"] = ""
    else:
        fields["status_note"] = clean_text(reason, field="reason", max_length=REASON_MAX)

    def freeze(report: BaseReport, transition: Any) -> None:
        _consistent(report)
        figures = derived_figures(organization_id=report.base.organization_id, year=report.year)
        for key, value in figures.as_fields().items():
            setattr(report, key, value)
        report.derived_at = timezone.now()

    return REPORT.run(name, actor=actor, obj_id=report_id, prepare=freeze if name == "submit" else None, **fields)
