"""The managers' view in a browser: the SEM's manager sees on the calendar who booked and, under
it, the week's bookings with contact and payer; a member sees only "已预约"."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, login
from tests.browser.test_instruments_browser import booking_day, network  # noqa: F401 — the fixture
from tests.browser.test_mobile_browser import busy  # noqa: F401 — the fixture

pytestmark = [pytest.mark.browser]


def test_manager_sees_who_booked_member_does_not(page, site, busy, network):  # noqa: F811
    from nesta.instruments.models import Booking, PayerAccount

    sem, other = network["sem"], network["other"]
    account = PayerAccount.objects.create(organization=sem.owner, code="JF-0815", name="国家自然科学基金面上项目")
    Booking.objects.filter(pk=busy["waiting"].pk).update(account=account)
    other.email = "qian@imr.example.cn"
    other.save()
    url = f"/instruments/{sem.pk}/?date={booking_day().isoformat()}&view=week"

    login(page, "mgr_sun", site["password"])
    page.goto(url)
    taken = page.locator("table[data-calendar] td.cal-busy", has_text="钱工程师")
    expect(taken).to_have_count(1)
    assert "JF-0815" in taken.get_attribute("title") and "稀土永磁体" in taken.get_attribute("title")
    rows = page.get_by_test_id("calendar-booker")
    expect(rows).to_have_count(3)
    waiting = rows.filter(has_text="钱工程师")
    expect(waiting.get_by_test_id("booker-contact")).to_contain_text("qian@imr.example.cn")
    expect(waiting.get_by_test_id("booker-account")).to_contain_text("JF-0815")
    page.get_by_test_id("calendar-bookers").screenshot(path=f"{SCREENSHOTS}/nesta_manager_calendar_bookers.png")

    page.context.clear_cookies()
    login(page, "member_qian", site["password"])
    page.goto(url)
    expect(page.get_by_test_id("calendar")).to_be_visible()
    expect(page.get_by_test_id("calendar-bookers")).to_have_count(0)
    busy_cells = page.locator("table[data-calendar] td.cal-busy")
    expect(busy_cells.first).to_contain_text("已预约")
    assert "赵研究员" not in page.content()
