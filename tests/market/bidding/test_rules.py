"""The rules of a round: opening terms, registration and qualification, the 2+ buyers rule,
ascending bids by the increment inside the window, the extension, closing and the result."""

from datetime import timedelta
from decimal import Decimal

import pytest

from nesta.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.market.models import Bid, BiddingRound, ListingStatus
from nesta.market.services import bidding as services
from tests.market.bidding.conftest import FLOOR, STEP, make_world

pytestmark = pytest.mark.django_db


# --- opening ------------------------------------------------------------------------------------


def test_the_operator_opens_a_round_and_it_is_audited(world):
    rnd = services.round_create(
        actor=world.province, listing_id=world.listing.pk, data=world.round_input(), now=world.now
    )
    assert rnd.status == "registering" and rnd.scheduled_end == rnd.ends_at
    assert AuditLog.objects.filter(action="bidding.round_created", object_id=str(rnd.pk)).exists()


@pytest.mark.parametrize(
    ("over", "code", "field"),
    [
        ({"start_price": FLOOR - 1}, "start_price_below_floor", "start_price"),
        ({"start_price": Decimal("0")}, "start_price_not_positive", "start_price"),
        ({"min_increment": Decimal("0")}, "increment_not_positive", "min_increment"),
        ({"min_increment": FLOOR + 1}, "increment_too_large", "min_increment"),
        ({"extend_minutes": 0}, "validation_error", "extend_minutes"),
        ({"extend_minutes": 31}, "validation_error", "extend_minutes"),
        ({"extend_minutes": True}, "validation_error", "extend_minutes"),
        ({"start_price": "1e400"}, "validation_error", "start_price"),
        ({"start_price": "10000000000000"}, "validation_error", "start_price"),
        ({"start_price": "5000000.001"}, "validation_error", "start_price"),
        ({"deposit": FLOOR * 2}, "deposit_too_large", "deposit"),
    ],
)
def test_round_terms_are_checked(world, over, code, field):
    with pytest.raises(ValidationFailed) as exc:
        services.round_create(
            actor=world.province, listing_id=world.listing.pk, data=world.round_input(**over), now=world.now
        )
    assert exc.value.code == code and field in exc.value.details
    assert not BiddingRound.objects.exists()


def test_round_times_are_checked(world):
    n = world.now
    cases = [
        ({"registration_deadline": n - timedelta(minutes=1)}, "deadline_past"),
        ({"registration_deadline": n + timedelta(days=91)}, "deadline_too_far"),
        ({"starts_at": n + timedelta(hours=12), "ends_at": n + timedelta(hours=13)}, "start_before_deadline"),
        ({"starts_at": n + timedelta(days=181), "ends_at": n + timedelta(days=181, hours=1)}, "start_too_far"),
        ({"ends_at": n + timedelta(days=2, minutes=5)}, "duration_out_of_range"),
        ({"ends_at": n + timedelta(days=9, minutes=1)}, "duration_out_of_range"),
        ({"starts_at": "2026-13-01T00:00"}, "validation_error"),
        ({"starts_at": "1999-01-01T00:00:00+08:00"}, "validation_error"),
    ]
    for over, code in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.round_create(
                actor=world.province, listing_id=world.listing.pk, data=world.round_input(**over), now=n
            )
        assert exc.value.code == code, (over, exc.value.code, exc.value.details)


def test_only_a_published_property_right_listing_with_one_live_round(world):
    from tests.market.factories import ListingFactory

    other = ListingFactory(organization=world.listing.organization)  # an achievement
    with pytest.raises(ValidationFailed) as exc:
        services.round_create(actor=world.province, listing_id=other.pk, data=world.round_input(), now=world.now)
    assert exc.value.code == "not_property_right"
    services.round_create(actor=world.province, listing_id=world.listing.pk, data=world.round_input(), now=world.now)
    with pytest.raises(Conflict) as exc:
        services.round_create(
            actor=world.province, listing_id=world.listing.pk, data=world.round_input(), now=world.now
        )
    assert exc.value.code == "round_exists"
    world.listing.status = ListingStatus.DRAFT
    world.listing.save()
    with pytest.raises(Conflict) as exc:
        services.round_create(actor=world.office, listing_id=world.listing.pk, data=world.round_input(), now=world.now)
    assert exc.value.code == "listing_not_published"
    with pytest.raises(NotFound):
        services.round_create(actor=world.office, listing_id=10**9, data=world.round_input(), now=world.now)


# --- registration -------------------------------------------------------------------------------


def test_registration_qualification_and_codes(world):
    rnd = services.round_create(
        actor=world.province, listing_id=world.listing.pk, data=world.round_input(), now=world.now
    )
    regs = [services.registration_create(actor=u, round_id=rnd.pk, now=world.now) for u in world.bidders]
    assert {r.status for r in regs} == {"pending"} and all(not r.bidder_code for r in regs)
    with pytest.raises(Conflict) as exc:
        services.registration_create(actor=world.bidders[0], round_id=rnd.pk, now=world.now)
    assert exc.value.code == "already_registered"
    a = services.registration_qualify(actor=world.province, registration_id=regs[2].pk, now=world.now)
    b = services.registration_qualify(actor=world.province, registration_id=regs[0].pk, now=world.now)
    assert (a.bidder_code, b.bidder_code) == ("001", "002")
    c = services.registration_reject(
        actor=world.province, registration_id=regs[1].pk, note="资信证明不全", now=world.now
    )
    assert c.status == "rejected" and c.note == "资信证明不全"
    with pytest.raises(ValidationFailed):
        services.registration_reject(actor=world.province, registration_id=regs[0].pk, note="", now=world.now)
    with pytest.raises(Conflict) as exc:  # a rejected organisation cannot register again
        services.registration_create(actor=world.bidders[1], round_id=rnd.pk, now=world.now)
    assert exc.value.code == "already_registered"
    # a bidder withdraws and registers again (pending once more)
    services.registration_withdraw(actor=world.bidders[0], registration_id=regs[0].pk, now=world.now)
    again = services.registration_create(actor=world.bidders[0], round_id=rnd.pk, now=world.now)
    assert again.pk == regs[0].pk and again.status == "pending"
    assert Notification.objects.filter(user=world.bidders[2], kind="bidding_qualified").exists()
    assert AuditLog.objects.filter(action="bidding.qualified").count() == 2


def test_the_seller_cannot_register_and_registration_closes_at_the_deadline(world):
    rnd = services.round_create(
        actor=world.province, listing_id=world.listing.pk, data=world.round_input(), now=world.now
    )
    with pytest.raises(PermissionDenied) as exc:
        services.registration_create(actor=world.seller, round_id=rnd.pk, now=world.now)
    assert exc.value.code == "own_listing"
    with pytest.raises(Conflict) as exc:
        services.registration_create(actor=world.bidders[0], round_id=rnd.pk, now=rnd.registration_deadline)
    assert exc.value.code == "registration_closed"
    reg = services.registration_create(actor=world.bidders[0], round_id=rnd.pk, now=world.now)
    with pytest.raises(Conflict) as exc:  # no decisions once bidding has begun
        services.registration_qualify(actor=world.province, registration_id=reg.pk, now=rnd.starts_at)
    assert exc.value.code == "registration_closed"


# --- the 2+ qualified buyers rule -----------------------------------------------------------------


def test_two_qualified_buyers_open_the_auction(world):
    rnd = world.start(world.open_round(qualified=2))
    assert rnd.status == "open" and rnd.opened_at == rnd.starts_at and rnd.outcome == ""


def test_one_qualified_buyer_is_a_negotiated_transfer_at_the_start_price(world):
    rnd = world.open_round(qualified=1)
    services.registration_create(actor=world.bidders[1], round_id=rnd.pk, now=world.now)  # pending: does not count
    rnd = world.start(rnd)
    assert (rnd.status, rnd.outcome) == ("closed", "negotiated")
    assert rnd.final_amount == FLOOR and rnd.final_amount >= world.listing.price_low
    assert rnd.winner_id == world.bidders[0].organization_id and rnd.bid_count == 0
    assert rnd.result_published_until is not None
    world.listing.refresh_from_db()
    assert world.listing.status == ListingStatus.NEGOTIATING
    with pytest.raises(Conflict):
        services.bid_place(actor=world.bidders[0], round_id=rnd.pk, amount=FLOOR, now=rnd.starts_at)


def test_no_qualified_buyer_fails_the_round(world):
    rnd = world.start(world.open_round(qualified=0))
    assert (rnd.status, rnd.outcome, rnd.winner_id) == ("failed", "no_bidders", None)
    world.listing.refresh_from_db()
    assert world.listing.status == ListingStatus.PUBLISHED  # may be put up again
    services.round_create(actor=world.province, listing_id=world.listing.pk, data=world.round_input(), now=world.now)


# --- bids ---------------------------------------------------------------------------------------


def test_bids_ascend_by_the_increment_from_the_start_price(world):
    rnd = world.open_round()
    a, b, c = world.bidders
    t = rnd.starts_at + timedelta(minutes=1)
    with pytest.raises(Conflict) as exc:  # the first bid starts the round lazily, and is too low
        services.bid_place(actor=a, round_id=rnd.pk, amount=FLOOR - 1, now=t)
    assert exc.value.code == "outbid" and exc.value.details["next_minimum"] == str(FLOOR)
    services.bid_place(actor=a, round_id=rnd.pk, amount=FLOOR, now=t)
    with pytest.raises(Conflict) as exc:
        services.bid_place(actor=b, round_id=rnd.pk, amount=FLOOR + STEP - Decimal("0.01"), now=t)
    assert exc.value.details == {
        "best_amount": str(FLOOR),
        "next_minimum": str(FLOOR + STEP),
        "bid_count": 1,
        "ends_at": rnd.ends_at.isoformat(),
    }
    with pytest.raises(Conflict) as exc:
        services.bid_place(actor=a, round_id=rnd.pk, amount=FLOOR + STEP, now=t)
    assert exc.value.code == "already_highest"
    services.bid_place(actor=b, round_id=rnd.pk, amount=FLOOR + STEP, now=t)
    with pytest.raises(ValidationFailed) as exc:  # a mistyped amount
        services.bid_place(actor=c, round_id=rnd.pk, amount=(FLOOR + 2 * STEP) * 11, now=t)
    assert exc.value.code == "bid_too_high"
    for bad in ("-1", "abc", "1e999", True, "0.001"):
        with pytest.raises(ValidationFailed):
            services.bid_place(actor=c, round_id=rnd.pk, amount=bad, now=t)
    rnd.refresh_from_db()
    assert rnd.best_amount == FLOOR + STEP and rnd.bid_count == 2
    assert AuditLog.objects.filter(action="bidding.bid_placed", object_id=str(rnd.pk)).count() == 2


def test_only_qualified_bidders_and_only_inside_the_window(world):
    rnd = world.open_round(qualified=2)
    outsider = world.bidders[2]
    services.registration_create(actor=outsider, round_id=rnd.pk, now=world.now)  # pending
    with pytest.raises(Conflict) as exc:  # before the start
        services.bid_place(
            actor=world.bidders[0], round_id=rnd.pk, amount=FLOOR, now=rnd.starts_at - timedelta(seconds=1)
        )
    assert exc.value.code == "round_not_open"
    t = rnd.starts_at
    with pytest.raises(PermissionDenied) as exc:
        services.bid_place(actor=outsider, round_id=rnd.pk, amount=FLOOR, now=t)
    assert exc.value.code == "not_qualified"
    with pytest.raises(PermissionDenied):
        services.bid_place(actor=world.seller, round_id=rnd.pk, amount=FLOOR, now=t)
    with pytest.raises(Conflict) as exc:  # at the end: too late
        services.bid_place(actor=world.bidders[0], round_id=rnd.pk, amount=FLOOR, now=rnd.ends_at)
    assert exc.value.code == "round_ended"
    assert not Bid.objects.exists()


def test_a_late_bid_extends_the_end(world):
    rnd = world.start(world.open_round(extend_minutes=5))
    end = rnd.ends_at
    early = services.bid_place(actor=world.bidders[0], round_id=rnd.pk, amount=FLOOR, now=end - timedelta(minutes=10))
    assert not early.extended and early.round.ends_at == end
    late_at = end - timedelta(minutes=2)
    late = services.bid_place(actor=world.bidders[1], round_id=rnd.pk, amount=FLOOR + STEP, now=late_at)
    assert late.extended and late.round.ends_at == late_at + timedelta(minutes=5)
    assert late.bid.extended_to == late.round.ends_at
    # past the original end, inside the extension: still open
    later = services.bid_place(
        actor=world.bidders[0], round_id=rnd.pk, amount=FLOOR + 2 * STEP, now=end + timedelta(minutes=1)
    )
    assert later.round.ends_at == end + timedelta(minutes=6)
    rnd.refresh_from_db()
    assert rnd.scheduled_end == end and rnd.ends_at == end + timedelta(minutes=6)


# --- closing ------------------------------------------------------------------------------------


def test_the_job_closes_a_round_past_its_end_and_the_highest_bid_wins(world):
    rnd = world.start(world.open_round())
    a, b, _c = world.bidders
    t = rnd.starts_at + timedelta(minutes=1)
    services.bid_place(actor=a, round_id=rnd.pk, amount=FLOOR, now=t)
    services.bid_place(actor=b, round_id=rnd.pk, amount=FLOOR + 3 * STEP, now=t)
    assert services.bidding_rounds_tick(now=rnd.ends_at - timedelta(seconds=1)) == 0
    assert services.bidding_rounds_tick(now=rnd.ends_at) == 1
    rnd.refresh_from_db()
    assert (rnd.status, rnd.outcome) == ("closed", "auction")
    assert rnd.winner_id == b.organization_id and rnd.final_amount == FLOOR + 3 * STEP
    assert rnd.result_published_until >= (rnd.closed_at + timedelta(days=5)).date()
    world.listing.refresh_from_db()
    assert world.listing.status == ListingStatus.DEALT
    notified = set(Notification.objects.filter(kind="bidding_ended").values_list("user_id", flat=True))
    assert {world.seller.pk, world.province.pk, a.pk, b.pk, world.bidders[2].pk} <= notified
    audit = AuditLog.objects.get(action="bidding.closed", object_id=str(rnd.pk))
    assert audit.changes["winner_id"] == [None, b.organization_id]
    assert services.bidding_rounds_tick(now=rnd.ends_at + timedelta(hours=1)) == 0  # nothing twice


def test_the_operator_closes_only_after_the_end_and_no_bids_fail(world):
    rnd = world.start(world.open_round())
    with pytest.raises(Conflict) as exc:
        services.round_close(actor=world.province, round_id=rnd.pk, now=rnd.ends_at - timedelta(minutes=1))
    assert exc.value.code == "round_not_ended"
    with pytest.raises(PermissionDenied):
        services.round_close(actor=world.other_province, round_id=rnd.pk, now=rnd.ends_at)
    rnd = services.round_close(actor=world.province, round_id=rnd.pk, now=rnd.ends_at)
    assert (rnd.status, rnd.outcome, rnd.winner_id) == ("failed", "no_bids", None)


def test_cancel_needs_a_reason(world):
    rnd = world.open_round()
    with pytest.raises(ValidationFailed):
        services.round_cancel(actor=world.office, round_id=rnd.pk, reason=" ")
    rnd = services.round_cancel(actor=world.office, round_id=rnd.pk, reason="标的权属存在争议")
    assert (rnd.status, rnd.outcome, rnd.outcome_note) == ("cancelled", "cancelled", "标的权属存在争议")


def test_the_closing_job_runs_every_minute():
    from nesta.core.registry import registry

    job = {j.name: j for j in registry.periodic_jobs()}["market.bidding"]
    assert job.every_seconds == 60 and job.run is services.bidding_rounds_tick


def test_a_withdrawn_listing_takes_no_registrations_or_bids(world):
    rnd = world.open_round(qualified=2)
    services.registration_create(actor=world.bidders[2], round_id=rnd.pk, now=world.now)
    world.listing.status = ListingStatus.WITHDRAWN
    world.listing.save()
    with pytest.raises(Conflict) as exc:
        services.bid_place(actor=world.bidders[0], round_id=rnd.pk, amount=FLOOR, now=rnd.starts_at)
    assert exc.value.code == "listing_not_on_market"
    other = make_world()
    r2 = services.round_create(actor=other.office, listing_id=other.listing.pk, data=other.round_input(), now=other.now)
    other.listing.status = ListingStatus.EXPIRED
    other.listing.save()
    with pytest.raises(Conflict) as exc:
        services.registration_create(actor=other.bidders[0], round_id=r2.pk, now=other.now)
    assert exc.value.code == "listing_not_on_market"
