"""End-to-end flows in a real browser: sign in, search the directory in Chinese (htmx updates
the results in place), follow the city select, open a high-tech zone, switch to English."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser]


def test_sign_in_search_zone_and_switch_language(page, site):
    login(page, "office_wang", site["password"])
    expect(page.get_by_test_id("current-user")).to_contain_text("王主任")
    expect(page.get_by_test_id("current-user")).to_contain_text("领导小组办公室")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_home.png", full_page=True)

    # the directory: typing a Chinese word updates the results in place (htmx) and the URL
    page.get_by_role("link", name="机构名录", exact=True).click()
    page.wait_for_load_state("load")  # htmx and the page scripts are initialised
    expect(page.get_by_test_id("org-result")).to_have_count(11)  # 7 zones + 4 organisations
    page.evaluate("window.__marker = 'same-page'")
    page.fill("#id_q", "稀土")
    expect(page.get_by_test_id("result-summary")).to_contain_text("找到 2 家机构")
    expect(page.get_by_test_id("org-result")).to_have_count(2)
    expect(page.get_by_test_id("facets")).to_contain_text("吉林省")
    assert page.evaluate("window.__marker") == "same-page"  # no full page load
    expect(page).to_have_url(re.compile(r"q=%E7%A8%80%E5%9C%9F"))

    # a province narrows the results and the city select to that province's cities
    page.select_option("#id_province", "220000")
    expect(page.get_by_test_id("org-result")).to_have_count(1)
    expect(page.locator("#id_city option", has_text="长春市")).to_have_count(1)
    expect(page.locator("#id_city option", has_text="沈阳市")).to_have_count(0)
    page.screenshot(path=f"{SCREENSHOTS}/nesta_directory_search.png", full_page=True)

    # search for the zones, open one: its member organisations are listed
    page.select_option("#id_province", "")
    page.fill("#id_q", "高新区")
    expect(page.get_by_test_id("result-summary")).to_contain_text("找到 7 家机构")
    page.get_by_role("link", name="沈阳高新技术产业开发区").first.click()
    page.wait_for_load_state("load")  # htmx and the page scripts are initialised
    expect(page.get_by_test_id("org-name")).to_have_text("沈阳高新技术产业开发区")
    members = page.get_by_test_id("zone-members")
    expect(members).to_contain_text("中国科学院金属研究所")
    expect(members).to_contain_text("沈阳稀土永磁材料工程技术研究中心")
    expect(page.get_by_test_id("edit-org")).to_be_visible()  # the office may edit

    # switch to English: the same page, in English
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("org-name")).to_have_text("Shenyang National Hi-tech Industrial Development Zone")
    expect(page.get_by_role("link", name="Directory", exact=True)).to_be_visible()
    expect(page.get_by_test_id("zone-members")).to_contain_text("Organisations in the zone")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_zone_en.png", full_page=True)

    # and back to Chinese
    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("link", name="机构名录", exact=True)).to_be_visible()

    assert page.external_requests == []
    assert page.console_errors == []


def test_wrong_password_is_refused_in_chinese(page, site):
    login(page, "office_wang", "not-the-password")
    expect(page.get_by_test_id("login-error")).to_contain_text("用户名或密码不正确")
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_province_user_creates_an_organisation(page, site):
    from nesta.core.models import AuditLog
    from nesta.directory.models import Organization

    login(page, "ln_li", site["password"])
    page.goto("/directory/organizations/new/")
    expect(page.locator("#id_province")).to_have_value("210000")
    page.fill("#id_name", "大连化学物理研究所（测试）")
    page.select_option("#id_kind", "research_institute")
    # the city select follows the province select: switch away and back, waiting for each swap
    # to land before touching the city (a late swap would reset the chosen city)
    page.select_option("#id_province", "220000")
    expect(page.locator("#id_city option", has_text="长春市")).to_have_count(1)
    expect(page.locator("#id_city option", has_text="大连市")).to_have_count(0)
    page.select_option("#id_province", "210000")
    expect(page.locator("#id_city option", has_text="大连市")).to_have_count(1)
    expect(page.locator("#id_city option", has_text="长春市")).to_have_count(0)
    page.select_option("#id_city", "210200")
    expect(page.locator("#id_city")).to_have_value("210200")
    page.select_option("#id_fields", ["catalysis", "fine-chemicals"])
    page.fill("#id_description", "催化与精细化工。")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_org_form.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("org-name")).to_have_text("大连化学物理研究所（测试）")
    expect(page.get_by_text("已创建机构")).to_be_visible()
    org = Organization.objects.get(name="大连化学物理研究所（测试）")
    assert org.city.code == "210200"
    assert sorted(f.code for f in org.fields.all()) == ["catalysis", "fine-chemicals"]
    assert AuditLog.objects.filter(
        object_id=str(org.pk), action="organization.created", actor=site["province"]
    ).exists()
    assert page.external_requests == []


def test_anonymous_visitor_browses_people_and_sees_no_contacts(page, site):
    page.goto("/directory/people/")
    page.check("#id_experts")
    expect(page.get_by_test_id("person-result")).to_have_count(1)
    page.get_by_role("link", name="王建国").click()
    expect(page.get_by_test_id("expert-profile")).to_contain_text("镍基高温合金")
    expect(page.get_by_test_id("contact")).to_contain_text("联系方式属于个人信息")
    page.goto("/cooperation/")
    expect(page.get_by_test_id("coming-soon")).to_contain_text("该功能正在建设中")
    assert page.external_requests == []


def test_office_adds_an_expert_with_the_organisation_picker(page, site):
    from nesta.directory.models import Person

    login(page, "office_wang", site["password"])
    page.goto("/directory/people/new/")
    page.fill("#id_name", "赵立新")
    page.fill("#id_title", "教授")
    # the organisation select is filled by searching (the directory is too large for one select)
    page.get_by_placeholder("输入机构名称搜索").first.fill("风能")
    expect(page.locator("#id_organization option", has_text="哈尔滨风能装备有限公司")).to_have_count(1)
    page.select_option("#id_organization", label="哈尔滨风能装备有限公司（哈尔滨市）")
    page.check("#id_is_expert")
    expect(page.locator("#id_expertise")).to_be_visible()
    page.fill("#id_expertise", "大型风电机组设计")
    page.select_option("#id_fields", ["wind-energy"])
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("person-name")).to_have_text("赵立新")
    expect(page.get_by_test_id("expert-profile")).to_contain_text("大型风电机组设计")
    person = Person.objects.get(name="赵立新")
    assert person.organization.name == "哈尔滨风能装备有限公司"
    assert person.expert_profile.expertise == "大型风电机组设计"
    assert page.console_errors == []
