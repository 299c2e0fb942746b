"""The innovation bases end to end, in a browser: the host organisation fills in its laboratory's
annual report and submits it (the derived figures frozen), the province checks it, the office
accepts it, runs the year's evaluation and opens a recommendation to see why — then the layout
matrix and the run page at 390 px fit the screen."""

import pytest
from playwright.sync_api import expect

from nesta.bases.models import BaseReport, ReportStatus
from nesta.bases.services import evaluation as services
from tests.bases.factories import BaseFactory, BaseReportFactory
from tests.browser.conftest import login
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.browser
PASSWORD = "pass-2026-x"


@pytest.fixture
def bases(transactional_db, reference):
    from nesta.core.models import Region

    lab = BaseFactory(organization__name="辽宁省稀土永磁材料重点实验室", host__name="东北大学", level="provincial")
    rivals = [BaseFactory(), BaseFactory()]
    for base, papers in zip(rivals, (40, 60), strict=True):
        BaseReportFactory(base=base, year=2025, status=ReportStatus.ACCEPTED, papers=papers, patents_granted=5)
    member = grant(
        UserFactory(username="neu_zhao", display_name="赵老师", organization=lab.host), "member", organization=lab.host
    )
    province = grant(
        UserFactory(username="ln_li", display_name="李处长"), "province", province=Region.objects.get(code="210000")
    )
    office = grant(UserFactory(username="office_wang", display_name="王主任"), "office")
    scheme = services.scheme_create(
        actor=office,
        data={
            "base_type": "key_laboratory",
            "year": 2025,
            "name": "2025年度重点实验室运行评估",
            "top_share": "0.34",
            "bottom_share": "0.34",
            "criteria": [
                {"indicator": "papers", "weight": "2", "national_threshold": "100"},
                {"indicator": "patents_granted", "weight": "1"},
            ],
        },  # fmt: skip
    )
    return {"lab": lab, "member": member, "province": province, "office": office, "scheme": scheme}


def _as(page, user):
    page.context.clear_cookies()
    login(page, user.username, PASSWORD)


def test_report_check_accept_evaluate_and_see_why(page, bases):
    page.on("dialog", lambda d: d.accept())
    lab = bases["lab"]
    _as(page, bases["member"])
    page.goto(f"/bases/{lab.pk}/")
    page.click("[data-testid=new-report]")
    page.fill("#id_year", "2025")
    page.fill("#id_fixed_staff", "45")
    page.fill("#id_senior_staff", "20")
    page.fill("#id_papers", "120")
    page.fill("#id_patents_granted", "9")
    page.fill("#id_rd_spend", "8600000")
    page.click("[data-testid=save-report]")
    expect(page.locator("[data-testid=report-status]")).to_have_text("草稿")
    expect(page.locator("[data-testid=derived-contracts]")).to_be_visible()
    page.click("[data-testid=report-submit] button")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已提交")
    report = BaseReport.objects.get(base=lab, year=2025)
    assert report.derived_at is not None

    _as(page, bases["province"])
    page.goto(f"/bases/reports/{report.pk}/")
    page.click("[data-testid=report-check] button")
    expect(page.locator("[data-testid=report-status]")).to_have_text("省级已审核")

    _as(page, bases["office"])
    page.goto(f"/bases/reports/{report.pk}/")
    page.click("[data-testid=report-accept] button")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已采纳")
    page.goto("/bases/evaluations/")
    page.click("[data-testid=run-scheme]")
    row = page.locator(f"#base-{lab.pk}")
    expect(row.locator("[data-testid=recommendation]")).to_have_text("选择晋升")  # provincial, 120 papers ≥ 100
    row.locator("summary").click()
    reasons = row.locator("[data-testid=reasons]")
    expect(reasons).to_contain_text("发表论文")
    expect(reasons).to_contain_text("120")
    expect(row).to_contain_text("省级基地，各项指标达到国家级门槛")

    page.set_viewport_size({"width": 390, "height": 844})
    for url in (page.url, "/bases/layout/", f"/bases/reports/{report.pk}/"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, url
    assert not page.external_requests
