"""Finding time in a browser: at 390 px a member opens the planner ("排期总览") of the SEMs, the
grid scrolls sideways inside its box (the page itself never wider than the phone), taps a free
slot and lands on that instrument's calendar with the booking form already holding the slot; the
month view fits the screen too."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, login
from tests.browser.test_instruments_browser import booking_day, network  # noqa: F401 — the fixture
from tests.browser.test_mobile_browser import WIDTH, phone  # noqa: F401 — the fixture

pytestmark = [pytest.mark.browser]


def page_width(pg) -> int:
    return pg.evaluate("document.documentElement.scrollWidth")


def test_planner_and_month_at_390px(phone, live_server, network):  # noqa: F811
    sem, member = network["sem"], network["member"]
    login(phone, member.username, "pass-2026-x")
    day = booking_day()
    phone.goto(f"/instruments/planner/?category=0104&date={day.isoformat()}")
    expect(phone.get_by_test_id("planner-table")).to_be_visible()
    assert page_width(phone) <= WIDTH
    free = phone.locator(f'tr[data-instrument="{sem.pk}"] [data-testid="planner-free"]').first
    free.scroll_into_view_if_needed()
    phone.screenshot(path=f"{SCREENSHOTS}/planner-390.png")
    href = free.get_attribute("href")
    free.click()
    phone.wait_for_url(f"**/instruments/{sem.pk}/**")
    start = href.split("start=")[1].split("&")[0]
    expect(phone.locator("#booking-form input[name=start]")).to_have_value(start)
    phone.goto(f"/instruments/{sem.pk}/month/")
    expect(phone.get_by_test_id("month-table")).to_be_visible()
    assert page_width(phone) <= WIDTH
    phone.get_by_test_id("month-day").filter(has_text="可约").first.click()
    phone.wait_for_url(f"**/instruments/{sem.pk}/?date=*")
