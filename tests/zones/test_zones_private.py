"""The private tech enterprises' share per zone and year: firms (directory enterprises in the
zone), tenants in incubation at the year's end, contracts registered in the (local) year with a
seller in the zone, money awarded to applications decided in the year; four queries for every
zone at once; the region's share is sums over sums."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from nesta.zones.models import Incubator, Tenant, ZoneYear
from nesta.zones.selectors.private import private_shares, region_share
from tests.factories import OrganizationFactory
from tests.market.factories import RegistrationPointFactory
from tests.market.statistics.helpers import registered_contract
from tests.programmes.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Shanghai")


def firm(zone, private, kind="enterprise", **kw):
    return OrganizationFactory(zone=zone, kind=kind, is_private_tech_enterprise=private, **kw)


def tenant(incubator, private, entered, graduated=None, left=None):
    return Tenant.objects.create(incubator=incubator, name="孵化企业", founded_on=dt.date(2015, 1, 1),
                                 is_private_tech=private, entered_on=entered, graduated_on=graduated, left_on=left)  # fmt: skip


@pytest.fixture
def world(zones):
    sy, cc = zones["shenyang"], zones["changchun"]
    a, b = firm(sy, True), firm(sy, True)
    c = firm(sy, False)
    firm(sy, True, kind="university")  # not an enterprise
    firm(sy, True, is_active=False)  # no longer active
    d = firm(cc, False, province_code="220000", city_code="220100")
    inc = Incubator.objects.create(organization=OrganizationFactory(kind="incubator"), kind="business_center",
                                   zone=sy, established_on=dt.date(2005, 1, 1), space_m2=20000)  # fmt: skip
    tenant(inc, True, dt.date(2023, 3, 1))
    tenant(inc, False, dt.date(2024, 12, 31))
    tenant(inc, True, dt.date(2023, 3, 1), graduated=dt.date(2025, 1, 1))  # still in on 2024-12-31
    tenant(inc, True, dt.date(2023, 3, 1), graduated=dt.date(2024, 12, 31))  # graduated that day
    tenant(inc, True, dt.date(2023, 3, 1), left=dt.date(2024, 6, 1))
    tenant(inc, True, dt.date(2025, 1, 1))  # after the year
    point = RegistrationPointFactory()
    registered_contract(
        point, seller_organization=a, when=dt.datetime(2024, 5, 1, 10, tzinfo=LOCAL), contract_amount="300000"
    )
    registered_contract(
        point, seller_organization=c, when=dt.datetime(2024, 6, 1, 10, tzinfo=LOCAL), contract_amount="100000"
    )
    registered_contract(
        point, seller_organization=a, when=dt.datetime(2025, 1, 1, 0, 30, tzinfo=LOCAL)
    )  # next year, local
    registered_contract(point, seller_organization=d, when=dt.datetime(2024, 6, 1, 10, tzinfo=LOCAL))  # another zone
    decided = dt.datetime(2024, 7, 1, 9, tzinfo=LOCAL)
    ApplicationFactory(organization=b, status="funded", awarded_amount=Decimal("600000"), decided_at=decided)
    ApplicationFactory(organization=c, status="closed", awarded_amount=Decimal("200000"), decided_at=decided)
    ApplicationFactory(organization=b, status="not_funded", decided_at=decided)
    ApplicationFactory(organization=d, status="funded", awarded_amount=Decimal("900000"), decided_at=decided)
    ZoneYear.objects.create(
        zone=sy, year=2024, enterprises=4000, high_tech_enterprises=10, private_tech_enterprises=1000
    )
    return sy, cc


def test_each_share_counts_what_it_says(world, django_assert_num_queries):
    sy, cc = world
    with django_assert_num_queries(4):
        shares = private_shares(year=2024, zone_ids=[sy.pk, cc.pk])
    s = shares[sy.pk]
    assert (s.firms.part, s.firms.whole) == (2, 3)
    assert (s.tenants.part, s.tenants.whole) == (2, 3)
    assert (s.contracts.part, s.contracts.whole) == (1, 2)
    assert (s.contract_amount.part, s.contract_amount.whole) == (Decimal("300000.00"), Decimal("400000.00"))
    assert s.contract_amount.percent == Decimal("75.0")
    assert (s.funding.part, s.funding.whole) == (Decimal("600000.00"), Decimal("800000.00"))
    assert s.reported.percent == Decimal("25.0")
    other = shares[cc.pk]
    assert (other.firms.part, other.firms.whole, other.funding.whole) == (0, 1, Decimal("900000.00"))
    assert other.reported.whole == 0 and other.reported.ratio is None and other.tenants.percent is None
    region = region_share(shares.values())
    assert (region.firms.part, region.firms.whole) == (2, 4)
    assert region.funding.ratio == Decimal("600000") / Decimal("1700000")


def test_another_year_has_other_contracts_and_funding(world):
    sy, _cc = world
    s = private_shares(year=2025, zone_ids=[sy.pk])[sy.pk]
    assert (s.contracts.part, s.contracts.whole) == (1, 1)
    assert s.funding.whole == 0 and s.reported.whole == 0
    assert (s.tenants.part, s.tenants.whole) == (2, 3)  # the first, the 2024-12-31 and the 2025 entrants


def test_the_zone_page_and_the_comparison_show_the_shares(world, api_client):
    sy, _cc = world
    body = api_client.get(f"/api/v1/zones/{sy.pk}/private-share?year=2024").json()["shares"]
    assert body["firms"]["share"] == pytest.approx(2 / 3) and body["funding"]["share"] == pytest.approx(0.75)
    comparison = api_client.get("/api/v1/zones/comparison?year=2024").json()
    row = next(z for z in comparison["zones"] if z["zone"]["id"] == sy.pk)
    assert row["private"]["contract_amount"]["share"] == pytest.approx(0.75)
    assert comparison["private"]["firms"] == {"part": "2", "whole": "4", "share": 0.5}
    html = api_client.get(f"/zones/{sy.pk}/?year=2024").content.decode()
    assert "66.7%" in html and "75.0%" in html
