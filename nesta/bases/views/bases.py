"""The register of bases, a base's page (status history, reports, its latest evaluation and why) and
the layout matrix."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.bases.forms import BaseFilterForm
from nesta.bases.indicators import DERIVED, TYPED
from nesta.bases.models import BaseType
from nesta.bases.selectors import bases as reads
from nesta.bases.selectors import evaluation as eval_reads
from nesta.bases.selectors.layout import layout_matrix
from nesta.bases.views.evaluation import reasons_rows as _reasons
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
            "may_fill": can(request.user, "base_report.fill", obj.permission_target()),
        }


class LayoutPage(DetailPage):
    template_name = "bases/layout.html"
    context_object_name = "layout"

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        base_type = request.GET.get("base_type") or None
        return layout_matrix(base_type=base_type if base_type in BaseType.values else None)

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"types": BaseType.choices, "current": obj.base_type or ""}
