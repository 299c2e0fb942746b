"""What every app's evaluation service shares: a scheme's input checked (its shares, its criteria
against the app's indicator catalogue), its criteria turned into the engine's, the snapshot a run
freezes, and one cohort scored, ranked and ruled (engine.score_cohort, then rules.rule_cohort).

An app keeps what differs: its indicator catalogue, its subject (a base, an incubator), how it
reads a year's figures into a matrix, and how it stores its results.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import numpy as np
from django.db import IntegrityError
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, ValidationFailed
from nesta.core.evaluation.engine import NORMALISATIONS, Criterion, SchemeError, Scored, score_cohort
from nesta.core.evaluation.rules import CohortRuling, rule_cohort
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text

CRITERIA_MAX = 40
WEIGHT_MAX = Decimal("1000")
THRESHOLD_MAX = Decimal(10) ** 15
DEFAULT_NORMALISATION = "minmax"


def fail(field: str, message: str, code: str = "invalid_scheme") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def decimal_in(value: Any, field: str, *, minimum: Decimal, maximum: Decimal, places: int) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise fail(field, _("应为数值。"))
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise fail(field, _("应为数值。")) from None
    if not number.is_finite() or not minimum <= number <= maximum:
        raise fail(field, _("应在 %(a)s 到 %(b)s 之间。") % {"a": minimum, "b": maximum})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise fail(field, _("最多 %(n)d 位小数。") % {"n": places})
    return number


def scheme_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The fields every scheme has: year, name, top and bottom shares (their sum at most 1)."""
    year = bounded_int(data.get("year"), field="year", minimum=2000, maximum=2100)
    name = clean_text(data.get("name"), field="name", max_length=120, required=True, multiline=False)
    top = decimal_in(data.get("top_share", "0.2"), "top_share", minimum=Decimal(0), maximum=Decimal(1), places=3)
    bottom = decimal_in(
        data.get("bottom_share", "0.1"), "bottom_share", minimum=Decimal(0), maximum=Decimal(1), places=3
    )
    if top + bottom > 1:
        raise fail("bottom_share", _("重点支持与整改比例之和不能超过 1。"))
    return {"year": year, "name": name, "top_share": top, "bottom_share": bottom}


def clean_criteria(rows: Any, indicators: Collection[str]) -> list[dict[str, Any]]:
    """The scheme's criteria, each a dict of a criterion model's fields (sort_order = position);
    `indicators` are the keys of the app's catalogue."""
    if not isinstance(rows, list) or not 1 <= len(rows) <= CRITERIA_MAX:
        raise fail("criteria", _("应为 1 到 %(n)d 项指标。") % {"n": CRITERIA_MAX})
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        where = f"criteria.{i}"
        if not isinstance(row, dict):
            raise fail(where, _("应为对象。"))
        key = row.get("indicator")
        if not isinstance(key, str) or key not in indicators:
            raise fail(f"{where}.indicator", _("未知的指标。"), "unknown_indicator")
        if key in seen:
            raise fail(f"{where}.indicator", _("指标重复。"), "duplicate_indicator")
        seen.add(key)
        normalisation = row.get("normalisation", DEFAULT_NORMALISATION)
        if normalisation not in NORMALISATIONS:
            raise fail(f"{where}.normalisation", _("未知的标准化方法。"))
        higher = row.get("higher_is_better", True)
        if not isinstance(higher, bool):
            raise fail(f"{where}.higher_is_better", _("应为是或否。"))
        item: dict[str, Any] = {
            "indicator": key,
            "weight": decimal_in(
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
                else decimal_in(value, f"{where}.{name}", minimum=Decimal(0), maximum=maximum, places=2)
            )
        if item["cap"] is not None and (item["cap"] <= 0 or normalisation != "median_ratio"):
            raise fail(f"{where}.cap", _("比值上限只用于“与中位数之比”，且应大于 0。"))
        out.append(item)
    return out


def save_scheme(scheme: Any, criterion_model: Any, criteria: list[dict[str, Any]], *, actor: Any, action: str) -> None:
    """Save a checked scheme with its criteria and the audit row, in one transaction; a scheme of the
    same name for the same year and cohort is a Conflict."""
    with write_transaction():
        try:
            scheme.save()
        except IntegrityError:
            raise Conflict(
                _("同一年度、同一类型已有同名方案。"), code="scheme_exists", details={"field": "name"}
            ) from None
        criterion_model.objects.bulk_create([criterion_model(scheme=scheme, **c) for c in criteria])
        audit_record(
            actor=actor,
            action=action,
            instance=scheme,
            changes={"criteria": [None, [{k: str(v) for k, v in c.items()} for c in criteria]]},
        )


class SchemeCriterionLike(Protocol):
    """A stored criterion (core.evaluation.models.CriterionBase)."""

    indicator: str
    weight: Decimal
    normalisation: str
    higher_is_better: bool
    minimum: Decimal | None
    national_threshold: Decimal | None
    cap: Decimal | None


def engine_criteria(criteria: Sequence[SchemeCriterionLike]) -> list[Criterion]:
    return [
        Criterion(
            key=c.indicator,
            weight=float(c.weight),
            normalisation=c.normalisation,  # type: ignore[arg-type]  # one of NORMALISATIONS (checked on input)
            higher_is_better=c.higher_is_better,
            minimum=None if c.minimum is None else float(c.minimum),
            cap=None if c.cap is None else float(c.cap),
        )
        for c in criteria
    ]


def snapshot(criteria: Sequence[SchemeCriterionLike], shares: Sequence[float] | None = None) -> list[dict[str, Any]]:
    """The criteria as a run freezes them; with `shares`, each criterion's share of the total weight
    (what a packed trace's reasons are read against)."""

    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    out = []
    for j, c in enumerate(criteria):
        row: dict[str, Any] = {"indicator": c.indicator, "weight": str(c.weight)}
        if shares is not None:
            row["share"] = shares[j]
        row.update(
            normalisation=c.normalisation,
            higher_is_better=c.higher_is_better,
            minimum=text(c.minimum),
            national_threshold=text(c.national_threshold),
            cap=text(c.cap),
        )
        out.append(row)
    return out


def weight_shares(criteria: Sequence[SchemeCriterionLike]) -> list[float]:
    """The weights' shares (what the engine gives when there are subjects to score)."""
    weights = np.array([float(c.weight) for c in criteria])
    return (weights / weights.sum()).tolist() if len(criteria) else []


@dataclass(frozen=True)
class Evaluated:
    """One cohort scored and ruled, rows in the caller's order; `order` lists them best first (equal
    ranks by subject id), the order results are stored and read in."""

    scored: Scored
    ruled: CohortRuling
    order: np.ndarray


def evaluate_cohort(
    criteria: Sequence[SchemeCriterionLike],
    *,
    ids: Sequence[int],
    raw: np.ndarray,
    provincial: Sequence[bool],
    top_share: float,
    bottom_share: float,
    groups: np.ndarray | None = None,
    sensitivity: bool = True,
) -> Evaluated:
    """Score the cohort (raw[subject, criterion], NaN = not reported; optional group codes), rank it
    and rule every subject; a scheme the engine refuses is a ValidationFailed on `criteria`."""
    try:
        scored = score_cohort(engine_criteria(criteria), raw, groups, sensitivity=sensitivity)
    except SchemeError as exc:
        raise fail("criteria", str(exc)) from None
    thresholds = [(j, float(c.national_threshold)) for j, c in enumerate(criteria) if c.national_threshold is not None]
    ruled = rule_cohort(
        ranks=scored.ranks,
        size=len(ids),
        top_share=top_share,
        bottom_share=bottom_share,
        keys=scored.keys,
        below=scored.below,
        provincial=np.asarray(provincial, dtype=bool).reshape(len(ids)),
        raw=scored.raw,
        thresholds=thresholds,
    )
    order = np.lexsort((np.asarray(ids, dtype=np.int64), scored.ranks))
    return Evaluated(scored=scored, ruled=ruled, order=order)
