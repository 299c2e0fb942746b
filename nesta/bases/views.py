"""The bases' web pages under /bases/: the register, a base (status history, reports, its latest
evaluation and why), the layout matrix, and an evaluation run's results with their reasons."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from nesta.bases.forms import BaseFilterForm, ReportForm
from nesta.bases.indicators import BY_KEY, DERIVED, TYPED
from nesta.bases.lifecycles import REPORT
from nesta.bases.models import BaseType
from nesta.bases.selectors import bases as reads
from nesta.bases.selectors import evaluation as eval_reads
from nesta.bases.selectors.layout import layout_matrix
from nesta.bases.services import evaluation as eval_services
from nesta.bases.services import reports as report_services
from nesta.core import errors
from nesta.core.generic.base import domain_errors
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.generic.transition import transition_buttons, transition_view
from nesta.core.pagination import Page
from nesta.core.permissions import can


class BaseList(ListPage):
    template_name = "bases/list.html"
    partial_template = "bases/_results.html"
    filter_form = BaseFilterForm

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        return reads.base_page(
            base_type=filters.base_type or None,
            level=filters.level or None,
            status=filters.status or None,
            province=filters.province or None,
            cursor=cursor,
            limit=limit,
        )

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {"list_url": reverse("bases:list")}


def _report_rows(report: Any) -> list[dict[str, Any]]:
    return [{"indicator": i, "value": getattr(report, i.key)} for i in (*TYPED, *DERIVED)]


class BaseDetail(DetailPage):
    template_name = "bases/detail.html"
    context_object_name = "base"
    not_found = _("未找到该创新基地。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        return reads.base_get(base_id=kwargs["pk"])

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        reports = reads.base_reports(viewer=request.user, base=obj)
        results = (
            eval_reads.base_history(viewer=request.user, base_id=obj.pk)
            if can(request.user, "evaluation.view", obj.permission_target())
            else []
        )
        latest = results[-1] if results else None
        return {
            "history": reads.status_history(obj),
            "reports": [{"report": r, "rows": _report_rows(r)} for r in reports],
            "results": results,
            "latest": latest,
            "reasons": _reasons(latest) if latest else [],
            "may_fill": can(request.user, "base_report.fill", obj.permission_target()),
        }


def _reasons(result: Any) -> list[dict[str, Any]]:
    out = []
    for r in result.reasons:
        ind = BY_KEY.get(r["indicator"])
        out.append({**r, "label": ind.label if ind else r["indicator"], "unit": ind.unit if ind else ""})
    return out


class LayoutPage(DetailPage):
    template_name = "bases/layout.html"
    context_object_name = "layout"

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        base_type = request.GET.get("base_type") or None
        return layout_matrix(base_type=base_type if base_type in BaseType.values else None)

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"types": BaseType.choices, "current": obj.base_type or ""}


class RunPage(DetailPage):
    """An evaluation run: every base's score, rank and recommendation; each row opens its reasons."""

    template_name = "bases/run.html"
    context_object_name = "run"
    not_found = _("未找到该评估运行。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        run, results = eval_reads.run_results(viewer=request.user, run_id=kwargs["pk"])
        self.results = results
        return run

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {
            "results": [
                {"result": r, "reasons": _reasons(r), "grounds": grounds_text(r.grounds), "shifts": _shifts(r)}
                for r in self.results
            ]
        }


GROUNDS = {
    "top_share": _("排名位于重点支持比例之内"),
    "bottom_share": _("排名位于整改比例之内"),
    "national_thresholds": _("省级基地，各项指标达到国家级门槛"),
}


def _label(key: str) -> Any:
    ind = BY_KEY.get(key)
    return ind.label if ind else key


def grounds_text(grounds: list[str]) -> list[Any]:
    out = []
    for g in grounds:
        if g.startswith("below_minimum:"):
            out.append(_("%(i)s低于最低要求") % {"i": _label(g.split(":", 1)[1])})
        else:
            out.append(GROUNDS.get(g, g))
    return out


def _shifts(result: Any) -> list[dict[str, Any]]:
    return [{**s, "label": _label(s["indicator"])} for s in result.sensitivity]


# --- annual reports ---------------------------------------------------------------------------


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


class SchemeList(ListPage):
    """The evaluation schemes (office and provinces), each with its latest run; the office runs one."""

    template_name = "bases/schemes.html"
    partial_template = "bases/schemes.html"
    login_required = True

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        schemes = eval_reads.scheme_list(viewer=request.user)
        return Page(items=[{"scheme": s, "run": eval_reads.latest_run(scheme=s)} for s in schemes])

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {"may_run": can(request.user, "evaluation.manage", None)}


@require_POST
@domain_errors
def scheme_run(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("bases:schemes"))
    run = eval_services.evaluation_run(actor=request.user, scheme_id=pk)
    messages.success(request, _("评估已运行，%(n)d 个基地参评。") % {"n": run.base_count})
    return redirect("bases:run", pk=run.pk)
