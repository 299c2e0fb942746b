"""Booking on a phone (390 px): after tapping a free slot, the summary with the quote (fee
estimate, free cancellation until, approval, the cancellation rules) and the confirm button is on
the screen — it used to sit 475 px below it — and confirming books the slot and fills its cells
in place."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser]

TZ = ZoneInfo("Asia/Shanghai")


def booking_day() -> date:
    return timezone.localtime(timezone.now(), TZ).date() + timedelta(days=2)


@pytest.fixture
def sem(site):
    from nesta.instruments.services.registry import instrument_create
    from tests.factories import UserFactory, grant

    imr = site["orgs"]["中国科学院金属研究所"]
    grant(UserFactory(username="member_sun", display_name="孙博士", organization=imr), "member", organization=imr)
    return instrument_create(
        actor=site["office"],
        data={
            "owner": imr.pk,
            "name": "场发射扫描电子显微镜",
            "category": "0104",
            "original_value": "3850000",
            "internal_hourly_rate": "200",
            "external_hourly_rate": "400",
            "policy": {"weekdays": "1234567", "min_minutes": 60, "max_minutes": 240},
        },
    )


def test_at_390px_the_confirm_button_is_on_screen_after_tapping_a_slot(page, site, sem):
    from nesta.instruments.models import Booking

    day = booking_day()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "member_sun", site["password"])
    page.goto(f"/instruments/{sem.pk}/?date={day.isoformat()}&view=day")
    page.wait_for_load_state("load")
    slot = page.locator(f'table[data-calendar] td[data-start="{day.isoformat()}T10:00"]')
    slot.scroll_into_view_if_needed()
    submit = page.get_by_test_id("booking-submit")
    expect(submit).not_to_be_in_viewport()  # below the calendar until a slot is chosen
    slot.click()

    expect(page.get_by_test_id("selection-summary")).to_contain_text("10:00–11:00，共 60 分钟")
    expect(submit).to_be_in_viewport(ratio=1)
    quote = page.get_by_test_id("booking-quote")
    expect(quote).to_be_in_viewport()
    expect(page.get_by_test_id("quote-amount")).to_contain_text("¥200.00")
    expect(page.get_by_test_id("quote-approval")).to_contain_text("无需审批")
    expect(page.get_by_test_id("quote-deadline")).to_contain_text(f"{day.month}月")
    expect(page.get_by_test_id("quote-rules")).to_contain_text("逾期取消")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_booking_mobile_chosen.png")

    page.fill("#id_purpose", "断口形貌观察")
    submit.click()
    expect(page.get_by_test_id("booking-success")).to_contain_text("预约成功")
    expect(slot).to_have_class("cal-mine")
    expect(slot).to_contain_text("我的预约")
    expect(page.get_by_test_id("booking-confirm-bar")).not_to_have_class("nesta-book-confirm chosen")
    assert Booking.objects.filter(instrument=sem, user__username="member_sun").count() == 1
    assert page.external_requests == []
    assert page.console_errors == []
