"""Reads of the programmes and the funding plan."""

from typing import Any

from django.db.models import Sum

from nesta.programmes.models import FundingPlanLine


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
