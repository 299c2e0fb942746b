"""The statistics page in Chromium at 390 px and at desktop width: nothing wider than the screen,
no external request, no console error, the charts drawn with their numbers."""

from urllib.parse import urlparse

import pytest


@pytest.fixture
def year_of_contracts(transactional_db):
    from django.core.management import call_command

    from nesta.market.services.statistics import record_registration
    from tests.market.factories import RegistrationPointFactory
    from tests.market.statistics.helpers import local, registered_contract

    call_command("load_reference", verbosity=0)
    point = RegistrationPointFactory()
    for month in range(1, 13):
        for ctype, buyer in (("dev_commissioned", "210200"), ("service_brokerage", "110105"), ("transfer_secret", "")):
            record_registration(
                registered_contract(
                    point,
                    when=local(2025, month),
                    contract_type=ctype,
                    buyer_region=buyer,
                    buyer_country="156" if buyer else "840",
                    contract_amount=123456789 * month,
                    technology_amount=100000000 * month,
                )
            )


@pytest.mark.parametrize(("width", "name"), [(390, "phone"), (1366, "desktop")])
def test_the_page_fits_and_draws(browser, live_server, year_of_contracts, width, name):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}, base_url=live_server.url)
    host = urlparse(live_server.url).netloc
    external, errors = [], []

    def guard(route):
        if urlparse(route.request.url).netloc != host and not route.request.url.startswith("data:"):
            external.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/market/statistics/?year=2025&province=210000")
    assert page.locator('[data-testid="total-contracts"]').inner_text() == "36"
    assert "亿元" in page.locator('[data-testid="total-amount"]').inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow}px wider than the {width}px screen"
    assert page.locator('[data-testid="chart-by_month"] canvas').count() >= 1  # ECharts drew it
    assert page.locator('[data-testid="chart-table-by_month"] [data-testid="chart-row"]').count() == 12
    visible = "stat-cards-by_field" if width < 768 else "stat-table-by_field"
    assert page.locator(f'[data-testid="{visible}"]').is_visible()
    page.select_option("#id_year", "2025")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**/market/statistics/?year=2025*")
    page.screenshot(path=f"/tmp/market-statistics-{name}.png", full_page=True)
    assert not external and not errors, (external, errors)
    context.close()
