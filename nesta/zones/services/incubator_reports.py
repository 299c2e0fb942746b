"""Writes of the incubators' annual reports: create and edit a draft, and the workflow's steps.

The incubator's own people (`incubator_report.fill`) type the figures only they know (space in
use, staff, mentors, service events, investment raised, seed fund, patents, income); submitting
freezes the figures the tenant records give for the year (selectors.incubators.tenant_figures:
tenants present on 31 December, entries and graduations in the year). The province checks or
returns, the office accepts or sends back — a return always says why.
"""

from decimal import Decimal
from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text, money_yuan
from nesta.zones.incubator_indicators import TYPED
from nesta.zones.lifecycles import INCUBATOR_REPORT
from nesta.zones.models import Incubator, IncubatorReport, ReportStatus
from nesta.zones.selectors.incubators import tenant_figures

YEAR_MIN, YEAR_MAX = 2000, 2100
COUNT_MAX = 10_000_000
MONEY_MAX = Decimal(10) ** 14
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


def _consistent(report: IncubatorReport) -> None:
    if report.space_occupied_m2 > report.incubator.space_m2:
        raise _fail(
            "space_occupied_m2",
            _("在孵企业使用面积不能超过孵化场地面积（%(n)d 平方米）。") % {"n": report.incubator.space_m2},
            "space_inconsistent",
        )


def report_create(*, actor: Any, incubator_id: int, year: Any, data: dict[str, Any]) -> IncubatorReport:
    incubator = Incubator.objects.select_related("organization__province").filter(pk=incubator_id).first()
    if incubator is None:
        raise NotFound(_("未找到该孵化器。"))
    require(actor, "incubator_report.fill", incubator.permission_target())
    year = bounded_int(year, field="year", minimum=YEAR_MIN, maximum=min(YEAR_MAX, timezone.localdate().year))
    report = IncubatorReport(
        incubator=incubator, year=year, created_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    for name, value in _figures(data).items():
        setattr(report, name, value)
    _consistent(report)
    exists = Conflict(_("该孵化器 %(y)d 年度报告已存在。") % {"y": year}, code="report_exists", details={"year": year})
    with write_transaction():
        if IncubatorReport.objects.filter(incubator=incubator, year=year).exists():
            raise exists
        try:
            report.save()
        except IntegrityError:
            raise exists from None
        audit_record(
            actor=actor,
            action="incubator_report.created",
            instance=report,
            changes=diff({}, snapshot(report, FIELDS)),
        )
    return report


def report_update(*, actor: Any, report_id: int, data: dict[str, Any]) -> IncubatorReport:
    values = _figures(data)
    with write_transaction():
        report = (
            IncubatorReport.objects.select_for_update(of=("self",))
            .select_related("incubator__organization__province")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            raise NotFound(_("未找到该年度报告。"))
        require(actor, "incubator_report.fill", report.permission_target())
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
            audit_record(actor=actor, action="incubator_report.updated", instance=report, changes=changes)
    return report


def report_run(name: str, *, actor: Any, report_id: int, reason: Any = "") -> IncubatorReport:
    """A step of the report workflow. return / send_back need a reason; submit derives and freezes
    the tenant figures and clears the last return's reason."""
    try:
        t = INCUBATOR_REPORT.transition(name)
    except LookupError:
        raise NotFound(_("未知的操作。")) from None
    fields: dict[str, Any] = {}
    if t.needs_input:
        fields["status_note"] = clean_text(reason, field="reason", max_length=REASON_MAX, required=True)
    elif name == "submit":
        fields["status_note"] = ""
    else:
        fields["status_note"] = clean_text(reason, field="reason", max_length=REASON_MAX)

    def freeze(report: IncubatorReport, transition: Any) -> None:
        _consistent(report)
        for key, value in tenant_figures(incubator_id=report.incubator_id, year=report.year).as_fields().items():
            setattr(report, key, value)
        report.derived_at = timezone.now()

    return INCUBATOR_REPORT.run(
        name, actor=actor, obj_id=report_id, prepare=freeze if name == "submit" else None, **fields
    )
