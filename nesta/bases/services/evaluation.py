"""Writes of the evaluation: the office's schemes and their runs.

A run reads the accepted reports of the scheme's year for the scheme's base type (bases not
revoked), scores them with core.evaluation (one cohort: the type; groups: the priority-area field),
rules each base's recommendation (rules/recommendation.py) and freezes everything — score, ranks,
reasons, ±10 % sensitivity, grounds — in EvaluationResult rows, in one transaction.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _

from nesta.bases.indicators import BY_KEY
from nesta.bases.models import (
    BaseLevel,
    BaseReport,
    BaseStatus,
    BaseType,
    EvaluationResult,
    EvaluationRun,
    EvaluationScheme,
    Normalisation,
    ReportStatus,
    SchemeCriterion,
)
from nesta.bases.rules.recommendation import rule
from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.evaluation import Criterion, SchemeError, Subject, evaluate
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


def _snapshot(criteria: list[SchemeCriterion]) -> list[dict[str, Any]]:
    return [
        {
            "indicator": c.indicator,
            "weight": str(c.weight),
            "normalisation": c.normalisation,
            "higher_is_better": c.higher_is_better,
            "minimum": None if c.minimum is None else str(c.minimum),
            "national_threshold": None if c.national_threshold is None else str(c.national_threshold),
            "cap": None if c.cap is None else str(c.cap),
        }
        for c in criteria
    ]


def evaluation_run(*, actor: Any, scheme_id: int) -> EvaluationRun:
    require(actor, "evaluation.manage", None)
    scheme = EvaluationScheme.objects.filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFound(_("未找到该评估方案。"))
    criteria = list(scheme.criteria.all())
    keys = [c.indicator for c in criteria]
    reports = list(
        BaseReport.objects.filter(
            year=scheme.year,
            status=ReportStatus.ACCEPTED,
            base__base_type=scheme.base_type,
        )
        .exclude(base__status=BaseStatus.REVOKED)
        .select_related("base")
    )
    subjects = [
        Subject(
            id=r.base_id,
            cohort=scheme.base_type,
            group=str(r.base.field_id),
            values={k: None if (v := BY_KEY[k].value(r)) is None else float(v) for k in keys},
        )
        for r in reports
    ]
    levels = {r.base_id: r.base.level for r in reports}
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
    thresholds = {c.indicator: float(c.national_threshold) for c in criteria if c.national_threshold is not None}
    try:
        outcomes = evaluate(engine_criteria, subjects) if subjects else []
    except SchemeError as exc:
        raise _fail("criteria", str(exc)) from None
    with write_transaction():
        run = EvaluationRun.objects.create(
            scheme=scheme,
            ran_by=actor if getattr(actor, "is_authenticated", False) else None,
            criteria_snapshot=_snapshot(criteria),
            base_count=len(outcomes),
        )
        results = []
        for o in outcomes:
            reasons = o.reasons
            values = {r.key: r.value for r in reasons}
            ruling = rule(
                rank=o.rank,
                size=o.cohort_size,
                top_share=float(scheme.top_share),
                bottom_share=float(scheme.bottom_share),
                below_minimum=o.below_minimum,
                is_provincial=levels[o.subject_id] == BaseLevel.PROVINCIAL,
                values=values,
                national_thresholds=thresholds,
            )
            results.append(
                EvaluationResult(
                    run=run,
                    base_id=o.subject_id,
                    score=round(o.score, 6),
                    rank=o.rank,
                    cohort_size=o.cohort_size,
                    field_rank=o.group_rank,
                    field_size=o.group_size,
                    recommendation=ruling.recommendation,
                    grounds=ruling.grounds,
                    reasons=[
                        {
                            "indicator": r.key,
                            "value": r.value,
                            "normalised": round(r.normalised, 6),
                            "weight": round(r.weight, 6),
                            "contribution": round(r.contribution, 6),
                            "missing": r.missing,
                        }
                        for r in reasons
                    ],
                    sensitivity=[
                        {"indicator": s.key, "rank_if_lower": s.rank_if_lower, "rank_if_higher": s.rank_if_higher}
                        for s in o.sensitivity
                    ],
                )
            )
        EvaluationResult.objects.bulk_create(results, batch_size=500)
        audit_record(
            actor=actor,
            action="evaluation.run",
            instance=run,
            changes={"scheme": [None, scheme.pk], "bases": [None, len(results)]},
        )
    return run
