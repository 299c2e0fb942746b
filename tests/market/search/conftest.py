"""Fixtures of the market search tests: listings written by the factory and indexed as the
listings services index them (services/indexing.index_listing)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from nesta.market.selectors.facets import COLUMNS
from nesta.market.services.indexing import index_listing
from tests.factories import OrganizationFactory
from tests.market.factories import ListingFactory


@pytest.fixture(autouse=True)
def _fresh_columns():
    # Each test rolls its documents back, and ids are handed out again: start from nothing.
    COLUMNS.reset()
    COLUMNS._loading = False
    yield
    COLUMNS.reset()
    COLUMNS._loading = False


@pytest.fixture
def make_listing(reference):
    """make_listing(kind=..., field_code=..., status=..., days_ago=..., **fields) → an indexed listing."""
    counter = {"n": 0}

    def make(*, days_ago: float | None = None, index: bool = True, **kwargs):
        counter["n"] += 1
        if days_ago is None:
            days_ago = counter["n"] / 100
        kwargs.setdefault("published_at", timezone.now() - timedelta(days=days_ago))
        listing = ListingFactory(**kwargs)
        if index:
            index_listing(listing)
        return listing

    return make


@pytest.fixture
def orgs(reference):
    return {
        "ln": OrganizationFactory(province_code="210000", city_code="210100", name="沈阳铸造研究所"),
        "jl": OrganizationFactory(province_code="220000", city_code="220100", name="长春应用化学研究所"),
        "hl": OrganizationFactory(province_code="230000", city_code="230100", name="哈尔滨焊接研究院"),
    }


@pytest.fixture
def market(make_listing, orgs):
    """A small market: achievements, demands, capacities and an agri supply across the three
    provinces and fields, one negotiating, one dealt, one withdrawn, one draft."""
    ln, jl, hl = orgs["ln"], orgs["jl"], orgs["hl"]
    m = {}
    m["alloy"] = make_listing(
        title="高强韧铸造铝合金缩松缺陷控制技术",
        organization=ln,
        field_code="automotive",
        price_low=500000,
        price_high=500000,
        maturity="pilot",
        ip_type="invention_patent",
    )
    m["superalloy"] = make_listing(
        title="镍基高温合金涡轮叶片定向凝固技术",
        summary="单晶高温合金叶片的定向凝固与晶粒细化。",
        keywords="高温合金,叶片",
        organization=jl,
        field_code="superalloys",
        price_low=None,
        price_high=None,
        maturity="industrial",
        ip_type="utility_model",
    )
    m["magnet"] = make_listing(
        title="烧结钕铁硼稀土永磁晶界扩散技术",
        summary="稀土永磁材料矫顽力提升的晶界扩散工艺。",
        keywords="稀土永磁,钕铁硼",
        organization=hl,
        field_code="rare-earth-magnets",
        price_low=20_000_000,
        price_high=20_000_000,
        maturity="lab",
        ip_type="invention_patent",
        status="negotiating",
    )
    m["demand"] = make_listing(
        kind="demand",
        title="发动机缸体铸件砂眼问题求解",
        summary="缸体铸造合格率低。",
        keywords="铸件,砂眼",
        organization=ln,
        field_code="automotive",
        details={"problem": "我们的铸件表面老是有砂眼，合格率只有八成", "cooperation_modes": ["commissioned"]},
        price_low=None,
        price_high=300000,
    )
    m["capacity"] = make_listing(
        kind="capacity",
        title="铝合金低压铸造加工能力",
        summary="低压铸造生产线，承接铝合金铸件。",
        keywords="铸造,铝合金",
        organization=jl,
        field_code="machinery",
        details={"processes": ["casting"], "materials": "铸造铝合金"},
    )
    m["corn"] = make_listing(
        kind="agri_supply",
        title="供应五常优质玉米500吨",
        summary="合作社常年供应玉米。",
        keywords="玉米",
        organization=hl,
        field_code="crops",
        details={"product": "玉米", "quantity_tonnes": "500"},
    )
    m["dealt"] = make_listing(
        title="铸造铝合金熔体净化技术",
        organization=ln,
        field_code="automotive",
        status="dealt",
        price_low=80000,
        price_high=80000,
        maturity="industrial",
        ip_type="trade_secret",
    )
    m["withdrawn"] = make_listing(title="铸造铝合金旧工艺", organization=ln, status="withdrawn")
    m["draft"] = make_listing(title="铸造铝合金草稿成果", organization=ln, status="draft")
    return m
