"""A key-project call end to end, in a browser, each person logged in as themselves: the applicant
organisation fills in and submits its application, the province recommends it, the office closes
the call, passes the formal check and assigns the reviewer (the solver, k = 1, an expert from
outside the province), the expert accepts and scores, the office runs the selection within the
budget and confirms it — and each of them sees where the application stands afterwards; the
pages they used fit a 390 px screen.

Only the fixtures (the call, the people, the expert pool) are built before the first step; every
step is a click or a field filled on the real pages."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from nesta.programmes.models import Application, ApplicationStatus, Assignment
from tests.browser.conftest import login
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.programmes.factories import CallFactory, expert

pytestmark = pytest.mark.browser
PASSWORD = "pass-2026-x"
TITLE = "大型铸件凝固过程数值模拟与缩松缺陷控制"


@pytest.fixture
def flow(transactional_db, reference):
    from nesta.core.models import Region

    ln = Region.objects.get(code="210000")
    applicant_org = OrganizationFactory(name="沈阳铸造研究所有限公司", province_code="210000", city_code=None)
    applicant = grant(
        UserFactory(username="sy_chen", display_name="陈工", organization=applicant_org),
        "member",
        organization=applicant_org,
    )
    province = grant(UserFactory(username="ln_li", display_name="李处长"), "province", province=ln)
    office = grant(UserFactory(username="office_wang", display_name="王主任"), "office")
    call = CallFactory(title="2026年度装备制造关键技术重点项目申报指南")
    jilin = OrganizationFactory(name="吉林大学材料学院", province_code="220000", city_code=None)
    reviewer = expert(
        "张教授",
        organization=jilin,
        fields=("machinery",),
        keywords="铸造,数值模拟,缩松",
        expertise="铸造凝固数值模拟",
        user=grant(UserFactory(username="jl_zhang", display_name="张教授"), "expert"),
    )
    # in the applicant's province, and a colleague of the applicant: neither may take the seat
    expert("刘研究员", organization=OrganizationFactory(province_code="210000", city_code=None), fields=("machinery",))
    expert("赵高工", organization=applicant_org, fields=("machinery",), keywords="铸造")
    # the live server runs in this process: import every URLconf now (a cold first request takes
    # several seconds on a loaded machine, past the page's timeout), as a web process has them
    reverse("programmes:call_list")
    return {
        "call": call,
        "applicant": applicant,
        "province": province,
        "office": office,
        "reviewer": reviewer,
    }


def _as(page, user):
    page.context.clear_cookies()
    login(page, user.username, PASSWORD)


def _fits(page, urls):
    page.set_viewport_size({"width": 390, "height": 844})
    for url in urls:
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, url
    page.set_viewport_size({"width": 1366, "height": 900})


def test_apply_recommend_assign_review_award(page, flow):
    page.on("dialog", lambda d: d.accept())
    call = flow["call"]
    status = page.locator("[data-testid=application-status]")

    # the applicant organisation: fill in the application and submit it
    _as(page, flow["applicant"])
    page.goto(f"/projects/calls/{call.pk}/")
    page.click("[data-testid=apply]")
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "针对大型铸钢件缩松缺陷，研究凝固过程数值模拟与铸造工艺优化。")
    page.select_option("#id_field", "machinery")
    page.fill("#id_keywords", "铸造,数值模拟,缩松")
    page.fill("#id_team", "陈工|沈阳铸造研究所有限公司|高级工程师|负责人|12\n孙工||工程师|工艺试验|10")
    page.fill("#id_equipment", "30")
    page.fill("#id_business", "40")
    page.fill("#id_labour", "15")
    page.fill("#id_indirect", "15")
    page.click("[data-testid=save-application]")
    expect(status).to_have_text("草稿")
    page.click("[data-testid=transition-submit]")
    expect(status).to_have_text("已提交")
    app = Application.objects.get(call=call, title=TITLE)
    assert app.requested_amount == 1_000_000 and app.number

    # the province: recommend it from its queue
    _as(page, flow["province"])
    page.goto("/projects/applications/recommend/")
    page.click(f"a[href='/projects/applications/{app.pk}/']")
    page.click("[data-testid=transition-recommend]")
    expect(status).to_have_text("省级推荐")

    # the office: close the call, pass the formal check, move the call to review, assign
    _as(page, flow["office"])
    page.goto(f"/projects/calls/{call.pk}/")
    page.click("[data-testid=transition-close]")
    page.click("[data-testid=transition-review]")
    expect(page.locator("[data-testid=call-status]")).to_have_text("评审中")
    page.goto("/projects/applications/check/")
    page.click(f"a[href='/projects/applications/{app.pk}/']")
    page.click("[data-testid=transition-pass_check]")
    expect(status).to_have_text("专家评审")
    page.goto(f"/projects/calls/{call.pk}/assignment/")
    page.fill("#id_k", "1")
    page.fill("#id_max_load", "5")
    page.click("[data-testid=preview]")
    expect(page.locator("[data-testid=row-solver]")).to_contain_text("1")
    page.click("[data-testid=save]")
    seat = page.locator("[data-testid=app-seats]").locator("[data-testid=seat]")
    expect(seat).to_have_count(1)
    expect(seat).to_contain_text("张教授（吉林大学材料学院）")
    expect(seat).to_contain_text("已邀请")
    page.goto(f"/projects/calls/{call.pk}/conflicts/")
    expect(page.locator("body")).to_contain_text("赵高工")
    expect(page.locator("body")).to_contain_text("回避：同单位 沈阳铸造研究所有限公司")

    # the expert: accept the invitation, score the application
    _as(page, flow["reviewer"].user)
    page.goto("/projects/invitations/")
    invitation = page.locator("[data-testid=invitation]")
    expect(invitation).to_have_count(1)
    expect(invitation).to_contain_text(TITLE)
    invitation.locator("[data-testid=accept]").click()
    page.click("[data-testid=review-link]")
    page.fill("#id_score_innovation", "86")
    page.fill("#id_score_feasibility", "80")
    page.check("input[name=grade][value=A]")
    page.check("input[name=opinion][value=priority]")
    page.check("input[name=familiarity][value=expert]")
    page.fill("#id_comments", "技术路线清晰，数值模拟与工艺试验结合紧密，建议优先资助。")
    page.click("[data-testid=submit-review]")
    expect(page.locator("[data-testid=review-total]")).to_have_text("83.00")
    assert Assignment.objects.get(application=app).status == "submitted"

    # the office: run the selection within the budget and confirm it
    _as(page, flow["office"])
    page.goto(f"/projects/calls/{call.pk}/selection/")
    page.click("[data-testid=run-selection]")
    line = page.locator(f"[data-testid=line][data-application='{app.pk}']")
    expect(line).to_have_attribute("data-optimal", "1")
    page.fill("#id_note", "按专家评审意见立项。")
    page.click("[data-testid=confirm]")
    expect(page.locator("[data-testid=confirmed]")).to_be_visible()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.FUNDED and app.awarded_amount == 1_000_000
    page.goto("/projects/contracts/")
    expect(page.locator("[data-testid=to-sign]")).to_contain_text(TITLE)
    expect(page.locator("[data-testid=to-sign]")).to_contain_text("100万元")
    page.goto("/projects/budget/")
    expect(page.locator("body")).to_contain_text("100万元")
    office_pages = [f"/projects/calls/{call.pk}/assignment/", f"/projects/calls/{call.pk}/selection/"]
    _fits(page, office_pages)

    # what each of them sees afterwards
    _as(page, flow["applicant"])
    page.goto("/projects/applications/mine/")
    expect(page.locator("body")).to_contain_text("立项资助")
    page.goto(f"/projects/applications/{app.pk}/")
    expect(status).to_have_text("立项资助")
    _fits(page, [f"/projects/applications/{app.pk}/", "/projects/applications/mine/", f"/projects/calls/{call.pk}/"])

    _as(page, flow["province"])
    page.goto(f"/projects/applications/{app.pk}/")
    expect(status).to_have_text("立项资助")
    _fits(page, ["/projects/applications/recommend/"])

    _as(page, flow["reviewer"].user)
    page.goto("/projects/invitations/")
    expect(page.locator("[data-testid=invitation]")).to_have_attribute("data-status", "submitted")
    _fits(page, ["/projects/invitations/", page.locator("[data-testid=review-link]").get_attribute("href")])
    assert not page.external_requests
