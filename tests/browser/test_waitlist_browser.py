"""The waiting list in a browser: a member clicks a taken block of the SEM's calendar, the
排队候补 form fills with its times, they queue; the booking is cancelled, 我的候补 shows the
deadline and 确认预约 books the slot for them."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, login
from tests.browser.test_instruments_browser import booking_day, cell, network, unexpected  # noqa: F401
from tests.browser.test_mobile_browser import busy  # noqa: F401 — the fixture

pytestmark = [pytest.mark.browser]


def test_queue_for_a_taken_slot_then_claim_it(page, site, busy, network):  # noqa: F811
    from nesta.instruments.models import Booking, WaitlistEntry
    from nesta.instruments.services.booking import booking_cancel

    sem, member, other = network["sem"], network["member"], network["other"]
    day = booking_day()
    login(page, "member_qian", site["password"])
    page.goto(f"/instruments/{sem.pk}/?date={day.isoformat()}&view=week")
    cell(page, day, "09:00").click()
    box = page.get_by_test_id("waitlist-join")
    expect(box.locator("input[name=start]")).to_have_value(f"{day.isoformat()}T09:00")
    expect(box.locator("input[name=end]")).to_have_value(f"{day.isoformat()}T10:00")
    box.locator("input[name=purpose]").fill("稀土永磁体表征")
    box.get_by_role("button", name="排队候补").click()
    page.wait_for_url("**/instruments/waitlist/")
    expect(page.get_by_test_id("position")).to_contain_text("排第 1 位")

    entry = WaitlistEntry.objects.get(user=other)
    taken = Booking.objects.get(instrument=sem, user=member, start=entry.start)
    booking_cancel(actor=member, booking_id=taken.pk)
    page.reload()
    expect(page.get_by_test_id("deadline")).to_be_visible()
    page.get_by_test_id("waitlist-claim").click()
    expect(page.locator("[data-status=claimed]")).to_have_count(1)
    page.screenshot(path=f"{SCREENSHOTS}/nesta_waitlist_claimed.png")
    assert Booking.objects.get(instrument=sem, user=other, start=entry.start).purpose == "稀土永磁体表征"
    assert unexpected(page.console_errors) == []
