"""Writes of the evaluation: the office's schemes and their runs.

A run reads the accepted reports of the scheme's year for the scheme's base type (bases not
revoked), scores and rules them with core.evaluation (one cohort: the type; groups: the
priority-area field; core.evaluation.rules for the recommendation) and freezes everything —
score, ranks, reasons, ±10 % sensitivity, grounds — in EvaluationResult rows, in one transaction.
"""

from itertools import repeat
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Field
from django.utils.translation import gettext as _

from nesta.bases.indicators import BY_KEY
from nesta.bases.models import BaseType, EvaluationResult, EvaluationRun, EvaluationScheme, SchemeCriterion
from nesta.bases.models.evaluation import pack_traces
from nesta.bases.selectors.evaluation import Figures, read_figures
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
    """Insert the ruled results best first in one stream (no model instances, no per-base Python:
    at 2,500 bases a year those cost more than the arithmetic)."""
    n, scored, ruled, order = figures.size, evaluated.scored, evaluated.ruled, evaluated.order
    assert scored.shifts is not None  # sensitivity is always computed for the bases
    traces = pack_traces(
        scored.raw[order], scored.norm[order], scored.shifts[:, 0, order].T, scored.shifts[:, 1, order].T
    )
    grounds_field = EvaluationResult._meta.get_field("grounds")
    recommendations = [r.recommendation for r in ruled.rulings]
    grounds = [grounds_field.get_db_prep_save(list(r.grounds), connection) for r in ruled.rulings]
    codes = ruled.codes[order].tolist()
    sizes = scored.group_sizes[order].tolist()
    rows = zip(
        repeat(run.pk),
        np.asarray(figures.base_ids)[order].tolist(),
        round_like_python(scored.scores[order], 6),
        scored.ranks[order].tolist(),
        repeat(n),
        [rank if size else None for rank, size in zip(scored.group_ranks[order].tolist(), sizes, strict=True)],
        [size if size else None for size in sizes],
        [recommendations[c] for c in codes],
        [grounds[c] for c in codes],
        traces,
        strict=False,  # the repeats are endless
    )
    _insert(list(rows))


# the columns an evaluation writes, with their PostgreSQL types for a binary COPY
_RESULT_COLUMNS = (
    ("run", "int8"),
    ("base", "int8"),
    ("score", "float8"),
    ("rank", "int4"),
    ("cohort_size", "int4"),
    ("field_rank", "int4"),
    ("field_size", "int4"),
    ("recommendation", "text"),
    ("grounds", "jsonb"),
    ("trace", "bytea"),
)


def _field(field: Any) -> Field[Any, Any]:
    assert isinstance(field, Field)  # a concrete column, not a reverse relation
    return field


def _insert(rows: list[tuple[Any, ...]]) -> None:
    """The results in one stream: a binary COPY on PostgreSQL (INSERTs, even pipelined, cost the
    server several times as much), one executemany elsewhere."""
    meta = EvaluationResult._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(str(_field(meta.get_field(f)).column)) for f, _ in _RESULT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types([t for _, t in _RESULT_COLUMNS])
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(_RESULT_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
