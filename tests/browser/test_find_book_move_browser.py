"""Find, book, move, be told (issue 8): a member opens the multi-instrument planner, finds the SEM
that is free first on the day (the other is fully booked), books it from the planner's link,
moves it from 我的预约 by choosing a free slot of the day; the instrument's manager is told and
moves it again, and the member reads that in the notification centre."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, login
from tests.browser.test_instruments_browser import at, booking_day, unexpected

pytestmark = [pytest.mark.browser]


@pytest.fixture
def sems(site):
    """Two SEMs of one Shenyang institute, open every day 08:00–22:00; the first is booked all day
    by a colleague, the second is free. A manager for both."""
    from nesta.instruments.models import Booking
    from nesta.instruments.services.registry import instrument_create
    from tests.factories import UserFactory, grant

    imr = site["orgs"]["中国科学院金属研究所"]
    member = grant(
        UserFactory(username="member_zhao", display_name="赵研究员", organization=imr), "member", organization=imr
    )
    colleague = grant(
        UserFactory(username="member_qian", display_name="钱工程师", organization=imr), "member", organization=imr
    )
    manager = grant(
        UserFactory(username="manager_sun", display_name="孙老师", organization=imr),
        "instrument_manager",
        organization=imr,
    )

    def sem(name: str) -> object:
        instrument = instrument_create(
            actor=site["office"],
            data={
                "owner": imr.pk,
                "name": name,
                "category": "0104",
                "original_value": "3850000",
                "internal_hourly_rate": "200",
                "external_hourly_rate": "400",
                "managers": [manager.pk],
                "policy": {"weekdays": "1234567", "min_minutes": 30, "max_minutes": 240},
            },
        )
        return instrument

    full, free = sem("场发射扫描电镜 SU8010"), sem("钨灯丝扫描电镜 JSM-6510")
    day = booking_day()
    for hh in (8, 12, 16, 20):  # 08:00–22:00 taken
        Booking.objects.create(
            instrument=full,
            user=colleague,
            organization=imr,
            start=at(day, hh),
            end=at(day, min(hh + 4, 22)),
            status="confirmed",
        )
    return {"full": full, "free": free, "member": member, "manager": manager, "day": day}


def test_member_finds_the_next_free_sem_books_it_moves_it_and_is_told(page, browser, live_server, site, sems):
    from nesta.instruments.models import Booking

    day, free = sems["day"], sems["free"]
    login(page, "member_zhao", site["password"])

    # the planner: SEMs of Shenyang side by side for the day; only the second has free cells
    page.goto(f"/instruments/planner/?category=0104&city=210100&view=day&date={day.isoformat()}")
    rows = page.get_by_test_id("planner-row")
    expect(rows).to_have_count(2)
    full_row = page.locator(f'[data-testid="planner-row"][data-instrument="{sems["full"].pk}"]')
    free_row = page.locator(f'[data-testid="planner-row"][data-instrument="{free.pk}"]')
    expect(full_row.get_by_test_id("planner-free")).to_have_count(0)
    page.screenshot(path=f"{SCREENSHOTS}/nesta_planner_find.png", full_page=True)
    free_row.get_by_test_id("planner-free").first.click()
    page.wait_for_load_state("load")

    # the instrument's calendar opens at that slot with the form filled in: confirm
    expect(page.get_by_test_id("instrument-name")).to_have_text("钨灯丝扫描电镜 JSM-6510")
    expect(page.locator("#id_start")).to_have_value(f"{day.isoformat()}T08:00")
    page.fill("#id_purpose", "镍基高温合金断口形貌观察")
    page.get_by_test_id("booking-submit").click()
    expect(page.get_by_test_id("booking-success")).to_contain_text("预约成功")
    booking = Booking.objects.get(user=sems["member"])
    assert (booking.instrument_id, booking.start) == (free.pk, at(day, 8))
    length = booking.end - booking.start

    # 我的预约 → 改期: the day's free slots; choose 14:00
    page.goto("/instruments/my/")
    page.get_by_test_id("my-booking").get_by_test_id("move").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("move-current")).to_contain_text("08:00")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_booking_move_page.png", full_page=True)
    page.locator(f'[data-testid="move-slot"][data-start="{day.isoformat()}T14:00"]').click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success, .alert.alert-success, [role=alert]").first).to_contain_text("预约已改期")
    expect(page.get_by_test_id("my-booking")).to_contain_text("14:00")
    booking.refresh_from_db()
    assert (booking.start, booking.end - booking.start) == (at(day, 14), length)
    page.screenshot(path=f"{SCREENSHOTS}/nesta_booking_moved.png", full_page=True)

    # the manager is told, and moves it on to 16:00 from the manager's list
    manager_context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}, base_url=live_server.url
    )
    manager_page = manager_context.new_page()
    manager_page.set_default_timeout(10_000)
    try:
        login(manager_page, "manager_sun", site["password"])
        manager_page.goto("/notifications/")
        expect(manager_page.locator("body")).to_contain_text("预约已改期：钨灯丝扫描电镜 JSM-6510")
        manager_page.goto(f"/instruments/{free.pk}/manage/")
        manager_page.get_by_test_id("manager-booking").get_by_test_id("move").click()
        manager_page.wait_for_load_state("load")
        manager_page.locator(f'[data-testid="move-slot"][data-start="{day.isoformat()}T16:00"]').click()
        manager_page.wait_for_load_state("load")
        expect(manager_page.locator("body")).to_contain_text("预约已改期")
    finally:
        manager_context.close()
    booking.refresh_from_db()
    assert booking.start == at(day, 16)

    # the member reads it in the notification centre
    page.goto("/notifications/")
    expect(page.locator("body")).to_contain_text("您的预约已改期：钨灯丝扫描电镜 JSM-6510")
    expect(page.locator("body")).to_contain_text("16:00")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_moved_notification.png", full_page=True)

    assert page.external_requests == []
    assert unexpected(page.console_errors) == []
