"""Typed API input and output of the incubators (names prefixed Incubator/Tenant: one OpenAPI
component per class name across the platform)."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Schema

from nesta.core.evaluation.schemas import (
    CriterionInFields,
    CriterionOutFields,
    ReasonOutFields,
    ShiftOutFields,
    criteria_out,
    result_fields,
)
from nesta.core.inputs import BoundedInt, CleanText
from nesta.zones.incubator_indicators import BY_KEY, DERIVED, SERVICES, TYPED
from nesta.zones.models import (
    Incubator,
    IncubatorKind,
    IncubatorLevel,
    IncubatorReport,
    IncubatorResult,
    IncubatorRun,
    IncubatorScheme,
    Normalisation,
    ReportStatus,
    Tenant,
)

ID_MAX = 2_147_483_647
MONEY = {"ge": 0, "lt": Decimal(10) ** 14, "max_digits": 16, "decimal_places": 2}
COUNT = BoundedInt(0, 10_000_000)
SPACE = BoundedInt(0, 10_000_000)


class IncubatorOrgRef(Schema):
    id: int
    name: str


class IncubatorOut(Schema):
    id: int
    name: str
    organization: IncubatorOrgRef
    province: str
    city: str | None
    kind: str
    kind_label: str
    level: str
    level_label: str
    zone: IncubatorOrgRef | None
    host: IncubatorOrgRef | None
    established_on: date
    space_m2: int
    services: list[str]
    service_labels: list[str]
    is_active: bool
    manager_name: str


class IncubatorPageOut(Schema):
    items: list[IncubatorOut]
    next_cursor: str | None
    total: int | None


class IncubatorQuery(Schema):
    zone: int | None = Field(None, ge=1, le=ID_MAX)
    kind: IncubatorKind | None = None
    level: IncubatorLevel | None = None
    province: str | None = Field(None, pattern=r"^\d{6}$")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


class IncubatorIn(Schema):
    organization: int = Field(
        ..., ge=1, le=ID_MAX, description="孵化器本身在机构名录中的 id（创业中心/孵化器、大学科技园）"
    )
    kind: IncubatorKind
    level: IncubatorLevel = IncubatorLevel.PROVINCIAL
    zone: int | None = Field(None, ge=1, le=ID_MAX, description="所在国家高新区（机构 id）")
    host: int | None = Field(None, ge=1, le=ID_MAX, description="依托单位（机构 id）")
    established_on: date
    space_m2: BoundedInt(1, 10_000_000)
    services: list[str] = Field(default_factory=list, max_length=len(SERVICES), description="服务内容代码")
    is_active: bool = True
    manager_name: CleanText(50, multiline=False) = ""


class IncubatorPatch(Schema):
    kind: IncubatorKind | None = None
    level: IncubatorLevel | None = None
    zone: int | None = Field(None, ge=1, le=ID_MAX)
    host: int | None = Field(None, ge=1, le=ID_MAX)
    established_on: date | None = None
    space_m2: BoundedInt(1, 10_000_000) | None = None
    services: list[str] | None = Field(None, max_length=len(SERVICES))
    is_active: bool | None = None
    manager_name: CleanText(50, multiline=False) | None = None


class TenantOut(Schema):
    id: int
    incubator: int
    name: str
    organization: IncubatorOrgRef | None
    founded_on: date
    field: str | None
    field_name: str | None
    is_private_tech: bool
    employees: int
    revenue: Decimal | None = Field(None, description="营业收入（元）；孵化器本身、所在省与办公室可见")
    space_m2: int
    entered_on: date
    graduated_on: date | None
    left_on: date | None
    present: bool


class TenantPageOut(Schema):
    items: list[TenantOut]
    next_cursor: str | None
    total: int | None


class TenantState(StrEnum):
    PRESENT = "present"
    GRADUATED = "graduated"
    LEFT = "left"


class TenantQuery(Schema):
    state: TenantState | None = Field(None, description="present 在孵 / graduated 已毕业 / left 已退出；不填为全部")
    q: CleanText(60, multiline=False) = Field("", description="企业名称的一部分")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=100)


class TenantIn(Schema):
    name: CleanText(120, min_length=1, multiline=False)
    organization: int | None = Field(None, ge=1, le=ID_MAX)
    founded_on: date
    field: CleanText(60, multiline=False) | None = Field(None, description="技术领域代码")
    is_private_tech: bool = False
    employees: COUNT = 0
    revenue: Decimal = Field(Decimal(0), **MONEY)
    space_m2: SPACE = 0
    entered_on: date
    graduated_on: date | None = None
    left_on: date | None = None


class TenantPatch(Schema):
    name: CleanText(120, min_length=1, multiline=False) | None = None
    organization: int | None = Field(None, ge=1, le=ID_MAX)
    founded_on: date | None = None
    field: CleanText(60, multiline=False) | None = None
    is_private_tech: bool | None = None
    employees: COUNT | None = None
    revenue: Decimal | None = Field(None, **MONEY)
    space_m2: SPACE | None = None
    entered_on: date | None = None
    graduated_on: date | None = None
    left_on: date | None = None


class IncubatorReportIn(Schema):
    year: BoundedInt(2000, 2100)
    summary: CleanText(8000) = ""
    space_occupied_m2: SPACE = 0
    staff: COUNT = 0
    mentors: COUNT = 0
    service_events: COUNT = 0
    investment_raised: Decimal = Field(Decimal(0), **MONEY)
    seed_fund: Decimal = Field(Decimal(0), **MONEY)
    tenant_patents: COUNT = 0
    income: Decimal = Field(Decimal(0), **MONEY)


class IncubatorReportPatch(Schema):
    summary: CleanText(8000) | None = None
    space_occupied_m2: SPACE | None = None
    staff: COUNT | None = None
    mentors: COUNT | None = None
    service_events: COUNT | None = None
    investment_raised: Decimal | None = Field(None, **MONEY)
    seed_fund: Decimal | None = Field(None, **MONEY)
    tenant_patents: COUNT | None = None
    income: Decimal | None = Field(None, **MONEY)


class IncubatorReportQuery(Schema):
    status: ReportStatus | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


class IncubatorReportPageOut(Schema):
    items: list["IncubatorReportOut"]
    next_cursor: str | None
    total: int | None


class IncubatorReportReasonIn(Schema):
    reason: CleanText(1000) = ""


class IncubatorReportOut(Schema):
    id: int
    incubator: IncubatorOrgRef
    incubator_id: int
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


def _ref(org: Any) -> dict[str, Any] | None:
    return None if org is None else {"id": org.pk, "name": org.name}


def incubator_out(i: Incubator) -> dict[str, Any]:
    org = i.organization
    return {
        "id": i.pk,
        "name": org.name,
        "organization": _ref(org),
        "province": org.province.code,
        "city": org.city.code if org.city_id else None,
        "kind": i.kind,
        "kind_label": str(i.get_kind_display()),
        "level": i.level,
        "level_label": str(i.get_level_display()),
        "zone": _ref(i.zone),
        "host": _ref(i.host),
        "established_on": i.established_on,
        "space_m2": i.space_m2,
        "services": list(i.services),
        "service_labels": [str(SERVICES[k]) for k in i.services if k in SERVICES],
        "is_active": i.is_active,
        "manager_name": i.manager_name,
    }


def tenant_out(t: Tenant, *, with_figures: bool) -> dict[str, Any]:
    return {
        "id": t.pk,
        "incubator": t.incubator_id,
        "name": t.name,
        "organization": _ref(t.organization),
        "founded_on": t.founded_on,
        "field": t.field.code if t.field_id else None,
        "field_name": t.field.name if t.field_id else None,
        "is_private_tech": t.is_private_tech,
        "employees": t.employees,
        "revenue": t.revenue if with_figures else None,
        "space_m2": t.space_m2,
        "entered_on": t.entered_on,
        "graduated_on": t.graduated_on,
        "left_on": t.left_on,
        "present": t.graduated_on is None and t.left_on is None,
    }


def report_out(report: IncubatorReport, derived: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": report.pk,
        "incubator": _ref(report.incubator.organization),
        "incubator_id": report.incubator_id,
        "year": report.year,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "status_note": report.status_note,
        "summary": report.summary,
        "typed": {i.key: getattr(report, i.key) for i in TYPED},
        "derived": {i.key: derived.get(i.key) for i in DERIVED},
        "derived_at": report.derived_at,
        "submitted_at": report.submitted_at,
        "checked_at": report.checked_at,
        "accepted_at": report.accepted_at,
        "returned_at": report.returned_at,
    }


def frozen_derived(report: IncubatorReport) -> dict[str, Any]:
    """The derived figures as stored: frozen on submission, None on a draft (lists read no tenants)."""
    return {i.key: getattr(report, i.key) for i in DERIVED}


# --- evaluation --------------------------------------------------------------------------------


class IncubatorCriterionIn(CriterionInFields):
    indicator: str = Field(..., max_length=40, description="指标键（见 GET /api/v1/incubator-indicators）")
    normalisation: Normalisation = Normalisation.MINMAX


class IncubatorSchemeIn(Schema):
    kind: IncubatorKind | None = Field(None, description="孵化器类型；不填为全部类型一并评估")
    year: BoundedInt(2000, 2100)
    name: CleanText(120, min_length=1, multiline=False)
    top_share: Decimal = Field(Decimal("0.2"), ge=0, le=1, max_digits=4, decimal_places=3)
    bottom_share: Decimal = Field(Decimal("0.1"), ge=0, le=1, max_digits=4, decimal_places=3)
    criteria: list[IncubatorCriterionIn] = Field(..., min_length=1, max_length=40)


class IncubatorCriterionOut(CriterionOutFields):
    pass


class IncubatorSchemeOut(Schema):
    id: int
    kind: str
    kind_label: str
    year: int
    name: str
    top_share: Decimal
    bottom_share: Decimal
    criteria: list[IncubatorCriterionOut]
    latest_run: int | None


class IncubatorReasonOut(ReasonOutFields):
    pass


class IncubatorShiftOut(ShiftOutFields):
    pass


class IncubatorResultOut(Schema):
    incubator: IncubatorOrgRef
    incubator_id: int
    kind: str
    level: str
    province: str
    zone: IncubatorOrgRef | None
    score: float
    rank: int
    cohort_size: int
    zone_rank: int | None
    zone_size: int | None
    recommendation: str
    recommendation_label: str
    grounds: list[str]
    reasons: list[IncubatorReasonOut]
    sensitivity: list[IncubatorShiftOut]


class IncubatorRunOut(Schema):
    id: int
    scheme: int
    ran_at: datetime
    incubator_count: int
    results: list[IncubatorResultOut]


class IncubatorIndicatorOut(Schema):
    key: str
    label: str
    unit: str
    money: bool
    derived: bool
    computed: bool


def _label(key: str) -> str:
    return str(BY_KEY[key].label) if key in BY_KEY else key


def scheme_out(scheme: IncubatorScheme, latest: int | None) -> dict[str, Any]:
    return {
        "id": scheme.pk,
        "kind": scheme.kind,
        "kind_label": str(scheme.get_kind_display()) if scheme.kind else _("全部类型"),
        "year": scheme.year,
        "name": scheme.name,
        "top_share": scheme.top_share,
        "bottom_share": scheme.bottom_share,
        "criteria": criteria_out(scheme.criteria.all(), _label),
        "latest_run": latest,
    }


def result_out(r: IncubatorResult) -> dict[str, Any]:
    i = r.incubator
    zone_rank = getattr(r, "zone_rank", None)
    return {
        "incubator": _ref(i.organization),
        "incubator_id": i.pk,
        "kind": i.kind,
        "level": i.level,
        "province": i.organization.province.code,
        "zone": _ref(i.zone),
        "zone_rank": zone_rank.rank if zone_rank else None,
        "zone_size": zone_rank.size if zone_rank else None,
        **result_fields(r, _label),
    }


def run_out(run: IncubatorRun, results: list[IncubatorResult]) -> dict[str, Any]:
    return {
        "id": run.pk,
        "scheme": run.scheme_id,
        "ran_at": run.ran_at,
        "incubator_count": run.incubator_count,
        "results": [result_out(r) for r in results],
    }
