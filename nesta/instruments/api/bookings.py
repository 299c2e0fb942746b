"""Bookings over the API: thin wrappers over instruments.services.booking."""

import inspect
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, model_validator

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.inputs import AwareDateTime, BoundedInt, CleanText
from nesta.core.lifecycle import Transition
from nesta.core.schemas import ErrorOut
from nesta.directory.schemas import ID_MAX
from nesta.instruments import services
from nesta.instruments.lifecycles import BOOKING, cancel_deadline
from nesta.instruments.models import Booking
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors import booking_reads as reads

router = Router(tags=["bookings"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class BookingIn(Schema):
    start: AwareDateTime = Field(..., description="ISO 8601 with time zone, e.g. 2026-12-01T09:00:00+08:00")
    end: AwareDateTime
    purpose: CleanText(300) = ""  # no control characters: the managers read it on their calendar
    weeks: int = Field(1, ge=1, le=52, description="大于1时按周重复；冲突日期跳过并在 skipped 中说明")
    on_behalf_of: BoundedInt(1, ID_MAX) | None = Field(
        None, description="代为预约：用户 id（仅仪器管理方；按该用户的培训、限额、审批规则）"
    )
    account_id: BoundedInt(1, ID_MAX) | None = Field(
        None, description="经费账户 id（预约人所在单位的在用账户，见 GET /me/accounts）；不填为不指定"
    )


class BookingPatch(Schema):
    """A move or resize: the new start and/or end (an omitted one stays as it is)."""

    start: AwareDateTime | None = Field(None, description="新的开始（ISO 8601，带时区）")
    end: AwareDateTime | None = Field(None, description="新的结束（ISO 8601，带时区）")

    @model_validator(mode="after")
    def _one_of(self) -> "BookingPatch":
        if self.start is None and self.end is None:
            raise ValueError("start or end is required")
        return self


class BookingOut(Schema):
    id: int
    instrument_id: int
    user_id: int
    organization_id: int | None
    start: datetime
    end: datetime
    purpose: str
    status: str
    status_display: str
    is_external: bool
    series: str | None
    booked_by_id: int | None = Field(description="代为预约的管理员（本人预约时为空）")
    account_id: int | None = Field(description="经费账户")
    flag: str = Field(description="提示（如与停机时段重叠）")
    cancel_deadline: datetime = Field(description="此前取消不计逾期取消")


class AccountRef(Schema):
    id: int
    code: str
    name: str


class BookingStaffOut(BookingOut):
    """A booking as the instrument's staff see it: who booked, how to reach them, who pays."""

    user_name: str
    organization_name: str | None
    contact_email: str
    contact_phone: str
    booked_by_name: str | None
    account: AccountRef | None


class BookingStaffPage(Schema):
    items: list[BookingStaffOut]
    next_cursor: str | None


class InstrumentBookingsQuery(Schema):
    status: Booking.Status | None = Field(None, description="按状态筛选")
    start: AwareDateTime | None = Field(None, alias="from", description="与此时刻之后重叠（ISO 8601，带时区）")
    end: AwareDateTime | None = Field(None, alias="to", description="与此时刻之前重叠")
    cursor: CleanText(200) | None = None
    limit: int = Field(20, ge=1, le=100)


class SeriesOut(Schema):
    series: str
    created: list[BookingOut]
    skipped: list[dict]


class UsageOut(Schema):
    id: int
    booking_id: int | None
    started_at: datetime
    ended_at: datetime | None
    samples: int
    hours: float
    is_external: bool


class CheckOutIn(Schema):
    samples: int = Field(0, ge=0, le=100000)
    notes: str = Field("", max_length=2000)


def booking_out(b: Booking) -> dict:
    return {
        "id": b.pk,
        "instrument_id": b.instrument_id,
        "user_id": b.user_id,
        "organization_id": b.organization_id,
        "start": b.start,
        "end": b.end,
        "purpose": b.purpose,
        "status": b.status,
        "status_display": str(b.get_status_display()),
        "is_external": b.is_external,
        "series": str(b.series) if b.series else None,
        "booked_by_id": b.booked_by_id,
        "account_id": b.account_id,
        "flag": b.flag,
        "cancel_deadline": timezone.localtime(cancel_deadline(b), LOCAL),
    }


def list_filters(filters: Schema) -> dict[str, Any]:
    """A list query's filters as the read selectors take them (status as its value; from/to as
    start/end where the query has them)."""
    data = {name: getattr(filters, name) for name in ("start", "end", "cursor", "limit") if hasattr(filters, name)}
    status = getattr(filters, "status", None)
    return {**data, "status": status.value if status else ""}


def page_out(page: Any, out: Any) -> dict[str, Any]:
    return {"items": [out(item) for item in page.items], "next_cursor": page.next_cursor}


def booking_staff_out(b: Booking) -> dict:
    """booking_out with the booker's name, organisation, contact and payer (selectors.bookers:
    BOOKER_RELATED selected, with_contacts applied)."""
    return {
        **booking_out(b),
        "user_name": str(b.user),
        "organization_name": b.organization.name if b.organization_id else None,
        "contact_email": getattr(b, "contact_email", ""),
        "contact_phone": getattr(b, "contact_phone", ""),
        "booked_by_name": str(b.booked_by) if b.booked_by_id else None,
        "account": {"id": b.account.pk, "code": b.account.code, "name": b.account.name} if b.account_id else None,
    }


def usage_out(u) -> dict:
    return {
        "id": u.pk,
        "booking_id": u.booking_id,
        "started_at": u.started_at,
        "ended_at": u.ended_at,
        "samples": u.samples,
        "hours": float(u.hours),
        "is_external": u.is_external,
    }


@router.post(
    "/instruments/{instrument_id}/bookings",
    response={201: BookingOut | SeriesOut, **ERRORS},
    summary="预约仪器（支持 Idempotency-Key 头；weeks>1 时按周重复）",
)
def create_booking(request: HttpRequest, payload: BookingIn, instrument_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    if payload.weeks > 1:
        result = services.booking_create_weekly(
            actor=user,
            instrument_id=instrument_id,
            start=payload.start,
            end=payload.end,
            weeks=payload.weeks,
            purpose=payload.purpose,
            account_id=payload.account_id,
        )
        return Status(
            201,
            {
                "series": str(result.series),
                "created": [booking_out(b) for b in result.created],
                "skipped": result.skipped,
            },
        )
    key = (request.headers.get("Idempotency-Key") or "").strip()[:100] or None
    result = services.booking_create(
        actor=user,
        instrument_id=instrument_id,
        start=payload.start,
        end=payload.end,
        purpose=payload.purpose,
        idempotency_key=key,
        on_behalf_of=payload.on_behalf_of,
        account_id=payload.account_id,
    )
    return Status(201, booking_out(result.booking))


@router.get(
    "/instruments/{instrument_id}/bookings",
    response={200: BookingStaffPage, **READ_ERRORS},
    auth=login_required,
    summary="仪器的预约（仪器管理方）：预约人、用途、联系方式、经费账户；最新在前，按游标分页",
)
def list_instrument_bookings(
    request: HttpRequest, filters: Query[InstrumentBookingsQuery], instrument_id: int = Path(..., ge=1, le=ID_MAX)
):
    page = reads.instrument_bookings_page(actor=api_user(request), instrument_id=instrument_id, **list_filters(filters))
    return page_out(page, booking_staff_out)


@router.get(
    "/bookings/{booking_id}",
    response={200: BookingOut, **READ_ERRORS},
    auth=login_required,
    summary="预约详情（预约人、仪器管理方、省厅、办公室）",
)
def get_booking(request: HttpRequest, booking_id: int = Path(..., ge=1, le=ID_MAX)):
    return booking_out(reads.booking_get(actor=api_user(request), booking_id=booking_id))


@router.patch(
    "/bookings/{booking_id}",
    response={200: BookingOut, **ERRORS},
    summary="改期或调整时长（同预约规则，一次完成；409 slot_taken，422 违反规则）",
)
def move_booking(request: HttpRequest, payload: BookingPatch, booking_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    return booking_out(services.booking_move(actor=user, booking_id=booking_id, start=payload.start, end=payload.end))


# --- the booking's transitions: one endpoint per offered transition of the table ----------------


def _run(t: Transition, user: Any, booking_id: int, payload: CheckOutIn | None = None) -> dict:
    if t.name == "check_in":
        return usage_out(services.booking_check_in(actor=user, booking_id=booking_id))
    if t.name == "check_out":
        payload = payload or CheckOutIn()
        session = services.booking_check_out(
            actor=user, booking_id=booking_id, samples=payload.samples, notes=payload.notes
        )
        return usage_out(session)
    return booking_out(RUN[t.name](actor=user, booking_id=booking_id))


# The transitions whose endpoint answers the booking (the others answer the usage session).
RUN = {"cancel": services.booking_cancel, "approve": services.booking_approve, "reject": services.booking_reject}
OPERATION = {"check_in": "check_in", "check_out": "check_out"}  # the ids these operations always had

transition_endpoints(
    router,
    BOOKING,
    prefix="/bookings",
    id_name="booking_id",
    run=_run,
    response=lambda t: {200: UsageOut if t.name in ("check_in", "check_out") else BookingOut, **ERRORS},
    operation_id=lambda t: OPERATION.get(t.name, f"{t.name}_booking"),
    module=__name__,
    inputs={
        "check_out": [
            inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=CheckOutIn | None, default=None)
        ]
    },
)
