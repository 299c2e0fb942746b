"""开放共享评价 over the API: public figures per instrument and organisation, the regional ranking
and its XLSX export (thin wrappers over instruments.selectors.openness)."""

from decimal import Decimal
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from pydantic import Field

from nesta.core.api_auth import api_user
from nesta.core.models import Region
from nesta.core.schemas import ErrorOut
from nesta.directory.schemas import ID_MAX
from nesta.instruments import exports
from nesta.instruments.selectors import openness as selectors
from nesta.instruments.selectors.openness import LOCAL, InstrumentOpenness, OrganizationOpenness

router = Router(tags=["openness"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _this_year() -> int:
    return timezone.now().astimezone(LOCAL).year


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="自然年（北京时间）；缺省为今年")


class RankingQuery(YearQuery):
    province: str = Field("", max_length=6, description="省级行政区划代码（机构所在省），如 210000")


class Criteria(Schema):
    open: bool
    booking_policy: bool
    fee_schedule: bool
    manager: bool
    no_unrecorded_use: bool


class InstrumentOpennessOut(Schema):
    id: int
    name: str
    owner_id: int
    owner_name: str
    province_code: str
    original_value: Decimal
    is_specialised: bool
    qualifies: bool = Field(..., description="原值 ≥ 500,000 元：参加评价")
    benchmark_hours: Decimal = Field(..., description="基准机时：名义基准按故障停机时长折算")
    nominal_benchmark_hours: Decimal = Field(..., description="名义基准机时：通用 1400，专用 800")
    downtime_hours: Decimal = Field(..., description="年内故障停机时长（小时）")
    shutdown_count: int
    effective_hours: Decimal = Field(..., description="有效机时（使用记录，跨年按年界截取）")
    external_hours: Decimal = Field(..., description="对外服务机时")
    sharing_rate: Decimal = Field(..., description="共享率 = 对外服务机时 ÷ 有效机时")
    utilisation: Decimal = Field(..., description="利用率 = 有效机时 ÷ 基准机时")
    income_internal: Decimal
    income_external: Decimal
    session_count: int
    external_session_count: int
    charge_count: int
    unrecorded_session_count: int
    criteria: Criteria
    sources_url: str = Field(..., description="逐条使用记录与费用的编号（可追溯）")


class InstrumentOpennessDetail(InstrumentOpennessOut):
    year: int
    usage_session_ids: list[int]
    charge_ids: list[int]


class ScoresOut(Schema):
    operation: Decimal = Field(..., description="运行使用（40分）")
    sharing: Decimal = Field(..., description="共享服务成效（20分）")
    management: Decimal = Field(..., description="组织管理（40分）")
    total: Decimal


class OrganizationOpennessOut(Schema):
    organization_id: int
    organization_name: str
    province_code: str
    province_name: str
    year: int
    rank: int | None
    instrument_count: int
    effective_hours: Decimal
    external_hours: Decimal
    sharing_rate: Decimal
    mean_utilisation: Decimal
    income_internal: Decimal
    income_external: Decimal
    criteria_met: dict[str, int]
    scores: ScoresOut


class OrganizationOpennessDetail(OrganizationOpennessOut):
    instruments: list[InstrumentOpennessOut]


class RankingOut(Schema):
    year: int
    province: str
    formula: str
    items: list[OrganizationOpennessOut]


FORMULA = (
    "运行使用 = 40 × 平均(min(1, 有效机时 ÷ 基准机时))；共享服务成效 = 20 × min(1, 共享率 ÷ 0.30)，"
    "共享率 = Σ对外服务机时 ÷ Σ有效机时；组织管理 = Σ 8 × 满足该项的仪器占比（对外开放、预约规则、收费标准、"
    "仪器管理员、无未登记使用）。见 docs/openness.md"
)


def instrument_out(item: InstrumentOpenness, year: int) -> dict:
    return {
        "id": item.id,
        "name": item.name,
        "owner_id": item.owner_id,
        "owner_name": item.owner_name,
        "province_code": item.province_code,
        "original_value": item.original_value,
        "is_specialised": item.is_specialised,
        "qualifies": item.qualifies,
        "benchmark_hours": item.benchmark_hours,
        "nominal_benchmark_hours": item.nominal_benchmark_hours,
        "downtime_hours": item.downtime_hours,
        "shutdown_count": item.shutdown_count,
        "effective_hours": item.effective_hours,
        "external_hours": item.external_hours,
        "sharing_rate": item.sharing_rate,
        "utilisation": item.utilisation,
        "income_internal": item.income_internal,
        "income_external": item.income_external,
        "session_count": item.session_count,
        "external_session_count": item.external_session_count,
        "charge_count": item.charge_count,
        "unrecorded_session_count": item.unrecorded_session_count,
        "criteria": item.criteria,
        "sources_url": f"/api/v1/instruments/{item.id}/openness?year={year}",
    }


def organization_out(org: OrganizationOpenness, *, with_instruments: bool) -> dict:
    data = {
        "organization_id": org.organization_id,
        "organization_name": org.organization_name,
        "province_code": org.province_code,
        "province_name": org.province_name,
        "year": org.year,
        "rank": org.rank,
        "instrument_count": org.instrument_count,
        "effective_hours": org.effective_hours,
        "external_hours": org.external_hours,
        "sharing_rate": org.sharing_rate,
        "mean_utilisation": org.mean_utilisation,
        "income_internal": org.income_internal,
        "income_external": org.income_external,
        "criteria_met": org.criteria_met,
        "scores": {
            "operation": org.scores.operation,
            "sharing": org.scores.sharing,
            "management": org.scores.management,
            "total": org.scores.total,
        },
    }
    if with_instruments:
        data["instruments"] = [instrument_out(i, org.year) for i in org.instruments]
    return data


@router.get(
    "/instruments/{instrument_id}/openness",
    response={200: InstrumentOpennessDetail, **ERRORS},
    summary="仪器开放共享评价指标（公开；含来源记录编号）",
)
def instrument_openness(request: HttpRequest, query: Query[YearQuery], instrument_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    year = query.year or _this_year()
    item = selectors.instrument_openness(instrument_id=instrument_id, year=year)
    return {
        **instrument_out(item, year),
        "year": year,
        "usage_session_ids": item.usage_session_ids or [],
        "charge_ids": item.charge_ids or [],
    }


@router.get(
    "/organizations/{org_id}/openness",
    response={200: OrganizationOpennessDetail, **ERRORS},
    summary="单位开放共享评价（公开；运行使用40 + 共享服务成效20 + 组织管理40）",
)
def organization_openness(request: HttpRequest, query: Query[YearQuery], org_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    year = query.year or _this_year()
    return organization_out(selectors.organization_openness(organization_id=org_id, year=year), with_instruments=True)


@router.get(
    "/openness/ranking",
    response={200: RankingOut, **ERRORS},
    summary="全区域开放共享评价排名（公开）",
)
def ranking(request: HttpRequest, query: Query[RankingQuery]):
    api_user(request)
    year = query.year or _this_year()
    items = selectors.openness_ranking(year=year, province=query.province or None)
    return {
        "year": year,
        "province": query.province,
        "formula": FORMULA,
        "items": [organization_out(o, with_instruments=False) for o in items],
    }


@router.get(
    "/openness/ranking.xlsx",
    response={400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    summary="开放共享评价排名 XLSX（排名 + 仪器明细）",
    openapi_extra={
        "responses": {
            200: {
                "description": "XLSX",
                "content": {exports.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def ranking_xlsx(request: HttpRequest, query: Query[RankingQuery]):
    api_user(request)
    year = query.year or _this_year()
    items = selectors.openness_ranking(year=year, province=query.province or None)
    province_name = ""
    if query.province:
        province_name = Region.objects.filter(code=query.province).values_list("name", flat=True).first() or ""
    body = exports.ranking_xlsx(items, year=year, province_name=province_name)
    response = HttpResponse(body, content_type=exports.XLSX_CONTENT_TYPE)
    filename = f"{year}年度开放共享评价排名{province_name}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
