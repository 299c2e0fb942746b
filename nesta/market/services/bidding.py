"""Online bidding's writes: opening a round, registering and qualifying bidders, bids, closing.

Exactly one winner however many bid at once: every bid takes the round's row under lock inside
write_transaction() (PostgreSQL: SELECT … FOR UPDATE; SQLite: the write gate and BEGIN IMMEDIATE
serialise writers), re-reads the best bid there and refuses anything below best + increment with
409 `outbid`, carrying the current best and the next minimum. The database's unique (round,
amount) stands behind it should any path race past the lock. A lock wait is 503 + Retry-After
(core.transactions).

Closing is the lifecycle's (lifecycles/bidding.py): the periodic job `bidding_rounds_tick` starts
rounds whose start has come and closes rounds whose (extended) end has passed; the operator may
close a round past its end at once. The outcome's fields are decided here under the round's lock
and passed to the transition, so its audit row carries the winner and the price.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.accounts.models import User
from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from nesta.core.inputs import Actor
from nesta.core.notifications import notify
from nesta.core.permissions import Target, require
from nesta.core.transactions import write_transaction
from nesta.core.validators import aware_datetime, bounded_int, clean_text, money_yuan
from nesta.market.lifecycles import LISTING, REGISTRATION, ROUND
from nesta.market.models import Bid, BidderRegistration, BiddingRound, Listing, ListingKind, ListingStatus

LOCAL = ZoneInfo("Asia/Shanghai")
R = BiddingRound.Status
G = BidderRegistration.Status
O = BiddingRound.Outcome  # noqa: E741

# The bounds of a round (why: a mistyped year or minute must not open a round nobody can use).
REGISTRATION_MAX_DAYS = 90  # from now to the registration deadline
START_MAX_DAYS = 180  # from now to the start of bidding
DURATION_MIN = timedelta(minutes=10)
DURATION_MAX = timedelta(days=7)
EXTEND_MIN, EXTEND_MAX = 1, 30
RESULT_DAYS = 5  # 结果公示不少于5天
# A bid may be at most this many times the next minimum: a mistyped amount (an extra zero or
# three) would otherwise win the lot at a price nobody meant.
BID_JUMP_MAX = 10
NOTE_MAX = 300


@dataclass(frozen=True)
class RoundInput:
    registration_deadline: Any
    starts_at: Any
    ends_at: Any
    start_price: Any
    min_increment: Any
    extend_minutes: Any = 5
    deposit: Any = None


@dataclass(frozen=True)
class BidResult:
    bid: Bid
    round: BiddingRound
    extended: bool


def next_minimum(rnd: BiddingRound) -> Decimal:
    """The lowest acceptable next bid: the start price first, then best + increment."""
    return rnd.start_price if rnd.best_amount is None else rnd.best_amount + rnd.min_increment


def _listing_for_update(listing_id: int) -> Listing:
    listing = Listing.objects.select_for_update(of=("self",)).select_related("province").filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("未找到该信息。"))
    return listing


def _lock_round(round_id: int) -> BiddingRound:
    rnd = BiddingRound.objects.select_for_update(of=("self",)).select_related("listing__province", "best_bid")
    found = rnd.filter(pk=round_id).first()
    if found is None:
        raise NotFound(_("未找到该场竞价。"))
    return found


def _on_market(rnd: BiddingRound) -> None:
    """A round runs only while its listing is on the market (not withdrawn or expired meanwhile)."""
    if rnd.listing.status not in (ListingStatus.PUBLISHED, ListingStatus.NEGOTIATING):
        raise Conflict(
            _("该标的已不在挂牌状态，不能报名或出价。"),
            code="listing_not_on_market",
            details={"listing_status": rnd.listing.status},
        )


def _round(round_id: int) -> BiddingRound:
    rnd = BiddingRound.objects.select_related("listing__province").filter(pk=round_id).first()
    if rnd is None:
        raise NotFound(_("未找到该场竞价。"))
    return rnd


# --- opening a round --------------------------------------------------------------------------


def _check_round(listing: Listing, data: RoundInput, now: datetime) -> dict[str, Any]:
    """The round's fields, typed and checked together: {field: value}; every broken rule is
    reported at once (ValidationFailed with the first rule's code)."""
    problems: list[tuple[str, str, str]] = []
    clean: dict[str, Any] = {}

    def take(name: str, check: Any) -> Any:
        try:
            clean[name] = check()
        except ValidationFailed as exc:
            for msgs in exc.details.values():
                for m in msgs:
                    problems.append((name, "validation_error", str(m)))
            clean[name] = None
        return clean[name]

    take("registration_deadline", lambda: aware_datetime(data.registration_deadline, field="registration_deadline"))
    take("starts_at", lambda: aware_datetime(data.starts_at, field="starts_at"))
    take("ends_at", lambda: aware_datetime(data.ends_at, field="ends_at"))
    take("start_price", lambda: money_yuan(data.start_price, field="start_price"))
    take("min_increment", lambda: money_yuan(data.min_increment, field="min_increment"))
    take(
        "extend_minutes",
        lambda: bounded_int(data.extend_minutes, field="extend_minutes", minimum=EXTEND_MIN, maximum=EXTEND_MAX),
    )
    take("deposit", lambda: money_yuan(data.deposit, field="deposit", required=False))

    deadline, start, end = clean["registration_deadline"], clean["starts_at"], clean["ends_at"]
    if deadline is not None:
        if deadline <= now:
            problems.append(("registration_deadline", "deadline_past", _("报名截止时间须晚于当前时间。")))
        elif deadline > now + timedelta(days=REGISTRATION_MAX_DAYS):
            problems.append(
                (
                    "registration_deadline",
                    "deadline_too_far",
                    _("报名截止时间最多在 %(d)d 天后。") % {"d": REGISTRATION_MAX_DAYS},
                )
            )
    if start is not None:
        if deadline is not None and start <= deadline:
            problems.append(("starts_at", "start_before_deadline", _("竞价开始时间须晚于报名截止时间。")))
        if start > now + timedelta(days=START_MAX_DAYS):
            problems.append(
                ("starts_at", "start_too_far", _("竞价开始时间最多在 %(d)d 天后。") % {"d": START_MAX_DAYS})
            )
    if start is not None and end is not None:
        length = end - start
        if length < DURATION_MIN or length > DURATION_MAX:
            problems.append(("ends_at", "duration_out_of_range", _("竞价时长应在 10 分钟到 7 天之间。")))

    price, step, deposit = clean["start_price"], clean["min_increment"], clean["deposit"]
    floor = listing.price_low
    if price is not None:
        if price <= 0:
            problems.append(("start_price", "start_price_not_positive", _("起始价须大于 0。")))
        elif floor is not None and price < floor:
            problems.append(
                (
                    "start_price",
                    "start_price_below_floor",
                    _("起始价不得低于挂牌底价 %(f)s 元。") % {"f": f"{floor:,.2f}"},
                )
            )
    if step is not None:
        if step <= 0:
            problems.append(("min_increment", "increment_not_positive", _("加价幅度须大于 0。")))
        elif price is not None and price > 0 and step > price:
            problems.append(("min_increment", "increment_too_large", _("加价幅度不得超过起始价。")))
    if deposit is not None and price is not None and deposit > price:
        problems.append(("deposit", "deposit_too_large", _("保证金不得超过起始价。")))

    if problems:
        details: dict[str, list[str]] = {}
        for name, _code, message in problems:
            details.setdefault(name, []).append(message)
        first = next((p for p in problems if p[1] != "validation_error"), problems[0])
        raise ValidationFailed(first[2], code=first[1], details=details)
    return clean


def _check_listing(listing: Listing) -> None:
    if listing.kind != ListingKind.PROPERTY_RIGHT:
        raise ValidationFailed(
            _("只有产权/股权类信息可以网络竞价。"),
            code="not_property_right",
            details={"listing": [_("只有产权/股权类信息可以网络竞价。")]},
        )
    if listing.status != ListingStatus.PUBLISHED:
        raise Conflict(
            _("信息须处于“已发布”状态才能发起竞价。"),
            code="listing_not_published",
            details={"status": listing.status},
        )
    if listing.price_low is None:
        raise ValidationFailed(
            _("该信息没有挂牌底价，不能发起竞价。"),
            code="no_floor_price",
            details={"listing": [_("该信息没有挂牌底价，不能发起竞价。")]},
        )


def round_create(*, actor: Actor, listing_id: int, data: RoundInput, now: datetime | None = None) -> BiddingRound:
    """The operator opens a round for a published property-right listing (registration first)."""
    now = now or timezone.now()
    listing = Listing.objects.select_related("province").filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("未找到该信息。"))
    require(actor, "bidding.manage", listing)
    _check_listing(listing)
    clean = _check_round(listing, data, now)
    with write_transaction():
        listing = _listing_for_update(listing_id)
        _check_listing(listing)
        if BiddingRound.objects.filter(listing=listing, status__in=BiddingRound.LIVE).exists():
            raise Conflict(_("该信息已有进行中的竞价。"), code="round_exists")
        try:
            with transaction.atomic():
                rnd = BiddingRound.objects.create(
                    listing=listing,
                    scheduled_end=clean["ends_at"],
                    created_by=cast(User, actor) if getattr(actor, "is_authenticated", False) else None,
                    **clean,
                )
        except IntegrityError:  # the partial unique index: another round was opened meanwhile
            raise Conflict(_("该信息已有进行中的竞价。"), code="round_exists") from None
        audit_record(
            actor=actor,
            action="bidding.round_created",
            instance=rnd,
            changes={k: [None, str(v) if v is not None else None] for k, v in clean.items()},
        )
    return rnd


# --- registration -----------------------------------------------------------------------------


def _own_organization(actor: Actor, action: str) -> int:
    """The actor's organisation, for which they act on the market (403 without one)."""
    if not getattr(actor, "is_authenticated", False):
        require(actor, action)  # raises 401
    org_id = getattr(actor, "organization_id", None)
    if org_id is None:
        raise PermissionDenied(_("您的账号未关联单位，不能以单位名义竞买。"), code="no_organization")
    require(actor, action, Target(organization_id=org_id))
    return org_id


def registration_create(
    *, actor: Actor, round_id: int, note: str = "", now: datetime | None = None
) -> BidderRegistration:
    """A bidder registers their own organisation for a round (not the seller's), before the
    registration deadline; the operator then qualifies or rejects it. A withdrawn registration
    may register again; a rejected one may not."""
    org_id = _own_organization(actor, "bidding.register")
    user = cast(User, actor)  # a signed-in person: _own_organization refused anyone else
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    rnd = _round(round_id)
    if rnd.listing.organization_id == org_id:
        raise PermissionDenied(_("不能竞买本单位挂牌的标的。"), code="own_listing")
    with write_transaction():
        rnd = _lock_round(round_id)
        _on_market(rnd)
        now = now or timezone.now()
        if rnd.status != R.REGISTERING or now >= rnd.registration_deadline:
            raise Conflict(
                _("本场竞价已截止报名。"),
                code="registration_closed",
                details={"registration_deadline": rnd.registration_deadline.isoformat()},
            )
        reg = BidderRegistration.objects.filter(round=rnd, organization_id=org_id).first()
        if reg is not None and reg.status != G.WITHDRAWN:
            raise Conflict(
                _("本单位已报名本场竞价（%(s)s）。") % {"s": reg.get_status_display()},
                code="already_registered",
                details={"registration_id": reg.pk, "status": reg.status},
            )
        if reg is None:
            reg = BidderRegistration.objects.create(round=rnd, organization_id=org_id, user=user, note=note)
            changes: dict[str, list[Any]] = {"status": [None, G.PENDING]}
        else:
            changes = {"status": [reg.status, G.PENDING]}
            reg.status, reg.user, reg.note, reg.qualified_at = G.PENDING, user, note, None
            reg.save()
        audit_record(actor=actor, action="bidding.registered", instance=reg, changes=changes)
        if rnd.created_by_id:
            notify(
                user=rnd.created_by,
                kind="bidding_registration",
                title=_("新的竞买报名待审核：%(t)s") % {"t": rnd.listing.title[:60]},
                url=reverse("market:bidding_manage", args=[rnd.pk]),
            )
    return reg


def _assign_code(reg: BidderRegistration, t: Any) -> None:
    """A qualified bidder's public code (竞买号), in the order of qualification, under the round's
    lock (the guard took it): 001, 002, …"""
    if t.name == "qualify" and not reg.bidder_code:
        taken = BidderRegistration.objects.filter(round_id=reg.round_id).exclude(bidder_code="").count()
        reg.bidder_code = f"{taken + 1:03d}"


def registration_qualify(*, actor: Actor, registration_id: int, now: datetime | None = None) -> BidderRegistration:
    return REGISTRATION.run("qualify", actor=actor, obj_id=registration_id, now=now, prepare=_assign_code)


def registration_reject(
    *, actor: Actor, registration_id: int, note: str, now: datetime | None = None
) -> BidderRegistration:
    note = clean_text(note, field="note", max_length=NOTE_MAX, required=True)
    return REGISTRATION.run("reject", actor=actor, obj_id=registration_id, now=now, note=note)


def registration_withdraw(*, actor: Actor, registration_id: int, now: datetime | None = None) -> BidderRegistration:
    return REGISTRATION.run("withdraw", actor=actor, obj_id=registration_id, now=now)


# --- bids -------------------------------------------------------------------------------------


def _outbid(rnd: BiddingRound, message: str | None = None, code: str = "outbid") -> Conflict:
    return Conflict(
        message or _("出价低于当前最低应价 %(m)s 元（当前最高价已更新）。") % {"m": f"{next_minimum(rnd):,.2f}"},
        code=code,
        details={
            "best_amount": str(rnd.best_amount) if rnd.best_amount is not None else None,
            "next_minimum": str(next_minimum(rnd)),
            "bid_count": rnd.bid_count,
            "ends_at": rnd.ends_at.isoformat(),
        },
    )


def bid_place(*, actor: Actor, round_id: int, amount: Any, now: datetime | None = None) -> BidResult:
    """One bid of the actor's organisation. Checked again under the round's lock: open now,
    qualified, at least the start price (first bid) or best + increment, at most BID_JUMP_MAX
    times that. A bid in the last `extend_minutes` pushes the end to now + extend_minutes."""
    org_id = _own_organization(actor, "bidding.register")
    value = money_yuan(amount, field="amount")
    assert value is not None
    if value <= 0:
        raise ValidationFailed(details={"amount": [_("出价须大于 0。")]})
    seen = round_start_due(round_id, now)
    # Qualification is settled once bidding has begun (registrations change only before the
    # start), so it is read before the lock and not again under it.
    reg = BidderRegistration.objects.filter(round_id=round_id, organization_id=org_id, status=G.QUALIFIED).first()
    if reg is None:
        raise PermissionDenied(_("本单位不是本场竞价的合格竞买人。"), code="not_qualified")
    if seen.status == R.OPEN and value < next_minimum(seen):
        # The best only rises, so a bid below the minimum read now is below it under the lock
        # too: refused without queueing for the write lock (most bids in a contested round).
        raise _outbid(seen)
    with write_transaction():
        rnd = _lock_round(round_id)
        _on_market(rnd)
        at = now or timezone.now()  # the time the lock was granted: the bid's time
        if rnd.status != R.OPEN or at < rnd.starts_at:
            raise Conflict(
                _("本场竞价当前不在竞价时间内（%(s)s）。") % {"s": rnd.get_status_display()},
                code="round_not_open",
                details={"status": rnd.status, "starts_at": rnd.starts_at.isoformat()},
            )
        if at >= rnd.ends_at:
            raise Conflict(
                _("竞价已截止。"),
                code="round_ended",
                details={"status": rnd.status, "ends_at": rnd.ends_at.isoformat()},
            )
        if rnd.best_bid is not None and rnd.best_bid.registration_id == reg.pk:
            raise _outbid(rnd, _("您已是当前最高出价者。"), code="already_highest")
        minimum = next_minimum(rnd)
        if value < minimum:
            raise _outbid(rnd)
        if value > minimum * BID_JUMP_MAX:
            raise ValidationFailed(
                _("出价不得超过当前最低应价的 %(n)d 倍（%(m)s 元），请核对金额。")
                % {"n": BID_JUMP_MAX, "m": f"{minimum * BID_JUMP_MAX:,.2f}"},
                code="bid_too_high",
                details={"amount": [_("出价过高，请核对金额。")], "next_minimum": str(minimum)},
            )
        changes: dict[str, list[Any]] = {
            "best_amount": [str(rnd.best_amount) if rnd.best_amount is not None else None, str(value)],
            "bid_count": [rnd.bid_count, rnd.bid_count + 1],
        }
        extended = rnd.ends_at - at < timedelta(minutes=rnd.extend_minutes)
        if extended:
            new_end = at + timedelta(minutes=rnd.extend_minutes)
            changes["ends_at"] = [rnd.ends_at.isoformat(), new_end.isoformat()]
            rnd.ends_at = new_end
        try:
            with transaction.atomic():
                bid = Bid.objects.create(
                    round=rnd,
                    registration=reg,
                    amount=value,
                    created_at=at,
                    extended_to=rnd.ends_at if extended else None,
                )
        except IntegrityError:  # the unique (round, amount): someone got this amount past the lock
            raise _outbid(rnd) from None
        rnd.best_amount, rnd.best_bid, rnd.bid_count = value, bid, rnd.bid_count + 1
        rnd.save(update_fields=["best_amount", "best_bid", "bid_count", "ends_at", "updated_at"])
        audit_record(actor=actor, action="bidding.bid_placed", instance=rnd, changes=changes)
    bid.registration = reg
    return BidResult(bid=bid, round=rnd, extended=extended)


def bid_place_on_listing(*, actor: Actor, listing_id: int, amount: Any, now: datetime | None = None) -> BidResult:
    """A bid on the listing's live round (POST /listings/{id}/bids)."""
    rnd = BiddingRound.objects.filter(listing_id=listing_id, status__in=BiddingRound.LIVE).values_list("pk", flat=True)
    round_id = rnd.first()
    if round_id is None:
        if not Listing.objects.filter(pk=listing_id).exists():
            raise NotFound(_("未找到该信息。"))
        raise Conflict(_("该信息当前没有进行中的竞价。"), code="no_open_round")
    return bid_place(actor=actor, round_id=round_id, amount=amount, now=now)


# --- starting and closing ---------------------------------------------------------------------


def _result_until(now: datetime) -> Any:
    return timezone.localtime(now, LOCAL).date() + timedelta(days=RESULT_DAYS)


def _outcome_fields(rnd: BiddingRound, name: str, now: datetime) -> dict[str, Any]:
    """What the transition `name` (after its divert) sets on the round, read under its lock."""
    until = _result_until(now)
    if name == "start" and rnd.status == R.REGISTERING:
        qualified = list(rnd.registrations.filter(status=G.QUALIFIED)[:2])
        if len(qualified) == 1:
            sole = qualified[0]
            return {
                "outcome": O.NEGOTIATED,
                "winner_id": sole.organization_id,
                "final_amount": rnd.start_price,
                "result_published_until": until,
                "outcome_note": _("仅一家合格竞买人（竞买号 %(c)s），不进行网络竞价，按起始价 %(p)s 元协议转让。")
                % {"c": sole.bidder_code, "p": f"{rnd.start_price:,.2f}"},
            }
        if not qualified:
            return {
                "outcome": O.NO_BIDDERS,
                "result_published_until": until,
                "outcome_note": _("竞价开始时无合格竞买人，本场流拍。"),
            }
        return {}
    if name == "close" and rnd.status == R.OPEN:
        if rnd.bid_count == 0 or rnd.best_bid_id is None:
            return {
                "outcome": O.NO_BIDS,
                "result_published_until": until,
                "outcome_note": _("竞价期间无人出价，本场流拍。"),
            }
        best = Bid.objects.select_related("registration").get(pk=rnd.best_bid_id)
        return {
            "outcome": O.AUCTION,
            "winner_id": best.registration.organization_id,
            "final_amount": best.amount,
            "result_published_until": until,
            "outcome_note": _("竞买号 %(c)s 以最高价 %(p)s 元竞得。")
            % {"c": best.registration.bidder_code, "p": f"{best.amount:,.2f}"},
        }
    return {}


def _listing_follows(rnd: BiddingRound, t: Any) -> None:
    """The listing after the round: an auction's winner → 已成交; 协议转让 → 洽谈中 (the contract is
    still to be agreed); a failed or cancelled round leaves it published. The platform acts."""
    listing = Listing.objects.filter(pk=rnd.listing_id).values_list("status", flat=True).first()
    step = {"close": "deal", "negotiate": "negotiate"}.get(t.name)
    if step and listing in LISTING.transition(step).sources:
        LISTING.run(step, actor=None, obj_id=rnd.listing_id, system=True, now=rnd.closed_at)


def _advance(rnd: BiddingRound, *, name: str, actor: Any, system: bool, now: datetime) -> BiddingRound:
    fields = _outcome_fields(rnd, name, now)
    return ROUND.run(name, actor=actor, obj_id=rnd.pk, now=now, system=system, effect=_listing_follows, **fields)


def round_close(*, actor: Actor, round_id: int, now: datetime | None = None) -> BiddingRound:
    """结束竞价: the operator closes a round past its end (the periodic job does it by itself)."""
    was = _round(round_id)
    require(actor, "bidding.manage", was)
    round_start_due(round_id, now)
    with write_transaction():
        rnd = _lock_round(round_id)
        if was.status == R.REGISTERING and rnd.status in (R.CLOSED, R.FAILED):
            return rnd  # it ended at its start (协议转让 or 流拍): nothing more to close
        return _advance(rnd, name="close", actor=actor, system=False, now=now or timezone.now())


def round_start_due(round_id: int, now: datetime | None = None) -> BiddingRound:
    """A round whose start has come is started (or ended by the 2+ rule) before anything else
    touches it, in its own transaction: the periodic job may not have run yet this minute.
    Returns the round as read (unlocked)."""
    rnd = _round(round_id)
    at = now or timezone.now()
    if rnd.status != R.REGISTERING or at < rnd.starts_at:
        return rnd
    try:
        with write_transaction():
            rnd = _lock_round(round_id)
            if rnd.status == R.REGISTERING:
                rnd = _advance(rnd, name="start", actor=None, system=True, now=at)
    except Conflict:  # started meanwhile by someone else
        return _round(round_id)
    return rnd


def round_cancel(*, actor: Actor, round_id: int, reason: str, now: datetime | None = None) -> BiddingRound:
    reason = clean_text(reason, field="reason", max_length=NOTE_MAX, required=True)
    return ROUND.run(
        "cancel", actor=actor, obj_id=round_id, now=now, outcome=O.CANCELLED, outcome_note=reason, winner_id=None
    )


def bidding_rounds_tick(*, now: datetime | None = None) -> int:
    """The periodic job (every minute): start the rounds whose start has come (or end them as
    协议转让 / 流拍 by the 2+ rule) and close those whose end has passed. Returns how many moved; a
    round moved meanwhile by someone else is left alone."""
    now = now or timezone.now()
    moved = 0
    for name in ("start", "close"):  # closing second: a round started late whose end has passed
        status = R.REGISTERING if name == "start" else R.OPEN
        field = "starts_at__lte" if name == "start" else "ends_at__lte"
        ids = list(BiddingRound.objects.filter(status=status, **{field: now}).values_list("pk", flat=True)[:500])
        for pk in ids:
            try:
                with write_transaction():
                    rnd = _lock_round(pk)
                    if name == "close" and rnd.ends_at > now:  # extended by a late bid meanwhile
                        continue
                    _advance(rnd, name=name, actor=None, system=True, now=now)
                moved += 1
            except (Conflict, NotFound):
                continue
    return moved
