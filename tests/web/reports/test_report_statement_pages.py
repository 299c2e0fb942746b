"""The monthly fee statement (费用结算单) on the web: the permission matrix, lines and totals, the
XLSX download, bad parameters; the manage index links."""

from urllib.parse import quote

import pytest
from django.utils import timezone

from tests.web.conftest import text
from tests.web.reports.conftest import REGISTRY, STATEMENT, STATEMENT_XLSX, TZ, D, client_for, xlsx_of

pytestmark = pytest.mark.django_db


# --- 费用结算单 -------------------------------------------------------------------------------

# (role, organisation fixture) → status; the statement is org_ln's unless said otherwise.
STATEMENT_MATRIX = [
    (None, "ln", 302),
    ("member", "ln", 403),
    ("instrument_manager", "ln", 403),
    ("expert", "ln", 403),
    ("org_admin", "ln", 200),
    ("org_admin", "jl", 403),
    ("province", "ln", 200),  # Liaoning's
    ("province", "jl", 403),
    ("office", "ln", 200),
    ("office", "jl", 200),
]


@pytest.mark.parametrize("role,org,status", STATEMENT_MATRIX)
@pytest.mark.parametrize("path", [STATEMENT, STATEMENT_XLSX])
def test_statement_permission_matrix(world, login_as, path, role, org, status):
    r = client_for(role, login_as).get(path, {"organization": world[org].pk, "month": "2025-05"})
    assert r.status_code == status
    if status == 302:
        assert r["Location"].startswith("/accounts/login/")
    if status == 403:
        assert 'data-testid="error-403"' in text(r)


@pytest.mark.parametrize("role,status", [(None, 302), ("member", 403), ("instrument_manager", 403), ("office", 200)])
def test_statement_page_without_parameters(world, login_as, role, status):
    assert client_for(role, login_as).get(STATEMENT).status_code == status


def test_statement_page_shows_lines_and_totals(world, login_as):
    r = login_as("office").get(STATEMENT, {"organization": world["jl"].pk, "month": "2025-06"})
    assert r.status_code == 200
    s = r.context["statement"]
    assert [row.charge_id for row in s.rows] == [world["charges"][1].pk]
    assert (s.total_internal, s.total_external, s.total) == (D("0.00"), D("25000.00"), D("25000.00"))
    html = text(r)
    assert "2025年6月 仪器使用费用对账单 — " + world["jl"].name in html
    assert 'data-testid="total">25000.00 元（2.5万元）' in html
    assert "A 场发射扫描电镜" in html and "对外" in html
    assert f"/instruments/fees/statement.xlsx?organization={world['jl'].pk}&amp;month=2025-06" in html
    assert r["Cache-Control"] == "private, no-store"


def test_statement_org_admin_sees_own_organisation_by_default(world, login_as):
    c = login_as("org_admin")
    r = c.get(STATEMENT)
    assert r.status_code == 200
    assert r.context["statement"].organization_id == world["ln"].pk
    now = timezone.now().astimezone(TZ)
    assert (r.context["statement"].year, r.context["statement"].month) == (now.year, now.month)
    # the select offers only their own organisation
    assert [o.pk for o in r.context["organizations"]] == [world["ln"].pk]


def test_statement_select_is_limited_to_the_province(world, login_as):
    r = login_as("province").get(STATEMENT)
    orgs = r.context["organizations"]
    assert world["ln"] in orgs and world["e"] in orgs and world["jl"] not in orgs
    assert {o.province.code for o in orgs} == {"210000"}


def test_statement_xlsx_download(world, login_as):
    r = login_as("org_admin").get(STATEMENT_XLSX, {"organization": world["ln"].pk, "month": "2025-05"})
    assert r.status_code == 200
    filename = f"对账单_2025-05_{world['ln'].name}.xlsx"
    assert f"filename*=UTF-8''{quote(filename)}" in r["Content-Disposition"]
    ws = xlsx_of(r).active
    assert ws["A1"].value == f"2025年5月 仪器使用费用对账单 — {world['ln'].name}"
    first = [c.value for c in ws[3]]
    assert first[0] == 1 and first[2] == "A 场发射扫描电镜" and first[7] == "单位内" and first[11] == 1000
    assert first[6] == "未指定账户"
    assert [ws.cell(row=r, column=1).value for r in (4, 5, 6)] == ["单位内合计", "对外合计", "合计"]
    assert [ws.cell(row=r, column=12).value for r in (4, 5, 6)] == [1000, 0, 1000]


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2026-13"},
        {"month": "2026-00"},
        {"month": "abc"},
        {"month": "1999-12"},
        {"month": "2026-1"},
        {"organization": "abc", "month": "2025-05"},
        {"organization": "-3", "month": "2025-05"},
        {"organization": "9" * 30, "month": "2025-05"},
        {"organization": "LN"},
    ],
)
@pytest.mark.parametrize("path", [STATEMENT, STATEMENT_XLSX])
def test_statement_bad_parameters_are_400(world, login_as, path, params):
    data = {"organization": str(world["ln"].pk), **params}
    r = login_as("office").get(path, data)
    assert r.status_code == 400
    assert 'data-testid="error-400"' in text(r)


def test_statement_of_unknown_organisation_is_404(world, login_as):
    r = login_as("office").get(STATEMENT, {"organization": 999999, "month": "2025-05"})
    assert r.status_code == 404


# --- links ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role,fees,registry", [("office", True, True), ("instrument_manager", False, False)])
def test_manage_index_links(world, login_as, role, fees, registry):
    html = text(login_as(role).get("/instruments/manage/"))
    assert (f'href="{STATEMENT}"' in html) is fees
    assert (f'href="{REGISTRY}"' in html) is registry


def test_main_navigation_has_the_evaluation(client, reference):
    html = text(client.get("/"))
    assert 'href="/instruments/openness/">开放共享评价' in html
