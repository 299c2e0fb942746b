"""Online bidding's reads: a round's public state, the bid history (public only once the round
has ended; the operator sees it all along), registrations (the operator's) and one's own.

The public never learns who bids: bids show the bidder code (竞买号) only. While a round is live
the public sees the best amount, the number of bids, the (extended) end and the next minimum.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.errors import NotFound, PermissionDenied
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import Target, can, require, restrict
from nesta.market.models import PUBLIC_STATUSES, Bid, BidderRegistration, BiddingRound

R = BiddingRound.Status
G = BidderRegistration.Status
ENDED = (R.CLOSED, R.FAILED, R.CANCELLED)
ROUND_RELATED = ("listing__province", "listing__organization", "winner")


def next_minimum(rnd: BiddingRound) -> Decimal:
    return rnd.start_price if rnd.best_amount is None else rnd.best_amount + rnd.min_increment


def _visible(actor: Any, rnd: BiddingRound) -> bool:
    return (
        rnd.listing.status in PUBLIC_STATUSES
        or can(actor, "bidding.manage", rnd)
        or can(actor, "listing.view_unpublished", rnd.listing)
    )


def round_get(*, actor: Any, round_id: int) -> BiddingRound:
    """A round the actor may see (its listing public, or theirs to manage); 404 otherwise."""
    rnd = BiddingRound.objects.select_related(*ROUND_RELATED).filter(pk=round_id).first()
    if rnd is None or not _visible(actor, rnd):
        raise NotFound(_("未找到该场竞价。"))
    return rnd


def listing_get(*, actor: Any, listing_id: int) -> Any:
    """The listing a bidding page is about: public, or visible to the actor (404 otherwise)."""
    from nesta.market.models import Listing

    listing = Listing.objects.select_related("province", "organization").filter(pk=listing_id).first()
    if listing is None or not (
        listing.status in PUBLIC_STATUSES
        or can(actor, "bidding.manage", listing)
        or can(actor, "listing.view_unpublished", listing)
    ):
        raise NotFound(_("未找到该信息。"))
    return listing


def listing_round(*, actor: Any, listing: Any) -> BiddingRound | None:
    """The listing's round to show on its page: the live one, else the latest ended one."""
    rnd = BiddingRound.objects.select_related(*ROUND_RELATED).filter(listing_id=listing.pk).order_by("-id").first()
    return rnd if rnd is not None and _visible(actor, rnd) else None


def listing_rounds(*, actor: Any, listing_id: int, limit: int = 20) -> list[BiddingRound]:
    qs = BiddingRound.objects.select_related(*ROUND_RELATED).filter(listing_id=listing_id).order_by("-id")
    return [r for r in qs[: max(1, min(limit, 50))] if _visible(actor, r)]


@dataclass(frozen=True)
class RoundState:
    """What a page or client shows of a round now."""

    round: BiddingRound
    status: str
    status_label: str
    live: bool  # registering or open
    bidding_now: bool  # open and between start and (extended) end
    registering_now: bool  # taking registrations
    best_amount: Decimal | None
    bid_count: int
    next_minimum: Decimal
    seconds_left: int | None  # to the end while bidding, to the start while registering
    history_public: bool
    extended: bool

    @property
    def poll_every(self) -> int:
        """Seconds between the page's refreshes: often while bidding or about to start, rarely
        while registration runs for days."""
        if self.bidding_now or (self.seconds_left is not None and self.seconds_left <= 600):
            return 5
        return 60

    @property
    def left_text(self) -> str:
        """The time left as people say it: 2天3小时, 1小时5分, 4分30秒."""
        if self.seconds_left is None:
            return ""
        s = self.seconds_left
        days, rest = divmod(s, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        if days:
            return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
        if hours:
            return _("%(h)d小时%(m)d分") % {"h": hours, "m": minutes}
        return _("%(m)d分%(s)d秒") % {"m": minutes, "s": seconds}


def round_state(rnd: BiddingRound, *, now: datetime | None = None) -> RoundState:
    now = now or timezone.now()
    # a round whose start has come is bidding even before the minute job has started it: the
    # first bid starts it (or finds it ended as 协议转让 / 流拍 by the 2+ rule)
    bidding = rnd.status in BiddingRound.LIVE and rnd.starts_at <= now < rnd.ends_at
    registering = rnd.status == R.REGISTERING and now < rnd.registration_deadline
    if rnd.status == R.OPEN or bidding:
        left: int | None = max(0, int((rnd.ends_at - now).total_seconds()))
    elif rnd.status == R.REGISTERING:
        left = max(0, int((rnd.starts_at - now).total_seconds()))
    else:
        left = None
    return RoundState(
        round=rnd,
        status=rnd.status,
        status_label=str(R.OPEN.label if bidding else rnd.get_status_display()),
        live=rnd.status in BiddingRound.LIVE,
        bidding_now=bidding,
        registering_now=registering,
        best_amount=rnd.best_amount,
        bid_count=rnd.bid_count,
        next_minimum=next_minimum(rnd),
        seconds_left=left,
        history_public=rnd.status in ENDED,
        extended=rnd.ends_at > rnd.scheduled_end,
    )


def history_visible(actor: Any, rnd: BiddingRound) -> bool:
    return rnd.status in ENDED or can(actor, "bidding.manage", rnd)


def round_bids_page(*, actor: Any, rnd: BiddingRound, cursor: str | None = None, limit: int | None = 100) -> Page[Bid]:
    """The bid history in the order bids came (bidder codes, amounts, times): public once the
    round has ended; before that the operator's only (403 `history_not_public`)."""
    if not history_visible(actor, rnd):
        raise PermissionDenied(_("出价记录在竞价结束后公布。"), code="history_not_public")
    qs = (
        Bid.objects.filter(round=rnd)
        .select_related("registration")
        .only("id", "amount", "created_at", "extended_to", "registration__bidder_code", "round_id")
    )
    return keyset_page(qs, cursor=cursor, limit=limit, default_limit=100)


def winner_code(rnd: BiddingRound) -> str | None:
    """The winner's public code (竞买号)."""
    if rnd.winner_id is None:
        return None
    qs = BidderRegistration.objects.filter(round=rnd, organization_id=rnd.winner_id).values_list(
        "bidder_code", flat=True
    )
    return qs.first()


def round_registrations(*, actor: Any, rnd: BiddingRound) -> list[BidderRegistration]:
    """Every registration of the round with its organisation and person (the operator's)."""
    require(actor, "bidding.manage", rnd)
    qs = BidderRegistration.objects.filter(round=rnd).select_related("organization", "user", "round__listing__province")
    return list(qs.order_by("created_at", "id")[:500])


def my_registration(*, actor: Any, rnd: BiddingRound) -> BidderRegistration | None:
    org_id = getattr(actor, "organization_id", None)
    if not getattr(actor, "is_authenticated", False) or org_id is None:
        return None
    return BidderRegistration.objects.filter(round=rnd, organization_id=org_id).first()


def may_register(actor: Any, rnd: BiddingRound) -> bool:
    org_id = getattr(actor, "organization_id", None)
    return (
        org_id is not None
        and org_id != rnd.listing.organization_id
        and can(actor, "bidding.register", Target(organization_id=org_id))
    )


def may_manage(actor: Any, rnd: BiddingRound) -> bool:
    return can(actor, "bidding.manage", rnd)


def may_open_round(actor: Any, listing: Any) -> bool:
    return can(actor, "bidding.manage", listing)


def managed_rounds_page(*, actor: Any, cursor: str | None = None, live_only: bool = False) -> Page[BiddingRound]:
    """The rounds the operator runs (office: all; province: its province's), newest first."""
    require(actor, "bidding.manage")
    qs = restrict(
        actor,
        "bidding.manage",
        BiddingRound.objects.select_related(*ROUND_RELATED),
        province_field="listing__province__code",
    )
    if live_only:
        qs = qs.filter(status__in=BiddingRound.LIVE)
    return keyset_page(qs, cursor=cursor, limit=30, newest_first=True)


def registration_round_id(*, registration_id: int) -> int | None:
    return BidderRegistration.objects.filter(pk=registration_id).values_list("round_id", flat=True).first()
