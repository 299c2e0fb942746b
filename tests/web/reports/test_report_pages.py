"""开放共享评价 on the web: the ranking (ordering, provinces, cache, XLSX, bad parameters, query
counts), the organisation and instrument pages that trace every figure to records, navigation."""

from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nesta.instruments.models import BookingPolicy
from tests.factories import InstrumentFactory, OrganizationFactory
from tests.web.conftest import text
from tests.web.reports.conftest import RANKING, RANKING_XLSX, TZ, YEAR, D, at, charge, rows_of, use, xlsx_of

pytestmark = pytest.mark.django_db


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
    assert few == 6, few  # provinces, the four aggregates (instruments, sessions, charges, shutdowns), owners' regions


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


def test_ranking_charts_show_the_provinces_means_and_export_their_numbers(client, world):
    r = client.get(RANKING, {"year": YEAR})
    by_province, top = r.context["charts"]
    # 辽宁: (88.57 + 24.00) / 2; 吉林: 84.00 — ordered by mean total, the table beside the chart
    assert by_province.categories[:2] == ["吉林省", "辽宁省"]
    totals = next(s for s in by_province.series if s.name == "平均总分")
    assert [round(float(v), 3) for v in totals.values[:2]] == [84.0, 56.285]
    assert 'data-testid="openness-charts"' in r.content.decode()
    assert top.categories[0].startswith("A 场发射扫描电镜")
    export = client.get(RANKING, {"year": YEAR, "export": "xlsx", "chart": "by_province"})
    assert export.status_code == 200
    ws = xlsx_of(export).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert any(row[0] == "辽宁省" for row in values)


def test_ranking_without_evaluated_organisations_has_no_charts(client, reference):
    r = client.get(RANKING, {"year": YEAR})
    assert r.status_code == 200
    assert r.context["charts"] == []
    assert 'data-testid="openness-charts"' not in r.content.decode()
