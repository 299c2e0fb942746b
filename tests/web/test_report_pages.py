"""The report pages of the instrument network: 开放共享评价 (ranking, organisation, instrument with
its records), the monthly fee statement and the registry's XLSX export/import — content against
hand-computed figures, XLSX downloads, the permission matrix, bad parameters, query counts."""

import io
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from nesta.core.models import BackgroundJob
from nesta.instruments.models import BookingPolicy, Charge, Instrument, UsageSession
from nesta.instruments.services.xlsx import HEADERS
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant
from tests.web.conftest import text

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
D = Decimal
YEAR = 2025
RANKING = "/instruments/openness/"
RANKING_XLSX = "/instruments/openness/ranking.xlsx"
STATEMENT = "/instruments/fees/statement/"
STATEMENT_XLSX = "/instruments/fees/statement.xlsx"
REGISTRY = "/instruments/registry/xlsx/"
REGISTRY_EXPORT = "/instruments/registry/export.xlsx"


@pytest.fixture(autouse=True)
def fresh_cache():
    """The ranking is cached per (year, province): no test sees another's."""
    cache.clear()
    yield
    cache.clear()


def at(year, month, day, hh=0, mm=0):
    return datetime(year, month, day, hh, mm, tzinfo=TZ)


def use(instrument, user, start, *, hours=None, end=None, external):
    return UsageSession.objects.create(
        instrument=instrument,
        user=user,
        organization_id=user.organization_id,
        started_at=start,
        ended_at=end if end is not None else start + timedelta(hours=hours),
        is_external=external,
    )


def charge(instrument, user, when, amount, *, external, session=None):
    return Charge.objects.create(
        instrument=instrument,
        user=user,
        organization_id=user.organization_id,
        usage_session=session,
        kind="usage_hours",
        is_external=external,
        occurred_at=when,
        quantity=1,
        unit="hour",
        rate=amount,
        amount=amount,
    )


@pytest.fixture
def world(users, org_ln, org_jl):
    """2025, by hand (docs/openness.md):

    org_ln (辽宁): A, general (1,400 h), policy + manager: 3 h (the part of a New Year's Eve session
      inside 2025) + 697 h internal + 300 h external = 1,000 h, 共享率 0.3000, 利用率 0.7143;
      运行使用 40 × 0.7143 = 28.57, 共享服务成效 20 × min(1, 0.30/0.30) = 20.00, 组织管理 5 × 8 = 40
      → 88.57. C (499,999.99 元) is below the threshold and counts nowhere.
    org_jl (吉林): D, specialised (800 h), no policy, no manager: 800 h external → 40 + 20 + 3 × 8 = 84.00.
    E (辽宁): an idle instrument, open with rates: 24.00. G: only a small instrument, not ranked.
    """
    member = users["member"]  # of org_ln
    outsider = grant(UserFactory(username="rp_out", organization=org_jl), "member", organization=org_jl)
    a = InstrumentFactory(owner=org_ln, name="A 场发射扫描电镜", original_value=1_200_000)
    BookingPolicy.objects.create(instrument=a)
    a.managers.add(users["instrument_manager"])
    c = InstrumentFactory(owner=org_ln, name="C 小型天平", original_value=D("499999.99"))
    s_new_year = use(a, member, at(YEAR - 1, 12, 31, 23), end=at(YEAR, 1, 1, 3), external=False)
    s_internal = use(a, member, at(YEAR, 3, 1), hours=697, external=False)
    s_external = use(a, outsider, at(YEAR, 6, 1), hours=300, external=True)
    use(c, outsider, at(YEAR, 5, 1), hours=100, external=True)
    c_internal = charge(a, member, at(YEAR, 5, 20, 10), D("1000.00"), external=False, session=s_internal)
    c_external = charge(a, outsider, at(YEAR, 6, 15, 10), D("25000.00"), external=True, session=s_external)
    charge(a, outsider, at(YEAR + 1, 1, 1), D("8.00"), external=True)  # next year's

    d = InstrumentFactory(owner=org_jl, name="D 疲劳试验台", original_value=2_000_000, is_specialised=True)
    use(d, member, at(YEAR, 2, 1), hours=400, external=True)
    use(d, member, at(YEAR, 8, 1), hours=400, external=True)

    org_e = OrganizationFactory(name="E 大连研究所", province_code="210000", city_code="210200")
    org_g = OrganizationFactory(name="G 小公司", province_code="210000", city_code="210100")
    InstrumentFactory(owner=org_e, name="E 闲置仪器", original_value=500_000)
    InstrumentFactory(owner=org_g, name="G 小仪器", original_value=100_000)
    return {
        "a": a,
        "c": c,
        "d": d,
        "ln": org_ln,
        "jl": org_jl,
        "e": org_e,
        "g": org_g,
        "sessions": [s_new_year, s_internal, s_external],
        "charges": [c_internal, c_external],
        "outsider": outsider,
    }


def xlsx_of(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content))


def rows_of(response):
    return [(r.rank, r.organization_name, r.scores.total) for r in response.context["ranking"]]


# --- 开放共享评价: ranking ---------------------------------------------------------------------


def test_ranking_page_is_public_and_ordered_by_total(client, world):
    r = client.get(RANKING, {"year": YEAR})
    assert r.status_code == 200
    assert rows_of(r) == [
        (1, world["ln"].name, D("88.57")),
        (2, world["jl"].name, D("84.00")),
        (3, "E 大连研究所", D("24.00")),
    ]
    html = text(r)
    assert "G 小公司" not in html  # no qualifying instrument: not evaluated
    ln = r.context["ranking"][0]
    assert (ln.scores.operation, ln.scores.sharing, ln.scores.management) == (D("28.57"), D("20.00"), D("40.00"))
    # the row shows the figures: hours, 共享率 as a percentage, income in 元/万元, instrument count
    row = html[html.index(f'data-org="{world["ln"].pk}"') :]
    row = row[: row.index("</tr>")]
    for shown in ("28.57", "20.00", "40.00", "88.57", "1,000.00", "300.00", "30.00%", "1,000元", "2.5万元", ">1<"):
        assert shown in row, shown
    assert html.index(world["ln"].name) < html.index(world["jl"].name) < html.index("E 大连研究所")
    # the formula is explained and each organisation links to its evaluation
    assert "运行使用（40分）" in html and "min(1, 共享率 ÷ 30%)" in html
    assert f"/instruments/openness/organizations/{world['ln'].pk}/?year={YEAR}" in html


@pytest.mark.parametrize(
    "province,expected",
    [("210000", ["ln", "E 大连研究所"]), ("220000", ["jl"]), ("230000", [])],
)
def test_ranking_by_province(client, world, province, expected):
    r = client.get(RANKING, {"year": YEAR, "province": province})
    assert r.status_code == 200
    names = [world[n].name if n in world else n for n in expected]
    assert [o.organization_name for o in r.context["ranking"]] == names
    assert [o.rank for o in r.context["ranking"]] == list(range(1, len(names) + 1))
    if not names:
        assert 'data-testid="empty"' in text(r)


def test_ranking_defaults_to_this_year_as_the_api(client, world):
    r = client.get(RANKING)
    assert r.status_code == 200
    this_year = timezone.now().astimezone(TZ).year
    assert r.context["year"] == this_year
    api = Client().get("/api/v1/openness/ranking").json()
    assert api["year"] == this_year


def test_ranking_is_cached_per_year_and_province(client, world):
    first = client.get(RANKING, {"year": YEAR})
    assert rows_of(first)[0][2] == D("88.57")
    # a new session after the first computation is not seen until the cache expires
    use(world["d"], world["outsider"], at(YEAR, 10, 1), hours=10, external=False)
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(RANKING, {"year": YEAR})
    assert rows_of(again) == rows_of(first)
    assert not any("usage" in q["sql"].lower() for q in ctx.captured_queries)
    # another province is another cache entry, computed afresh
    jl = client.get(RANKING, {"year": YEAR, "province": "220000"})
    assert jl.context["ranking"][0].effective_hours == D("810.00")
    cache.clear()
    assert client.get(RANKING, {"year": YEAR}).context["ranking"][1].effective_hours == D("810.00")


def test_ranking_xlsx_download(client, world):
    r = client.get(RANKING_XLSX, {"year": YEAR, "province": "210000"})
    assert r.status_code == 200
    assert f"filename*=UTF-8''{quote(f'{YEAR}年度开放共享评价排名辽宁省.xlsx')}" in r["Content-Disposition"]
    assert r["Content-Disposition"].startswith("attachment;")
    wb = xlsx_of(r)
    ws = wb["排名"]
    assert ws["A1"].value == f"{YEAR}年度 大型科研仪器开放共享评价排名（辽宁省）"
    assert [c.value for c in ws[3]] == [
        1,
        world["ln"].name,
        "辽宁省",
        1,
        1000,
        300,
        0.3,
        0.7143,
        1000,
        25000,
        28.57,
        20,
        40,
        88.57,
    ]
    assert [ws.cell(row=4, column=c).value for c in (1, 2, 14)] == [2, "E 大连研究所", 24]
    assert ws.max_row == 4
    detail = wb["仪器明细"]
    assert [detail.cell(row=r, column=2).value for r in range(2, detail.max_row + 1)] == [
        "A 场发射扫描电镜",
        "E 闲置仪器",
    ]


def test_ranking_page_links_the_xlsx_with_the_same_filters(client, world):
    html = text(client.get(RANKING, {"year": YEAR, "province": "220000"}))
    assert f"/instruments/openness/ranking.xlsx?year={YEAR}&amp;province=220000" in html


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": "1800"},
        {"year": "2101"},
        {"year": "2025.5"},
        {"province": "xx"},
        {"province": "110000"},  # Beijing is not a province of the region
        {"year": "9" * 40},
    ],
)
@pytest.mark.parametrize("path", [RANKING, RANKING_XLSX])
def test_ranking_bad_parameters_are_400(client, reference, path, params):
    r = client.get(path, params)
    assert r.status_code == 400
    assert 'data-testid="error-400"' in text(r)
    assert ("年度" in text(r)) if "year" in params else ("省份" in text(r))


def test_ranking_query_count_does_not_grow_with_organisations(client, world):
    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(RANKING, {"year": YEAR})
        assert r.status_code == 200
        return len(ctx.captured_queries), len(r.context["ranking"])

    few, orgs_before = count()
    for i in range(12):
        org = OrganizationFactory(name=f"计数单位{i}", province_code="230000", city_code="230100")
        inst = InstrumentFactory(owner=org, name=f"计数仪器{i}", original_value=900_000)
        BookingPolicy.objects.create(instrument=inst)
        use(inst, world["outsider"], at(YEAR, 4, 1), hours=5, external=True)
        charge(inst, world["outsider"], at(YEAR, 4, 2), D("50.00"), external=True)
    many, orgs_after = count()
    assert orgs_after == orgs_before + 12
    assert many == few
    assert few == 5, few  # provinces, the three aggregates (instruments, sessions, charges), owners' regions


# --- 开放共享评价: organisation and instrument -------------------------------------------------


def test_organisation_page_shows_how_each_score_is_computed(client, world):
    r = client.get(f"/instruments/openness/organizations/{world['ln'].pk}/", {"year": YEAR})
    assert r.status_code == 200
    html = text(r)
    assert "0.7143 ÷ 1 = 0.7143" in html  # Σ min(1, 利用率) ÷ n = mean
    assert "300.00 ÷ 1,000.00 = 0.3000" in html  # 共享率
    assert html.count("8 × 1 ÷ 1 = 8.00") == 5  # the five management criteria, all met
    assert 'data-testid="score-total">88.57<' in html
    rows = [i.id for i in r.context["org"].instruments]
    assert rows == [world["a"].pk]  # C is below the threshold
    assert f"/instruments/openness/instruments/{world['a'].pk}/?year={YEAR}" in html
    assert "C 小型天平" not in html


def test_organisation_page_marks_unmet_criteria(client, world):
    html = text(client.get(f"/instruments/openness/organizations/{world['jl'].pk}/", {"year": YEAR}))
    row = html[html.index(f'data-instrument="{world["d"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert 'data-criterion="booking_policy">✗' in row and 'data-criterion="manager">✗' in row
    assert 'data-criterion="open">✓' in row and 'data-criterion="fee_schedule">✓' in row
    assert "100.00%" in row  # 共享率 and 利用率 800 ÷ 800
    assert "8 × 0 ÷ 1 = 0.00" in html and 'data-testid="score-total">84.00<' in html


def test_organisation_without_qualifying_instruments(client, world):
    r = client.get(f"/instruments/openness/organizations/{world['g'].pk}/", {"year": YEAR})
    assert r.status_code == 200 and 'data-testid="not-evaluated"' in text(r)


def test_instrument_page_traces_every_figure_to_records(client, world):
    a = world["a"]
    r = client.get(f"/instruments/openness/instruments/{a.pk}/", {"year": YEAR})
    assert r.status_code == 200
    sessions = r.context["sessions"]
    assert [(s["id"], s["hours_in_year"], s["is_external"]) for s in sessions] == [
        (world["sessions"][0].pk, D("3.00"), False),  # only the part inside the year
        (world["sessions"][1].pk, D("697.00"), False),
        (world["sessions"][2].pk, D("300.00"), True),
    ]
    assert [c["id"] for c in r.context["charges"]] == [c.pk for c in world["charges"]]  # not next year's
    html = text(r)
    assert 'data-testid="sessions-total">1,000.00<' in html
    assert "其中对外 300.00" in html
    assert "1,000.00 ÷ 1400 = 71.43%" in html
    assert html.count('data-testid="session-row"') == 3 and html.count('data-testid="charge-row"') == 2
    # as in the public API: no user identities in the drill-down
    assert world["outsider"].display_name not in html
    assert "t_member" not in html and str(world["outsider"]) not in html


def test_instrument_below_threshold_still_shows_figures(client, world):
    r = client.get(f"/instruments/openness/instruments/{world['c'].pk}/", {"year": YEAR})
    assert r.status_code == 200
    assert r.context["item"].qualifies is False and 'data-testid="not-qualifying"' in text(r)
    assert r.context["item"].effective_hours == D("100.00")


@pytest.mark.parametrize("params", [{"year": "abc"}, {"year": "1800"}, {"year": "-1"}])
def test_evaluation_pages_bad_year_is_400(client, world, params):
    assert client.get(f"/instruments/openness/organizations/{world['ln'].pk}/", params).status_code == 400
    assert client.get(f"/instruments/openness/instruments/{world['a'].pk}/", params).status_code == 400


def test_evaluation_pages_unknown_ids_are_404(client, reference):
    assert client.get("/instruments/openness/organizations/999999/").status_code == 404
    assert client.get("/instruments/openness/instruments/999999/").status_code == 404


def test_navigation_marks_only_the_evaluation(client, reference):
    html = text(client.get(RANKING))
    assert 'href="/instruments/openness/" aria-current="page">开放共享评价' in html
    assert 'href="/instruments/" aria-current="page"' not in html
    assert 'href="/instruments/" aria-current="page"' in text(client.get("/instruments/"))


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


def client_for(role, login_as):
    return Client() if role is None else login_as(role)


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
    assert first[0] == 1 and first[2] == "A 场发射扫描电镜" and first[6] == "单位内" and first[10] == 1000
    assert [ws.cell(row=r, column=1).value for r in (4, 5, 6)] == ["单位内合计", "对外合计", "合计"]
    assert [ws.cell(row=r, column=11).value for r in (4, 5, 6)] == [1000, 0, 1000]


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


# --- 仪器批量导入导出 -----------------------------------------------------------------------

REGISTRY_MATRIX = [
    (None, 302),
    ("member", 403),
    ("instrument_manager", 403),
    ("expert", 403),
    ("org_admin", 200),
    ("province", 200),
    ("office", 200),
]


@pytest.mark.parametrize("role,status", REGISTRY_MATRIX)
@pytest.mark.parametrize("path", [REGISTRY, REGISTRY_EXPORT])
def test_registry_permission_matrix(world, login_as, path, role, status):
    r = client_for(role, login_as).get(path)
    assert r.status_code == status
    if status == 302:
        assert r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", [None, "member", "instrument_manager"])
def test_registry_import_refused_before_reading(world, login_as, role, media, django_capture_on_commit_callbacks):
    before = Instrument.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(role, login_as).post(REGISTRY, {"file": upload([good_row("X", world["ln"].name)])})
    assert r.status_code == (302 if role is None else 403)
    if role is None:
        assert r["Location"].startswith("/accounts/login/")
    assert Instrument.objects.count() == before
    assert not BackgroundJob.objects.exists()  # refused before any job is created


@pytest.mark.parametrize(
    "role,expected",
    [
        ("org_admin", ["A 场发射扫描电镜", "C 小型天平"]),  # their organisation's
        ("province", ["A 场发射扫描电镜", "C 小型天平", "E 闲置仪器", "G 小仪器"]),  # Liaoning's
        ("office", ["A 场发射扫描电镜", "C 小型天平", "D 疲劳试验台", "E 闲置仪器", "G 小仪器"]),
    ],
)
def test_registry_export_is_limited_to_what_the_user_registers(world, login_as, role, expected):
    r = login_as(role).get(REGISTRY_EXPORT)
    assert r.status_code == 200
    assert "filename*=UTF-8''" + quote("仪器清单-") in r["Content-Disposition"]
    ws = xlsx_of(r).active
    assert [c.value for c in ws[1]] == HEADERS
    assert [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)] == expected
    page = login_as(role).get(REGISTRY)
    assert page.context["export_count"] == len(expected)


def upload(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(
        "仪器.xlsx", out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def good_row(name, owner, value=800_000):
    values = {"仪器名称": name, "所属单位": owner, "分类代码": "0104", "原值(元)": value}
    return [values.get(h) for h in HEADERS]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the job keeps the upload and its result file there


def import_job(c, file, capture):
    """Post the import page as the browser does; the job runs on commit (as the worker would).
    The page answers with a redirect to the job page."""
    with capture(execute=True):
        r = c.post(REGISTRY, {"file": file})
    assert r.status_code == 302, r.status_code
    job = BackgroundJob.objects.get()
    assert r["Location"] == f"/jobs/{job.pk}/"
    return job


def test_import_with_errors_shows_rows_and_creates_nothing(world, login_as, media, django_capture_on_commit_callbacks):
    before = Instrument.objects.count()
    rows = [
        good_row("好仪器", world["ln"].name),  # row 2
        good_row("坏金额", world["ln"].name, value="很贵"),  # row 3
        good_row("无单位", "不存在的大学"),  # row 4
    ]
    c = login_as("office")
    job = import_job(c, upload(rows), django_capture_on_commit_callbacks)
    assert job.kind == "instruments.import" and job.status == BackgroundJob.Status.FAILED
    assert job.attempts == 1  # a refused file is the answer, not retried
    assert Instrument.objects.count() == before
    assert not Instrument.objects.filter(name="好仪器").exists()
    errors = job.result["details"]["rows"]
    assert {(e["row"], e["field"]) for e in errors} == {(3, "原值(元)"), (4, "所属单位")}
    page = c.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    html = text(page)
    assert html.count('data-testid="import-error"') == len(errors)
    assert "未保存任何记录" in html and "不存在的大学" in html
    assert f'href="{REGISTRY}"' in html  # back to the import page
    download = c.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert "filename*=UTF-8''" + quote("导入错误.xlsx") in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "不存在的大学" in "".join(cells) and "原值(元)" in cells


def test_import_for_another_organisation_is_a_row_error(world, login_as, media, django_capture_on_commit_callbacks):
    before = Instrument.objects.count()
    job = import_job(
        login_as("org_admin"), upload([good_row("别人的仪器", world["jl"].name)]), django_capture_on_commit_callbacks
    )
    assert job.status == BackgroundJob.Status.FAILED
    assert [(e["row"], e["field"]) for e in job.result["details"]["rows"]] == [(2, "所属单位")]
    assert Instrument.objects.count() == before


def test_import_success_creates_rows(world, login_as, media, django_capture_on_commit_callbacks):
    c = login_as("org_admin")
    rows = [good_row("新电镜甲", world["ln"].name), good_row("新电镜乙", world["ln"].name, value="120万")]
    job = import_job(c, upload(rows), django_capture_on_commit_callbacks)
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert str(job.owner_id) == c.session["_auth_user_id"]  # the importer owns the job
    created = Instrument.objects.filter(name__in=["新电镜甲", "新电镜乙"]).order_by("pk")
    assert [(i.owner_id, i.original_value) for i in created] == [
        (world["ln"].pk, D("800000.00")),
        (world["ln"].pk, D("1200000.00")),
    ]
    assert sorted(job.result["created"]) == [i.pk for i in created]
    assert job.progress_done == job.progress_total == 2  # the rows validated, shown on the page
    html = text(c.get(f"/jobs/{job.pk}/"))
    assert 'data-testid="import-job-count"' in html and "已导入 2 台仪器" in html
    assert f'href="{REGISTRY}"' in html and 'href="/instruments/manage/"' in html
    assert 'data-testid="import-error"' not in html


def test_import_progress_is_reported_while_validating_then_writing(
    world, login_as, media, django_capture_on_commit_callbacks, monkeypatch
):
    """The job records rows validated / total, then that it is writing, before the write."""
    from nesta.core.tasks import JobContext

    seen = []
    real_progress = JobContext.progress

    def spy(self, done, total=None, message=""):
        real_progress(self, done, total, message)
        job = BackgroundJob.objects.get(pk=self.job.pk)
        seen.append((job.progress_done, job.progress_total, job.message, Instrument.objects.count()))

    monkeypatch.setattr(JobContext, "progress", spy)
    before = Instrument.objects.count()
    rows = [good_row(f"进度仪器{i}", world["ln"].name) for i in range(3)]
    job = import_job(login_as("office"), upload(rows), django_capture_on_commit_callbacks)
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    validated = [(d, t) for d, t, _m, _n in seen if t == 3]
    assert validated[:3] == [(1, 3), (2, 3), (3, 3)]
    writing = [s for s in seen if s[2] == "校验通过，正在写入……"]
    assert writing and writing[0][3] == before  # reported before anything is written
    assert Instrument.objects.count() == before + 3


def test_another_user_cannot_see_the_import_job(world, login_as, media, django_capture_on_commit_callbacks):
    job = import_job(
        login_as("org_admin"), upload([good_row("私有", world["ln"].name)]), django_capture_on_commit_callbacks
    )
    for role in ("province", "member"):
        assert login_as(role).get(f"/jobs/{job.pk}/").status_code in (403, 404)
        assert login_as(role).get(f"/jobs/{job.pk}/download/").status_code in (403, 404)
    assert Client().get(f"/jobs/{job.pk}/").status_code == 302  # to the login page


@pytest.mark.parametrize(
    "payload",
    [
        {},  # no file
        {"file": SimpleUploadedFile("empty.xlsx", b"", "application/octet-stream")},
    ],
)
def test_import_bad_upload_is_a_message_not_a_job(world, login_as, media, payload):
    before = Instrument.objects.count()
    r = login_as("office").post(REGISTRY, payload)
    assert r.status_code == 422
    assert 'data-testid="import-form"' in text(r)
    assert Instrument.objects.count() == before
    assert not BackgroundJob.objects.exists()


def test_import_not_a_workbook_fails_the_job_with_the_reason(
    world, login_as, media, django_capture_on_commit_callbacks
):
    before = Instrument.objects.count()
    c = login_as("office")
    job = import_job(
        c,
        SimpleUploadedFile("x.xlsx", b"not a workbook", "application/octet-stream"),
        django_capture_on_commit_callbacks,
    )
    assert job.status == BackgroundJob.Status.FAILED and job.attempts == 1
    assert job.result["code"] == "invalid_file" and job.error
    page = c.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and job.error in text(page)
    assert Instrument.objects.count() == before


def test_import_missing_header_names_the_column(world, login_as, media, django_capture_on_commit_callbacks):
    c = login_as("office")
    job = import_job(c, upload([["X", "0104"]], headers=["仪器名称", "分类代码"]), django_capture_on_commit_callbacks)
    assert job.status == BackgroundJob.Status.FAILED
    fields = {e["field"] for e in job.result["details"]["rows"]}
    assert fields == {"原值(元)", "所属单位"}
    assert "原值(元)" in text(c.get(f"/jobs/{job.pk}/"))


# --- links ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role,fees,registry", [("office", True, True), ("instrument_manager", False, False)])
def test_manage_index_links(world, login_as, role, fees, registry):
    html = text(login_as(role).get("/instruments/manage/"))
    assert (f'href="{STATEMENT}"' in html) is fees
    assert (f'href="{REGISTRY}"' in html) is registry


def test_main_navigation_has_the_evaluation(client, reference):
    html = text(client.get("/"))
    assert 'href="/instruments/openness/">开放共享评价' in html
