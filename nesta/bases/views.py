"""The bases' web pages under /bases/: the register, a base (status history, reports, its latest
evaluation and why), the layout matrix, and an evaluation run's results with their reasons."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.bases.forms import BaseFilterForm
from nesta.bases.indicators import BY_KEY, DERIVED, TYPED
from nesta.bases.models import BaseType
from nesta.bases.selectors import bases as reads
from nesta.bases.selectors import evaluation as eval_reads
from nesta.bases.selectors.layout import layout_matrix
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.list import ListPage
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
