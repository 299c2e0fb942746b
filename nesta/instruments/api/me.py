"""What the caller has (issue 8): GET /me/bookings and GET /me/orders, newest first, cursor-paged
(nesta.core.pagination). Thin wrappers over selectors.booking_reads."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from nesta.core.api_auth import api_user, login_required
from nesta.core.inputs import AwareDateTime, CleanText
from nesta.directory.schemas import ID_MAX
from nesta.instruments.api.bookings import READ_ERRORS, BookingOut, booking_out, list_filters, page_out
from nesta.instruments.api.orders import OrderOut, order_out
from nesta.instruments.models import Booking, TestOrder
from nesta.instruments.selectors import booking_reads as reads

router = Router(tags=["me"])


class MyBookingsQuery(Schema):
    status: Booking.Status | None = Field(None, description="按状态筛选")
    instrument: int | None = Field(None, ge=1, le=ID_MAX, description="仪器 id")
    start: AwareDateTime | None = Field(None, alias="from", description="与此时刻之后重叠（ISO 8601，带时区）")
    end: AwareDateTime | None = Field(None, alias="to", description="与此时刻之前重叠")
    cursor: CleanText(200) | None = None
    limit: int = Field(20, ge=1, le=100)


class MyOrdersQuery(Schema):
    status: TestOrder.Status | None = Field(None, description="按状态筛选")
    cursor: CleanText(200) | None = None
    limit: int = Field(20, ge=1, le=100)


class BookingPage(Schema):
    items: list[BookingOut]
    next_cursor: str | None


class OrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None


@router.get(
    "/me/bookings",
    response={200: BookingPage, **READ_ERRORS},
    auth=login_required,
    summary="我的预约（最新在前，按游标分页；可按状态、仪器、时段筛选）",
)
def list_my_bookings(request: HttpRequest, filters: Query[MyBookingsQuery]):
    page = reads.my_bookings_page(actor=api_user(request), instrument_id=filters.instrument, **list_filters(filters))
    return page_out(page, booking_out)


@router.get(
    "/me/orders",
    response={200: OrderPage, **READ_ERRORS},
    auth=login_required,
    summary="我的测试订单（最新在前，按游标分页；可按状态筛选）",
)
def list_my_orders(request: HttpRequest, filters: Query[MyOrdersQuery]):
    return page_out(reads.my_orders_page(actor=api_user(request), **list_filters(filters)), order_out)
