"""The API of the market's statistics part: a year's technology-contract statistics (public) and
their XLSX workbook (operators: the office for all, a province for its own)."""

from decimal import Decimal
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from nesta.core import validators
from nesta.core.api_auth import api_user, login_required
from nesta.core.permissions import Target, require
from nesta.core.schemas import ErrorOut
from nesta.market import statistics_export
from nesta.market.selectors import statistics as selectors

router = Router(tags=["technology market"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 422: ErrorOut}


class StatisticsQuery(Schema):
    year: int | None = Field(
        None, ge=selectors.MIN_YEAR, le=selectors.MAX_YEAR, description="登记年度（北京时间）；缺省为有数据的最近一年"
    )
    province: str = Field(
        "", max_length=6, pattern=r"^(\d{6})?$", description="登记机构所在省的行政区划代码，如 210000；缺省为全部"
    )


class PreviousOut(Schema):
    contracts: int
    contract_amount: Decimal
    technology_amount: Decimal


class ChangeOut(Schema):
    contracts: Decimal | None = Field(..., description="合同数同比（%），上年为零时为 null")
    contract_amount: Decimal | None
    technology_amount: Decimal | None


class FiguresOut(Schema):
    key: str
    label: str
    contracts: int
    contract_amount: Decimal = Field(..., description="合同成交额（元）")
    technology_amount: Decimal = Field(..., description="技术交易额（元）")
    previous: PreviousOut = Field(..., description="上年同口径")
    yoy: ChangeOut


class FamilyOut(FiguresOut):
    children: list[FiguresOut] = Field(default_factory=list, description="细分合同类型")


class FlowsOut(Schema):
    province: str
    name: str
    output: list[FiguresOut] = Field(..., description="输出：卖方在本省的合同，按买方所在地")
    absorption: list[FiguresOut] = Field(..., description="吸纳：买方在本省的合同，按卖方所在地")


class StatisticsOut(Schema):
    year: int
    province: str | None
    province_name: str
    total: FiguresOut
    by_family: list[FamilyOut]
    by_field: list[FiguresOut]
    by_ip: list[FiguresOut]
    by_seller_nature: list[FiguresOut]
    by_buyer_nature: list[FiguresOut]
    by_plan: list[FiguresOut]
    by_month: list[FiguresOut]
    flows: list[FlowsOut] = Field(..., description="技术流向：所选省份，未选时为每个省份")
    years: list[int] = Field(..., description="有登记数据的年度")


def _statistics(query: StatisticsQuery) -> selectors.YearStatistics:
    province = query.province or None
    if province:
        validators.region_code(province, field="province", level="province")
    return selectors.year_statistics(query.year or selectors.default_year(), province)


@router.get(
    "/statistics",
    response={200: StatisticsOut, **ERRORS},
    summary="技术合同登记统计（公开）：按合同类型、技术领域、知识产权类型、买卖方性质、计划来源、月份和技术流向",
)
def statistics(request: HttpRequest, query: Query[StatisticsQuery]):
    api_user(request)  # a bad token is an error even on a public endpoint
    return _statistics(query).as_dict()


@router.get(
    "/statistics.xlsx",
    response={**ERRORS, 403: ErrorOut},
    auth=login_required,
    summary="技术合同登记统计 XLSX（办公室：全部；省厅：本省）",
    openapi_extra={
        "responses": {
            200: {
                "description": "XLSX",
                "content": {statistics_export.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def statistics_xlsx(request: HttpRequest, query: Query[StatisticsQuery]):
    user = api_user(request)
    # all provinces together is the office's; a province's staff export their own
    require(user, "statistics.export", Target(province_code=query.province))
    stats = _statistics(query)
    response = HttpResponse(statistics_export.statistics_xlsx(stats), content_type=statistics_export.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(statistics_export.statistics_filename(stats))}"
    )
    response["Cache-Control"] = "private, no-store"
    return response
