"""Reads of the incubators' evaluation: schemes with their criteria, a run's results (restricted: a
province sees its own incubators' results), the rank of each within its zone, and one incubator's
results over the years."""

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from nesta.core.errors import NotFound
from nesta.core.evaluation import competition_ranks
from nesta.core.evaluation.selectors import latest_of_each_scheme
from nesta.core.permissions import require, restrict
from nesta.zones.models import IncubatorCriterion, IncubatorResult, IncubatorRun, IncubatorScheme

RESULT_PROVINCE = "incubator__organization__province__code"


def _schemes() -> QuerySet[IncubatorScheme]:
    return IncubatorScheme.objects.prefetch_related(
        Prefetch("criteria", queryset=IncubatorCriterion.objects.order_by("sort_order", "id"))
    )


def scheme_list(*, viewer: Any, year: int | None = None, kind: str | None = None) -> list[IncubatorScheme]:
    """The schemes (newest year first) with their criteria and their latest run (3 queries)."""
    require(viewer, "incubator_evaluation.view", None)
    qs = _schemes().prefetch_related(Prefetch("runs", queryset=IncubatorRun.objects.order_by("-ran_at", "-id")))
    if year:
        qs = qs.filter(year=year)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("-year", "kind", "id")[:200])


def latest_run(scheme: IncubatorScheme) -> IncubatorRun | None:
    """The scheme's latest run (from scheme_list's prefetch when there is one)."""
    runs = list(scheme.runs.all())
    return runs[0] if runs else None


def scheme_get(*, viewer: Any, scheme_id: int) -> IncubatorScheme:
    require(viewer, "incubator_evaluation.view", None)
    scheme = (
        _schemes()
        .prefetch_related(Prefetch("runs", queryset=IncubatorRun.objects.order_by("-ran_at", "-id")))
        .filter(pk=scheme_id)
        .first()
    )
    if scheme is None:
        raise NotFound(_("未找到该评估方案。"))
    return scheme


@dataclass(frozen=True)
class ZoneRank:
    rank: int
    size: int


def run_results(*, viewer: Any, run_id: int) -> tuple[IncubatorRun, list[IncubatorResult]]:
    """The run and its results the viewer may see, best first; each result carries `zone_rank`
    (its rank among the run's incubators of the same zone, from the frozen scores; None outside a
    zone). Three queries whatever the number of results."""
    require(viewer, "incubator_evaluation.view", None)
    run = IncubatorRun.objects.select_related("scheme").filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("未找到该评估运行。"))
    qs = IncubatorResult.objects.filter(run=run).select_related("incubator__organization__province", "incubator__zone")
    qs = restrict(viewer, "incubator_evaluation.view", qs, province_field=RESULT_PROVINCE)
    results = list(qs.order_by("rank", "incubator_id"))
    ranks = _zone_ranks(run)
    for r in results:
        r.zone_rank = ranks.get(r.incubator_id)  # type: ignore[attr-defined]
    return run, results


def _zone_ranks(run: IncubatorRun) -> dict[int, ZoneRank]:
    # over every result of the run (a zone's incubators are all in its province, but the ranks
    # must not depend on who reads them)
    rows = list(
        IncubatorResult.objects.filter(run=run, incubator__zone__isnull=False).values_list(
            "incubator_id", "incubator__zone_id", "score"
        )
    )
    by_zone: dict[int, list[tuple[int, float]]] = {}
    for incubator_id, zone_id, score in rows:
        if zone_id is not None:
            by_zone.setdefault(zone_id, []).append((incubator_id, score))
    out: dict[int, ZoneRank] = {}
    for members in by_zone.values():
        ranks = competition_ranks(np.array([s for _i, s in members], dtype=float))
        for (incubator_id, _s), rank in zip(members, ranks, strict=True):
            out[incubator_id] = ZoneRank(rank=int(rank), size=len(members))
    return out


def incubator_history(*, viewer: Any, incubator_id: int) -> list[IncubatorResult]:
    """One incubator's results over the years (the latest run of each scheme), oldest first."""
    qs = IncubatorResult.objects.filter(incubator_id=incubator_id)
    return latest_of_each_scheme(restrict(viewer, "incubator_evaluation.view", qs, province_field=RESULT_PROVINCE))
