"""Typed API input and output of the bases (names prefixed: one OpenAPI component per class name)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from nesta.bases.indicators import BY_KEY, DERIVED, TYPED
from nesta.bases.models import (
    Base,
    BaseLevel,
    BaseReport,
    BaseStatus,
    BaseStatusChange,
    BaseType,
    EvaluationResult,
    EvaluationRun,
    EvaluationScheme,
    Normalisation,
)
from nesta.core.evaluation.schemas import (
    CriterionInFields,
    CriterionOutFields,
    ReasonOutFields,
    ShiftOutFields,
    criteria_out,
    result_fields,
)
from nesta.core.inputs import BoundedInt, CleanText

ID_MAX = 2_147_483_647
MONEY = {"ge": 0, "lt": Decimal(10) ** 14, "max_digits": 16, "decimal_places": 2}


class BaseOrgRef(Schema):
    id: int
    name: str


class BaseStatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    changed_on: date


class BaseOut(Schema):
    id: int
    name: str
    organization: BaseOrgRef
    host: BaseOrgRef
    province: str
    base_type: str
    base_type_label: str
    level: str
    level_label: str
    field: str
    field_name: str
    established_on: date
    director: str | None
    status: str
    status_label: str
    status_note: str


class BaseDetailOut(BaseOut):
    history: list[BaseStatusChangeOut]


class BasePageOut(Schema):
    items: list[BaseOut]
    next_cursor: str | None
    total: int | None


class BaseIn(Schema):
    organization: int = Field(..., ge=1, le=ID_MAX, description="基地本身在机构名录中的 id（工程中心/重点实验室）")
    host: int = Field(..., ge=1, le=ID_MAX, description="依托单位 id")
    base_type: BaseType
    level: BaseLevel
    field: CleanText(60, min_length=1, multiline=False) = Field(..., description="重点领域代码（三.2）")
    established_on: date
    director: int | None = Field(None, ge=1, le=ID_MAX, description="主任（人员 id）")


class BasePatch(Schema):
    organization: int | None = Field(None, ge=1, le=ID_MAX)
    host: int | None = Field(None, ge=1, le=ID_MAX)
    base_type: BaseType | None = None
    level: BaseLevel | None = None
    field: CleanText(60, min_length=1, multiline=False) | None = None
    established_on: date | None = None
    director: int | None = Field(None, ge=1, le=ID_MAX)


class BaseStatusIn(Schema):
    reason: CleanText(1000) = ""
    effective_on: date | None = None


class BaseQuery(Schema):
    base_type: BaseType | None = None
    level: BaseLevel | None = None
    status: BaseStatus | None = None
    province: str | None = Field(None, pattern=r"^\d{6}$")
    field: str | None = Field(None, max_length=60)
    host: int | None = Field(None, ge=1, le=ID_MAX)
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


class BaseReportIn(Schema):
    year: BoundedInt(2000, 2100)
    summary: CleanText(8000) = ""
    rd_spend: Decimal = Field(Decimal(0), **MONEY)
    fixed_staff: BoundedInt(0, 10_000_000) = 0
    senior_staff: BoundedInt(0, 10_000_000) = 0
    doctorate_staff: BoundedInt(0, 10_000_000) = 0
    projects: BoundedInt(0, 10_000_000) = 0
    funding_national: Decimal = Field(Decimal(0), **MONEY)
    funding_local: Decimal = Field(Decimal(0), **MONEY)
    funding_enterprise: Decimal = Field(Decimal(0), **MONEY)
    funding_other: Decimal = Field(Decimal(0), **MONEY)
    patents_applied: BoundedInt(0, 10_000_000) = 0
    patents_granted: BoundedInt(0, 10_000_000) = 0
    standards: BoundedInt(0, 10_000_000) = 0
    papers: BoundedInt(0, 10_000_000) = 0
    transfers: BoundedInt(0, 10_000_000) = 0
    transfer_income: Decimal = Field(Decimal(0), **MONEY)
    open_projects: BoundedInt(0, 10_000_000) = 0
    trainees: BoundedInt(0, 10_000_000) = 0


class BaseReportPatch(Schema):
    summary: CleanText(8000) | None = None
    rd_spend: Decimal | None = Field(None, **MONEY)
    fixed_staff: BoundedInt(0, 10_000_000) | None = None
    senior_staff: BoundedInt(0, 10_000_000) | None = None
    doctorate_staff: BoundedInt(0, 10_000_000) | None = None
    projects: BoundedInt(0, 10_000_000) | None = None
    funding_national: Decimal | None = Field(None, **MONEY)
    funding_local: Decimal | None = Field(None, **MONEY)
    funding_enterprise: Decimal | None = Field(None, **MONEY)
    funding_other: Decimal | None = Field(None, **MONEY)
    patents_applied: BoundedInt(0, 10_000_000) | None = None
    patents_granted: BoundedInt(0, 10_000_000) | None = None
    standards: BoundedInt(0, 10_000_000) | None = None
    papers: BoundedInt(0, 10_000_000) | None = None
    transfers: BoundedInt(0, 10_000_000) | None = None
    transfer_income: Decimal | None = Field(None, **MONEY)
    open_projects: BoundedInt(0, 10_000_000) | None = None
    trainees: BoundedInt(0, 10_000_000) | None = None


class BaseReportReasonIn(Schema):
    reason: CleanText(1000) = ""


class BaseReportOut(Schema):
    id: int
    base: BaseOrgRef
    year: int
    status: str
    status_label: str
    status_note: str
    summary: str
    typed: dict[str, Decimal | int]
    derived: dict[str, Decimal | int | None]
    derived_at: datetime | None
    submitted_at: datetime | None
    checked_at: datetime | None
    accepted_at: datetime | None
    returned_at: datetime | None


def _ref(org: Any) -> dict[str, Any]:
    return {"id": org.pk, "name": org.name}


def base_out(base: Base, history: list[BaseStatusChange] | None = None) -> dict[str, Any]:
    out = {
        "id": base.pk,
        "name": base.organization.name,
        "organization": _ref(base.organization),
        "host": _ref(base.host),
        "province": base.host.province.code,
        "base_type": base.base_type,
        "base_type_label": str(base.get_base_type_display()),
        "level": base.level,
        "level_label": str(base.get_level_display()),
        "field": base.field.code,
        "field_name": base.field.name,
        "established_on": base.established_on,
        "director": base.director.name if base.director_id else None,
        "status": base.status,
        "status_label": str(base.get_status_display()),
        "status_note": base.status_note,
    }
    if history is not None:
        out["history"] = [
            {"from_status": h.from_status, "to_status": h.to_status, "reason": h.reason, "changed_on": h.changed_on}
            for h in history
        ]
    return out


def report_out(report: BaseReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "base": _ref(report.base.organization),
        "year": report.year,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "status_note": report.status_note,
        "summary": report.summary,
        "typed": {i.key: getattr(report, i.key) for i in TYPED},
        "derived": {i.key: getattr(report, i.key) for i in DERIVED},
        "derived_at": report.derived_at,
        "submitted_at": report.submitted_at,
        "checked_at": report.checked_at,
        "accepted_at": report.accepted_at,
        "returned_at": report.returned_at,
    }


# --- evaluation --------------------------------------------------------------------------------


class EvaluationCriterionIn(CriterionInFields):
    indicator: str = Field(..., max_length=40, description="指标键（见 GET /api/v1/base-indicators）")
    normalisation: Normalisation = Normalisation.MINMAX


class EvaluationSchemeIn(Schema):
    base_type: BaseType
    year: BoundedInt(2000, 2100)
    name: CleanText(120, min_length=1, multiline=False)
    top_share: Decimal = Field(Decimal("0.2"), ge=0, le=1, max_digits=4, decimal_places=3)
    bottom_share: Decimal = Field(Decimal("0.1"), ge=0, le=1, max_digits=4, decimal_places=3)
    criteria: list[EvaluationCriterionIn] = Field(..., min_length=1, max_length=40)


class EvaluationCriterionOut(CriterionOutFields):
    pass


class EvaluationSchemeOut(Schema):
    id: int
    base_type: str
    year: int
    name: str
    top_share: Decimal
    bottom_share: Decimal
    criteria: list[EvaluationCriterionOut]
    latest_run: int | None


class EvaluationReasonOut(ReasonOutFields):
    pass


class EvaluationShiftOut(ShiftOutFields):
    pass


class EvaluationResultOut(Schema):
    base: BaseOrgRef
    base_id: int
    level: str
    province: str
    field: str
    score: float
    rank: int
    cohort_size: int
    field_rank: int | None
    field_size: int | None
    recommendation: str
    recommendation_label: str
    grounds: list[str]
    reasons: list[EvaluationReasonOut]
    sensitivity: list[EvaluationShiftOut]


class EvaluationRunOut(Schema):
    id: int
    scheme: int
    ran_at: datetime
    base_count: int
    results: list[EvaluationResultOut]


class BaseIndicatorOut(Schema):
    key: str
    label: str
    unit: str
    money: bool
    derived: bool
    computed: bool
    source: str


def scheme_out(scheme: EvaluationScheme, latest: int | None) -> dict[str, Any]:
    return {
        "id": scheme.pk,
        "base_type": scheme.base_type,
        "year": scheme.year,
        "name": scheme.name,
        "top_share": scheme.top_share,
        "bottom_share": scheme.bottom_share,
        "criteria": criteria_out(scheme.criteria.all(), _label),
        "latest_run": latest,
    }


def _label(key: str) -> str:
    return str(BY_KEY[key].label) if key in BY_KEY else key


def result_out(r: EvaluationResult) -> dict[str, Any]:
    base = r.base
    return {
        "base": _ref(base.organization),
        "base_id": base.pk,
        "level": base.level,
        "province": base.host.province.code,
        "field": base.field.name,
        "field_rank": r.field_rank,
        "field_size": r.field_size,
        **result_fields(r, _label),
    }


def run_out(run: EvaluationRun, results: list[EvaluationResult]) -> dict[str, Any]:
    return {
        "id": run.pk,
        "scheme": run.scheme_id,
        "ran_at": run.ran_at,
        "base_count": run.base_count,
        "results": [result_out(r) for r in results],
    }


class BaseImportRowErrorOut(Schema):
    row: int
    column: str
    message: str


class BaseImportOut(Schema):
    rows: int
    saved: int
    ids: list[int]
    dry_run: bool
    errors: list[BaseImportRowErrorOut]
