"""Writes of the incubators' evaluation: the office's schemes and their runs, on the platform's one
evaluation machinery (nesta.core.evaluation: the scheme's checks, the engine, the rule) as the
innovation bases' evaluation uses it.

A run reads the accepted reports of the scheme's year for active incubators of the scheme's kind
(every kind when the scheme names none), scores them as one cohort and rules each one's
recommendation (core.evaluation.rules; the zone ranks are read from the frozen scores), and freezes everything —
score, rank, reasons, ±10 % sensitivity, grounds, the criteria as they were — in one transaction.
"""

from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import NotFound
from nesta.core.evaluation import round_like_python
from nesta.core.evaluation.schemes import (
    Evaluated,
    clean_criteria,
    evaluate_cohort,
    fail,
    save_scheme,
    scheme_fields,
    snapshot,
)
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.zones.incubator_indicators import BY_KEY
from nesta.zones.models import (
    IncubatorCriterion,
    IncubatorKind,
    IncubatorLevel,
    IncubatorReport,
    IncubatorResult,
    IncubatorRun,
    IncubatorScheme,
    ReportStatus,
)


def incubator_scheme_create(*, actor: Any, data: dict[str, Any]) -> IncubatorScheme:
    require(actor, "incubator_evaluation.manage", None)
    kind = data.get("kind") or ""
    if kind and kind not in IncubatorKind.values:
        raise fail("kind", _("未知的孵化器类型。"))
    scheme = IncubatorScheme(
        kind=kind, **scheme_fields(data), created_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    criteria = clean_criteria(data.get("criteria"), BY_KEY)
    save_scheme(scheme, IncubatorCriterion, criteria, actor=actor, action="incubator_scheme.created")
    return scheme


def _value(key: str, report: IncubatorReport) -> float:
    value = BY_KEY[key].value(report)
    return np.nan if value is None else float(value)


def incubator_evaluation_run(*, actor: Any, scheme_id: int) -> IncubatorRun:
    require(actor, "incubator_evaluation.manage", None)
    scheme = IncubatorScheme.objects.filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFound(_("未找到该评估方案。"))
    criteria = list(scheme.criteria.order_by("sort_order", "id"))
    keys = [c.indicator for c in criteria]
    qs = IncubatorReport.objects.filter(
        year=scheme.year, status=ReportStatus.ACCEPTED, incubator__is_active=True
    ).select_related("incubator")
    if scheme.kind:
        qs = qs.filter(incubator__kind=scheme.kind)
    reports = list(qs)
    evaluated = (
        evaluate_cohort(
            criteria,
            ids=[r.incubator_id for r in reports],
            raw=np.array([[_value(k, r) for k in keys] for r in reports], dtype=float).reshape(len(reports), -1),
            provincial=[r.incubator.level == IncubatorLevel.PROVINCIAL for r in reports],
            top_share=float(scheme.top_share),
            bottom_share=float(scheme.bottom_share),
        )
        if reports
        else None
    )
    with write_transaction():
        run = IncubatorRun.objects.create(
            scheme=scheme,
            ran_by=actor if getattr(actor, "is_authenticated", False) else None,
            criteria_snapshot=snapshot(criteria),
            incubator_count=len(reports),
        )
        results = [] if evaluated is None else _results(run, [r.incubator_id for r in reports], evaluated)
        IncubatorResult.objects.bulk_create(results, batch_size=500)
        audit_record(
            actor=actor,
            action="incubator_evaluation.run",
            instance=run,
            changes={"scheme": [None, scheme.pk], "incubators": [None, len(results)]},
        )
    return run


def _results(run: IncubatorRun, ids: list[int], evaluated: Evaluated) -> list[IncubatorResult]:
    """Each incubator's result, best first, with its reasons and shifts as JSON (the numbers the
    engine gave, rounded to six places as the pages and API show them)."""
    scored, ruled = evaluated.scored, evaluated.ruled
    assert scored.shifts is not None
    keys, shares = scored.keys, scored.shares.tolist()
    n = len(ids)
    results = []
    for i in evaluated.order.tolist():
        values, norm = scored.raw[i].tolist(), scored.norm[i].tolist()
        contributions = [x * share for x, share in zip(norm, shares, strict=True)]
        ruling = ruled[i]
        reasons = [
            {
                "indicator": key,
                "value": None if value != value else value,  # NaN: not reported
                "normalised": normalised,
                "weight": weight,
                "contribution": contribution,
                "missing": value != value,
            }
            for key, value, normalised, weight, contribution in zip(
                keys,
                values,
                round_like_python(np.asarray(norm), 6),
                round_like_python(np.asarray(shares), 6),
                round_like_python(np.asarray(contributions), 6),
                strict=True,
            )
        ]
        results.append(
            IncubatorResult(
                run=run,
                incubator_id=ids[i],
                score=round(float(scored.scores[i]), 6),
                rank=int(scored.ranks[i]),
                cohort_size=n,
                recommendation=ruling.recommendation,
                grounds=list(ruling.grounds),
                reasons=reasons,
                sensitivity=[
                    {"indicator": key, "rank_if_lower": int(lo), "rank_if_higher": int(hi)}
                    for key, lo, hi in zip(
                        keys, scored.shifts[:, 0, i].tolist(), scored.shifts[:, 1, i].tolist(), strict=True
                    )
                ],
            )
        )
    return results
