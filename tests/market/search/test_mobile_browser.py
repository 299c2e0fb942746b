"""The market's list page on a phone (390 × 844): the search box above the filters, the filters
folded away until asked for, cards no wider than the screen, and htmx updates as one types or
picks a facet."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser]
WIDTH = 390


@pytest.fixture
def live_market(transactional_db):
    from django.core.management import call_command

    from nesta.market.services.indexing import index_listing
    from tests.factories import OrganizationFactory
    from tests.market.factories import ListingFactory

    call_command("load_reference", verbosity=0)
    ln = OrganizationFactory(province_code="210000", city_code="210100", name="沈阳铸造研究所")
    jl = OrganizationFactory(province_code="220000", city_code="220100", name="长春应用化学研究所")
    rows = [
        dict(title="高强韧铸造铝合金缩松缺陷控制技术", organization=ln, field_code="automotive", status="negotiating"),
        dict(
            title="发动机缸体铸件砂眼问题求解，希望找到高校院所联合攻关的长标题需求信息",
            kind="demand",
            organization=ln,
            field_code="automotive",
            details={"problem": "铸件表面老是有砂眼，合格率只有八成", "cooperation_modes": ["commissioned"]},
            price_low=None,
            price_high=300000,
        ),
        dict(
            title="烧结钕铁硼稀土永磁晶界扩散技术",
            organization=jl,
            field_code="rare-earth-magnets",
            price_low=None,
            price_high=None,
        ),
        dict(
            title="供应优质玉米500吨",
            kind="agri_supply",
            organization=jl,
            field_code="crops",
            details={"product": "玉米", "quantity_tonnes": "500"},
        ),
    ]
    for row in rows:
        index_listing(ListingFactory(**row))


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": WIDTH, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.console_errors = errors
    pg.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    yield pg
    context.close()


def test_the_search_box_comes_first_and_nothing_is_wider_than_the_phone(phone, live_market):
    phone.goto("/market/")
    box = phone.locator("#id_q").bounding_box()
    toggle = phone.get_by_test_id("facets-toggle").bounding_box()
    first_card = phone.get_by_test_id("listing-result").first.bounding_box()
    assert box["y"] + box["height"] <= toggle["y"] <= first_card["y"]
    assert box["width"] > WIDTH * 0.6
    expect(phone.get_by_test_id("facets")).to_be_hidden()  # folded on a phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
    expect(phone.get_by_test_id("listing-result")).to_have_count(4)
    expect(phone.get_by_test_id("negotiating")).to_have_count(1)
    phone.screenshot(path=f"{SCREENSHOTS}/market-list-390.png", full_page=True)
    assert not phone.console_errors


def test_typing_a_query_and_picking_a_facet_update_the_results_in_place(phone, live_market):
    phone.goto("/market/")
    phone.fill("#id_q", "铸件 砂眼")
    expect(phone.get_by_test_id("result-summary")).to_contain_text("找到 1 条信息")
    expect(phone.get_by_test_id("listing-result")).to_have_count(1)
    assert "q=" in phone.url
    # the box searches 500 ms after typing stops: wait for that one search (and no second one,
    # such as an Enter), so that no late response can swap the fragment back over the opened
    # facets or the facet picked below
    with phone.expect_response(lambda r: "/market/" in r.url and "q=" in r.url):
        phone.fill("#id_q", "")
    expect(phone.get_by_test_id("listing-result")).to_have_count(4)
    phone.wait_for_load_state("networkidle")
    phone.get_by_test_id("facets-toggle").click()
    facets = phone.get_by_test_id("facets")
    expect(facets).to_be_visible()
    facets.locator('[data-facet="province"] a', has_text="吉林省").click()
    expect(phone.get_by_test_id("listing-result")).to_have_count(2)
    assert "province=220000" in phone.url
    # a query typed now keeps the province picked (the hidden inputs travel with the search box)
    phone.fill("#id_q", "玉米")
    expect(phone.get_by_test_id("listing-result")).to_have_count(1)
    expect(phone.get_by_test_id("listing-result")).to_contain_text("供应优质玉米500吨")
    assert "province=220000" in phone.url and not phone.console_errors


def test_on_a_desktop_the_facets_stand_beside_the_results(browser, live_server, live_market):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    pg = context.new_page()
    try:
        pg.goto("/market/?q=技术")
        facets = pg.get_by_test_id("facets")
        expect(facets).to_be_visible()
        expect(pg.get_by_test_id("facets-toggle")).to_be_hidden()
        side, card = facets.bounding_box(), pg.get_by_test_id("listing-result").first.bounding_box()
        assert side["x"] + side["width"] <= card["x"] and abs(side["y"] - card["y"]) < 120
        pg.screenshot(path=f"{SCREENSHOTS}/market-list-desktop.png", full_page=True)
    finally:
        context.close()
