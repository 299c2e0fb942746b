"""The budget page and its XLSX export: roles, the numbers shown, constant queries."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.programmes.budget.conftest import build_budget

pytestmark = pytest.mark.django_db


def test_budget_page_shows_the_derived_figures(client, budget, django_assert_max_num_queries):
    client.force_login(budget["office"])
    url = reverse("programmes:budget") + "?year=2026&province=210000"
    with django_assert_max_num_queries(16):
        r = client.get(url)
    html = r.content.decode()
    assert r.status_code == 200
    assert "1,050万元" in html and "282.5万元" in html and "767.5万元" in html  # plan, committed, remaining
    build_budget()
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_budget_page_roles_and_bad_filters(client, budget):
    url = reverse("programmes:budget")
    assert client.get(url).status_code == 302  # login
    client.force_login(budget["applicant"])
    assert client.get(url).status_code == 403
    client.force_login(budget["province"])
    assert client.get(url).status_code == 200
    assert client.get(url + "?province=220000").status_code == 403
    client.force_login(budget["finance"])
    assert client.get(url + "?year=abc").status_code == 400
    assert client.get(url + "?programme=%3Cscript%3E").status_code == 400


def test_budget_export(client, budget):
    client.force_login(budget["finance"])
    r = client.get(reverse("programmes:budget_export") + "?year=2026")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    assert wb.sheetnames == ["明细", "按计划", "按省份", "按年度"]
    rows = list(wb["明细"].iter_rows(values_only=True))
    total = rows[-1]
    assert total[1] == "合计" and float(total[2]) == pytest.approx(1850.0)  # 万元
