"""The instrument network on a phone (390 × 844): the search box above the filters, and the
lists — my bookings, the managers' pages, my testing orders, the managed orders, the openness
ranking — as cards with nothing wider than the screen and every action button on it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, login
from tests.browser.test_instruments_browser import at, booking_day, network  # noqa: F401 — the fixture

pytestmark = [pytest.mark.browser]

WIDTH = 390


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": WIDTH, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    yield pg
    context.close()


@pytest.fixture
def busy(site, network):  # noqa: F811 — network is the imported fixture
    """The member's bookings (two to come, one past), another member's booking awaiting approval,
    an instrument manager of the SEM's owner, and testing orders."""
    from nesta.instruments import services
    from nesta.instruments.models import Booking, ServiceItem, TestOrder
    from tests.factories import UserFactory, grant

    sem, member, other = network["sem"], network["member"], network["other"]
    imr = sem.owner
    manager = grant(
        UserFactory(username="mgr_sun", display_name="孙管理员", organization=imr),
        "instrument_manager",
        organization=imr,
    )
    sem.managers.add(manager)
    day = booking_day()
    for hh in (9, 14):
        services.booking_create(
            actor=member,
            instrument_id=sem.pk,
            start=at(day, hh),
            end=at(day, hh + 1),
            purpose="镍基高温合金断口形貌观察",
        )
    waiting = services.booking_create(
        actor=other, instrument_id=sem.pk, start=at(day, 16), end=at(day, 18), purpose="稀土永磁体磁畴结构表征"
    ).booking
    Booking.objects.filter(pk=waiting.pk).update(status="pending")
    past = at(day - timedelta(days=9), 10)
    Booking.objects.create(
        instrument=sem, user=member, organization=imr, start=past, end=past + timedelta(hours=2), status="completed"
    )
    item = ServiceItem.objects.create(
        instrument=sem,
        name="扫描电镜形貌观察（含能谱）",
        unit="sample",
        internal_price=Decimal("150"),
        external_price=Decimal("300"),
    )
    for n, status in enumerate(["submitted", "quoted", "settled"]):
        TestOrder.objects.create(
            service=item,
            instrument=sem,
            customer=member,
            organization=imr,
            quantity=Decimal(n + 2),
            unit_price=item.internal_price,
            list_amount=item.internal_price * (n + 2),
            quoted_amount=item.internal_price * (n + 2) if status != "submitted" else None,
            sample_description="块状样品",
            status=status,
        )
    return {"manager": manager, "waiting": waiting}


def assert_fits(page, name: str) -> None:
    """Nothing on the page is wider than the screen (the calendar scrolls inside its own box)."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=f"{SCREENSHOTS}/nesta_mobile_{name}.png", full_page=True)
    assert width <= WIDTH, f"{name}: the page is {width} px wide at {WIDTH} px"


def assert_on_screen(locator) -> None:
    """Visible and wholly inside the screen's width (not cut off at the right)."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box


def test_search_box_above_the_filters(phone, site, network):  # noqa: F811
    phone.goto("/instruments/")
    search = phone.get_by_test_id("instrument-search")
    filters = phone.get_by_test_id("instrument-filters")
    expect(search).to_be_visible()
    assert search.bounding_box()["y"] + search.bounding_box()["height"] <= filters.bounding_box()["y"]
    assert_on_screen(phone.locator("#id_q"))
    assert_fits(phone, "search")
    # still beside each other on a desktop: the filters left of the search box
    phone.set_viewport_size({"width": 1366, "height": 900})
    assert filters.bounding_box()["x"] + filters.bounding_box()["width"] <= search.bounding_box()["x"]


def test_my_bookings_and_orders_are_cards_with_their_buttons(phone, site, busy):
    login(phone, "member_zhao", site["password"])
    phone.goto("/instruments/my/")
    rows = phone.get_by_test_id("my-booking")
    expect(rows).to_have_count(2)
    # a card: the row is a block as wide as the list, its cells stacked
    assert phone.evaluate("getComputedStyle(document.querySelector('[data-testid=my-booking]')).display") == "flex"
    assert phone.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=upcoming-table] thead')).position"
    ) == (
        "absolute"  # the column names are on each card instead
    )
    for k in range(2):
        assert_on_screen(rows.nth(k).get_by_test_id("cancel"))
    expect(phone.get_by_test_id("history-booking")).to_have_count(1)
    assert_fits(phone, "my_bookings")
    phone.goto("/instruments/orders/")
    expect(phone.get_by_test_id("order-row")).to_have_count(3)
    assert_on_screen(phone.get_by_test_id("order-row").first.get_by_role("link").first)
    assert_fits(phone, "my_orders")


def test_the_managers_lists_fit_the_screen(phone, site, busy, network):  # noqa: F811
    login(phone, "mgr_sun", site["password"])
    phone.goto("/instruments/manage/")
    pending = phone.get_by_test_id("pending-booking")
    expect(pending).to_have_count(1)
    assert_on_screen(pending.get_by_test_id("approve"))
    assert_on_screen(pending.get_by_test_id("reject"))
    expect(pending).to_contain_text("钱工程师")
    assert_fits(phone, "manage_index")
    phone.goto(f"/instruments/{network['sem'].pk}/manage/")
    rows = phone.get_by_test_id("manager-booking")
    expect(rows).to_have_count(2)
    assert_on_screen(rows.first.get_by_test_id("cancel"))
    expect(rows.first.get_by_test_id("booker")).to_contain_text("赵研究员")
    assert_fits(phone, "manage_instrument")
    phone.goto("/instruments/manage/orders/")
    expect(phone.get_by_test_id("order-row")).to_have_count(3)
    assert_fits(phone, "manage_orders")
    # the instrument's page with its calendar: the calendar scrolls inside its box, the page does not
    phone.goto(f"/instruments/{network['sem'].pk}/")
    expect(phone.get_by_test_id("calendar")).to_be_visible()
    assert_fits(phone, "instrument_detail")


def test_openness_ranking_fits_the_screen(phone, site, busy):
    phone.goto("/instruments/openness/")
    expect(phone.get_by_test_id("ranking")).to_be_visible()
    assert_fits(phone, "openness_ranking")


def test_on_a_desktop_the_lists_stay_tables_and_ranking_names_one_line(page, site, busy):
    login(page, "member_zhao", site["password"])
    page.goto("/instruments/my/")
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=my-booking]')).display") == "table-row"
    page.goto("/instruments/openness/")
    names = page.locator("[data-testid=ranking-row] td.nesta-rank-name a")
    expect(names).to_have_count(2)
    for k in range(2):
        # one line box: the link's height is a single line's
        lines = names.nth(k).evaluate(
            "a => Math.round(a.getBoundingClientRect().height / parseFloat(getComputedStyle(a).lineHeight))"
        )
        assert lines == 1, names.nth(k).inner_text()
