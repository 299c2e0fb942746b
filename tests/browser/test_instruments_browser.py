"""The instrument network in a real browser: a member finds an instrument by a Chinese query,
books a slot by clicking (and dragging) in the calendar, sees it as their own booking, then tries
a slot someone else has just taken and is told so plainly."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser]

TZ = ZoneInfo("Asia/Shanghai")


def booking_day() -> date:
    """Two days ahead (any weekday: the test instrument is open every day)."""
    return timezone.localtime(timezone.now(), TZ).date() + timedelta(days=2)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


def unexpected(console_errors: list[str]) -> list[str]:
    """Console errors other than Chromium's note of the booking view's deliberate 409/422 answers."""
    expected = ("status of 409", "status of 422")
    return [e for e in console_errors if not any(x in e for x in expected)]


def cell(page, day: date, hhmm: str):
    return page.locator(f'table[data-calendar] td[data-start="{day.isoformat()}T{hhmm}"]')


@pytest.fixture
def network(site):
    """Two instruments registered through the registry service (so they are in the search index),
    and two members of the SEM's owner."""
    from nesta.instruments.services.registry import instrument_create
    from tests.factories import UserFactory, grant

    imr = site["orgs"]["中国科学院金属研究所"]
    member = grant(
        UserFactory(username="member_zhao", display_name="赵研究员", organization=imr), "member", organization=imr
    )
    other = grant(
        UserFactory(username="member_qian", display_name="钱工程师", organization=imr), "member", organization=imr
    )
    sem = instrument_create(
        actor=site["office"],
        data={
            "owner": imr.pk,
            "name": "场发射扫描电子显微镜（扫描电镜）",
            "category": "0104",
            "model_number": "SU8010",
            "manufacturer": "日立高新",
            "country_of_origin": "日本",
            "original_value": "3850000",
            "techniques": "二次电子像分辨率1.0nm（15kV）；配能谱仪，可做微区成分分析。",
            "sample_requirements": "块状或粉末样品，需干燥、无磁性、导电或经喷金处理。",
            "address": "沈阳市沈河区文化路72号 材料分析测试中心",
            "internal_hourly_rate": "200",
            "external_hourly_rate": "400",
            "external_sample_rate": "150",
            "policy": {"weekdays": "1234567", "min_minutes": 30, "max_minutes": 240},
        },
    )
    nmr = instrument_create(
        actor=site["office"],
        data={
            "owner": site["orgs"]["长春稀土功能材料研究所"].pk,
            "name": "600兆核磁共振波谱仪",
            "category": "0105",
            "original_value": "5200000",
            "internal_hourly_rate": "300",
            "external_hourly_rate": "650",
            "policy": {"requires_training": True, "external_requires_approval": True},
        },
    )
    return {"sem": sem, "nmr": nmr, "member": member, "other": other}


def test_member_finds_books_and_meets_a_taken_slot(page, site, network):
    from nesta.instruments import services
    from nesta.instruments.models import Booking

    sem = network["sem"]
    day = booking_day()
    login(page, "member_zhao", site["password"])

    # find it by a Chinese query: the results update in place
    page.get_by_role("link", name="仪器共享", exact=True).click()
    page.wait_for_load_state("load")  # htmx and the page scripts are initialised
    page.wait_for_load_state()  # htmx is set up once the page has loaded
    expect(page.get_by_test_id("instrument-result")).to_have_count(2)
    page.evaluate("window.__marker = 'same-page'")
    page.fill("#id_q", "扫描电镜")
    expect(page.get_by_test_id("instrument-result")).to_have_count(1)
    expect(page.get_by_test_id("result-summary")).to_contain_text("找到 1 台仪器")
    assert page.evaluate("window.__marker") == "same-page"
    expect(page.get_by_test_id("instrument-result")).to_contain_text("400元/小时")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_instruments_search.png", full_page=True)
    page.get_by_role("link", name="场发射扫描电子显微镜（扫描电镜）").click()
    page.wait_for_load_state("load")  # htmx and the page scripts are initialised
    page.wait_for_load_state()
    expect(page.get_by_test_id("instrument-name")).to_have_text("场发射扫描电子显微镜（扫描电镜）")
    expect(page.get_by_test_id("rules")).to_contain_text("每天 08:00–22:00")
    # the 最早可约 box loads after the page and pushes the calendar down: drag once it is in
    expect(page.get_by_test_id("next-free")).to_be_visible()

    # the booking day may be in next week: page forward with the calendar's own navigation
    if cell(page, day, "10:00").count() == 0:
        page.get_by_test_id("cal-next").click()
    expect(cell(page, day, "10:00")).to_have_class("cal-free")

    # drag from 10:00 down to 10:30: one hour selected, the form filled in
    cell(page, day, "10:00").hover()
    page.mouse.down()
    cell(page, day, "10:30").hover()
    page.mouse.up()
    expect(page.get_by_test_id("selection-summary")).to_contain_text("10:00–11:00，共 60 分钟")
    expect(page.locator("#id_start")).to_have_value(f"{day.isoformat()}T10:00")
    expect(page.locator("#id_end")).to_have_value(f"{day.isoformat()}T11:00")
    expect(cell(page, day, "10:30")).to_have_class("cal-free cal-selected")
    page.fill("#id_purpose", "镍基高温合金断口形貌观察")
    page.get_by_test_id("booking-submit").click()

    expect(page.get_by_test_id("booking-success")).to_contain_text("预约成功")
    mine = cell(page, day, "10:00")
    expect(mine).to_have_class("cal-mine")
    expect(mine).to_contain_text("我的预约")
    expect(page.get_by_test_id("my-week-bookings")).to_contain_text("10:00–11:00")
    booking = Booking.objects.get(user=network["member"])
    assert (booking.start, booking.end, booking.status) == (at(day, 10), at(day, 11), "confirmed")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_instrument_booked.png", full_page=True)

    # a click selects 14:00–14:30; before confirming, a colleague takes 14:00–15:00
    cell(page, day, "14:00").click()
    expect(page.get_by_test_id("selection-summary")).to_contain_text("14:00–14:30")
    services.booking_create(
        actor=network["other"], instrument_id=sem.pk, start=at(day, 14), end=at(day, 15), purpose="抢先"
    )
    page.fill("#id_purpose", "补测样品")
    page.get_by_test_id("booking-submit").click()
    error = page.get_by_test_id("booking-error")
    expect(error).to_contain_text("该时段已被预约，请选择其他时间")
    taken = cell(page, day, "14:00")
    expect(taken).to_have_class("cal-busy")
    expect(taken).to_contain_text("已预约")
    expect(page.get_by_test_id("calendar")).not_to_contain_text("钱工程师")  # never who
    page.screenshot(path=f"{SCREENSHOTS}/nesta_instrument_slot_taken.png", full_page=True)
    assert Booking.objects.filter(user=network["member"]).count() == 1

    # 我的预约: the booking, with its cancellation deadline
    page.goto("/instruments/my/")
    row = page.get_by_test_id("my-booking")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("场发射扫描电子显微镜（扫描电镜）")
    expect(row).to_contain_text("已确认")
    expect(row).to_contain_text("前可免责取消")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_my_bookings.png", full_page=True)

    assert page.external_requests == []
    assert unexpected(page.console_errors) == []


def test_policy_violation_is_listed_and_small_screens_get_the_day_view(page, site, network):
    from nesta.instruments.models import BookingPolicy

    BookingPolicy.objects.filter(instrument=network["sem"]).update(max_minutes=60)
    day = booking_day()
    login(page, "member_zhao", site["password"])
    page.goto(f"/instruments/{network['sem'].pk}/?date={day.isoformat()}")
    page.fill("#id_start", f"{day.isoformat()}T20:00")
    page.fill("#id_end", f"{day.isoformat()}T23:00")
    page.fill("#id_purpose", "夜间长时间测试")
    page.get_by_test_id("booking-submit").click()
    error = page.get_by_test_id("booking-error")
    expect(error).to_contain_text("该时段不能预约，原因如下：")
    expect(error).to_contain_text("单次预约不超过 60 分钟。")
    expect(error).to_contain_text("预约须在每日 08:00–22:00 之内。")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/instruments/{network['sem'].pk}/")
    expect(page.get_by_test_id("cal-day-view")).to_have_attribute("aria-current", "true")
    expect(page.locator("table[data-calendar] thead th")).to_have_count(2)  # the time column and one day
    page.screenshot(path=f"{SCREENSHOTS}/nesta_instrument_mobile.png", full_page=True)
    assert page.external_requests == []
    assert unexpected(page.console_errors) == []


def test_manager_approves_an_outside_booking(page, site, network):
    from nesta.instruments import services
    from nesta.instruments.models import Booking, Qualification
    from tests.factories import UserFactory, grant

    nmr = network["nmr"]
    ccs = site["orgs"]["长春稀土功能材料研究所"]
    manager = grant(
        UserFactory(username="manager_sun", display_name="孙主管", organization=ccs),
        "instrument_manager",
        organization=ccs,
    )
    nmr.managers.add(manager)
    Qualification.objects.create(instrument=nmr, user=network["member"])
    from nesta.core.errors import ValidationFailed

    booking = None
    for ahead in range(7):  # the demo's shutdowns and blackouts fall on some days: take the first open one
        day = booking_day() + timedelta(days=ahead)
        try:
            booking = services.booking_create(
                actor=network["member"],
                instrument_id=nmr.pk,
                start=at(day, 9),
                end=at(day, 11),
                purpose="稀土配合物结构鉴定",
            ).booking
            break
        except ValidationFailed:
            continue
    assert booking is not None and booking.status == "pending"

    login(page, "manager_sun", site["password"])
    page.goto("/instruments/")
    page.get_by_role("link", name="仪器管理").click()
    page.wait_for_load_state("load")  # htmx and the page scripts are initialised
    page.wait_for_load_state()
    row = page.get_by_test_id("pending-booking")
    expect(row).to_contain_text("赵研究员")
    expect(row).to_contain_text("稀土配合物结构鉴定")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_instruments_manage.png", full_page=True)
    row.get_by_test_id("approve").click()
    expect(page.get_by_text("已批准该预约，并已通知预约人。")).to_be_visible()
    expect(page.get_by_test_id("pending-booking")).to_have_count(0)
    booking.refresh_from_db()
    assert booking.status == "confirmed"

    page.goto(f"/instruments/{nmr.pk}/manage/")
    page.get_by_test_id("blackout-form").locator("summary").click()
    page.fill("#id_start", f"{day.isoformat()}T13:00")
    page.fill("#id_end", f"{day.isoformat()}T17:00")
    page.fill("#id_reason", "液氦补充")
    page.get_by_role("button", name="添加", exact=True).click()
    expect(page.get_by_test_id("blackout")).to_contain_text("液氦补充")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_instrument_manage.png", full_page=True)
    assert Booking.objects.get(pk=booking.pk).decided_by == manager
    assert page.external_requests == []
    assert unexpected(page.console_errors) == []
