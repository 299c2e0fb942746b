"""A property-right listing in Liaoning, its seller, the operators and three bidder organisations."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from nesta.core.models import Region
from nesta.market.models import BidderRegistration, BiddingRound, ListingKind
from nesta.market.services import bidding as services
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.market.factories import ListingFactory

LOCAL = ZoneInfo("Asia/Shanghai")
FLOOR = Decimal("5000000.00")
STEP = Decimal("50000.00")


@dataclass
class World:
    listing: Any
    seller: Any
    office: Any
    province: Any
    other_province: Any
    bidders: list[Any]  # one member per bidder organisation
    now: datetime

    def round_input(self, **over: Any) -> services.RoundInput:
        n = self.now
        data = {
            "registration_deadline": n + timedelta(days=1),
            "starts_at": n + timedelta(days=2),
            "ends_at": n + timedelta(days=2, hours=1),
            "start_price": FLOOR,
            "min_increment": STEP,
            "extend_minutes": 5,
        }
        data.update(over)
        return services.RoundInput(**data)

    def open_round(self, qualified: int = 3, **over: Any) -> BiddingRound:
        """A round with `qualified` bidders qualified, started (status open) at starts_at."""
        rnd = services.round_create(
            actor=self.province, listing_id=self.listing.pk, data=self.round_input(**over), now=self.now
        )
        for user in self.bidders[:qualified]:
            reg = services.registration_create(actor=user, round_id=rnd.pk, now=self.now)
            services.registration_qualify(actor=self.province, registration_id=reg.pk, now=self.now)
        return rnd

    def start(self, rnd: BiddingRound) -> BiddingRound:
        services.bidding_rounds_tick(now=rnd.starts_at)
        rnd.refresh_from_db()
        return rnd


def make_world(now: datetime | None = None, bidders: int = 3) -> World:
    ln = Region.objects.get(code="210000")
    jl = Region.objects.get(code="220000")
    seller_org = OrganizationFactory(province_code="210000", city_code="210100", kind="enterprise")
    seller = grant(UserFactory(organization=seller_org), "org_admin", organization=seller_org)
    listing = ListingFactory(
        kind=ListingKind.PROPERTY_RIGHT,
        organization=seller_org,
        created_by=seller,
        title="某国有企业30%股权转让",
        price_low=FLOOR,
        details={
            "asset": "某公司30%股权",
            "asset_type": "equity",
            "appraised_value": "5000000.00",
            "state_owned": True,
        },
    )
    users = []
    for i in range(bidders):
        org = OrganizationFactory(
            province_code="220000" if i % 2 else "210000", city_code="220100" if i % 2 else "210100", kind="enterprise"
        )
        users.append(grant(UserFactory(organization=org), "member", organization=org))
    return World(
        listing=listing,
        seller=seller,
        office=grant(UserFactory(), "office"),
        province=grant(UserFactory(), "province", province=ln),
        other_province=grant(UserFactory(), "province", province=jl),
        bidders=users,
        now=now or timezone.now().replace(microsecond=0),
    )


@pytest.fixture
def world(reference):
    return make_world()


def qualified(rnd: BiddingRound) -> list[BidderRegistration]:
    return list(rnd.registrations.filter(status="qualified"))
