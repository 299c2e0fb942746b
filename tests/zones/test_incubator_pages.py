"""The incubators' web pages: the directory and its filters, an incubator (occupancy, services,
tenants — revenue only for its people, province and office —, the graduates chart and its XLSX),
the tenant and report forms, the report's buttons per role, the evaluation pages; query counts
that do not grow with rows; tables inside .table-responsive (390 px)."""

import datetime as dt

import pytest
from django.urls import reverse

from nesta.zones.models import IncubatorReport, Tenant
from nesta.zones.services import incubator_evaluation as eval_services
from tests.zones import test_incubator_support as support
from tests.zones.test_incubator_support import IncubatorFactory, IncubatorReportFactory, TenantFactory

pytestmark = pytest.mark.django_db
world = support.world


def test_the_directory_filters(client, world, zones):
    IncubatorFactory(kind="returnee_park", zone=zones["shenyang"], organization__name="沈阳海外学子创业园")
    r = client.get(reverse("zones:incubator_list"))
    assert r.status_code == 200 and r.content.decode().count('data-testid="incubator-card"') == 3
    body = client.get(reverse("zones:incubator_list"), {"kind": "returnee_park"}).content.decode()
    assert "沈阳海外学子创业园" in body and "吉林大学国家大学科技园" not in body
    body = client.get(reverse("zones:incubator_list"), {"province": "220000"}).content.decode()
    assert "吉林大学国家大学科技园" in body and body.count('data-testid="incubator-card"') == 1
    body = client.get(reverse("zones:incubator_list"), {"zone": zones["changchun"].pk}).content.decode()
    assert body.count('data-testid="incubator-card"') == 1
    r = client.get(reverse("zones:incubator_list"), {"kind": "x"})  # an unknown filter is ignored
    assert r.status_code == 200
    assert client.get(reverse("zones:incubator_list"), {"cursor": "!!"}).status_code == 400
    partial = client.get(reverse("zones:incubator_list"), {"kind": "science_park"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "吉林大学" in partial.content.decode()


def test_the_directory_reads_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    for _ in range(8):
        IncubatorFactory()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("zones:incubator_list")).status_code == 200


def _tenants(incubator):
    TenantFactory(incubator=incubator, name="沈阳东软毕业企业", entered_on=dt.date(2021, 1, 1),
                  graduated_on=dt.date(2024, 5, 1), revenue=88_000_000)  # fmt: skip
    TenantFactory(incubator=incubator, name="沈阳新创在孵企业", entered_on=dt.date(2024, 2, 1), space_m2=2500,
                  revenue=12_345_678, is_private_tech=True)  # fmt: skip


def test_an_incubator_page(client, world):
    a = world["a"]
    _tenants(a)
    IncubatorReportFactory(incubator=a, year=2024, status="accepted", space_occupied_m2=7000)
    url = reverse("zones:incubator", args=[a.pk])
    body = client.get(url).content.decode()
    # the page lists the present tenants; the graduate is counted and on the full list
    assert "沈阳新创在孵企业" in body and "沈阳东软毕业企业" not in body
    assert "在孵 1 家 · 已毕业 1 家 · 已退出 0 家" in body and 'data-testid="all-tenants"' in body
    assert "创业辅导与导师" in body  # the services
    assert 'data-testid="present">1 家' in body and "2500 平方米（25.0%）" in body
    assert 'data-testid="reported-occupancy">7000 平方米' in body
    assert "1234.57万元" not in body and 'data-testid="new-tenant"' not in body  # the public: no revenue
    assert 'data-testid="chart-graduates"' in body
    assert (
        '<div class="table-responsive"><table class="table table-sm small align-middle" data-testid="tenants">' in body
    )
    client.force_login(world["member"])
    body = client.get(url).content.decode()
    assert "1,234.57万元" in body or "1234.57万元" in body
    assert 'data-testid="new-tenant"' in body and 'data-testid="new-report"' in body
    client.force_login(world["b_admin"])
    body = client.get(url).content.decode()
    assert 'data-testid="new-tenant"' not in body and "万元" not in body.split('data-testid="tenants"')[1]


def test_the_graduates_chart_exports_its_table(client, world):
    _tenants(world["a"])
    r = client.get(reverse("zones:incubator", args=[world["a"].pk]), {"export": "xlsx", "chart": "graduates"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("zones:incubator", args=[world["a"].pk]), {"export": "pdf"}).status_code == 400


def test_an_incubator_page_reads_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    a = world["a"]
    client.force_login(world["admin"])
    for i in range(3):
        TenantFactory(incubator=a, entered_on=dt.date(2020 + i, 1, 1))
    url = reverse("zones:incubator", args=[a.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for i in range(20):
        TenantFactory(incubator=a, entered_on=dt.date(2015 + i % 10, 1, 1), graduated_on=dt.date(2025, 1, 1))
    for year in (2022, 2023, 2024):
        IncubatorReportFactory(incubator=a, year=year)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    assert client.get(reverse("zones:incubator", args=[999999])).status_code == 404


def test_the_tenant_list_filters_and_pages(client, world, django_assert_max_num_queries):
    a = world["a"]
    _tenants(a)
    TenantFactory(incubator=a, name="沈阳退出企业", entered_on=dt.date(2022, 1, 1), left_on=dt.date(2023, 1, 1))
    url = reverse("zones:tenant_list", args=[a.pk])

    def names(**params):
        body = client.get(url, params).content.decode()
        return body.count('data-testid="tenant"'), body

    n, body = names()
    assert n == 1 and "沈阳新创在孵企业" in body  # present by default
    assert names(state="graduated")[0] == 1 and "沈阳东软毕业企业" in names(state="graduated")[1]
    assert names(state="left")[0] == 1 and names(state="all")[0] == 3
    assert names(state="all", q="毕业")[0] == 1 and names(state="nonsense")[0] == 1
    assert "1234.57万元" not in names()[1]  # the public: no revenue
    for i in range(60):
        TenantFactory(incubator=a, name=f"在孵企业{i:02d}", entered_on=dt.date(2024, 1, 1))
    n, body = names()
    assert n == 50 and 'rel="next"' in body and "符合条件 61 家" in body
    with django_assert_max_num_queries(10):
        assert client.get(url, {"state": "all"}).status_code == 200
    partial = client.get(url, {"state": "all"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and partial.count('data-testid="tenant"') == 50
    assert client.get(reverse("zones:tenant_list", args=[999999])).status_code == 404


def test_tenant_forms(client, world):
    a = world["a"]
    url = reverse("zones:tenant_create", args=[a.pk])
    assert client.get(url).status_code == 302  # the login page
    client.force_login(world["b_admin"])
    assert client.get(url).status_code == 403
    client.force_login(world["admin"])
    assert client.get(url).status_code == 200
    data = {"name": "沈阳智造机器人有限公司", "founded_on": "2023-01-05", "entered_on": "2022-12-01",
            "employees": "15", "revenue": "0", "space_m2": "300", "field": ""}  # fmt: skip
    r = client.post(url, data)
    assert r.status_code == 422 and "入孵日期不能早于企业成立日期" in r.content.decode()
    r = client.post(url, {**data, "entered_on": "2023-02-01", "is_private_tech": "on"})
    assert r.status_code == 302
    tenant = Tenant.objects.get(name="沈阳智造机器人有限公司")
    assert tenant.is_private_tech and tenant.space_m2 == 300
    edit = reverse("zones:tenant_edit", args=[tenant.pk])
    assert client.get(edit).status_code == 200
    r = client.post(edit, {**data, "entered_on": "2023-02-01", "graduated_on": "2025-06-30"})
    assert r.status_code == 302
    tenant.refresh_from_db()
    assert tenant.graduated_on == dt.date(2025, 6, 30) and not tenant.is_private_tech
    client.force_login(world["jilin"])
    assert client.get(edit).status_code == 403


def test_report_pages_and_buttons(client, world):
    a = world["a"]
    TenantFactory(incubator=a, entered_on=dt.date(2024, 3, 1))
    create = reverse("zones:incubator_report_create", args=[a.pk])
    client.force_login(world["province"])
    assert client.get(create).status_code == 403  # a province checks, the incubator fills
    client.force_login(world["admin"])
    r = client.post(create, {"year": "2024", "space_occupied_m2": "20000", "staff": "5", "mentors": "2",
                             "service_events": "0", "investment_raised": "0", "seed_fund": "0",
                             "tenant_patents": "0", "income": "0"})  # fmt: skip
    assert r.status_code == 422 and "不能超过孵化场地面积" in r.content.decode()
    r = client.post(create, {"year": "2024", "space_occupied_m2": "6000", "staff": "5", "mentors": "2",
                             "service_events": "10", "investment_raised": "5000000", "seed_fund": "0",
                             "tenant_patents": "3", "income": "800000"})  # fmt: skip
    report = IncubatorReport.objects.get(incubator=a, year=2024)
    assert r.status_code == 302 and r["Location"] == report.get_absolute_url()
    page = reverse("zones:incubator_report", args=[report.pk])
    body = client.get(page).content.decode()
    assert 'data-testid="report-submit"' in body and 'data-testid="report-check"' not in body
    assert 'data-testid="derived-tenants"' in body and "60%" in body  # occupancy 6000 / 10000
    assert client.post(reverse("zones:incubator_report_submit", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.tenants == 1
    client.force_login(world["province"])
    body = client.get(page).content.decode()
    assert 'data-testid="report-check"' in body and 'data-testid="report-return"' in body
    client.post(reverse("zones:incubator_report_return", args=[report.pk]), {"reason": ""})
    report.refresh_from_db()
    assert report.status == "submitted"  # a return needs a reason
    client.post(reverse("zones:incubator_report_check", args=[report.pk]))
    client.force_login(world["office"])
    client.post(reverse("zones:incubator_report_accept", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "accepted"
    client.force_login(world["b_admin"])
    assert client.get(page).status_code == 404  # not theirs to read
    client.logout()
    assert client.get(page).status_code == 302


def test_evaluation_pages(client, world):
    IncubatorReportFactory(incubator=world["a"], status="accepted", space_occupied_m2=9000, tenants=10, graduates=2)
    IncubatorReportFactory(incubator=world["b"], status="accepted", space_occupied_m2=3000, tenants=10, graduates=1)
    scheme = eval_services.incubator_scheme_create(
        actor=world["office"],
        data={"year": 2025, "name": "2025年度孵化器评估", "criteria": [
            {"indicator": "occupancy", "weight": "1"}, {"indicator": "graduates_per_10", "weight": "1"}]},
    )  # fmt: skip
    url = reverse("zones:incubator_evaluations")
    assert client.get(url).status_code == 302
    client.force_login(world["admin"])
    assert client.get(url).status_code == 403
    client.force_login(world["province"])
    body = client.get(url).content.decode()
    assert "2025年度孵化器评估" in body and 'data-testid="run-scheme"' not in body
    assert client.post(reverse("zones:incubator_scheme_run", args=[scheme.pk])).status_code == 403
    client.force_login(world["office"])
    r = client.post(reverse("zones:incubator_scheme_run", args=[scheme.pk]))
    assert r.status_code == 302
    body = client.get(r["Location"]).content.decode()
    assert body.count('data-testid="result"') == 2 and "场地使用率" in body and 'data-testid="zone-rank"' in body
    client.force_login(world["jilin"])
    assert client.get(r["Location"]).content.decode().count('data-testid="result"') == 1
    body = client.get(reverse("zones:incubator", args=[world["b"].pk])).content.decode()
    assert 'data-testid="latest-evaluation"' in body


def test_the_reports_queue_page(client, world):
    IncubatorReportFactory(incubator=world["a"], year=2024, status="submitted")
    IncubatorReportFactory(incubator=world["b"], year=2024, status="submitted")
    url = reverse("zones:incubator_reports")
    assert client.get(url).status_code == 302
    client.force_login(world["province"])
    body = client.get(url, {"status": "submitted"}).content.decode()
    assert body.count('data-testid="report-row"') == 1 and world["a"].organization.name in body
    client.force_login(world["office"])
    assert client.get(url, {"year": "2024"}).content.decode().count('data-testid="report-row"') == 2
    assert 'data-testid="reports-link"' in client.get(reverse("zones:incubator_list")).content.decode()


def test_register_and_edit_an_incubator_on_the_web(client, world, zones):
    from tests.factories import OrganizationFactory

    org = OrganizationFactory(kind="incubator", name="沈阳浑南留学人员创业园")
    create = reverse("zones:incubator_create")
    client.force_login(world["admin"])
    assert client.get(create).status_code == 403
    assert 'data-testid="new-incubator"' not in client.get(reverse("zones:incubator_list")).content.decode()
    client.force_login(world["province"])
    assert 'data-testid="new-incubator"' in client.get(reverse("zones:incubator_list")).content.decode()
    assert client.get(create).status_code == 200
    data = {"organization": org.pk, "kind": "science_park", "level": "provincial", "zone": zones["shenyang"].pk,
            "established_on": "2011-03-01", "space_m2": "15000", "services": ["space", "international"],
            "manager_name": "刘洋", "is_active": "on"}  # fmt: skip
    r = client.post(create, data)
    assert r.status_code == 422 and "大学科技园" in r.content.decode()  # an incubator org is not a science park
    r = client.post(create, {**data, "kind": "returnee_park"})
    assert r.status_code == 302
    incubator = org.incubator
    assert (incubator.kind, incubator.services, incubator.zone_id) == (
        "returnee_park", ["space", "international"], zones["shenyang"].pk,
    )  # fmt: skip
    assert client.post(create, {**data, "kind": "returnee_park"}).status_code == 422  # registered already
    edit = reverse("zones:incubator_edit", args=[incubator.pk])
    body = client.get(reverse("zones:incubator", args=[incubator.pk])).content.decode()
    assert 'data-testid="edit-incubator"' in body
    r = client.post(edit, {**data, "kind": "returnee_park", "space_m2": "18000", "zone": ""})
    assert r.status_code == 302
    incubator.refresh_from_db()
    assert (incubator.space_m2, incubator.zone_id, incubator.is_active) == (18000, None, True)
    client.force_login(world["jilin"])
    assert client.get(edit).status_code == 403
