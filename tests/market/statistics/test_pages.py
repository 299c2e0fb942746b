"""The public statistics page (charts with their numbers, selectors, 400 on bad input, constant
queries) and the XLSX export (permission, one sheet per table, text as text)."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from nesta.market.services.statistics import record_registration
from tests.market.factories import RegistrationPointFactory
from tests.market.statistics.helpers import local, registered_contract

pytestmark = pytest.mark.django_db
PAGE = reverse("market:statistics")
EXPORT = reverse("market:statistics_export")


def test_anyone_sees_the_summary_with_charts_and_numbers(client, market_year):
    response = client.get(PAGE, {"year": 2025, "province": "210000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025年技术合同认定登记统计" in html and "辽宁省" in html
    assert 'data-testid="total-contracts">5<' in html
    assert 'data-testid="total-amount">69万元<' in html
    assert "+400.0%" in html  # 5 contracts against 1
    for section in (
        "by_family",
        "by_month",
        "flows",
        "by_field",
        "by_ip",
        "by_seller_nature",
        "by_buyer_nature",
        "by_plan",
    ):
        assert f'data-testid="stat-section-{section}"' in html
    assert 'data-testid="donut-by_family"' in html and 'data-testid="chart-by_month"' in html
    assert 'data-testid="donut-output-210000"' in html and 'data-testid="donut-absorption-210000"' in html
    assert "技术开发（委托）" in html and "生物、医药和医疗器械" in html and "境外" in html
    assert "<svg" in html and "cdn" not in html.lower()
    assert 'data-testid="stat-xlsx"' not in html  # anonymous: no export


def test_the_default_year_is_the_latest_with_data(client, market_year):
    html = client.get(PAGE).content.decode()
    assert "2026年技术合同认定登记统计" in html
    assert 'data-testid="flow-220000"' in html  # every province's flows without a province


def test_an_empty_database_shows_zeros(client, reference):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert 'data-testid="total-contracts">0<' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"year": "1999"},
        {"year": "abc"},
        {"year": "2101"},
        {"year": "9" * 200},
        {"year": "-2025"},
        {"year": "2025.5"},
        {"province": "990000"},
        {"province": "210100"},
        {"province": "21\x07"},
    ],
)
def test_bad_choices_are_a_400_page(client, reference, params):
    response = client.get(PAGE, params)
    assert response.status_code == 400


def test_the_page_reads_a_constant_number_of_queries(client, reference, django_assert_max_num_queries):
    point = RegistrationPointFactory()
    for month in (1, 2):
        record_registration(registered_contract(point, when=local(2025, month)))
    with django_assert_max_num_queries(6):
        client.get(PAGE, {"year": 2025})
    for month in range(3, 13):
        for field in ("01", "05", "09"):
            record_registration(
                registered_contract(point, when=local(2025, month), tech_field=field, buyer_country="392")
            )
    with django_assert_max_num_queries(6):
        assert client.get(PAGE, {"year": 2025}).status_code == 200


@pytest.mark.parametrize(
    ("role", "province", "status"),
    [
        (None, "", 302),
        ("office", "", 200),
        ("province", "210000", 200),
        ("province", "220000", 403),
        ("province", "", 403),
        ("org_admin", "210000", 403),
        ("member", "", 403),
    ],
)
def test_who_may_export(users, market_year, role, province, status):
    client = Client()
    if role:
        client.force_login(users[role])
    response = client.get(EXPORT, {"year": 2025, "province": province})
    assert response.status_code == status
    if role:
        page = client.get(PAGE, {"year": 2025, "province": province}).content.decode()
        assert ('data-testid="stat-xlsx"' in page) == (status == 200)


def test_the_workbook_has_every_table_with_text_as_text(users, market_year):
    client = Client()
    client.force_login(users["office"])
    response = client.get(EXPORT, {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "总计",
        "合同类型",
        "技术领域",
        "知识产权类型",
        "卖方性质",
        "买方性质",
        "计划来源",
        "月份",
        "技术流向",
    ]
    summary = wb["总计"]
    assert summary["A1"].value.startswith("2025年技术合同登记统计")
    assert summary["C3"].value == 7 and summary["C3"].data_type == "n"
    assert summary["D3"].value == pytest.approx(72.0)  # 万元
    fields = wb["技术领域"]
    codes = [row[0].value for row in fields.iter_rows(min_row=3)]
    assert codes[:3] == ["01", "02", "03"]  # codes stay text with their zeros
    assert all(row[0].data_type == "s" for row in fields.iter_rows(min_row=3, max_row=13))
    types = wb["合同类型"]
    rows = {row[0].value: row for row in types.iter_rows(min_row=3)}
    assert rows["development"][2].value == 2 and rows["dev_cooperative"][2].value == 1
    flows = wb["技术流向"]
    lines = [[c.value for c in row] for row in flows.iter_rows(min_row=3)]
    liaoning_out = [line for line in lines if line[0] == "210000" and line[2] == "输出"]
    assert [line[4] for line in liaoning_out] == [1, 1, 1, 1]
    assert isinstance(flows["A3"].value, str)


def test_formula_looking_labels_stay_text(users, reference):
    point = RegistrationPointFactory()
    record_registration(registered_contract(point, when=local(2025, 4), plan_source="=cmd|'/c calc'!A1"[:12]))
    client = Client()
    client.force_login(users["office"])
    wb = load_workbook(io.BytesIO(client.get(EXPORT, {"year": 2025}).content))
    cells = [
        row[0] for row in wb["计划来源"].iter_rows(min_row=3) if row[0].value and str(row[0].value).startswith("=")
    ]
    assert cells and all(c.data_type == "s" for c in cells)
