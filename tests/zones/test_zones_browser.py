"""The zone page and the comparison in Chromium: ECharts draws every chart (from the platform's
own files, no request leaves the host), and at 390 px nothing is wider than the screen — the wide
tables scroll inside their .table-responsive box."""

from decimal import Decimal

import pytest

from tests.playwright_fixtures import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS  # noqa: F401 (shared)

pytestmark = pytest.mark.browser


@pytest.fixture
def figures(transactional_db):
    from django.core.management import call_command

    from nesta.directory.models import Organization
    from nesta.zones.models import ZoneTarget, ZoneYear

    call_command("load_reference", verbosity=0)
    zones = list(Organization.objects.filter(kind="high_tech_zone").order_by("id"))
    for n, zone in enumerate(zones):
        for step, year in enumerate((2023, 2024, 2025)):
            g = Decimal("1.06") ** step
            ZoneYear.objects.create(
                zone=zone, year=year, planned_area=Decimal("100"), built_area=Decimal("70"),
                enterprises=int(3000 * g) + n * 500, high_tech_enterprises=int(800 * g), private_tech_enterprises=1800,
                revenue=(Decimal(1000 + 400 * n) * 10**8 * g).quantize(Decimal(1)), employees=120_000, rd_staff=18_000,
                net_profit=Decimal(60 + n) * 10**8, taxes=Decimal(50) * 10**8, exports_usd=Decimal(9) * 10**8,
                rd_spend=Decimal(30) * 10**8, invention_patents=1200 + 100 * step,
            )  # fmt: skip
    ZoneTarget.objects.create(zone=zones[0], indicator="revenue", baseline_year=2023,
                              baseline_value=Decimal(1000) * 10**8, target_year=2027, target_value=Decimal(1400) * 10**8)  # fmt: skip
    return zones


def _fits(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_zone_page_and_the_comparison_draw_their_charts_and_fit_390px(page, figures):
    zone = figures[0]
    page.goto(f"/zones/{zone.pk}/", timeout=60_000)
    for chart in ("output", "profit", "firms", "staff", "exports", "area", "patents", "private"):
        assert page.locator(f"#chart-{chart}[data-chart-ready='1'] canvas").count() >= 1, chart
    assert page.locator('[data-testid="target-row"]').count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.locator("#chart-output[data-chart-ready='1']").wait_for()
    assert _fits(page) <= 0
    page.screenshot(path=f"{SCREENSHOTS}/zones-detail-390.png", full_page=True)
    page.goto("/zones/comparison/?year=2025&indicator=enterprises")
    page.locator("#chart-indicator[data-chart-ready='1']").wait_for()
    assert page.locator("#chart-private[data-chart-ready='1']").count() == 1
    assert _fits(page) <= 0
    page.screenshot(path=f"{SCREENSHOTS}/zones-comparison-390.png", full_page=True)
    page.goto("/zones/")
    assert page.locator('[data-testid="zone-row"]').count() == 7 and _fits(page) <= 0
    assert page.external_requests == [] and page.console_errors == []
