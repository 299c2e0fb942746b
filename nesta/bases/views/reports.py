"""A base's annual report: create, edit, read and its lifecycle's transitions."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.bases.forms import ReportForm
from nesta.bases.indicators import TYPED
from nesta.bases.lifecycles import REPORT
from nesta.bases.selectors import bases as reads
from nesta.bases.services import reports as report_services
from nesta.core import errors
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.form import FormPage
from nesta.core.generic.transition import transition_buttons, transition_view
from nesta.core.permissions import can


class ReportCreate(FormPage):
    template_name = "bases/report_form.html"
    context_object_name = "base"
    creating = True
    error_aliases = {"report_exists": "year"}

    def load(self, request: HttpRequest, **kwargs: Any) -> Any:
        base = reads.base_get(base_id=kwargs["pk"])
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        if not can(request.user, "base_report.fill", base.permission_target()):
            raise errors.PermissionDenied(_("只有依托单位的人员可以填报该基地的年度报告。"))
        return base

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return ReportForm(data, creating=True, initial={"year": timezone.localdate().year - 1})

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return report_services.report_create(
            actor=request.user, base_id=obj.pk, year=form.cleaned_data["year"], data=form.to_data()
        )

    def success_message(self, saved: Any) -> str:
        return str(_("年度报告已保存为草稿，核对后请提交。"))


class ReportEdit(FormPage):
    template_name = "bases/report_form.html"
    context_object_name = "report"
    not_found = _("未找到该年度报告。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        report = reads.report_get(viewer=request.user, report_id=kwargs["pk"])
        if not can(request.user, "base_report.fill", report.permission_target()):
            raise errors.PermissionDenied(_("只有依托单位的人员可以修改该年度报告。"))
        return report

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        initial = {i.key: getattr(obj, i.key) for i in TYPED} | {"summary": obj.summary}
        return ReportForm(data, creating=False, initial=initial)

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"base": obj.base}

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return report_services.report_update(actor=request.user, report_id=obj.pk, data=form.to_data())

    def success_message(self, saved: Any) -> str:
        return str(_("年度报告已保存。"))


class ReportPage(DetailPage):
    template_name = "bases/report.html"
    context_object_name = "report"
    not_found = _("未找到该年度报告。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        return reads.report_get(viewer=request.user, report_id=kwargs["pk"])

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        actions = reads.report_actions(request.user, obj)
        editable = obj.status in report_services.EDITABLE and can(
            request.user, "base_report.fill", obj.permission_target()
        )
        return {
            "base": obj.base,
            "typed": [{"indicator": i, "value": getattr(obj, i.key)} for i in TYPED],
            "derived": reads.derived_rows(obj),
            "buttons": transition_buttons(actions, obj.pk, url_name="bases:report_{}"),
            "editable": editable,
        }


def _run_report(request: HttpRequest, t: Any, report_id: int) -> None:
    report_services.report_run(t.name, actor=request.user, report_id=report_id, reason=request.POST.get("reason", ""))


report_transition = transition_view(
    REPORT, id_kwarg="pk", run=_run_report, back=lambda request, pk: reverse("bases:report", args=[pk])
)
