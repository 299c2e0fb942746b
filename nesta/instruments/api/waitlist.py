"""The waiting list over the API: thin wrappers over services.waitlist and selectors.waitlist.

POST /instruments/{id}/waitlist joins (201 with the place in the queue; 422 slot_free when the
slot can simply be booked, 422 per rule, 409 already_waiting); GET /me/waitlist lists one's own
entries; POST /waitlist/{id}/claim books an offered slot (409 offer_expired after the deadline);
DELETE /waitlist/{id} leaves the queue."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.inputs import AwareDateTime, BoundedInt, CleanText
from nesta.core.schemas import ErrorOut
from nesta.directory.schemas import ID_MAX
from nesta.instruments.models import WaitlistEntry
from nesta.instruments.selectors import waitlist as selectors
from nesta.instruments.services import waitlist as services

router = Router(tags=["waiting list"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 422: ErrorOut}


class WaitlistIn(Schema):
    start: AwareDateTime
    end: AwareDateTime
    purpose: CleanText(300, multiline=False) = ""
    account_id: BoundedInt(1, ID_MAX) | None = Field(None, description="确认预约时记入的经费账户")


class WaitlistOut(Schema):
    id: int
    instrument_id: int
    start: datetime
    end: datetime
    purpose: str
    status: str
    status_display: str
    position: int | None = Field(description="排队位置（1 为第一位）；已不在队列中为 null")
    created_at: datetime
    offered_at: datetime | None
    offer_expires_at: datetime | None = Field(description="已通知时：须在此前确认预约")
    booking_id: int | None


class WaitlistPage(Schema):
    items: list[WaitlistOut]
    next_cursor: str | None


class MyWaitlistQuery(Schema):
    active: bool = Field(False, description="只看排队中和待确认的")
    cursor: CleanText(200) | None = None
    limit: int = Field(20, ge=1, le=100)


def entry_out(e: WaitlistEntry, position: int | None) -> dict[str, Any]:
    return {
        "id": e.pk,
        "instrument_id": e.instrument_id,
        "start": e.start,
        "end": e.end,
        "purpose": e.purpose,
        "status": e.status,
        "status_display": str(e.get_status_display()),
        "position": position,
        "created_at": e.created_at,
        "offered_at": e.offered_at,
        "offer_expires_at": e.offer_expires_at,
        "booking_id": e.booking_id,
    }


EntryId = Path(..., ge=1, le=ID_MAX)


@router.post(
    "/instruments/{instrument_id}/waitlist",
    response={201: WaitlistOut, **ERRORS},
    summary="排队候补已被预约的时段（201 含排队位置；422 slot_free：该时段空闲可直接预约；409 already_waiting）",
)
def join_waitlist(request: HttpRequest, payload: WaitlistIn, instrument_id: int = Path(..., ge=1, le=ID_MAX)):
    result = services.waitlist_join(
        api_user_required(request),
        instrument_id,
        payload.start,
        payload.end,
        purpose=payload.purpose,
        account_id=payload.account_id,
    )
    return Status(201, entry_out(result.entry, result.position))


@router.get(
    "/me/waitlist",
    response={200: WaitlistPage, **READ_ERRORS},
    auth=login_required,
    summary="我的候补（最新在前，按游标分页）",
)
def list_my_waitlist(request: HttpRequest, filters: Query[MyWaitlistQuery]):
    page = selectors.my_entries_page(
        user=api_user(request), cursor=filters.cursor, limit=filters.limit, active_only=filters.active
    )
    return {"items": [entry_out(e, e.position) for e in page.items], "next_cursor": page.next_cursor}  # type: ignore[attr-defined]


@router.post(
    "/waitlist/{entry_id}/claim",
    response={200: WaitlistOut, **ERRORS},
    summary="确认候补预约（在截止时间前；409 offer_expired / invalid_state；预约规则同新建预约）",
)
def claim_waitlist(request: HttpRequest, entry_id: int = EntryId):
    entry = services.waitlist_claim(api_user_required(request), entry_id)
    return entry_out(entry, None)


@router.delete(
    "/waitlist/{entry_id}",
    response={200: WaitlistOut, **ERRORS},
    summary="退出候补（已通知的时段转给下一位）",
)
def leave_waitlist(request: HttpRequest, entry_id: int = EntryId):
    entry = services.waitlist_leave(api_user_required(request), entry_id)
    return entry_out(entry, None)
