"""An incubator's annual report pages: the list of reports to check or accept; create and edit a draft,
the report with its figures (typed, and derived from the tenant records, with the records behind them)
and its workflow's buttons (core.annual_report.views)."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.annual_report import views as annual
from nesta.core.generic.list import ListPage
from nesta.core.pagination import Page
from nesta.zones.forms.incubators import IncubatorReportForm, ReportFilterForm
from nesta.zones.incubator_indicators import COMPUTED, DERIVED, TYPED
from nesta.zones.lifecycles import INCUBATOR_REPORT
from nesta.zones.selectors import incubators as reads
from nesta.zones.services import incubator_reports as services


class ReportList(ListPage):
    """The annual reports the user may read: the province's queue to check, the office's to accept."""

    template_name = "zones/incubators/reports.html"
    partial_template = "zones/incubators/_reports.html"
    filter_form = ReportFilterForm
    login_required = True

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        return reads.report_page(
            viewer=request.user, status=filters.status or None, year=filters.year, cursor=cursor, limit=limit
        )

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {"list_url": reverse("zones:incubator_reports")}


PAGES = annual.ReportPages(
    owner="incubator",
    lifecycle=INCUBATOR_REPORT,
    url="zones:incubator_report",
    form=IncubatorReportForm,
    typed=TYPED,
    get_owner=lambda pk: reads.incubator_get(incubator_id=pk),
    get_report=reads.report_get,
    actions=reads.report_actions,
    create=lambda *, actor, owner, year, data: services.report_create(
        actor=actor, incubator_id=owner.pk, year=year, data=data
    ),
    update=services.report_update,
    run=services.report_run,
    create_denied=_("只有孵化器本身的人员可以填报年度报告。"),
    edit_denied=_("只有孵化器本身的人员可以修改年度报告。"),
)


class ReportCreate(annual.ReportCreate):
    pages = PAGES
    template_name = "zones/incubators/report_form.html"


class ReportEdit(annual.ReportEdit):
    pages = PAGES
    template_name = "zones/incubators/report_form.html"


class ReportPage(annual.ReportPage):
    """The report with its derived figures (frozen, or live from the tenant records with the
    records behind them) and the ratios computed from them."""

    pages = PAGES
    template_name = "zones/incubators/report.html"

    def figures(self, request: HttpRequest, report: Any) -> dict[str, Any]:
        derived = reads.report_derived(report)
        live = report.derived_at is None or report.status in services.EDITABLE

        class Figures:  # the computed ratios read the derived figures as the page shows them
            incubator = report.incubator

            def __getattr__(self, name: str) -> Any:
                return derived[name] if name in derived else getattr(report, name)

        figures = Figures()
        return {
            "derived": [{"indicator": i, "value": derived[i.key]} for i in DERIVED],
            "computed": [{"indicator": i, "value": i.value(figures)} for i in COMPUTED],
            "live": live,
            "records": reads.year_tenants(incubator_id=report.incubator_id, year=report.year) if live else None,
        }


report_transition = annual.report_transition(PAGES)
