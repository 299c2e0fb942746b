"""A base's annual report: create, edit, read and its lifecycle's transitions (the pages are the
annual report's, core.annual_report.views; a base's shows the derived figures with their records)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from nesta.bases.forms import ReportForm
from nesta.bases.indicators import TYPED
from nesta.bases.lifecycles import REPORT
from nesta.bases.selectors import bases as reads
from nesta.bases.services import reports as report_services
from nesta.core.annual_report import views as annual

PAGES = annual.ReportPages(
    owner="base",
    lifecycle=REPORT,
    url="bases:report",
    form=ReportForm,
    typed=TYPED,
    get_owner=lambda pk: reads.base_get(base_id=pk),
    get_report=reads.report_get,
    actions=reads.report_actions,
    create=lambda *, actor, owner, year, data: report_services.report_create(
        actor=actor, base_id=owner.pk, year=year, data=data
    ),
    update=report_services.report_update,
    run=report_services.report_run,
    create_denied=_("只有依托单位的人员可以填报该基地的年度报告。"),
    edit_denied=_("只有依托单位的人员可以修改该年度报告。"),
)


class ReportCreate(annual.ReportCreate):
    pages = PAGES
    template_name = "bases/report_form.html"


class ReportEdit(annual.ReportEdit):
    pages = PAGES
    template_name = "bases/report_form.html"


class ReportPage(annual.ReportPage):
    pages = PAGES
    template_name = "bases/report.html"

    def figures(self, request: HttpRequest, report: Any) -> dict[str, Any]:
        return {"derived": reads.derived_rows(report)}


report_transition = annual.report_transition(PAGES)
