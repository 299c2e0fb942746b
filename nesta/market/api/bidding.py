"""The API of online bidding (网络竞价): thin over services.bidding and selectors.bidding.

Amounts are decimal strings in 元; times are ISO 8601 in Asia/Shanghai (+08:00). A bid that lost
the race answers 409 `outbid` with `details.best_amount` and `details.next_minimum`; a lock wait
answers 503 with Retry-After.
"""

import inspect
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.api_lifecycle import ID_MAX, transition_endpoints
from nesta.core.inputs import AwareDateTime, BoundedInt, CleanText, Money
from nesta.core.lifecycle import Transition
from nesta.core.schemas import ErrorOut
from nesta.market.lifecycles import REGISTRATION, ROUND
from nesta.market.models import Bid, BidderRegistration, BiddingRound
from nesta.market.selectors import bidding as reads
from nesta.market.services import bidding as services

router = Router(tags=["technology market"])
LOCAL = ZoneInfo("Asia/Shanghai")
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
HISTORY_IN_ROUND = 100  # bids inlined in a closed round's answer; the rest through /bids


class RoundIn(Schema):
    registration_deadline: AwareDateTime = Field(..., description="报名截止（须早于竞价开始）")
    starts_at: AwareDateTime = Field(..., description="竞价开始")
    ends_at: AwareDateTime = Field(..., description="竞价截止（原定；时长 10 分钟至 7 天）")
    start_price: Money = Field(..., description="起始价（元），不得低于挂牌底价")
    min_increment: Money = Field(..., description="加价幅度（元），大于 0 且不超过起始价")
    extend_minutes: BoundedInt(1, 30) = Field(5, description="延时周期（分钟）：截止前此时段内出价则顺延")
    deposit: Money | None = Field(None, description="保证金（元）")


class BidIn(Schema):
    amount: Money = Field(..., description="出价（元）：首次不低于起始价，其后不低于当前最高价加加价幅度")


class RegistrationIn(Schema):
    note: CleanText(300) = ""


class NoteIn(Schema):
    note: CleanText(300, min_length=1) = Field(..., description="原因")


class ReasonIn(Schema):
    reason: CleanText(300, min_length=1) = Field(..., description="取消原因")


class BidOut(Schema):
    id: int
    bidder_code: str
    amount: Decimal
    created_at: datetime
    extended_to: datetime | None


class RoundOut(Schema):
    id: int
    listing_id: int
    listing_title: str
    status: str
    status_display: str
    registration_deadline: datetime
    starts_at: datetime
    ends_at: datetime = Field(description="当前截止时间（含延时）")
    scheduled_end: datetime
    extended: bool
    start_price: Decimal
    min_increment: Decimal
    extend_minutes: int
    deposit: Decimal | None
    best_amount: Decimal | None
    bid_count: int
    next_minimum: Decimal | None = Field(description="当前最低应价（竞价进行中与报名中）")
    seconds_left: int | None
    registering_now: bool
    bidding_now: bool
    outcome: str
    outcome_display: str
    outcome_note: str
    final_amount: Decimal | None
    winner_name: str | None = Field(description="受让方（结果公示）")
    winner_code: str | None
    closed_at: datetime | None
    result_published_until: str | None
    history: list[BidOut] | None = Field(description="完整出价记录（仅竞价结束后公布；前 100 条，余下见 /bids）")
    history_next_cursor: str | None


class BidPlacedOut(Schema):
    bid: BidOut
    round: RoundOut


class BidPage(Schema):
    items: list[BidOut]
    next_cursor: str | None


class RegistrationOut(Schema):
    id: int
    round_id: int
    organization_id: int
    organization_name: str
    status: str
    status_display: str
    bidder_code: str
    note: str
    qualified_at: datetime | None
    created_at: datetime


class RoundListQuery(Schema):
    limit: int = Field(20, ge=1, le=50)


class ManagedQuery(Schema):
    live: bool = Field(False, description="只看报名中与竞价中的场次")
    cursor: CleanText(200) | None = None


class RoundPage(Schema):
    items: list[RoundOut]
    next_cursor: str | None


class BidsQuery(Schema):
    cursor: CleanText(200) | None = None
    limit: int = Field(100, ge=1, le=100)


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value, LOCAL) if value is not None else None


def bid_out(b: Bid) -> dict[str, Any]:
    return {
        "id": b.pk,
        "bidder_code": b.registration.bidder_code,
        "amount": b.amount,
        "created_at": _local(b.created_at),
        "extended_to": _local(b.extended_to),
    }


def round_out(rnd: BiddingRound, actor: Any, *, full: bool = True) -> dict[str, Any]:
    """A round as the public sees it; `full` (one round) adds the history and the winner's code
    (two queries), which a list leaves out to stay a constant number of queries."""
    state = reads.round_state(rnd)
    history, cursor, winner_code = None, None, None
    if full and state.history_public:
        page = reads.round_bids_page(actor=actor, rnd=rnd, limit=HISTORY_IN_ROUND)
        history, cursor = [bid_out(b) for b in page.items], page.next_cursor
    if full and rnd.winner_id is not None:
        winner_code = reads.winner_code(rnd)
    return {
        "id": rnd.pk,
        "listing_id": rnd.listing_id,
        "listing_title": rnd.listing.title,
        "status": rnd.status,
        "status_display": state.status_label,
        "registration_deadline": _local(rnd.registration_deadline),
        "starts_at": _local(rnd.starts_at),
        "ends_at": _local(rnd.ends_at),
        "scheduled_end": _local(rnd.scheduled_end),
        "extended": state.extended,
        "start_price": rnd.start_price,
        "min_increment": rnd.min_increment,
        "extend_minutes": rnd.extend_minutes,
        "deposit": rnd.deposit,
        "best_amount": rnd.best_amount,
        "bid_count": rnd.bid_count,
        "next_minimum": state.next_minimum if state.live else None,
        "seconds_left": state.seconds_left,
        "registering_now": state.registering_now,
        "bidding_now": state.bidding_now,
        "outcome": rnd.outcome,
        "outcome_display": str(rnd.get_outcome_display()) if rnd.outcome else "",
        "outcome_note": rnd.outcome_note,
        "final_amount": rnd.final_amount,
        "winner_name": rnd.winner.name if rnd.winner_id else None,
        "winner_code": winner_code,
        "closed_at": _local(rnd.closed_at),
        "result_published_until": rnd.result_published_until.isoformat() if rnd.result_published_until else None,
        "history": history,
        "history_next_cursor": cursor,
    }


def registration_out(r: BidderRegistration) -> dict[str, Any]:
    return {
        "id": r.pk,
        "round_id": r.round_id,
        "organization_id": r.organization_id,
        "organization_name": r.organization.name,
        "status": r.status,
        "status_display": str(r.get_status_display()),
        "bidder_code": r.bidder_code,
        "note": r.note,
        "qualified_at": _local(r.qualified_at),
        "created_at": _local(r.created_at),
    }


def _fresh(round_id: int, actor: Any) -> dict[str, Any]:
    return round_out(reads.round_get(actor=actor, round_id=round_id), actor)


@router.post(
    "/listings/{listing_id}/bidding-rounds",
    response={201: RoundOut, **ERRORS},
    summary="发起网络竞价（运营方：产权/股权类已发布信息；起始价不低于挂牌底价）",
)
def create_round(request: HttpRequest, payload: RoundIn, listing_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    data = services.RoundInput(**payload.dict())
    rnd = services.round_create(actor=user, listing_id=listing_id, data=data)
    return Status(201, _fresh(rnd.pk, user))


@router.get(
    "/listings/{listing_id}/bidding-rounds",
    response={200: list[RoundOut], **READ_ERRORS},
    summary="信息的竞价场次（最新在前）",
)
def list_rounds(request: HttpRequest, query: Query[RoundListQuery], listing_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user(request)
    return [
        round_out(r, user, full=False)
        for r in reads.listing_rounds(actor=user, listing_id=listing_id, limit=query.limit)
    ]


@router.get(
    "/bidding-rounds",
    response={200: RoundPage, **READ_ERRORS},
    auth=login_required,
    summary="运营方的竞价场次（办公室：全部；省厅：本省），最新在前，按游标分页",
)
def list_managed_rounds(request: HttpRequest, query: Query[ManagedQuery]):
    user = api_user(request)
    page = reads.managed_rounds_page(actor=user, cursor=query.cursor, live_only=query.live)
    return {"items": [round_out(r, user, full=False) for r in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/bidding-rounds/{round_id}",
    response={200: RoundOut, **READ_ERRORS},
    summary="竞价场次的公开状态（进行中：最高价、出价次数、截止时间、最低应价；结束后：完整出价记录）",
)
def get_round(request: HttpRequest, round_id: int = Path(..., ge=1, le=ID_MAX)):
    return _fresh(round_id, api_user(request))


@router.get(
    "/bidding-rounds/{round_id}/bids",
    response={200: BidPage, **READ_ERRORS},
    summary="出价记录（竞价结束后公开；按出价先后，游标分页）",
)
def list_bids(request: HttpRequest, query: Query[BidsQuery], round_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user(request)
    rnd = reads.round_get(actor=user, round_id=round_id)
    page = reads.round_bids_page(actor=user, rnd=rnd, cursor=query.cursor, limit=query.limit)
    return {"items": [bid_out(b) for b in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/bidding-rounds/{round_id}/bids",
    response={201: BidPlacedOut, **ERRORS},
    summary="出价（合格竞买人；409 outbid 附当前最高价与最低应价）",
)
def place_bid(request: HttpRequest, payload: BidIn, round_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    result = services.bid_place(actor=user, round_id=round_id, amount=payload.amount)
    return Status(201, {"bid": bid_out(result.bid), "round": round_out(result.round, user)})


@router.post(
    "/listings/{listing_id}/bids",
    response={201: BidPlacedOut, **ERRORS},
    summary="对信息当前的竞价场次出价（同 /bidding-rounds/{id}/bids）",
)
def place_bid_on_listing(request: HttpRequest, payload: BidIn, listing_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    result = services.bid_place_on_listing(actor=user, listing_id=listing_id, amount=payload.amount)
    return Status(201, {"bid": bid_out(result.bid), "round": round_out(result.round, user)})


@router.post(
    "/bidding-rounds/{round_id}/registrations",
    response={201: RegistrationOut, **ERRORS},
    summary="竞买报名（以本单位名义；不能竞买本单位挂牌的标的）",
)
def register(request: HttpRequest, payload: RegistrationIn, round_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    reg = services.registration_create(actor=user, round_id=round_id, note=payload.note)
    reg = BidderRegistration.objects.select_related("organization").get(pk=reg.pk)
    return Status(201, registration_out(reg))


@router.get(
    "/bidding-rounds/{round_id}/registrations",
    response={200: list[RegistrationOut], **READ_ERRORS},
    auth=login_required,
    summary="竞买报名名单（运营方）",
)
def list_registrations(request: HttpRequest, round_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user(request)
    rnd = reads.round_get(actor=user, round_id=round_id)
    return [registration_out(r) for r in reads.round_registrations(actor=user, rnd=rnd)]


# --- the registration's and the round's transitions ---------------------------------------------


def _run_registration(t: Transition, user: Any, registration_id: int, payload: NoteIn | None = None) -> dict:
    if t.name == "qualify":
        reg = services.registration_qualify(actor=user, registration_id=registration_id)
    elif t.name == "reject":
        reg = services.registration_reject(
            actor=user, registration_id=registration_id, note=payload.note if payload else ""
        )
    else:
        reg = services.registration_withdraw(actor=user, registration_id=registration_id)
    return registration_out(reg)


transition_endpoints(
    router,
    REGISTRATION,
    prefix="/bidding-registrations",
    id_name="registration_id",
    run=_run_registration,
    response={200: RegistrationOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_bidding_registration",
    module=__name__,
    inputs={"reject": [inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=NoteIn)]},
)


def _run_round(t: Transition, user: Any, round_id: int, payload: ReasonIn | None = None) -> dict:
    if t.name == "close":
        services.round_close(actor=user, round_id=round_id)
    else:
        services.round_cancel(actor=user, round_id=round_id, reason=payload.reason if payload else "")
    return _fresh(round_id, user)


transition_endpoints(
    router,
    ROUND,
    prefix="/bidding-rounds",
    id_name="round_id",
    run=_run_round,
    response={200: RoundOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_bidding_round",
    module=__name__,
    inputs={"cancel": [inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=ReasonIn)]},
)
