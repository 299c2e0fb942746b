"""The programmes API: programmes (科技计划) and their budget lines (预算额度).

Programmes are public to read; creating and changing them and their budget lines is the
office's (`programme.manage`); reading budget lines is `budget.view` (a province its own)."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.inputs import BoundedInt, CleanText, RegionCode
from nesta.core.schemas import ErrorOut
from nesta.programmes.models import FundingPlanLine, Programme
from nesta.programmes.selectors import funding as reads
from nesta.programmes.services import funding as services

router = Router(tags=["programmes"])
ID_MAX = 2_147_483_647
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class FundingRef(Schema):
    code: str
    name: str


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    summary: str
    seed_section: str
    sort_order: int
    fields: list[FundingRef]


class ProgrammeIn(Schema):
    code: CleanText(40, min_length=1, multiline=False)
    name: CleanText(80, min_length=1, multiline=False)
    name_en: CleanText(160, multiline=False) = ""
    summary: CleanText(4000) = ""
    seed_section: CleanText(20, multiline=False) = ""
    sort_order: BoundedInt(0, 32000) = 0
    fields: list[CleanText(60, multiline=False)] = Field([], max_length=50)


class ProgrammePatch(Schema):
    code: CleanText(40, min_length=1, multiline=False) | None = None
    name: CleanText(80, min_length=1, multiline=False) | None = None
    name_en: CleanText(160, multiline=False) | None = None
    summary: CleanText(4000) | None = None
    seed_section: CleanText(20, multiline=False) | None = None
    sort_order: BoundedInt(0, 32000) | None = None
    fields: list[CleanText(60, multiline=False)] | None = Field(None, max_length=50)


class FundingBudgetLineOut(Schema):
    id: int
    year: int
    programme: FundingRef | None
    province: FundingRef | None
    field: FundingRef | None
    baseline_amount: Decimal
    additional_amount: Decimal
    total: Decimal
    note: str


class BudgetLineIn(Schema):
    year: BoundedInt(2000, 2100)
    programme: CleanText(40, multiline=False) | None = Field(None, description="计划代码；空 = 未分配到计划")
    province: RegionCode | None = Field(None, description="省份代码；空 = 未分省")
    field: CleanText(60, multiline=False) | None = Field(None, description="重点领域（一级）代码；空 = 不分领域")
    baseline_amount: Decimal = Field(..., ge=0, lt=Decimal(10) ** 14, max_digits=16, decimal_places=2)
    additional_amount: Decimal = Field(Decimal(0), ge=0, lt=Decimal(10) ** 14, max_digits=16, decimal_places=2)
    note: CleanText(200, multiline=False) = ""


class BudgetLinePatch(Schema):
    year: BoundedInt(2000, 2100) | None = None
    programme: CleanText(40, multiline=False) | None = None
    province: RegionCode | None = None
    field: CleanText(60, multiline=False) | None = None
    baseline_amount: Decimal | None = Field(None, ge=0, lt=Decimal(10) ** 14, max_digits=16, decimal_places=2)
    additional_amount: Decimal | None = Field(None, ge=0, lt=Decimal(10) ** 14, max_digits=16, decimal_places=2)
    note: CleanText(200, multiline=False) | None = None


class LinesQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    programme: str | None = Field(None, max_length=40)
    province: str | None = Field(None, pattern=r"^\d{6}$")


def _ref(x: Any) -> dict[str, str] | None:
    return {"code": x.code, "name": x.name} if x is not None else None


def programme_out(p: Programme) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "name_en": p.name_en,
        "summary": p.summary,
        "seed_section": p.seed_section,
        "sort_order": p.sort_order,
        "fields": [_ref(n) for n in p.fields.all()],
    }


def line_out(x: FundingPlanLine) -> dict[str, Any]:
    return {
        "id": x.pk,
        "year": x.year,
        "programme": _ref(x.programme),
        "province": _ref(x.province),
        "field": _ref(x.field),
        "baseline_amount": x.baseline_amount,
        "additional_amount": x.additional_amount,
        "total": x.total,
        "note": x.note,
    }


@router.get(
    "/programmes",
    response=list[ProgrammeOut],
    summary="科技计划（863计划、创新基金、农业转化资金、专项资金、高新区专项扶持与贴息）",
)
def list_programmes(request: HttpRequest):
    return [programme_out(p) for p in reads.programme_list()]


@router.post("/programmes", response={201: ProgrammeOut, **ERRORS}, summary="新增科技计划（领导小组办公室）")
def create_programme(request: HttpRequest, payload: ProgrammeIn):
    user = api_user_required(request)
    p = services.programme_create(actor=user, data=payload.model_dump())
    return Status(201, programme_out(reads.programme_get(programme_id=p.pk)))


@router.get("/programmes/{programme_id}", response={200: ProgrammeOut, **READ_ERRORS}, summary="科技计划详情")
def get_programme(request: HttpRequest, programme_id: int = Path(..., ge=1, le=ID_MAX)):
    return programme_out(reads.programme_get(programme_id=programme_id))


@router.patch(
    "/programmes/{programme_id}", response={200: ProgrammeOut, **ERRORS}, summary="修改科技计划（只改所给字段）"
)
def update_programme(request: HttpRequest, payload: ProgrammePatch, programme_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    services.programme_update(actor=user, programme_id=programme_id, data=payload.model_dump(exclude_unset=True))
    return programme_out(reads.programme_get(programme_id=programme_id))


@router.get(
    "/budget-lines",
    response={200: list[FundingBudgetLineOut], **READ_ERRORS},
    auth=login_required,
    summary="预算额度（按年度、计划、省份、重点领域；省科技厅只见本省）",
)
def list_budget_lines(request: HttpRequest, query: Query[LinesQuery]):
    user = api_user(request)
    lines = reads.budget_lines(viewer=user, year=query.year, programme=query.programme, province=query.province)
    return [line_out(x) for x in lines]


@router.post(
    "/budget-lines", response={201: FundingBudgetLineOut, **ERRORS}, summary="新增预算额度（年度×计划×省份×领域唯一）"
)
def create_budget_line(request: HttpRequest, payload: BudgetLineIn):
    user = api_user_required(request)
    line = services.budget_line_create(actor=user, data=payload.model_dump())
    return Status(201, line_out(reads.budget_line_get(viewer=user, line_id=line.pk)))


@router.get(
    "/budget-lines/{line_id}",
    response={200: FundingBudgetLineOut, **READ_ERRORS},
    auth=login_required,
    summary="预算额度详情",
)
def get_budget_line(request: HttpRequest, line_id: int = Path(..., ge=1, le=ID_MAX)):
    return line_out(reads.budget_line_get(viewer=api_user(request), line_id=line_id))


@router.patch(
    "/budget-lines/{line_id}",
    response={200: FundingBudgetLineOut, **ERRORS},
    summary="修改预算额度（只改所给字段；空值表示不限）",
)
def update_budget_line(request: HttpRequest, payload: BudgetLinePatch, line_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    services.budget_line_update(actor=user, line_id=line_id, data=payload.model_dump(exclude_unset=True))
    return line_out(reads.budget_line_get(viewer=user, line_id=line_id))
