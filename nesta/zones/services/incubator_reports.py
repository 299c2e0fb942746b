"""Writes of the incubators' annual reports (core.annual_report.services): create and edit a
draft, and the workflow's steps.

The incubator's own people (`incubator_report.fill`) type the figures only they know (space in
use, staff, mentors, service events, investment raised, seed fund, patents, income); submitting
freezes the figures the tenant records give for the year (selectors.incubators.tenant_figures:
tenants present on 31 December, entries and graduations in the year). The province checks or
returns, the office accepts or sends back — a return always says why.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nesta.core.annual_report.models import EDITABLE
from nesta.core.annual_report.services import AnnualReportWrites, report_error
from nesta.zones.incubator_indicators import TYPED
from nesta.zones.lifecycles import INCUBATOR_REPORT
from nesta.zones.models import Incubator, IncubatorReport
from nesta.zones.selectors.incubators import tenant_figures

__all__ = ["EDITABLE", "report_create", "report_run", "report_update"]


def _consistent(report: IncubatorReport) -> None:
    if report.space_occupied_m2 > report.incubator.space_m2:
        raise report_error(
            "space_occupied_m2",
            _("在孵企业使用面积不能超过孵化场地面积（%(n)d 平方米）。") % {"n": report.incubator.space_m2},
            "space_inconsistent",
        )


def _derived(report: IncubatorReport) -> dict[str, Any]:
    return tenant_figures(incubator_id=report.incubator_id, year=report.year).as_fields()


REPORTS: AnnualReportWrites[IncubatorReport] = AnnualReportWrites(
    lifecycle=INCUBATOR_REPORT,
    prefix="incubator_report",
    owner_model=Incubator,
    owner_field="incubator",
    owner_related=("organization__province",),
    typed=TYPED,
    derive=_derived,
    consistent=_consistent,
    owner_not_found=gettext_lazy("未找到该孵化器。"),
    exists=gettext_lazy("该孵化器 %(y)d 年度报告已存在。"),
)


def report_create(*, actor: Any, incubator_id: int, year: Any, data: dict[str, Any]) -> IncubatorReport:
    return REPORTS.create(actor=actor, owner_id=incubator_id, year=year, data=data)


report_update = REPORTS.update  # (actor=, report_id=, data=): edit a draft or a returned report
# (name, actor=, report_id=, reason=): a step; return / send_back need a reason, submit freezes the derived figures
report_run = REPORTS.run
