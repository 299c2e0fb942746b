"""In a browser: an enterprise's person chooses the kind, fills the demand form and saves a draft
(desktop); at 390 px my listings are cards and the listing page fits, without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from nesta.market.models import Listing, ListingStatus
from tests.browser.conftest import login
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.browser
PASSWORD = "pass-2026-x"


@pytest.fixture
def person(transactional_db, reference):
    org = OrganizationFactory(name="沈阳铸造有限公司", kind="enterprise")
    return grant(UserFactory(username="zhang_gong", organization=org), "org_admin", organization=org)


def _no_sideways_scroll(pg):
    assert pg.evaluate("document.documentElement.scrollWidth") <= pg.viewport_size["width"] + 2


def test_post_a_demand_through_the_kind_first_form(page, person):
    login(page, person.username, PASSWORD)
    page.goto("/market/listings/new/")
    page.click("[data-testid=kind-demand]")
    expect(page.locator("[data-testid=listing-form]")).to_have_attribute("data-kind", "demand")
    page.fill("#id_title", "铸件砂眼问题求解")
    page.fill("#id_summary", "我们的铸件表面老是有砂眼，合格率只有八成，希望找到工艺改进方案。")
    page.select_option("#id_field", "automotive")
    page.select_option("#id_province", "210000")
    page.select_option("#id_city", "210100")
    page.fill("#id_d_problem", "铸件表面老是有砂眼，合格率只有八成")
    page.check("input[name=d_cooperation_modes][value=commissioned]")
    page.fill("#id_price_high", "30")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=listing-detail]")).to_be_visible()
    expect(page.locator("[data-testid=listing-status]")).to_have_text("草稿")
    expect(page.locator("[data-testid=listing-price]")).to_have_text("30万元")
    listing = Listing.objects.get(title="铸件砂眼问题求解")
    assert listing.status == ListingStatus.DRAFT and listing.price_high == 300000
    page.click("[data-testid=transition-submit]")
    expect(page.locator("[data-testid=listing-status]")).to_have_text("已提交")
    assert not page.external_requests and not page.console_errors, (page.external_requests, page.console_errors)


def test_my_listings_and_the_listing_page_at_390_px(page, person):
    for i in range(4):
        ListingFactory(organization=person.organization, title=f"一项标题相当长的高性能铸造铝合金成套技术成果{i}" * 2)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, person.username, PASSWORD)
    page.goto("/market/listings/mine/")
    expect(page.locator("[data-testid=listing-card]")).to_have_count(4)
    _no_sideways_scroll(page)
    page.screenshot(path="/tmp/market-my-listings-390.png", full_page=True)
    page.locator("[data-testid=listing-card] a").first.click()
    expect(page.locator("[data-testid=listing-detail]")).to_be_visible()
    _no_sideways_scroll(page)
    page.screenshot(path="/tmp/market-listing-390.png", full_page=True)
    page.goto("/market/listings/new/?kind=property_right")
    _no_sideways_scroll(page)
    page.screenshot(path="/tmp/market-form-390.png", full_page=True)
