"""The technology market end to end, in a browser: an enterprise posts a demand through the form,
it is approved and published, the enterprise sees its matches with the reasons on the demand's
page, opens the best achievement and expresses interest; the achievement's owner accepts on the
listing's page; the enterprise sees the answer, the listing 洽谈中 and the contacts, and sends a
document in the thread. Then 我的洽谈 at 390 px is cards without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from nesta.market.models import Interest, Listing, ListingKind, ListingStatus
from tests.browser.conftest import login
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.browser
PASSWORD = "pass-2026-x"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def market(transactional_db, reference):
    enterprise = OrganizationFactory(name="沈阳精密铸造有限公司", kind="enterprise")
    institute = OrganizationFactory(name="沈阳铸造研究所", kind="research_institute")
    zhang = grant(
        UserFactory(username="zhang_gong", display_name="张工", organization=enterprise),
        "org_admin",
        organization=enterprise,
    )
    li = grant(
        UserFactory(username="li_yan", display_name="李研究员", organization=institute),
        "org_admin",
        organization=institute,
    )
    office = grant(UserFactory(username="office_wang", display_name="王主任"), "office")
    achievement = ListingFactory(
        organization=institute,
        created_by=li,
        title="铸件砂眼与缩松缺陷控制成套技术",
        summary="针对铝合金和铸铁件的砂眼、气孔与缩松缺陷，采用熔体净化、型砂透气性控制和凝固模拟优化浇注系统，"
        "铸件合格率由80%提高到97%以上，已在多家汽车零部件企业应用。",
        keywords="铸造,砂眼,缩松,熔体净化,合格率",
        contact_name="李研究员",
        contact_phone="024-83978888",
        contact_email="liyan@example.cn",
    )
    # a listing of another field that must not outrank it
    ListingFactory(
        kind=ListingKind.ACHIEVEMENT,
        title="水稻抗倒伏新品种选育技术",
        summary="高产抗倒伏水稻品种的选育与栽培配套技术。",
        keywords="水稻,育种",
        field_code="agriculture" if _field_exists("agriculture") else "automotive",
    )
    return {"zhang": zhang, "li": li, "office": office, "achievement": achievement}


def _field_exists(code: str) -> bool:
    from nesta.core.models import TaxonomyNode

    return TaxonomyNode.objects.filter(code=code).exists()


def _no_sideways_scroll(pg):
    assert pg.evaluate("document.documentElement.scrollWidth") <= pg.viewport_size["width"] + 2


def _switch_user(page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def test_demand_matches_interest_and_the_owners_answer(page, market, tmp_path):
    from nesta.market.services.listings import listing_approve, listing_publish

    zhang, li, achievement = market["zhang"], market["li"], market["achievement"]

    # 1. the enterprise posts its demand through the form and submits it
    login(page, zhang.username, PASSWORD)
    page.goto("/market/listings/new/")
    page.click("[data-testid=kind-demand]")
    page.fill("#id_title", "铸件表面砂眼多，求工艺改进方案")
    page.fill("#id_summary", "我们的铸件表面老是有砂眼，合格率只有八成，希望找到铸造工艺改进方案，提高合格率。")
    page.select_option("#id_field", "automotive")
    page.select_option("#id_province", "210000")
    page.select_option("#id_city", "210100")
    page.fill("#id_d_problem", "铸件表面老是有砂眼，合格率只有八成")
    page.check("input[name=d_cooperation_modes][value=commissioned]")
    page.fill("#id_price_high", "50")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=listing-status]")).to_have_text("草稿")
    page.click("[data-testid=transition-submit]")
    expect(page.locator("[data-testid=listing-status]")).to_have_text("已提交")
    demand = Listing.objects.get(title="铸件表面砂眼多，求工艺改进方案")

    # 2. approved by the office and published by the enterprise (through the services)
    listing_approve(actor=market["office"], listing_id=demand.pk)
    listing_publish(actor=zhang, listing_id=demand.pk)

    # 3. the demand's page shows its matches with the reasons; the achievement ranks first
    page.goto(f"/market/listings/{demand.pk}/")
    expect(page.locator("[data-testid=listing-status]")).to_have_text("已发布")
    first = page.locator("#matches-box .match-item").first
    expect(first).to_have_attribute("data-listing", str(achievement.pk))
    expect(first.locator(".match-reasons li").first).to_be_visible()
    reasons = first.locator(".match-reasons").inner_text()
    assert reasons.strip(), "a match says why"

    # 4. the enterprise opens the achievement and expresses interest
    first.locator("a").first.click()
    expect(page.locator("[data-testid=listing-detail]")).to_have_attribute("data-listing", str(achievement.pk))
    expect(page.locator("[data-testid=contacts-hidden]")).to_be_visible()
    form = page.locator("#negotiation-box [data-testid=interest-form]")
    form.locator("textarea[name=message]").fill("我厂铸件砂眼问题严重，希望贵所派人来厂诊断并许可该技术。")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=interest-summary]")).to_have_attribute("data-status", "open")
    expect(page.locator("[data-testid=interest-status]")).to_have_text("待答复")
    interest = Interest.objects.get(listing=achievement)
    assert interest.organization_id == zhang.organization_id

    # 5. the achievement's owner answers on the listing's page: accepted, with a word
    _switch_user(page, li.username)
    page.goto(f"/market/listings/{achievement.pk}/")
    item = page.locator(f"#negotiation-box [data-testid=interest][data-interest='{interest.pk}']")
    expect(item).to_contain_text("沈阳精密铸造有限公司")
    item.locator("[data-testid=interest-accept] input[name=answer]").fill("欢迎来所面谈，下周三上午可以安排。")
    item.locator("[data-testid=interest-accept] button").click()
    expect(page.locator("[data-testid=listing-status]")).to_have_text("洽谈中")
    expect(page.locator(f"#negotiation-box [data-interest='{interest.pk}']")).to_have_attribute(
        "data-status", "accepted"
    )
    interest.refresh_from_db()
    achievement.refresh_from_db()
    assert interest.status == "accepted" and achievement.status == ListingStatus.NEGOTIATING

    # 6. the enterprise sees the answer and the contacts, and sends a document in the thread
    _switch_user(page, zhang.username)
    page.goto("/market/negotiations/")
    card = page.locator(f"[data-testid=negotiation-card][data-interest='{interest.pk}']")
    expect(card).to_have_attribute("data-status", "accepted")
    card.locator("a", has_text="进入洽谈").click()
    expect(page.locator("[data-testid=interest-answer]")).to_contain_text("欢迎来所面谈")
    expect(page.locator("[data-testid=listing-contacts]")).to_contain_text("024-83978888")
    document = tmp_path / "铸件缺陷照片说明.pdf"
    document.write_bytes(PDF)
    page.fill("#id_body", "附上我厂铸件缺陷的说明，请先看一下。")
    page.set_input_files("#id_attachment", str(document))
    page.click("[data-testid=thread-form] button[type=submit]")
    message = page.locator("[data-testid=thread-message]").last
    expect(message).to_contain_text("附上我厂铸件缺陷的说明")
    expect(message.locator("[data-testid=thread-attachment]")).to_contain_text("铸件缺陷照片说明.pdf")
    with page.expect_download() as download:
        message.locator("[data-testid=thread-attachment]").click()
    assert download.value.suggested_filename == "铸件缺陷照片说明.pdf"
    # the listing's own page now shows the contacts to the enterprise
    page.goto(f"/market/listings/{achievement.pk}/")
    expect(page.locator("[data-testid=listing-contacts]")).to_contain_text("024-83978888")

    # 7. 我的洽谈 at 390 px: cards, no sideways scrolling
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/market/negotiations/")
    expect(page.locator("[data-testid=negotiation-card]")).to_have_count(1)
    _no_sideways_scroll(page)
    page.goto(f"/market/negotiations/{interest.pk}/")
    _no_sideways_scroll(page)
    page.screenshot(path="/tmp/market-negotiation-390.png", full_page=True)
    assert not page.external_requests and not page.console_errors, (page.external_requests, page.console_errors)
