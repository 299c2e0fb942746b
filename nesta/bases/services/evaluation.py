"""Writes of the evaluation: the office's schemes and their runs.

A run reads the accepted reports of the scheme's year for the scheme's base type (bases not
revoked), scores and rules them with core.evaluation (one cohort: the type; groups: the
priority-area field; core.evaluation.rules for the recommendation) and freezes everything —
score, ranks, reasons, ±10 % sensitivity, grounds — in EvaluationResult rows, in one transaction.
"""

from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from nesta.bases.indicators import BY_KEY
from nesta.bases.models import BaseType, EvaluationRun, EvaluationScheme, SchemeCriterion
from nesta.bases.models.evaluation import pack_traces
from nesta.bases.selectors.evaluation import Figures, read_figures
from nesta.bases.services.result_rows import Columns, insert_results
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
    weight_shares,
)
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction


def scheme_create(*, actor: Any, data: dict[str, Any]) -> EvaluationScheme:
    require(actor, "evaluation.manage", None)
    base_type = data.get("base_type")
    if base_type not in BaseType.values:
        raise fail("base_type", _("未知的基地类型。"))
    scheme = EvaluationScheme(
        base_type=base_type,
        **scheme_fields(data),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    criteria = clean_criteria(data.get("criteria"), BY_KEY)
    save_scheme(scheme, SchemeCriterion, criteria, actor=actor, action="evaluation_scheme.created")
    return scheme


def evaluation_run(*, actor: Any, scheme_id: int) -> EvaluationRun:
    require(actor, "evaluation.manage", None)
    scheme = EvaluationScheme.objects.filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFound(_("未找到该评估方案。"))
    criteria = list(scheme.criteria.all())
    figures = read_figures(scheme.year, scheme.base_type, [c.indicator for c in criteria])
    evaluated = (
        evaluate_cohort(
            criteria,
            ids=figures.base_ids,
            raw=figures.raw,
            groups=figures.fields,
            provincial=figures.provincial,
            top_share=float(scheme.top_share),
            bottom_share=float(scheme.bottom_share),
        )
        if figures.size
        else None
    )
    shares = weight_shares(criteria) if evaluated is None else evaluated.scored.shares.tolist()
    with write_transaction():
        run = EvaluationRun.objects.create(
            scheme=scheme,
            ran_by=actor if getattr(actor, "is_authenticated", False) else None,
            criteria_snapshot=snapshot(criteria, shares),
            base_count=figures.size,
        )
        if evaluated is not None:
            _save_results(run, figures, evaluated)
        audit_record(
            actor=actor,
            action="evaluation.run",
            instance=run,
            changes={"scheme": [None, scheme.pk], "bases": [None, figures.size]},
        )
    return run


def _save_results(run: EvaluationRun, figures: Figures, evaluated: Evaluated) -> None:
    """Insert the ruled results in one stream (no model instances, no per-base Python objects beyond
    a row's values: at 2,500 bases a year those cost more than the arithmetic), in base id order —
    the cohort's own (read_figures sorts by base), which keeps the inserts into the (run, base) and
    base indexes sequential (a fifth cheaper than best first); every read orders by rank itself."""
    n, scored, ruled = figures.size, evaluated.scored, evaluated.ruled
    order = np.argsort(np.asarray(figures.base_ids, dtype=np.int64), kind="stable")  # the identity, as read
    assert scored.shifts is not None  # sensitivity is always computed for the bases
    traces = pack_traces(
        scored.raw[order], scored.norm[order], scored.shifts[:, 0, order].T, scored.shifts[:, 1, order].T
    )
    codes = ruled.codes[order].tolist()
    sizes = scored.group_sizes[order].tolist()
    columns = Columns(
        run=run.pk,
        bases=np.asarray(figures.base_ids)[order].tolist(),
        scores=round_like_python(scored.scores[order], 6),
        ranks=scored.ranks[order].tolist(),
        cohort_size=n,
        field_ranks=[
            rank if size else None for rank, size in zip(scored.group_ranks[order].tolist(), sizes, strict=True)
        ],
        field_sizes=[size if size else None for size in sizes],
        codes=codes,
        rulings=[(r.recommendation, list(r.grounds)) for r in ruled.rulings],
        traces=traces,
    )
    insert_results(columns)
