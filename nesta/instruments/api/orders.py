"""Testing services and orders (分析测试) over the API: thin wrappers over
instruments.services.orders and instruments.selectors.orders."""

import inspect
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Path, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from nesta.core.api_auth import api_user, api_user_required
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.errors import NotFound
from nesta.core.inputs import BoundedInt
from nesta.core.lifecycle import Transition
from nesta.core.schemas import ErrorOut
from nesta.directory.schemas import ID_MAX
from nesta.instruments.lifecycles import TESTORDER
from nesta.instruments.models import ServiceItem, TestOrder
from nesta.instruments.selectors import orders as selectors
from nesta.instruments.services import orders as services

router = Router(tags=["testing orders"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
MONEY_MAX = Decimal("999999999999.99")


class ServiceItemIn(Schema):
    name: str = Field(..., min_length=1, max_length=120, description="例如 “SEM 形貌观察（每样）”")
    unit: ServiceItem.Unit = ServiceItem.Unit.SAMPLE
    internal_price: Decimal = Field(..., ge=0, le=MONEY_MAX, decimal_places=2, description="单位内价格(元)")
    external_price: Decimal = Field(..., ge=0, le=MONEY_MAX, decimal_places=2, description="对外价格(元)")
    description: str = Field("", max_length=5000)
    active: bool = True


class ServiceItemOut(Schema):
    id: int
    instrument_id: int
    name: str
    unit: str
    unit_display: str
    internal_price: Decimal
    external_price: Decimal
    description: str
    active: bool


class OrderIn(Schema):
    quantity: Decimal = Field(..., gt=0, le=Decimal("99999999.99"), decimal_places=2, description="样品数或机时")
    sample_description: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)
    account_id: BoundedInt(1, ID_MAX) | None = Field(
        None, description="经费账户 id（本单位的在用账户，见 GET /me/accounts）；不填为不指定"
    )


class QuoteIn(Schema):
    amount: Decimal = Field(..., ge=0, le=MONEY_MAX, decimal_places=2, description="报价(元)，可与标准价不同")
    note: str = Field("", max_length=300)


class OrderOut(Schema):
    id: int
    service_id: int
    service_name: str
    unit: str
    instrument_id: int
    instrument_name: str
    customer_id: int
    organization_id: int | None
    is_external: bool
    quantity: Decimal
    unit_price: Decimal
    list_amount: Decimal
    quoted_amount: Decimal | None
    quote_note: str
    sample_description: str
    notes: str
    status: str
    status_display: str
    created_at: datetime
    quoted_at: datetime | None
    confirmed_at: datetime | None
    received_at: datetime | None
    testing_at: datetime | None
    reported_at: datetime | None
    settled_at: datetime | None
    cancelled_at: datetime | None
    report_name: str | None
    report_url: str | None
    charge_id: int | None
    account_id: int | None = Field(None, description="经费账户")


def service_item_out(item: ServiceItem) -> dict:
    return {
        "id": item.pk,
        "instrument_id": item.instrument_id,
        "name": item.name,
        "unit": item.unit,
        "unit_display": str(item.get_unit_display()),
        "internal_price": item.internal_price,
        "external_price": item.external_price,
        "description": item.description,
        "active": item.active,
    }


def order_out(order: TestOrder) -> dict:
    charge = getattr(order, "charge", None) if order.status == TestOrder.Status.SETTLED else None
    return {
        "id": order.pk,
        "service_id": order.service_id,
        "service_name": order.service.name,
        "unit": order.service.unit,
        "instrument_id": order.instrument_id,
        "instrument_name": order.instrument.name,
        "customer_id": order.customer_id,
        "organization_id": order.organization_id,
        "is_external": order.is_external,
        "quantity": order.quantity,
        "unit_price": order.unit_price,
        "list_amount": order.list_amount,
        "quoted_amount": order.quoted_amount,
        "quote_note": order.quote_note,
        "sample_description": order.sample_description,
        "notes": order.notes,
        "status": order.status,
        "status_display": str(order.get_status_display()),
        "created_at": order.created_at,
        "quoted_at": order.quoted_at,
        "confirmed_at": order.confirmed_at,
        "received_at": order.received_at,
        "testing_at": order.testing_at,
        "reported_at": order.reported_at,
        "settled_at": order.settled_at,
        "cancelled_at": order.cancelled_at,
        "report_name": order.report_name or None,
        "report_url": f"/api/v1/orders/{order.pk}/report" if order.report else None,
        "charge_id": charge.pk if charge else None,
        "account_id": order.account_id,
    }


@router.get(
    "/instruments/{instrument_id}/services",
    response={200: list[ServiceItemOut], 401: ErrorOut, 404: ErrorOut},
    summary="仪器的测试服务项目（公开）",
)
def list_services(request: HttpRequest, instrument_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    return [service_item_out(i) for i in selectors.service_items_of(instrument_id=instrument_id)]


@router.post(
    "/instruments/{instrument_id}/services",
    response={201: ServiceItemOut, **ERRORS},
    summary="新增测试服务项目（仪器管理员）",
)
def create_service(request: HttpRequest, payload: ServiceItemIn, instrument_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    data = payload.model_dump()
    data["unit"] = payload.unit.value
    item = services.service_item_create(actor=user, instrument_id=instrument_id, data=data)
    return Status(201, service_item_out(item))


@router.post("/services/{service_id}/orders", response={201: OrderOut, **ERRORS}, summary="提交测试订单")
def submit_order(request: HttpRequest, payload: OrderIn, service_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    order = services.testorder_submit(
        actor=user,
        service_id=service_id,
        quantity=payload.quantity,
        sample_description=payload.sample_description,
        notes=payload.notes,
        account_id=payload.account_id,
    )
    return Status(201, order_out(selectors.testorder_get(actor=user, order_id=order.pk)))


@router.get("/orders/{order_id}", response={200: OrderOut, **ERRORS}, summary="测试订单详情")
def get_order(request: HttpRequest, order_id: int = Path(..., ge=1, le=ID_MAX)):
    return order_out(selectors.testorder_get(actor=api_user(request), order_id=order_id))


def _after(user, order_id: int) -> dict:
    return order_out(selectors.testorder_get(actor=user, order_id=order_id))


@router.get(
    "/orders/{order_id}/report",
    response={401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="下载检测报告（下单用户、其单位管理员、仪器管理员、办公室）",
    openapi_extra={
        "responses": {
            200: {
                "description": "the report file",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_report(request: HttpRequest, order_id: int = Path(..., ge=1, le=ID_MAX)):
    order = selectors.testorder_get(actor=api_user(request), order_id=order_id)
    if not order.report:
        raise NotFound(code="no_report")
    try:
        handle = order.report.open("rb")
    except FileNotFoundError:
        raise NotFound(code="no_report")
    response = FileResponse(handle, as_attachment=True, filename=order.report_name or "report")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the order's steps: one endpoint per offered transition of the table ------------------------


def _run(t: Transition, user: Any, order_id: int, **inputs: Any) -> dict:
    if t.name == "quote":
        payload: QuoteIn = inputs["payload"]
        services.testorder_quote(actor=user, order_id=order_id, amount=payload.amount, note=payload.note)
    elif t.name == "report":
        services.testorder_report(actor=user, order_id=order_id, file=inputs["file"])
    else:
        STEPS[t.name](actor=user, order_id=order_id)
    return _after(user, order_id)


# The steps that take nothing but the order.
STEPS = {
    "confirm": services.testorder_confirm,
    "receive": services.testorder_receive,
    "start": services.testorder_start,
    "settle": services.testorder_settle,
    "cancel": services.testorder_cancel,
}

transition_endpoints(
    router,
    TESTORDER,
    prefix="/orders",
    id_name="order_id",
    run=_run,
    response={200: OrderOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_order",
    module=__name__,
    inputs={
        "quote": [inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=QuoteIn)],
        "report": [inspect.Parameter("file", inspect.Parameter.KEYWORD_ONLY, annotation=File[UploadedFile])],
    },
)
