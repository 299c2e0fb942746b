"""The API of technology contract registration: submission, the point's decision, the
certificate, the public verification of a number, and registration points.

Submission answers 422 with a field-specific `code` per broken rule (the first one as the error's
`code`, all of them in `details.codes`); the codes are listed in the endpoint's description
(services.contract_rules.CODES). The input types are kept loose where a rule has its own code
(codes as text, amounts as numbers or text), so the rule, not the parser, answers.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.errors import Conflict
from nesta.core.generic.download import content_disposition
from nesta.core.inputs import CleanText
from nesta.core.schemas import ErrorOut
from nesta.market import certificates
from nesta.market.lifecycles.contract import CONTRACT
from nesta.market.models import RefusalReason, RegistrationPoint, TechContract
from nesta.market.selectors import contracts as selectors
from nesta.market.services import contracts as services
from nesta.market.services import registration_points as point_services
from nesta.market.services.contract_rules import CODES

router = Router(tags=["technology contracts"])
ID_MAX = 2_147_483_647
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ContractId = Path(..., ge=1, le=ID_MAX)
Amount = Decimal | str | None


class CostIn(Schema):
    item: str = Field(
        ...,
        max_length=40,
        description="equipment 设备 / instruments 仪器 / components 零部件 / raw_materials 原材料 / other",
    )
    amount: Decimal | str = Field(..., description="金额（元），大于 0")
    note: str = Field("", max_length=200, description="说明（最多 60 字）")


class ContractIn(Schema):
    point_id: int | None = Field(None, ge=1, le=ID_MAX, description="登记点（卖方所在地）")
    name: str = Field("", max_length=1000, description="合同名称（最多 200 字）")
    contract_type: str = Field("", max_length=40, description="合同类型（《民法典》，含子类型），见 ContractType")
    listing_id: int | None = Field(None, ge=1, le=ID_MAX, description="对应的技术市场信息（登记后标记为已成交）")
    seller_organization_id: int | None = Field(None, ge=1, le=ID_MAX, description="卖方单位；缺省为本人所在单位")
    seller_name: str = Field("", max_length=1000, description="卖方名称；缺省为卖方单位名称")
    seller_nature: str = Field("", max_length=10, description="卖方性质代码，见 PartyNature")
    seller_region: str = Field("", max_length=20, description="卖方所在地 GB/T 2260 六位代码；缺省为卖方单位所在市")
    seller_country: str = Field("156", max_length=10, description="卖方国家 ISO 3166 数字代码（须为 156）")
    buyer_organization_id: int | None = Field(None, ge=1, le=ID_MAX)
    buyer_name: str = Field("", max_length=1000)
    buyer_nature: str = Field("", max_length=10)
    buyer_region: str = Field("", max_length=20, description="境内买方：GB/T 2260 六位代码")
    buyer_country: str = Field("156", max_length=10, description="ISO 3166 数字代码；境外买方不填 buyer_region")
    signed_on: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    tech_field: str = Field("", max_length=10, description="技术领域 01–11，见 TechField")
    field: str = Field("", max_length=60, description="重点领域（分类树代码，可选）")
    ip_type: str = Field("", max_length=30, description="知识产权类型，见 IPType（无则 none）")
    objective: str = Field("", max_length=10, description="社会经济目标代码 01–12")
    plan_source: str = Field("", max_length=20, description="计划来源，见 PlanSource")
    contract_amount: Amount = Field(None, description="合同成交额（元），大于 0，小于 10^12，最多两位小数")
    technology_amount: Amount = Field(None, description="技术交易额（元）= 合同成交额 − 非技术性费用合计")
    non_technical_costs: list[CostIn] = Field(
        default_factory=list, max_length=100, description="非技术性费用，最多 20 项"
    )
    expected_investment: Amount = Field(None, description="预计新增投资（元），仅技术转让合同且必填")
    expected_output: Amount = Field(None, description="预计新增产值（元），仅技术转让合同且必填")


class RefuseIn(Schema):
    reasons: list[str] = Field(default_factory=list, max_length=20, description="不予登记理由代码，见 RefusalReason")
    note: str = Field("", max_length=2000, description="说明（必填，最多 500 字）")


class PointRef(Schema):
    id: int
    name: str
    organization_id: int
    organization_name: str
    province: str
    city: str
    point_code: str
    decision_days: int
    is_active: bool


class CostOut(Schema):
    item: str
    amount: Decimal
    note: str = ""


class ContractOut(Schema):
    id: int
    status: str
    status_display: str
    number: str | None
    name: str
    contract_type: str
    contract_type_display: str
    point: PointRef
    listing_id: int | None
    seller_organization_id: int | None
    seller_name: str
    seller_nature: str
    seller_region: str
    seller_country: str
    buyer_organization_id: int | None
    buyer_name: str
    buyer_nature: str
    buyer_region: str
    buyer_country: str
    signed_on: date
    valid_from: date
    valid_until: date
    tech_field: str
    field: str | None
    ip_type: str
    objective: str
    plan_source: str
    contract_amount: Decimal
    technology_amount: Decimal
    non_technical_costs: list[CostOut]
    expected_investment: Decimal | None
    expected_output: Decimal | None
    submitted_at: datetime | None
    decision_due: date | None
    overdue: bool
    registered_at: datetime | None
    refused_at: datetime | None
    withdrawn_at: datetime | None
    refusal_reasons: list[str]
    refusal_note: str
    certificate_url: str | None
    verify_url: str | None


class ContractPage(Schema):
    items: list[ContractOut]
    next_cursor: str | None


class VerifyOut(Schema):
    number: str
    contract_type: str
    contract_type_display: str
    seller_name: str
    buyer_name: str
    contract_amount: Decimal
    technology_amount: Decimal
    registered_on: date


class ContractQuery(Schema):
    status: TechContract.Status | None = None
    point_id: int | None = Field(None, ge=1, le=ID_MAX)
    contract_type: str = Field("", max_length=40)
    year: int | None = Field(None, ge=2000, le=2100, description="登记年度")
    overdue: bool = Field(False, description="只看超过认定期限的待认定合同")
    number: str = Field("", max_length=14, pattern=r"^\d{0,14}$")
    mine: bool = Field(False, description="只看本单位作为卖方（或本人提交）的合同")
    cursor: CleanText(200) | None = None
    limit: int = Field(20, ge=1, le=100)


class PointIn(Schema):
    organization_id: int | None = Field(None, ge=1, le=ID_MAX, description="运营登记点的技术市场机构")
    name: str = Field("", max_length=1000)
    city: str = Field("", max_length=20, description="所在地级市 GB/T 2260 代码")
    point_code: str = Field("", max_length=10, description="两位数字，城市内唯一")
    decision_days: int = Field(30, ge=-(2**31), le=2**31 - 1, description="认定期限（日），1–180")
    is_active: bool = True


class PointPatch(Schema):
    organization_id: int | None = Field(None, ge=1, le=ID_MAX)
    name: str | None = Field(None, max_length=1000)
    city: str | None = Field(None, max_length=20)
    point_code: str | None = Field(None, max_length=10)
    decision_days: int | None = Field(None, ge=-(2**31), le=2**31 - 1)
    is_active: bool | None = None


class PointPage(Schema):
    items: list[PointRef]
    next_cursor: str | None


def point_out(p: RegistrationPoint) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "organization_id": p.organization_id,
        "organization_name": p.organization.name,
        "province": p.province.code,
        "city": p.city.code,
        "point_code": p.point_code,
        "decision_days": p.decision_days,
        "is_active": p.is_active,
    }


def _abs(request: HttpRequest, url: str) -> str:
    return request.build_absolute_uri(url)


def contract_out(request: HttpRequest, c: TechContract) -> dict[str, Any]:
    registered = c.status == TechContract.Status.REGISTERED
    return {
        "id": c.pk,
        "status": c.status,
        "status_display": str(c.get_status_display()),
        "number": c.number,
        "name": c.name,
        "contract_type": c.contract_type,
        "contract_type_display": str(c.get_contract_type_display()),
        "point": point_out(c.point),
        "listing_id": c.listing_id,
        "seller_organization_id": c.seller_organization_id,
        "seller_name": c.seller_name,
        "seller_nature": c.seller_nature,
        "seller_region": c.seller_region,
        "seller_country": c.seller_country,
        "buyer_organization_id": c.buyer_organization_id,
        "buyer_name": c.buyer_name,
        "buyer_nature": c.buyer_nature,
        "buyer_region": c.buyer_region,
        "buyer_country": c.buyer_country,
        "signed_on": c.signed_on,
        "valid_from": c.valid_from,
        "valid_until": c.valid_until,
        "tech_field": c.tech_field,
        "field": c.field.code if c.field_id else None,
        "ip_type": c.ip_type,
        "objective": c.objective,
        "plan_source": c.plan_source,
        "contract_amount": c.contract_amount,
        "technology_amount": c.technology_amount,
        "non_technical_costs": c.non_technical_costs,
        "expected_investment": c.expected_investment,
        "expected_output": c.expected_output,
        "submitted_at": c.submitted_at,
        "decision_due": c.decision_due,
        "overdue": bool(getattr(c, "is_overdue", False)),
        "registered_at": c.registered_at,
        "refused_at": c.refused_at,
        "withdrawn_at": c.withdrawn_at,
        "refusal_reasons": c.refusal_reasons,
        "refusal_note": c.refusal_note,
        "certificate_url": _abs(request, f"/api/v1/market/contracts/{c.pk}/certificate.pdf") if registered else None,
        "verify_url": _abs(request, reverse("market:contract_verify", args=[c.number])) if registered else None,
    }


_POINT_PREFIXES = ("organization_", "city_", "point_code_", "decision_days_", "is_active_")


def _codes_description(points: bool = False) -> str:
    """The 422 codes, from contract_rules.CODES: a submission's, or a registration point's."""

    def wanted(code: str) -> bool:
        if points:
            return code.startswith(_POINT_PREFIXES) or code in ("name_required", "name_invalid")
        return not code.startswith(("refusal_", *_POINT_PREFIXES))

    return "422 的 code（details.codes 给出每个字段的 code）：\n\n" + "\n".join(
        f"- `{code}`: {text}" for code, text in CODES.items() if wanted(code)
    )


@router.post(
    "/contracts",
    response={201: ContractOut, **ERRORS},
    summary="提交技术合同认定登记申请（卖方或运营方）",
    description=_codes_description(),
)
def submit_contract(request: HttpRequest, payload: ContractIn):
    data = payload.dict()
    data["non_technical_costs"] = [c.dict() for c in payload.non_technical_costs]
    contract = services.contract_submit(actor=api_user_required(request), data=data)
    return Status(201, contract_out(request, selectors.contract_get(user=request.auth, contract_id=contract.pk)))


@router.get(
    "/contracts",
    response={200: ContractPage, **READ_ERRORS},
    auth=login_required,
    summary="技术合同（登记点工作人员看本登记点的，卖方看本单位的；最新在前，按游标分页）",
)
def list_contracts(request: HttpRequest, filters: Query[ContractQuery]):
    page = selectors.contract_list(
        user=api_user(request),
        filters=selectors.ContractFilters(
            status=filters.status.value if filters.status else "",
            point_id=filters.point_id,
            contract_type=filters.contract_type,
            year=filters.year,
            overdue=filters.overdue,
            number=filters.number,
            mine=filters.mine,
        ),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [contract_out(request, c) for c in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/contracts/{number}/verify",
    response={200: VerifyOut, 404: ErrorOut},
    auth=None,
    summary="公开核验登记编号（只返回编号、类型、当事人名称、金额和登记日期；未知编号 404）",
)
def verify_contract(request: HttpRequest, number: str = Path(..., max_length=40)):
    c = selectors.contract_verify(number=number)
    return {
        "number": c.number,
        "contract_type": c.contract_type,
        "contract_type_display": str(c.get_contract_type_display()),
        "seller_name": c.seller_name,
        "buyer_name": c.buyer_name,
        "contract_amount": c.contract_amount,
        "technology_amount": c.technology_amount,
        "registered_on": certificates.local_date(c.registered_at),
    }


@router.get(
    "/contracts/{contract_id}",
    response={200: ContractOut, **READ_ERRORS},
    auth=login_required,
    summary="一份技术合同（登记点、卖方或提交人可见；其他人 404）",
)
def get_contract(request: HttpRequest, contract_id: int = ContractId):
    return contract_out(request, selectors.contract_get(user=api_user(request), contract_id=contract_id))


@router.get(
    "/contracts/{contract_id}/certificate.pdf",
    response={**READ_ERRORS, 409: ErrorOut, 503: ErrorOut},
    auth=login_required,
    summary="技术合同登记证明（PDF；仅已登记的合同，409 not_registered）",
    openapi_extra={
        "responses": {
            200: {
                "description": "技术合同登记证明（PDF，内嵌中文字体）",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def contract_certificate(request: HttpRequest, contract_id: int = ContractId):
    contract = selectors.contract_get(user=api_user(request), contract_id=contract_id)
    if contract.status != TechContract.Status.REGISTERED:
        raise Conflict(certificates.NOT_REGISTERED, code="not_registered")
    verify = _abs(request, reverse("market:contract_verify", args=[contract.number]))
    response = HttpResponse(certificates.certificate_pdf(contract, verify_url=verify), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        f"技术合同登记证明-{contract.number}.pdf", fallback=f"certificate-{contract.number}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _decided(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    return contract_out(request, selectors.contract_get(user=api_user(request), contract_id=contract_id))


# The lifecycle's offered transitions (register, refuse, withdraw), each its own endpoint.
@router.post(
    "/contracts/{contract_id}/register",
    response={200: ContractOut, **ERRORS},
    summary=str(CONTRACT.transition("register").summary),
)
def register_contract(request: HttpRequest, contract_id: int = ContractId):
    services.contract_register(actor=api_user_required(request), contract_id=contract_id)
    return _decided(request, contract_id)


@router.post(
    "/contracts/{contract_id}/refuse",
    response={200: ContractOut, **ERRORS},
    summary=str(CONTRACT.transition("refuse").summary),
    description="422 的 code："
    + "、".join(f"`{c}`" for c in CODES if c.startswith("refusal_"))
    + "。理由代码："
    + ", ".join(f"`{k}` {v}" for k, v in RefusalReason.choices),
)
def refuse_contract(request: HttpRequest, payload: RefuseIn, contract_id: int = ContractId):
    services.contract_refuse(
        actor=api_user_required(request), contract_id=contract_id, reasons=payload.reasons, note=payload.note
    )
    return _decided(request, contract_id)


@router.post(
    "/contracts/{contract_id}/withdraw",
    response={200: ContractOut, **ERRORS},
    summary=str(CONTRACT.transition("withdraw").summary),
)
def withdraw_contract(request: HttpRequest, contract_id: int = ContractId):
    services.contract_withdraw(actor=api_user_required(request), contract_id=contract_id)
    return _decided(request, contract_id)


# --- registration points --------------------------------------------------------------------


@router.get("/registration-points", response={200: list[PointRef]}, auth=None, summary="启用的技术合同登记点")
def list_points(request: HttpRequest):
    return [point_out(p) for p in selectors.registration_points()]


@router.get(
    "/registration-points/manage",
    response={200: PointPage, **READ_ERRORS},
    auth=login_required,
    summary="登记点管理列表（运营方：办公室全部，省科技厅本省；含停用）",
)
def manage_points(request: HttpRequest, cursor: CleanText(200) | None = None, limit: int = Query(50, ge=1, le=100)):
    page = selectors.registration_point_page(user=api_user(request), cursor=cursor, limit=limit)
    return {"items": [point_out(p) for p in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/registration-points",
    response={201: PointRef, **ERRORS},
    summary="新增技术合同登记点（运营方，registration_point.manage）",
    description=_codes_description(points=True),
)
def create_point(request: HttpRequest, payload: PointIn):
    point = point_services.registration_point_create(actor=api_user_required(request), data=payload.dict())
    return Status(201, point_out(point))


@router.patch(
    "/registration-points/{point_id}",
    response={200: PointRef, **ERRORS},
    summary="修改技术合同登记点（已登记过合同的，城市和代码不能改）",
    description=_codes_description(points=True),
)
def update_point(request: HttpRequest, payload: PointPatch, point_id: int = ContractId):
    data = payload.dict(exclude_unset=True)
    point = point_services.registration_point_update(actor=api_user_required(request), point_id=point_id, data=data)
    return point_out(point)
