"""Writes of the evaluation: the office's schemes and their runs.

A run reads the accepted reports of the scheme's year for the scheme's base type (bases not
revoked), scores them with core.evaluation (one cohort: the type; groups: the priority-area field),
rules each base's recommendation (rules/recommendation.py) and freezes everything — score, ranks,
reasons, ±10 % sensitivity, grounds — in EvaluationResult rows, in one transaction.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.db import IntegrityError, connection
from django.db.models import Field
from django.utils.translation import gettext as _

from nesta.bases.indicators import BY_KEY
from nesta.bases.models import (
    BaseType,
    EvaluationResult,
    EvaluationRun,
    EvaluationScheme,
    Normalisation,
    SchemeCriterion,
)
from nesta.bases.models.evaluation import pack_traces
from nesta.bases.rules.recommendation import rule
from nesta.bases.selectors.evaluation import Figures, read_figures
from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.evaluation import Criterion, SchemeError, Scored, score_cohort
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text

CRITERIA_MAX = 40
WEIGHT_MAX = Decimal("1000")
THRESHOLD_MAX = Decimal(10) ** 15


def _fail(field: str, message: str, code: str = "invalid_scheme") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def _decimal(value: Any, field: str, *, minimum: Decimal, maximum: Decimal, places: int) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise _fail(field, _("应为数值。"))
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _fail(field, _("应为数值。")) from None
    if not number.is_finite() or not minimum <= number <= maximum:
        raise _fail(field, _("应在 %(a)s 到 %(b)s 之间。") % {"a": minimum, "b": maximum})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise _fail(field, _("最多 %(n)d 位小数。") % {"n": places})
    return number


def _criteria(rows: Any) -> list[dict[str, Any]]:
    if not isinstance(rows, list) or not 1 <= len(rows) <= CRITERIA_MAX:
        raise _fail("criteria", _("应为 1 到 %(n)d 项指标。") % {"n": CRITERIA_MAX})
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        where = f"criteria.{i}"
        if not isinstance(row, dict):
            raise _fail(where, _("应为对象。"))
        key = row.get("indicator")
        if key not in BY_KEY:
            raise _fail(f"{where}.indicator", _("未知的指标。"), "unknown_indicator")
        if key in seen:
            raise _fail(f"{where}.indicator", _("指标重复。"), "duplicate_indicator")
        seen.add(key)
        normalisation = row.get("normalisation", Normalisation.MINMAX)
        if normalisation not in Normalisation.values:
            raise _fail(f"{where}.normalisation", _("未知的标准化方法。"))
        higher = row.get("higher_is_better", True)
        if not isinstance(higher, bool):
            raise _fail(f"{where}.higher_is_better", _("应为是或否。"))
        item: dict[str, Any] = {
            "indicator": key,
            "weight": _decimal(
                row.get("weight"), f"{where}.weight", minimum=Decimal("0.001"), maximum=WEIGHT_MAX, places=3
            ),
            "normalisation": normalisation,
            "higher_is_better": higher,
            "sort_order": i,
        }
        for name, places, maximum in (
            ("minimum", 2, THRESHOLD_MAX),
            ("national_threshold", 2, THRESHOLD_MAX),
            ("cap", 2, Decimal(100)),
        ):
            value = row.get(name)
            item[name] = (
                None
                if value is None
                else _decimal(value, f"{where}.{name}", minimum=Decimal(0), maximum=maximum, places=places)
            )
        if item["cap"] is not None and (item["cap"] <= 0 or normalisation != Normalisation.MEDIAN_RATIO):
            raise _fail(f"{where}.cap", _("比值上限只用于“与中位数之比”，且应大于 0。"))
        out.append(item)
    return out


def scheme_create(*, actor: Any, data: dict[str, Any]) -> EvaluationScheme:
    require(actor, "evaluation.manage", None)
    base_type = data.get("base_type")
    if base_type not in BaseType.values:
        raise _fail("base_type", _("未知的基地类型。"))
    scheme = EvaluationScheme(
        base_type=base_type,
        year=bounded_int(data.get("year"), field="year", minimum=2000, maximum=2100),
        name=clean_text(data.get("name"), field="name", max_length=120, required=True, multiline=False),
        top_share=_decimal(data.get("top_share", "0.2"), "top_share", minimum=Decimal(0), maximum=Decimal(1), places=3),
        bottom_share=_decimal(
            data.get("bottom_share", "0.1"), "bottom_share", minimum=Decimal(0), maximum=Decimal(1), places=3
        ),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if scheme.top_share + scheme.bottom_share > 1:
        raise _fail("bottom_share", _("重点支持与整改比例之和不能超过 1。"))
    criteria = _criteria(data.get("criteria"))
    with write_transaction():
        try:
            scheme.save()
        except IntegrityError:
            raise Conflict(
                _("同一年度、同一类型已有同名方案。"), code="scheme_exists", details={"field": "name"}
            ) from None
        SchemeCriterion.objects.bulk_create([SchemeCriterion(scheme=scheme, **c) for c in criteria])
        audit_record(
            actor=actor,
            action="evaluation_scheme.created",
            instance=scheme,
            changes={"criteria": [None, [{k: str(v) for k, v in c.items()} for c in criteria]]},
        )
    return scheme


def _snapshot(criteria: list[SchemeCriterion], shares: list[float]) -> list[dict[str, Any]]:
    return [
        {
            "indicator": c.indicator,
            "weight": str(c.weight),
            # the engine's share of the total weight: the results' reasons are read against it
            "share": share,
            "normalisation": c.normalisation,
            "higher_is_better": c.higher_is_better,
            "minimum": None if c.minimum is None else str(c.minimum),
            "national_threshold": None if c.national_threshold is None else str(c.national_threshold),
            "cap": None if c.cap is None else str(c.cap),
        }
        for c, share in zip(criteria, shares, strict=True)
    ]


def evaluation_run(*, actor: Any, scheme_id: int) -> EvaluationRun:
    require(actor, "evaluation.manage", None)
    scheme = EvaluationScheme.objects.filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFound(_("未找到该评估方案。"))
    criteria = list(scheme.criteria.all())
    engine_criteria = [
        Criterion(
            key=c.indicator,
            weight=float(c.weight),
            normalisation=c.normalisation,  # type: ignore[arg-type]  # one of Normalisation's values
            higher_is_better=c.higher_is_better,
            minimum=None if c.minimum is None else float(c.minimum),
            cap=None if c.cap is None else float(c.cap),
        )
        for c in criteria
    ]
    thresholds = [(j, float(c.national_threshold)) for j, c in enumerate(criteria) if c.national_threshold is not None]
    figures = read_figures(scheme.year, scheme.base_type, [c.indicator for c in criteria])
    try:
        scored = score_cohort(engine_criteria, figures.raw, figures.fields) if figures.size else None
    except SchemeError as exc:
        raise _fail("criteria", str(exc)) from None
    with write_transaction():
        run = EvaluationRun.objects.create(
            scheme=scheme,
            ran_by=actor if getattr(actor, "is_authenticated", False) else None,
            criteria_snapshot=_snapshot(criteria, _shares(criteria) if scored is None else scored.shares.tolist()),
            base_count=figures.size,
        )
        if scored is not None:
            _save_results(run, scheme, figures, scored, thresholds)
        audit_record(
            actor=actor,
            action="evaluation.run",
            instance=run,
            changes={"scheme": [None, scheme.pk], "bases": [None, figures.size]},
        )
    return run


def _shares(criteria: list[SchemeCriterion]) -> list[float]:
    """The weights' shares for a run without results (the engine gives them otherwise)."""
    weights = np.array([float(c.weight) for c in criteria])
    return (weights / weights.sum()).tolist() if criteria else []


def _save_results(
    run: EvaluationRun,
    scheme: EvaluationScheme,
    figures: Figures,
    scored: Scored,
    thresholds: list[tuple[int, float]],
) -> None:
    """Rule every base and insert its result in one executemany (no model instances: at 2,500 bases a
    year the instances and their JSON cost more than the arithmetic)."""
    n = figures.size
    top, bottom = float(scheme.top_share), float(scheme.bottom_share)
    assert scored.shifts is not None  # sensitivity is always computed for the bases
    traces = pack_traces(scored.raw, scored.norm, scored.shifts[:, 0, :].T, scored.shifts[:, 1, :].T)
    order = np.lexsort((np.asarray(figures.base_ids), scored.ranks)).tolist()  # best first, as the pages read them
    ranks, scores = scored.ranks.tolist(), [round(x, 6) for x in scored.scores.tolist()]
    group_ranks, group_sizes = scored.group_ranks.tolist(), scored.group_sizes.tolist()
    below: dict[int, list[str]] = {}
    for i, j in zip(*np.nonzero(scored.below), strict=True):
        below.setdefault(int(i), []).append(scored.keys[int(j)])
    national = {scored.keys[j]: t for j, t in thresholds}
    # the rule reads a base's values only against the national thresholds
    columns = [(scored.keys[j], scored.raw[:, j].tolist()) for j, _ in thresholds]
    grounds_field = EvaluationResult._meta.get_field("grounds")
    prepared: dict[tuple[str, ...], Any] = {}
    provincial, base_ids = figures.provincial, figures.base_ids
    none: list[str] = []
    rows = []
    for i in order:
        ruling = rule(
            rank=ranks[i],
            size=n,
            top_share=top,
            bottom_share=bottom,
            below_minimum=below.get(i, none),
            is_provincial=provincial[i],
            values={key: (None if (v := column[i]) != v else v) for key, column in columns},  # NaN: not reported
            national_thresholds=national,
        )
        grounds = tuple(ruling.grounds)
        if grounds not in prepared:
            prepared[grounds] = grounds_field.get_db_prep_save(list(grounds), connection)
        size = group_sizes[i]
        rows.append(
            (
                run.pk,
                base_ids[i],
                scores[i],
                ranks[i],
                n,
                group_ranks[i] if size else None,
                size if size else None,
                ruling.recommendation,
                prepared[grounds],
                traces[i],
            )
        )
    _insert(rows)


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
