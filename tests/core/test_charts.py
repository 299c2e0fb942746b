"""core.charts: a Chart's table and its JSON spec carry the same rounded numbers (money in 元, 万元
or 亿元 by the chart's largest amount), bad specs are refused, and the XLSX export re-runs the
page's own view (numbers as numbers, formula-like text as text, unknown charts a 400)."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from openpyxl import load_workbook

from nesta.core.charts import Chart, Series, chart_xlsx, plain_number, xlsx_export
from nesta.core.errors import BadRequest


def _months(amounts, prev=None, kind="bar") -> Chart:
    categories = [f"{i + 1}月" for i in range(len(amounts))]
    series = [Series("成交额", amounts)]
    if prev is not None:
        series.append(Series("上年同月", prev))
    series.append(Series("合同数", [3] * len(amounts), unit="项", decimals=0, plotted=False))
    return Chart(
        id="months", kind=kind, title="各月成交额", categories=categories, series=series, category_heading="月份"
    )


def test_money_is_shown_in_wan_yuan_when_the_largest_amount_needs_it():
    chart = _months([Decimal("123456789.00"), Decimal("50000"), None], prev=[Decimal("6900"), 0, 1])
    assert chart.money_unit() == "亿元"  # 1.23亿 is the largest
    table = chart.table()
    assert table.headers == ["月份", "成交额（亿元）", "上年同月（亿元）", "合同数（项）"]
    assert [(label, [c.text for c in cells]) for label, cells in table.rows] == [
        ("1月", ["1.23", "0", "3"]),
        ("2月", ["0", "0", "3"]),
        ("3月", ["—", "0", "3"]),
    ]
    small = _months([Decimal("690000"), Decimal("12345.678")])
    assert small.money_unit() == "万元"
    assert [c.text for _label, cells in small.table().rows for c in cells[:1]] == ["69", "1.23"]
    assert _months([Decimal("8500.5")]).money_unit() == "元"
    assert _months([Decimal("-20000")]).money_unit() == "万元"  # a negative remainder counts by size


def test_the_spec_draws_the_numbers_of_the_table():
    chart = _months([Decimal("1234567.891"), Decimal("50000")], prev=[Decimal("10000"), None])
    spec = json.loads(json.dumps(chart.spec()))  # what json_script hands to the page
    assert spec["kind"] == "bar" and spec["unit"] == "万元" and spec["categories"] == ["1月", "2月"]
    assert [s["name"] for s in spec["series"]] == ["成交额", "上年同月"]  # the count is the table's only
    assert spec["series"][0]["data"] == [123.46, 5.0] and spec["series"][1]["data"] == [1.0, None]
    table_numbers = [
        [float(c.value) if c.value is not None else None for c in cells[:2]] for _l, cells in chart.table().rows
    ]
    assert [list(col) for col in zip(*table_numbers, strict=True)] == [s["data"] for s in spec["series"]]
    assert spec["filename"] == "各月成交额.png"


def test_forced_and_plain_units():
    chart = Chart(
        id="scores",
        kind="stacked_bar",
        title="得分",
        categories=["辽宁省", "吉林省"],
        series=[
            Series("运行使用", [Decimal("31.256"), 20], unit="分", decimals=1),
            Series("共享", [Decimal("9.95"), Decimal("0.04")], unit="分", decimals=1),
            Series("预算", [Decimal("5000000"), Decimal("12345678")], unit="万元", plotted=False),
        ],
        horizontal=True,
    )
    table = chart.table()
    assert table.headers[1:] == ["运行使用（分）", "共享（分）", "预算（万元）"]
    assert [[c.text for c in cells] for _l, cells in table.rows] == [["31.3", "10", "500"], ["20", "0", "1,234.57"]]
    spec = chart.spec()
    assert spec["unit"] == "分" and spec["horizontal"] is True and len(spec["series"]) == 2
    assert chart.height_rem >= 12


def test_a_pie_adds_each_share():
    chart = Chart(
        id="family",
        kind="pie",
        title="构成",
        categories=["开发", "转让", "无"],
        series=[Series("成交额", [Decimal("30000"), Decimal("10000"), 0])],
    )
    table = chart.table()
    assert table.headers == ["项目", "成交额（万元）", "占比（%）"]
    assert [[c.text for c in cells] for _l, cells in table.rows] == [["3", "75"], ["1", "25"], ["0", "0"]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "radar"}, "unknown chart kind"),
        ({"id": "a b"}, "slug"),
        ({"series": [Series("x", [1])]}, "1 values for 2 categories"),
        ({"series": [Series("x", [1, 2], plotted=False)]}, "at least one plotted"),
        ({"series": [Series("x", [1, 2]), Series("y", [1, 2], unit="项")]}, "share one unit"),
        ({"kind": "pie", "series": [Series("x", [1, 2]), Series("y", [1, 2])]}, "exactly one"),
    ],
)
def test_bad_specs_are_refused(kwargs, message):
    base = {"id": "c", "kind": "bar", "title": "t", "categories": ["a", "b"], "series": [Series("x", [1, 2])]}
    with pytest.raises(ValueError, match=message):
        Chart(**{**base, **kwargs})


def test_plain_number():
    assert plain_number(Decimal("1234.50"), 2) == "1,234.5"
    assert plain_number(Decimal("-0.001"), 2) == "0"
    assert plain_number(Decimal("2.5"), 0) == "3"  # half up, as the yuan filter


# --- XLSX ---------------------------------------------------------------------------------------


def _hostile_chart() -> Chart:
    return Chart(
        id="orgs",
        kind="bar",
        title="单位",
        categories=['=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1)", "沈阳"],
        series=[
            Series("成交额", [Decimal("12345.678"), 20000, 0, None, Decimal("1.5")]),
            Series("合同数", [1, 2, 3, 4, 5], unit="项", decimals=0, plotted=False),
        ],
        category_heading="单位名称",
    )


def test_the_xlsx_holds_the_table_numbers_as_numbers_and_text_as_text():
    content = chart_xlsx(_hostile_chart())
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == ("单位", "s")  # the title row
    assert [v for v, _t in rows[1]] == ["单位名称", "成交额（万元）", "合同数（项）"]
    assert rows[2] == [('=HYPERLINK("http://evil.example","x")', "s"), (1.23, "n"), (1, "n")]
    assert [r[0] for r in rows[3:7]] == [("+1", "s"), ("-2", "s"), ("@SUM(A1)", "s"), ("沈阳", "s")]
    assert rows[3][1] == (2, "n") and rows[5][1][0] is None
    assert ws.cell(row=3, column=2).number_format == "#,##0.00"
    assert ws.cell(row=3, column=3).number_format == "#,##0"
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def _view(request):
    """A page's view as the apps write it: build the charts, offer the export, else render."""
    chart = _hostile_chart()
    if export := xlsx_export(request, chart):
        return export
    return HttpResponse(chart.export_url)


def test_the_export_is_the_page_itself_rerun():
    rf = RequestFactory()
    page = _view(rf.get("/market/statistics/", {"year": "2025", "province": "210000"}))
    assert page.content.decode() == "/market/statistics/?year=2025&province=210000&export=xlsx&chart=orgs"
    response = _view(rf.get("/market/statistics/", {"year": "2025", "export": "xlsx", "chart": "orgs"}))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "private, no-store"
    assert "chart-orgs.xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws.cell(row=7, column=1).value == "沈阳" and ws.cell(row=7, column=3).value == 5
    # re-rendering the export URL of an export request does not stack the parameters
    again = _view(rf.get("/p/", {"export": "", "chart": "orgs", "q": "x"}))
    assert again.content.decode() == "/p/?q=x&export=xlsx&chart=orgs"


@pytest.mark.parametrize("query", [{"export": "xlsx", "chart": "other"}, {"export": "csv", "chart": "orgs"}])
def test_an_unknown_chart_or_format_is_a_bad_request(query):
    with pytest.raises(BadRequest):
        _view(RequestFactory().get("/p/", query))
