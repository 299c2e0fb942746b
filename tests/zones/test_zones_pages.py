"""The zones' pages: the list (now the nav's 高新区), a zone with its charts and tables (XLSX of
each chart), the comparison (bar chart of a chosen indicator, ranks, sums, private shares) in a
constant number of queries, the year form and the targets page for the right people only."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from nesta.core.models import AuditLog
from nesta.zones.models import ZoneTarget, ZoneYear

pytestmark = pytest.mark.django_db


def _row(zone, year, **values):
    base = {"planned_area": Decimal("100"), "built_area": Decimal("80"), "enterprises": 1000,
            "high_tech_enterprises": 200, "private_tech_enterprises": 500, "revenue": Decimal("250000000000"),
            "net_profit": Decimal("-3000000"), "exports_usd": Decimal("1500000000"), "employees": 5000, "rd_staff": 800}  # fmt: skip
    return ZoneYear.objects.create(zone=zone, year=year, **{**base, **values})


def client_for(user=None):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def figures(zones):
    for y, revenue in ((2023, 250), (2024, 270), (2025, 290)):
        _row(zones["shenyang"], y, revenue=Decimal(revenue) * 10**9)
    _row(zones["changchun"], 2025, revenue=Decimal("310000000000"))


def test_the_list_shows_each_zones_latest_year(zones, figures):
    r = client_for().get(reverse("zones:list"))
    html = r.content.decode()
    assert r.status_code == 200 and html.count('data-testid="zone-row"') == 7
    assert "沈阳高新技术产业开发区" in html and "2,900亿元" in html and "3,100亿元" in html
    assert 'data-testid="zones-subnav"' in html and reverse("zones:comparison") in html
    for name in ("policy_list", "topic_list", "area_request_list", "incubator_list"):  # the other parts' pages
        assert f'href="{reverse("zones:" + name)}"' in html, name


def test_the_zone_page_has_charts_tables_targets_and_shares(zones, zone_people, figures):
    sy = zones["shenyang"]
    ZoneTarget.objects.create(zone=sy, indicator="revenue", baseline_year=2023, baseline_value=Decimal("250") * 10**9,
                              target_year=2027, target_value=Decimal("370") * 10**9)  # fmt: skip
    r = client_for().get(reverse("zones:detail", args=[sy.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    for chart in ("output", "profit", "firms", "staff", "exports", "area", "patents", "private"):
        assert f'data-testid="chart-{chart}"' in html
    assert "2,900亿元" in html and "-300万元" in html and "15亿美元" in html and "出口创汇（万美元）" in html
    # 40 of 120 (亿元) done by 2025, half the way from 2023 to 2027 due
    assert 'data-testid="target-row"' in html and "33.3%" in html and "进度滞后" in html
    assert 'data-testid="share-reported"' in html and "50.0%" in html
    assert 'data-testid="rank-revenue">2<' in html and "2025 年排名（2 区）" in html  # 长春 3,100 > 沈阳 2,900
    assert 'data-testid="fill-year"' not in html  # anonymous
    for name in ("area_request_list", "incubator_list", "policy_list"):
        assert f'href="{reverse("zones:" + name)}?zone={sy.pk}"' in html, name
    r = client_for(zone_people["committee"]).get(reverse("zones:detail", args=[sy.pk]))
    assert 'data-testid="fill-year"' in r.content.decode() and 'data-testid="manage-targets"' not in r.content.decode()
    r = client_for(zone_people["office"]).get(reverse("zones:detail", args=[sy.pk]))
    assert 'data-testid="manage-targets"' in r.content.decode()


def test_a_zone_chart_exports_its_table(zones, figures):
    url = reverse("zones:detail", args=[zones["shenyang"].pk])
    r = client_for().get(url + "?export=xlsx&chart=output")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for().get(url + "?export=xlsx&chart=nope").status_code == 400
    assert client_for().get(url + "?year=abcd").status_code == 400


def test_a_zone_without_figures_and_unknown_zones(zones, org_ln):
    r = client_for().get(reverse("zones:detail", args=[zones["changchun"].pk]))
    assert r.status_code == 200 and "该高新区尚未填报年度指标" in r.content.decode()
    assert client_for().get(reverse("zones:detail", args=[org_ln.pk])).status_code == 404


def test_the_comparison_page(zones, figures, django_assert_max_num_queries):
    c = client_for()
    with django_assert_max_num_queries(6):  # years, zones, their figures, firms, tenants, counters
        r = c.get(reverse("zones:comparison") + "?year=2025&indicator=revenue")
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="chart-indicator"' in html and 'data-testid="chart-private"' in html
    assert "辽宁省合计" in html and "区域合计" in html and "6,000亿元" in html  # 2,900 + 3,100
    assert 'data-testid="comparison-row-revenue"' in html and 'data-testid="private-row-funding"' in html
    r = c.get(reverse("zones:comparison") + "?year=2025&indicator=enterprises&export=xlsx&chart=indicator")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert c.get(reverse("zones:comparison") + "?year=20x5").status_code == 400
    assert c.get(reverse("zones:comparison") + "?indicator=nope").status_code == 400
    assert c.get(reverse("zones:comparison") + "?year=1990").status_code == 200  # a year without figures


def test_the_comparison_queries_do_not_grow_with_the_zones_figures(zones, django_assert_max_num_queries):
    from nesta.directory.models import Organization

    for zone in Organization.objects.filter(kind="high_tech_zone"):
        for y in (2023, 2024, 2025):
            _row(zone, y)
    with django_assert_max_num_queries(6):
        assert client_for().get(reverse("zones:comparison")).status_code == 200


def test_the_comparison_without_any_figures(zones):
    r = client_for().get(reverse("zones:comparison"))
    assert r.status_code == 200 and "尚无高新区填报年度指标" in r.content.decode()


def test_the_year_form(zones, zone_people):
    sy = zones["shenyang"]
    url = reverse("zones:year_edit", args=[sy.pk, 2024])
    r = client_for().get(url)
    assert r.status_code == 302 and "/login" in r["Location"]
    assert client_for(zone_people["member"]).get(url).status_code == 403
    assert client_for(zone_people["other_committee"]).get(url).status_code == 403
    c = client_for(zone_people["committee"])
    r = c.get(url)
    assert r.status_code == 200 and 'data-testid="zone-year-form"' in r.content.decode()
    data = {i: "0" for i in ("planned_area", "built_area", "enterprises", "high_tech_enterprises",
            "private_tech_enterprises", "revenue", "industrial_output", "net_profit", "taxes", "exports_usd",
            "employees", "rd_staff", "rd_spend", "invention_patents", "incubators", "incubator_tenants",
            "incubator_graduates")}  # fmt: skip
    bad = {**data, "enterprises": "10", "high_tech_enterprises": "20"}
    r = c.post(url, bad)
    assert r.status_code == 422 and "高新技术企业不能多于入区企业" in r.content.decode()
    r = c.post(url, {**data, "enterprises": "3000", "revenue": "123456789.5", "note": "初报"})
    assert r.status_code == 302 and r["Location"] == reverse("zones:detail", args=[sy.pk])
    row = ZoneYear.objects.get(zone=sy, year=2024)
    assert row.enterprises == 3000 and row.revenue == Decimal("123456789.50") and row.note == "初报"
    assert AuditLog.objects.filter(action="zone_year.created").count() == 1
    r = c.get(url)
    assert "修改 2024 年度指标" in r.content.decode()
    assert c.get(reverse("zones:year_edit", args=[sy.pk, 2999])).status_code == 404
    assert c.get(reverse("zones:year_edit", args=[sy.pk, 1900])).status_code == 404


def test_the_targets_page(zones, zone_people):
    sy = zones["shenyang"]
    _row(sy, 2024)
    url = reverse("zones:targets", args=[sy.pk])
    r = client_for(zone_people["committee"]).get(url)
    assert r.status_code == 200 and 'data-testid="target-form"' not in r.content.decode()
    body = {"indicator": "revenue", "baseline_year": "2024", "target_year": "2027", "target_value": "300000000000"}
    assert client_for(zone_people["committee"]).post(url, body).status_code == 403
    office = client_for(zone_people["office"])
    assert 'data-testid="target-form"' in office.get(url).content.decode()
    r = office.post(url, {**body, "target_year": "2020"})
    assert r.status_code == 422 and "目标年度应晚于基期年度" in r.content.decode()
    r = office.post(url, body)
    assert r.status_code == 302
    target = ZoneTarget.objects.get()
    assert target.baseline_value == Decimal("250000000000.00")
    r = office.get(url)
    assert 'data-testid="target-row"' in r.content.decode() and 'data-testid="target-delete"' in r.content.decode()
    delete = reverse("zones:target_delete", args=[target.pk])
    assert client_for(zone_people["committee"]).post(delete).status_code == 403
    assert client_for().post(delete).status_code == 302 and ZoneTarget.objects.exists()
    assert office.post(delete).status_code == 302 and not ZoneTarget.objects.exists()
    assert office.post(delete).status_code == 404


def test_the_zone_page_reads_the_same_queries_for_one_year_or_ten(zones):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sy = zones["shenyang"]
    _row(sy, 2015)
    url = reverse("zones:detail", args=[sy.pk])
    c = client_for()
    c.get(url)
    with CaptureQueriesContext(connection) as one:
        assert c.get(url).status_code == 200
    for y in range(2016, 2025):
        _row(sy, y)
    ZoneTarget.objects.create(zone=sy, indicator="revenue", baseline_year=2015, baseline_value=Decimal(1),
                              target_year=2027, target_value=Decimal(10) ** 12)  # fmt: skip
    ZoneTarget.objects.create(zone=sy, indicator="enterprises", baseline_year=2015, baseline_value=Decimal(1),
                              target_year=2027, target_value=Decimal(5000))  # fmt: skip
    with CaptureQueriesContext(connection) as ten:
        assert c.get(url).status_code == 200
    assert len(ten.captured_queries) == len(one.captured_queries) <= 10


def test_the_comparison_in_english_names_the_zones_in_english(zones, figures):
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("zones:comparison") + "?year=2025")
    assert r.status_code == 200 and "Shenyang Hi-tech Zone" in r.content.decode()


def test_the_zone_page_shows_its_area_requests_to_those_who_may_see_them(zones, zone_people, figures):
    from django.utils import timezone

    from nesta.zones.models import AreaRequest

    sy = zones["shenyang"]
    AreaRequest.objects.create(
        zone=sy, title="沈阳高新区扩区", current_area=Decimal("100"), requested_area=Decimal("130"),
        area_innovation=Decimal("130"), justification="产业用地不足", status="approved",
        approved_area=Decimal("120"), decided_at=timezone.now(),
    )  # fmt: skip
    url = reverse("zones:detail", args=[sy.pk])
    committee = client_for(zone_people["committee"]).get(url).content.decode()
    assert 'data-testid="zone-area-requests"' in committee and "沈阳高新区扩区" in committee
    assert 'data-testid="zone-approved-area"' in committee and "120" in committee
    assert reverse("zones:area_request_create", args=[sy.pk]) in committee
    other = client_for(zone_people["other_committee"]).get(url).content.decode()
    assert "沈阳高新区扩区" not in other and 'data-testid="zone-area-requests"' not in other
    assert 'data-testid="zone-area-requests"' not in client_for().get(url).content.decode()
