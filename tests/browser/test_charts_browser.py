"""core.charts in Chromium, on the market statistics page: ECharts (served by the platform) draws
the month chart, the table beside it shows the numbers the chart was given, the PNG button
downloads a data:image/png, the XLSX link downloads the same table; at 390 px the chart fits."""

import pytest
from openpyxl import load_workbook

from tests.playwright_fixtures import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS  # noqa: F401 (shared)

URL = "/market/statistics/?year=2025&province=210000"


@pytest.fixture
def year_of_contracts(transactional_db):
    from django.core.management import call_command

    from nesta.market.services.statistics import record_registration
    from tests.market.factories import RegistrationPointFactory
    from tests.market.statistics.helpers import local, registered_contract

    call_command("load_reference", verbosity=0)
    point = RegistrationPointFactory()
    for month in range(1, 13):
        record_registration(
            registered_contract(point, when=local(2025, month), contract_amount=1234567 * month, technology_amount=0)
        )


def _drawn(page) -> list[list[float | None]]:
    """The numbers ECharts holds for each series of the month chart."""
    return page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById('chart-by_month'))
                    .getOption().series.map(s => s.data)"""
    )


def _table(page) -> list[list[str]]:
    return page.locator('[data-testid="chart-table-by_month"] tbody tr').evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )


def _number(text: str) -> float | None:
    return None if text == "—" else float(text.replace(",", ""))


def test_the_month_chart_draws_the_numbers_of_its_table_and_exports_them(page, year_of_contracts):
    page.goto(URL, timeout=60_000)  # the first request of the process imports every app
    chart = page.locator("#chart-by_month")
    assert chart.locator("canvas").count() >= 1
    assert page.locator("#chart-by_month[data-chart-ready='1']").count() == 1
    drawn, table = _drawn(page), _table(page)
    assert len(table) == 12 and table[0][0] == "1月"
    assert table[11][1] == "1,481.48"  # 12 × 1,234,567 元 in 万元
    # the two plotted series (this year, last year) are the table's first two number columns
    assert drawn == [[_number(row[1]) for row in table], [_number(row[2]) for row in table]]
    assert (
        page.locator('[data-testid="chart-table-by_month"] thead th').all_inner_texts()[1] == "2025年合同成交额（万元）"
    )

    with page.expect_download() as png:
        page.get_by_test_id("chart-png-by_month").click()
    assert png.value.url.startswith("data:image/png;base64,")
    assert png.value.suggested_filename == "2025年各月技术合同成交额.png"

    with page.expect_download() as xlsx:
        page.get_by_test_id("chart-xlsx-by_month").click()
    assert xlsx.value.suggested_filename == "2025年各月技术合同成交额.xlsx"
    with open(xlsx.value.path(), "rb") as f:  # the download has no extension on disk
        ws = load_workbook(f).worksheets[0]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [row[0] for row in table]
    assert [r[1] for r in rows] == [_number(row[1]) for row in table]  # numbers, not text
    assert not page.external_requests and not page.console_errors, (page.external_requests, page.console_errors)


def test_at_390_px_the_chart_fits_the_screen(browser, live_server, year_of_contracts):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(URL, timeout=60_000)  # the first request of the process imports every app
    page.locator("#chart-by_month[data-chart-ready='1']").wait_for()
    box = page.locator("#chart-by_month canvas").first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.get_by_test_id("chart-table-by_month").is_visible()  # the numbers, below the chart
    assert box["width"] >= 300  # and uses the width it has
    page.get_by_test_id("chart-by_month").screenshot(path=f"{SCREENSHOTS}/chart-market-390.png")
    assert not errors, errors
    context.close()
