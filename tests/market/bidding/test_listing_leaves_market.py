"""A listing that leaves the market (withdrawn, expired) takes its negotiations and bidding with it."""

import pytest

from nesta.core.errors import Conflict
from nesta.core.models import AuditLog, Notification
from nesta.market.models import BiddingRound, Interest, ListingStatus
from nesta.market.services import listings as listing_services
from nesta.market.services import negotiation

pytestmark = pytest.mark.django_db


def _interest(world, user):
    return negotiation.interest_express(actor=user, listing_id=world.listing.pk, message="我单位有意受让，请联系。")


def test_withdrawing_a_listing_lapses_its_open_and_accepted_interests(world):
    first, second = _interest(world, world.bidders[0]), _interest(world, world.bidders[1])
    negotiation.interest_accept(actor=world.seller, interest_id=first.pk)
    listing_services.listing_withdraw(actor=world.seller, listing_id=world.listing.pk)
    assert set(Interest.objects.filter(listing=world.listing).values_list("status", flat=True)) == {"closed"}
    assert AuditLog.objects.filter(action="interest.lapsed").count() == 2
    told = set(Notification.objects.filter(kind="interest_lapsed").values_list("user_id", flat=True))
    assert {world.bidders[0].pk, world.bidders[1].pk} <= told
    assert second.pk  # both ended, none left open


def test_withdrawing_cancels_a_round_still_taking_registrations(world):
    rnd = world.open_round(qualified=2)
    assert rnd.status == BiddingRound.Status.REGISTERING
    listing_services.listing_withdraw(actor=world.seller, listing_id=world.listing.pk)
    rnd.refresh_from_db()
    assert rnd.status == BiddingRound.Status.CANCELLED
    assert rnd.outcome == BiddingRound.Outcome.CANCELLED and "撤回" in rnd.outcome_note


def test_a_listing_cannot_be_withdrawn_while_bids_are_being_taken(world):
    rnd = world.start(world.open_round(qualified=2))
    assert rnd.status == BiddingRound.Status.OPEN
    with pytest.raises(Conflict) as exc:
        listing_services.listing_withdraw(actor=world.seller, listing_id=world.listing.pk)
    assert exc.value.code == "bidding_in_progress"
    world.listing.refresh_from_db()
    rnd.refresh_from_db()
    assert world.listing.status == ListingStatus.PUBLISHED and rnd.status == BiddingRound.Status.OPEN


def test_the_listing_page_says_the_round_is_live(client, world):
    world.open_round(qualified=2)
    html = client.get(world.listing.get_absolute_url()).content.decode()
    assert 'data-testid="listing-bidding"' in html and "报名中" in html
