"""The demo provider: one round open with qualified bidders and bids, one closed with its winner and
history; deterministic, idempotent, nothing that has happened dated after the load."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from nesta.demo.market import bidding as demo
from nesta.market.models import Bid, BiddingRound, ListingKind, ListingStatus
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(reference):
    long_ago = timezone.now() - timedelta(days=90)
    for i in range(3):
        ListingFactory(
            kind=ListingKind.PROPERTY_RIGHT,
            reference_key=f"demo-mkt-{i:06d}",
            price_low=Decimal("3000000") * (i + 1),
            published_at=long_ago,
        )
    for k in range(1, 7):
        org = OrganizationFactory(kind="enterprise")
        grant(UserFactory(username=f"member{k:02d}", organization=org), "member", organization=org)
    grant(UserFactory(username="liaoning"), "province", province=_ln())
    grant(UserFactory(username="office"), "office")


def _ln():
    from nesta.core.models import Region

    return Region.objects.get(code="210000")


def test_one_round_open_and_one_closed_idempotently(demo_world):
    before = timezone.now()
    result = demo.load(1, 1, lambda line: None)
    assert result["rounds"] == 2
    closed = BiddingRound.objects.get(status="closed")
    live = BiddingRound.objects.get(status="open")
    assert closed.outcome == "auction" and closed.winner_id is not None
    assert (
        closed.final_amount == closed.best_amount and closed.bid_count == Bid.objects.filter(round=closed).count() >= 2
    )
    assert closed.ends_at > closed.scheduled_end  # the late bid extended it
    assert closed.listing.status == ListingStatus.DEALT
    assert closed.result_published_until >= timezone.localdate()  # still published
    assert live.registrations.filter(status="qualified").count() >= 2 and live.bid_count >= 2
    assert live.starts_at <= before < live.ends_at
    after = timezone.now()
    for bid in Bid.objects.all():
        assert bid.created_at <= after
    assert closed.closed_at <= after
    for rnd in (closed, live):
        rnd.refresh_from_db()
        assert rnd.created_at < rnd.starts_at and rnd.updated_at <= before
        for reg in rnd.registrations.all():
            assert reg.created_at < rnd.registration_deadline
    amounts = list(Bid.objects.filter(round=live).order_by("created_at").values_list("amount", flat=True))
    assert amounts == sorted(amounts) and amounts[0] >= live.start_price
    assert demo.load(1, 1, lambda line: None)["rounds"] == 0
    assert BiddingRound.objects.count() == 2
