"""Reads of the programmes and the funding plan."""

from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotFound
from nesta.programmes.models import FundingPlanLine, Programme
from nesta.programmes.selectors.budget import visible_provinces

MAX_LINES = 2000


def funding_plan() -> dict[str, Any]:
    """The Action's plan of 四.2 (lines with no programme and no province), with its totals."""
    lines = list(FundingPlanLine.objects.filter(programme=None, province=None).order_by("year"))
    totals = FundingPlanLine.objects.filter(programme=None, province=None).aggregate(
        baseline=Sum("baseline_amount"), additional=Sum("additional_amount")
    )
    years = len(lines)
    baseline = totals["baseline"] or 0
    additional = totals["additional"] or 0
    return {
        "lines": lines,
        "years": years,
        "first_year": lines[0].year if lines else None,
        "last_year": lines[-1].year if lines else None,
        "baseline_per_year": baseline / years if years else 0,
        "baseline_total": baseline,
        "additional_total": additional,
        "grand_total": baseline + additional,
    }


def home_funding(request: Any) -> dict[str, Any]:
    """The home page's 经费保障 section."""
    return {"funding": funding_plan()}


def programme_list() -> list[Programme]:
    """Every programme (public, like the calls), with its priority areas."""
    return list(Programme.objects.prefetch_related("fields").order_by("sort_order", "pk"))


def programme_get(*, programme_id: int) -> Programme:
    programme = Programme.objects.prefetch_related("fields").filter(pk=programme_id).first()
    if programme is None:
        raise NotFound(_("未找到该科技计划。"))
    return programme


def budget_lines(
    *, viewer: Any, year: int | None = None, programme: str | None = None, province: str | None = None
) -> list[FundingPlanLine]:
    """The budget lines a viewer of the budget may read (office and finance all, a province its own
    province's), newest year first; bounded (a plan has a few hundred lines at most)."""
    visible = visible_provinces(viewer)
    qs = FundingPlanLine.objects.select_related("programme", "province", "field")
    if visible is not None:
        qs = qs.filter(province__code__in=visible)
    if year is not None:
        qs = qs.filter(year=year)
    if programme:
        qs = qs.filter(programme__code=programme)
    if province:
        qs = qs.filter(province__code=province)
    return list(qs.order_by("-year", "programme__sort_order", "province__code", "field__sort_order", "pk")[:MAX_LINES])


def budget_line_get(*, viewer: Any, line_id: int) -> FundingPlanLine:
    visible = visible_provinces(viewer)
    line = FundingPlanLine.objects.select_related("programme", "province", "field").filter(pk=line_id).first()
    if line is None or (visible is not None and (line.province is None or line.province.code not in visible)):
        raise NotFound(_("未找到该预算额度。"))
    return line
