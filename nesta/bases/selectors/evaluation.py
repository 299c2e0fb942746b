"""Reads of the evaluation: schemes with their criteria, a run's results (restricted: a province
sees its own bases' results), one base's results over the years."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from nesta.bases.models import EvaluationResult, EvaluationRun, EvaluationScheme, SchemeCriterion
from nesta.core.errors import NotFound
from nesta.core.permissions import require, restrict


def _schemes() -> QuerySet[EvaluationScheme]:
    return EvaluationScheme.objects.prefetch_related(
        Prefetch("criteria", queryset=SchemeCriterion.objects.order_by("sort_order", "id"))
    )


def scheme_list(*, viewer: Any, year: int | None = None, base_type: str | None = None) -> list[EvaluationScheme]:
    require(viewer, "evaluation.view", None)
    qs = _schemes()
    if year:
        qs = qs.filter(year=year)
    if base_type:
        qs = qs.filter(base_type=base_type)
    return list(qs.order_by("-year", "base_type", "id")[:200])


def scheme_get(*, viewer: Any, scheme_id: int) -> EvaluationScheme:
    require(viewer, "evaluation.view", None)
    scheme = _schemes().filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFound(_("未找到该评估方案。"))
    return scheme


def run_results(*, viewer: Any, run_id: int) -> tuple[EvaluationRun, list[EvaluationResult]]:
    """The run and its results the viewer may see, best first."""
    require(viewer, "evaluation.view", None)
    run = EvaluationRun.objects.select_related("scheme").filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("未找到该评估运行。"))
    qs = EvaluationResult.objects.filter(run=run).select_related(
        "base__organization", "base__host__province", "base__field"
    )
    qs = restrict(viewer, "evaluation.view", qs, province_field="base__host__province__code")
    return run, list(qs.order_by("rank", "base_id"))


def latest_run(*, scheme: EvaluationScheme) -> EvaluationRun | None:
    return scheme.runs.order_by("-ran_at", "-id").first()


def base_history(*, viewer: Any, base_id: int) -> list[EvaluationResult]:
    """One base's results over the years (the latest run of each scheme), oldest first — the trend."""
    qs = EvaluationResult.objects.filter(base_id=base_id).select_related("run__scheme")
    qs = restrict(viewer, "evaluation.view", qs, province_field="base__host__province__code")
    latest: dict[int, EvaluationResult] = {}
    for r in qs.order_by("run__ran_at", "run_id"):
        latest[r.run.scheme_id] = r
    return sorted(latest.values(), key=lambda r: (r.run.scheme.year, r.run_id))
