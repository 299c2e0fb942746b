"""Many bidders at once, each with its own connection: bids come out strictly ascending by at least
the increment, none below the start price, exactly one winner at the close (SQLite and PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from nesta.core.errors import Conflict, ServiceUnavailable
from nesta.market.models import Bid, BiddingRound
from nesta.market.services import bidding as services
from tests.market.bidding.conftest import FLOOR, STEP, make_world

BIDDERS = 12
ROUNDS_EACH = 6


@pytest.fixture
def live(transactional_db, reference):
    """A round open now (real clock), every bidder qualified."""
    world = make_world(now=timezone.now() - timedelta(hours=3), bidders=BIDDERS)
    rnd = world.open_round(
        qualified=BIDDERS,
        registration_deadline=world.now + timedelta(minutes=10),
        starts_at=world.now + timedelta(hours=2),
        ends_at=world.now + timedelta(hours=6),
    )
    return world, rnd


def _race(rnd, users, attempts, amount_of):
    barrier = threading.Barrier(len(users))

    def run(user):
        outcomes = []
        try:
            barrier.wait(timeout=30)
            for n in range(attempts):
                try:
                    services.bid_place(actor=user, round_id=rnd.pk, amount=amount_of(n))
                    outcomes.append("ok")
                except Conflict as exc:
                    outcomes.append(exc.code)
                except ServiceUnavailable:
                    outcomes.append("busy")
            return outcomes
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        return [o for outs in pool.map(run, users) for o in outs]


def _check_ascending(rnd):
    bids = list(Bid.objects.filter(round=rnd).order_by("created_at", "id"))
    assert bids and bids[0].amount >= FLOOR
    for before, after in zip(bids, bids[1:], strict=False):
        assert after.amount >= before.amount + STEP, (before.amount, after.amount)
        assert after.registration_id != before.registration_id  # nobody outbids themselves
    return bids


def test_everyone_bids_the_next_minimum_at_once_many_times(live):
    world, rnd = live

    def next_min(_n):
        fresh = BiddingRound.objects.get(pk=rnd.pk)
        return services.next_minimum(fresh)

    outcomes = _race(rnd, world.bidders, ROUNDS_EACH, next_min)
    bids = _check_ascending(rnd)
    assert outcomes.count("ok") == len(bids) >= ROUNDS_EACH
    assert set(outcomes) <= {"ok", "outbid", "already_highest", "busy"}
    rnd.refresh_from_db()
    assert rnd.bid_count == len(bids) and rnd.best_amount == bids[-1].amount and rnd.best_bid_id == bids[-1].pk
    closed = services.round_close(actor=world.office, round_id=rnd.pk, now=rnd.ends_at)
    assert closed.status == "closed" and closed.winner_id == bids[-1].registration.organization_id
    assert closed.final_amount == max(b.amount for b in bids)


def test_one_amount_raced_by_all_has_exactly_one_taker(live):
    """Everybody bids the same amount (the start price) at the same moment: one is accepted."""
    world, rnd = live
    outcomes = _race(rnd, world.bidders, 1, lambda _n: FLOOR)
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("outbid") == BIDDERS - 1, outcomes
    assert Bid.objects.filter(round=rnd).count() == 1


def test_a_close_racing_late_bids_yields_one_winner(live):
    """Bids and the periodic job at once: every bid either lands before the close (and counts)
    or is refused; the winner is the best accepted bid."""
    world, rnd = live
    BiddingRound.objects.filter(pk=rnd.pk).update(status="open", opened_at=timezone.now())
    stop = threading.Event()

    def closer():
        try:
            while not stop.is_set():
                BiddingRound.objects.filter(pk=rnd.pk, status="open").update(ends_at=timezone.now())
                services.bidding_rounds_tick()
                if BiddingRound.objects.filter(pk=rnd.pk).exclude(status="open").exists():
                    return
        finally:
            connection.close()

    def amount(_n):
        return services.next_minimum(BiddingRound.objects.get(pk=rnd.pk))

    t = threading.Thread(target=closer)
    t.start()
    try:
        outcomes = _race(rnd, world.bidders[:6], 4, amount)
    finally:
        stop.set()
        t.join()
    services.bidding_rounds_tick(now=timezone.now() + timedelta(hours=12))
    rnd.refresh_from_db()
    bids = list(Bid.objects.filter(round=rnd).order_by("created_at", "id"))
    assert set(outcomes) <= {"ok", "outbid", "already_highest", "busy", "round_ended", "round_not_open"}
    assert outcomes.count("ok") == len(bids)
    if bids:
        _check_ascending(rnd)
        assert rnd.status == "closed" and rnd.winner_id == bids[-1].registration.organization_id
        assert all(b.created_at <= rnd.closed_at for b in bids)
    else:
        assert rnd.status == "failed"


def test_a_bid_that_waits_too_long_for_the_lock_gets_503(live, settings):
    """Another writer holds the gate (SQLite) / the round's row (PostgreSQL) past the timeout:
    the bid is refused as busy (503 + Retry-After in the API), nothing is written, and it goes
    through once the lock is free."""
    from django.db import transaction

    from nesta.core.write_gate import sqlite_write_gate

    world, rnd = live
    services.round_start_due(rnd.pk)
    settings.BOOKING_LOCK_TIMEOUT_MS = 150
    held, release = threading.Event(), threading.Event()

    def holder():
        try:
            if connection.vendor == "sqlite":
                with sqlite_write_gate(1):
                    held.set()
                    release.wait(5)
            else:
                with transaction.atomic():
                    list(BiddingRound.objects.select_for_update().filter(pk=rnd.pk))
                    held.set()
                    release.wait(5)
        finally:
            connection.close()

    t = threading.Thread(target=holder)
    t.start()
    try:
        held.wait(5)
        with pytest.raises(ServiceUnavailable) as exc:
            services.bid_place(actor=world.bidders[0], round_id=rnd.pk, amount=FLOOR)
        assert exc.value.status == 503 and exc.value.details["retry_after"] >= 1
    finally:
        release.set()
        t.join()
    assert not Bid.objects.filter(round=rnd).exists()
    services.bid_place(actor=world.bidders[0], round_id=rnd.pk, amount=FLOOR)
    assert Bid.objects.filter(round=rnd).count() == 1
