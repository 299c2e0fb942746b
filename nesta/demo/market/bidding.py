"""Demo data of the market's bidding part: on two demo property-right listings, one round closed
three days ago (three qualified bidders, its bids with a late extension, its winner and the
published history; the listing 已成交) and one round open now (four qualified bidders and some
bids; it ends two days after loading, when the minute job closes it as any round).

Everything goes through the services with the moment each step happened (`now=`), so the rounds,
registrations, bids, audit rows and the listing's stamps agree, and nothing that has happened is
dated after the load. Deterministic: the listings are the first eligible ones by reference key,
the bidders the demo members in username order, the amounts from the seed. Idempotent: nothing
is loaded when a demo listing already has a round.
"""

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from nesta.market.models import BidderRegistration, BiddingRound, Listing, ListingKind, ListingStatus
from nesta.market.services import bidding as services

DEMO_PREFIX = "demo-mkt-"
PROVINCE_USERS = {"210000": "liaoning", "220000": "jilin", "230000": "heilongjiang"}
BIDDERS_CLOSED, BIDDERS_OPEN = 3, 4


def _step_of(floor: Decimal) -> Decimal:
    """The increment: about 1 % of the floor price, in whole thousands of 元 (at least 1,000)."""
    step = (floor / 100 / 1000).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 1000
    return max(Decimal("1000"), step)


def _listings(exclude_orgs: set[int]) -> list[Listing]:
    qs = (
        Listing.objects.filter(
            kind=ListingKind.PROPERTY_RIGHT,
            status=ListingStatus.PUBLISHED,
            price_low__gt=0,
            reference_key__startswith=DEMO_PREFIX,
            published_at__lte=timezone.now() - timedelta(days=30),  # on the market before its round
        )
        .exclude(organization_id__in=exclude_orgs)
        .select_related("province")
        .order_by("reference_key")
    )
    return list(qs[:2])


def _bidders() -> list[Any]:
    users = get_user_model().objects.filter(username__startswith="member", organization__isnull=False)
    seen: set[int] = set()
    out = []
    for user in users.order_by("username"):
        if user.organization_id not in seen:
            seen.add(user.organization_id)
            out.append(user)
    return out


def _operator(listing: Listing) -> Any:
    users = get_user_model().objects
    return (
        users.filter(username=PROVINCE_USERS.get(listing.province.code, "office")).first()
        or users.filter(username="office").first()
    )


def _round(
    listing: Listing,
    operator: Any,
    bidders: list[Any],
    *,
    opened: datetime,
    starts: datetime,
    ends: datetime,
    registered: datetime,
) -> BiddingRound:
    floor = listing.price_low
    data = services.RoundInput(
        registration_deadline=starts - timedelta(days=1),
        starts_at=starts,
        ends_at=ends,
        start_price=floor,
        min_increment=_step_of(floor),
        extend_minutes=5,
        deposit=(floor / 10).quantize(Decimal("1")),
    )
    rnd = services.round_create(actor=operator, listing_id=listing.pk, data=data, now=opened)
    for k, user in enumerate(bidders):
        at = registered + timedelta(hours=2 * k)
        reg = services.registration_create(actor=user, round_id=rnd.pk, note="已提交营业执照与资信证明", now=at)
        services.registration_qualify(actor=operator, registration_id=reg.pk, now=at + timedelta(hours=1))
        # the rows' own stamps as the story tells (auto_now would date them at the load minute)
        BidderRegistration.objects.filter(pk=reg.pk).update(created_at=at, updated_at=at + timedelta(hours=1))
    BiddingRound.objects.filter(pk=rnd.pk).update(created_at=opened, updated_at=opened)
    return rnd


def _touched(rnd: BiddingRound) -> None:
    """The round's updated_at: its last bid or its close, never the load minute."""
    rnd.refresh_from_db()
    last = rnd.closed_at or (rnd.best_bid.created_at if rnd.best_bid_id else rnd.opened_at)
    if last is not None:
        BiddingRound.objects.filter(pk=rnd.pk).update(updated_at=last)


def _bids(rnd: BiddingRound, bidders: list[Any], times: list[datetime], rng: random.Random) -> int:
    """Bids at `times` by the bidders in turn (never the leader twice), each the next minimum or
    one or two increments more."""
    placed, last = 0, None
    for at in times:
        choices = [u for u in bidders if u.pk != last]
        user = choices[rng.randrange(len(choices))]
        fresh = BiddingRound.objects.get(pk=rnd.pk)
        amount = services.next_minimum(fresh) + fresh.min_increment * rng.choice((0, 0, 1, 2))
        services.bid_place(actor=user, round_id=rnd.pk, amount=amount, now=at)
        placed, last = placed + 1, user.pk
    return placed


def load(scale: int, seed: int, say: Callable[[str], None]) -> dict[str, Any]:
    if BiddingRound.objects.filter(listing__reference_key__startswith=DEMO_PREFIX).exists():
        say("market.bidding: demo rounds present, nothing to do")
        return {"rounds": 0}
    bidders = _bidders()
    if len(bidders) < BIDDERS_OPEN + 1:
        say("market.bidding: too few demo member accounts, no rounds")
        return {"rounds": 0}
    pool = bidders[: BIDDERS_OPEN + 1]
    listings = _listings({u.organization_id for u in pool})
    if len(listings) < 2:
        say("market.bidding: no demo property-right listings, no rounds")
        return {"rounds": 0}
    rng = random.Random(f"{seed}:market.bidding")
    now = timezone.now().replace(second=0, microsecond=0)
    closed_listing, open_listing = listings

    # closed three days ago at 11:00 北京时间 after an hour's bidding and one late extension
    day = timezone.localtime(now).date() - timedelta(days=3)
    starts = timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))
    ends = starts + timedelta(hours=1)
    operator = _operator(closed_listing)
    first = pool[:BIDDERS_CLOSED]
    rnd = _round(
        closed_listing,
        operator,
        first,
        opened=starts - timedelta(days=12),
        starts=starts,
        ends=ends,
        registered=starts - timedelta(days=8),
    )
    services.round_start_due(rnd.pk, now=starts)
    minutes = sorted(rng.sample(range(1, 56), 7)) + [58]  # the last one inside the final 5 minutes
    count = _bids(rnd, first, [starts + timedelta(minutes=m, seconds=rng.randrange(60)) for m in minutes], rng)
    rnd.refresh_from_db()
    closed = services.round_close(actor=operator, round_id=rnd.pk, now=rnd.ends_at)
    _touched(closed)

    # open now: bidding began an hour ago and ends two days from now
    starts = now - timedelta(hours=1)
    operator = _operator(open_listing)
    second = pool[1 : 1 + BIDDERS_OPEN]
    live = _round(
        open_listing,
        operator,
        second,
        opened=starts - timedelta(days=10),
        starts=starts,
        ends=now + timedelta(days=2),
        registered=starts - timedelta(days=7),
    )
    services.round_start_due(live.pk, now=starts)
    times = sorted(starts + timedelta(minutes=rng.randrange(1, 59), seconds=rng.randrange(60)) for _ in range(6))
    count_open = _bids(live, second, times, rng)
    _touched(live)
    say(
        f"market.bidding: round {closed.pk} closed ({count} bids, winner organisation {closed.winner_id}), "
        f"round {live.pk} open ({count_open} bids)"
    )
    return {"rounds": 2, "bids": count + count_open}
