"""What every app's evaluation API shares: the fields of a criterion in and out, of a result's
reasons and ±10 % shifts, and the rows built from a scheme's criteria and a result's reasons.

An app subclasses each under its own name (one OpenAPI component per class name across the
platform) and, for a criterion's input, names its indicator catalogue and its normalisation enum.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

THRESHOLD_LIMIT = Decimal(10) ** 15


class CriterionInFields(Schema):
    indicator: str = Field(..., max_length=40)
    weight: Decimal = Field(..., gt=0, le=1000, max_digits=7, decimal_places=3)
    normalisation: str = "minmax"  # an app's Normalisation enum in its subclass
    higher_is_better: bool = True
    minimum: Decimal | None = Field(None, ge=0, lt=THRESHOLD_LIMIT, max_digits=17, decimal_places=2)
    national_threshold: Decimal | None = Field(None, ge=0, lt=THRESHOLD_LIMIT, max_digits=17, decimal_places=2)
    cap: Decimal | None = Field(None, gt=0, le=100, max_digits=5, decimal_places=2)


class CriterionOutFields(Schema):
    indicator: str
    label: str
    weight: Decimal
    normalisation: str
    higher_is_better: bool
    minimum: Decimal | None
    national_threshold: Decimal | None
    cap: Decimal | None


class ReasonOutFields(Schema):
    indicator: str
    label: str
    value: float | None
    normalised: float
    weight: float
    contribution: float
    missing: bool


class ShiftOutFields(Schema):
    indicator: str
    rank_if_lower: int
    rank_if_higher: int


def criteria_out(criteria: Iterable[Any], label: Callable[[str], str]) -> list[dict[str, Any]]:
    return [
        {
            "indicator": c.indicator,
            "label": label(c.indicator),
            "weight": c.weight,
            "normalisation": c.normalisation,
            "higher_is_better": c.higher_is_better,
            "minimum": c.minimum,
            "national_threshold": c.national_threshold,
            "cap": c.cap,
        }
        for c in criteria
    ]


def reasons_out(reasons: Iterable[dict[str, Any]], label: Callable[[str], str]) -> list[dict[str, Any]]:
    return [{**x, "label": label(x["indicator"])} for x in reasons]


def result_fields(r: Any, label: Callable[[str], str]) -> dict[str, Any]:
    """The fields of a result's output every app has (the app adds its subject's)."""
    return {
        "score": r.score,
        "rank": r.rank,
        "cohort_size": r.cohort_size,
        "recommendation": r.recommendation,
        "recommendation_label": str(r.get_recommendation_display()),
        "grounds": r.grounds,
        "reasons": reasons_out(r.reasons, label),
        "sensitivity": r.sensitivity,
    }
