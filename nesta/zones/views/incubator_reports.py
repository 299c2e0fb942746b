"""An incubator's annual report pages: create and edit a draft, the report with its figures (typed,
and derived from the tenant records, with the records behind them) and its workflow's buttons."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.core import errors
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.generic.transition import transition_buttons, transition_view
from nesta.core.pagination import Page
from nesta.core.permissions import can
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


class ReportCreate(FormPage):
    template_name = "zones/incubators/report_form.html"
    context_object_name = "incubator"
    creating = True
    error_aliases = {"report_exists": "year"}

    def load(self, request: HttpRequest, **kwargs: Any) -> Any:
        incubator = reads.incubator_get(incubator_id=kwargs["pk"])
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        if not can(request.user, "incubator_report.fill", incubator.permission_target()):
            raise errors.PermissionDenied(_("只有孵化器本身的人员可以填报年度报告。"))
        return incubator

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return IncubatorReportForm(data, creating=True, initial={"year": timezone.localdate().year - 1})

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return services.report_create(
            actor=request.user, incubator_id=obj.pk, year=form.cleaned_data["year"], data=form.to_data()
        )

    def success_message(self, saved: Any) -> str:
        return str(_("年度报告已保存为草稿，核对后请提交。"))


class ReportEdit(FormPage):
    template_name = "zones/incubators/report_form.html"
    context_object_name = "report"
    not_found = _("未找到该年度报告。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        report = reads.report_get(viewer=request.user, report_id=kwargs["pk"])
        if not can(request.user, "incubator_report.fill", report.permission_target()):
            raise errors.PermissionDenied(_("只有孵化器本身的人员可以修改年度报告。"))
        return report

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        initial = {i.key: getattr(obj, i.key) for i in TYPED} | {"summary": obj.summary}
        return IncubatorReportForm(data, creating=False, initial=initial)

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"incubator": obj.incubator}

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return services.report_update(actor=request.user, report_id=obj.pk, data=form.to_data())

    def success_message(self, saved: Any) -> str:
        return str(_("年度报告已保存。"))


class ReportPage(DetailPage):
    template_name = "zones/incubators/report.html"
    context_object_name = "report"
    not_found = _("未找到该年度报告。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        return reads.report_get(viewer=request.user, report_id=kwargs["pk"])

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        derived = reads.report_derived(obj)
        live = obj.derived_at is None or obj.status in services.EDITABLE

        class Figures:  # the computed ratios read the derived figures as the page shows them
            incubator = obj.incubator

            def __getattr__(self, name: str) -> Any:
                return derived[name] if name in derived else getattr(obj, name)

        figures = Figures()
        editable = obj.status in services.EDITABLE and can(
            request.user, "incubator_report.fill", obj.permission_target()
        )
        return {
            "incubator": obj.incubator,
            "typed": [{"indicator": i, "value": getattr(obj, i.key)} for i in TYPED],
            "derived": [{"indicator": i, "value": derived[i.key]} for i in DERIVED],
            "computed": [{"indicator": i, "value": i.value(figures)} for i in COMPUTED],
            "live": live,
            "records": reads.year_tenants(incubator_id=obj.incubator_id, year=obj.year) if live else None,
            "buttons": transition_buttons(
                reads.report_actions(request.user, obj), obj.pk, url_name="zones:incubator_report_{}"
            ),
            "editable": editable,
        }


def _run_report(request: HttpRequest, t: Any, report_id: int) -> None:
    services.report_run(t.name, actor=request.user, report_id=report_id, reason=request.POST.get("reason", ""))


report_transition = transition_view(
    INCUBATOR_REPORT,
    id_kwarg="pk",
    run=_run_report,
    back=lambda request, pk: reverse("zones:incubator_report", args=[pk]),
)
