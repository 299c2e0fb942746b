"""Writes of the bases' annual reports (core.annual_report.services): create and edit a draft,
and the workflow's steps.

The host organisation's people (`base_report.fill`) write the typed figures of a draft (or of a
returned report); submitting freezes the derived figures from the platform's records
(selectors.derived). The province checks or returns, the office accepts or sends back — a return
always says why (status_note, kept on the record and in the audit row).
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nesta.bases.indicators import TYPED
from nesta.bases.lifecycles import REPORT
from nesta.bases.models import COUNT_MAX, Base, BaseReport
from nesta.bases.selectors.derived import derived_figures
from nesta.core.annual_report.models import EDITABLE
from nesta.core.annual_report.services import AnnualReportWrites, report_error

__all__ = ["EDITABLE", "report_create", "report_run", "report_update"]


def _consistent(report: BaseReport) -> None:
    if report.senior_staff > report.fixed_staff:
        raise report_error("senior_staff", _("高级职称人员不能多于固定人员。"), "staff_inconsistent")
    if report.doctorate_staff > report.fixed_staff:
        raise report_error("doctorate_staff", _("博士学位人员不能多于固定人员。"), "staff_inconsistent")


def _derived(report: BaseReport) -> dict[str, Any]:
    return derived_figures(organization_id=report.base.organization_id, year=report.year).as_fields()


REPORTS: AnnualReportWrites[BaseReport] = AnnualReportWrites(
    lifecycle=REPORT,
    prefix="base_report",
    owner_model=Base,
    owner_field="base",
    owner_related=("host__province", "organization"),
    typed=TYPED,
    derive=_derived,
    consistent=_consistent,
    count_max=COUNT_MAX,
    owner_not_found=gettext_lazy("未找到该创新基地。"),
    exists=gettext_lazy("该基地 %(y)d 年度报告已存在。"),
)


def report_create(*, actor: Any, base_id: int, year: Any, data: dict[str, Any]) -> BaseReport:
    return REPORTS.create(actor=actor, owner_id=base_id, year=year, data=data)


report_update = REPORTS.update  # (actor=, report_id=, data=): edit a draft or a returned report
# (name, actor=, report_id=, reason=): a step; return / send_back need a reason, submit freezes the derived figures
report_run = REPORTS.run
