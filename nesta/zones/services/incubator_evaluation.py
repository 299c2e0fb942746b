"""Writes of the incubators' evaluation: the office's schemes and their runs, on the platform's one
engine (nesta.core.evaluation) exactly as the innovation bases' evaluation uses it.

A run reads the accepted reports of the scheme's year for active incubators of the scheme's kind
(every kind when the scheme names none), scores them as one cohort (group: the incubator's zone),
rules each one's recommendation (rules/incubator_recommendation.py) and freezes everything —
score, rank, reasons, ±10 % sensitivity, grounds, the criteria as they were — in one transaction.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.evaluation import Criterion, SchemeError, Subject, evaluate
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text
from nesta.zones.incubator_indicators import BY_KEY
from nesta.zones.models import (
    IncubatorCriterion,
    IncubatorKind,
    IncubatorLevel,
    IncubatorReport,
    IncubatorResult,
    IncubatorRun,
    IncubatorScheme,
    Normalisation,
    ReportStatus,
)
from nesta.zones.rules.incubator_recommendation import rule

CRITERIA_MAX = 40
WEIGHT_MAX = Decimal("1000")
THRESHOLD_MAX = Decimal(10) ** 15
ALL_KINDS = "all"  # the engine's cohort name of a scheme over every kind


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
        for name, maximum in (("minimum", THRESHOLD_MAX), ("national_threshold", THRESHOLD_MAX), ("cap", Decimal(100))):
            value = row.get(name)
            item[name] = (
                None
                if value is None
                else _decimal(value, f"{where}.{name}", minimum=Decimal(0), maximum=maximum, places=2)
            )
        if item["cap"] is not None and (item["cap"] <= 0 or normalisation != Normalisation.MEDIAN_RATIO):
            raise _fail(f"{where}.cap", _("比值上限只用于“与中位数之比”，且应大于 0。"))
        out.append(item)
    return out


def incubator_scheme_create(*, actor: Any, data: dict[str, Any]) -> IncubatorScheme:
    require(actor, "incubator_evaluation.manage", None)
    kind = data.get("kind") or ""
    if kind and kind not in IncubatorKind.values:
        raise _fail("kind", _("未知的孵化器类型。"))
    scheme = IncubatorScheme(
        kind=kind,
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
        IncubatorCriterion.objects.bulk_create([IncubatorCriterion(scheme=scheme, **c) for c in criteria])
        audit_record(
            actor=actor,
            action="incubator_scheme.created",
            instance=scheme,
            changes={"criteria": [None, [{k: str(v) for k, v in c.items()} for c in criteria]]},
        )
    return scheme


def _snapshot(criteria: list[IncubatorCriterion]) -> list[dict[str, Any]]:
    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return [
        {
            "indicator": c.indicator,
            "weight": str(c.weight),
            "normalisation": c.normalisation,
            "higher_is_better": c.higher_is_better,
            "minimum": text(c.minimum),
            "national_threshold": text(c.national_threshold),
            "cap": text(c.cap),
        }
        for c in criteria
    ]


def _value(key: str, report: IncubatorReport) -> float | None:
    value = BY_KEY[key].value(report)
    return None if value is None else float(value)


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
    cohort = scheme.kind or ALL_KINDS
    subjects = [
        Subject(
            id=r.incubator_id,
            cohort=cohort,
            group=None if r.incubator.zone_id is None else str(r.incubator.zone_id),
            values={k: _value(k, r) for k in keys},
        )
        for r in reports
    ]
    levels = {r.incubator_id: r.incubator.level for r in reports}
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
        run = IncubatorRun.objects.create(
            scheme=scheme,
            ran_by=actor if getattr(actor, "is_authenticated", False) else None,
            criteria_snapshot=_snapshot(criteria),
            incubator_count=len(outcomes),
        )
        results = []
        for o in outcomes:
            reasons = o.reasons
            ruling = rule(
                rank=o.rank,
                size=o.cohort_size,
                top_share=float(scheme.top_share),
                bottom_share=float(scheme.bottom_share),
                below_minimum=o.below_minimum,
                is_provincial=levels[o.subject_id] == IncubatorLevel.PROVINCIAL,
                values={r.key: r.value for r in reasons},
                national_thresholds=thresholds,
            )
            results.append(
                IncubatorResult(
                    run=run,
                    incubator_id=o.subject_id,
                    score=round(o.score, 6),
                    rank=o.rank,
                    cohort_size=o.cohort_size,
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
        IncubatorResult.objects.bulk_create(results, batch_size=500)
        audit_record(
            actor=actor,
            action="incubator_evaluation.run",
            instance=run,
            changes={"scheme": [None, scheme.pk], "incubators": [None, len(results)]},
        )
    return run
