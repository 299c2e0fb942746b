"""Finding time on the web: the planner ("排期总览", day and week), an instrument's month view, the
"最早可约" box and the booking form pre-filled from their links; query counts; hostile input."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nesta.instruments.models import Blackout, Booking, BookingPolicy
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory

TZ = ZoneInfo("Asia/Shanghai")
HTMX = {"HTTP_HX_REQUEST": "true"}


def weekday(iso: int, weeks: int = 0) -> date:
    """The next such weekday at least two days from today."""
    day = timezone.localtime(timezone.now(), TZ).date() + timedelta(days=2)
    while day.isoweekday() != iso:
        day += timedelta(days=1)
    return day + timedelta(weeks=weeks)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


def make(owner, name, **policy):
    instrument = InstrumentFactory(owner=owner, name=name)
    BookingPolicy.objects.create(
        instrument=instrument, **{"weekdays": "12345", "open_from": "08:00", "open_until": "20:00", **policy}
    )
    return instrument


@pytest.fixture
def sems(reference):
    shenyang = OrganizationFactory(province_code="210000", city_code="210100")
    return [make(shenyang, f"沈阳扫描电镜{i}") for i in range(3)]


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_planner_day_view_shows_free_and_busy_side_by_side(client, sems):
    day = weekday(2)
    Booking.objects.create(instrument=sems[0], user=UserFactory(), start=at(day, 9), end=at(day, 12))
    Blackout.objects.create(instrument=sems[1], kind="shutdown", start=at(day, 0), end=at(day + timedelta(days=1), 0))
    r = client.get("/instruments/planner/", {"category": "0104", "city": "210100", "date": day.isoformat()})
    page = html(r)
    plan = r.context["plan"]
    assert [row.instrument.pk for row in plan.rows] == [s.pk for s in sems]
    states = {row.instrument.pk: {c.start.hour: c.state for c in row.cells} for row in plan.rows}
    assert states[sems[0].pk][9] == "busy" and states[sems[0].pk][13] == "free"
    assert set(states[sems[1].pk].values()) == {"blackout"}
    assert states[sems[2].pk][8] == "free" and plan.times[0] == "08:00" and plan.times[-1] == "19:30"
    # a free cell books that instrument at that slot
    link = f"/instruments/{sems[2].pk}/?date={day.isoformat()}&view=day&start={day.isoformat()}T08:00"
    assert link in page
    assert 'class="nesta-planner-scroll"' in page  # scrolls sideways at 390 px


def test_a_saturday_planner_has_no_free_weekday_sem(client, sems):
    r = client.get("/instruments/planner/", {"category": "0104", "date": weekday(6).isoformat()})
    assert 'data-testid="planner-free"' not in html(r)
    assert all(c.state == "closed" for row in r.context["plan"].rows for c in row.cells)


def test_planner_week_view_lists_free_windows(client, sems):
    monday = weekday(1)
    Booking.objects.create(instrument=sems[0], user=UserFactory(), start=at(monday, 8), end=at(monday, 20))
    r = client.get("/instruments/planner/", {"category": "0104", "date": monday.isoformat(), "view": "week"})
    page = html(r)
    rows = {row.instrument.pk: row for row in r.context["plan"].rows}
    assert [d.state for d in rows[sems[0].pk].days] == ["full", "free", "free", "free", "free", "closed", "closed"]
    tuesday = rows[sems[0].pk].days[1]
    assert [(w.start.hour, w.end.hour) for w in tuesday.free] == [(8, 20)]
    assert "08:00–20:00" in page and "已约满" in page


def test_planner_shows_why_this_user_cannot_book(login_as, sems, users):
    BookingPolicy.objects.filter(instrument=sems[0]).update(requires_training=True)
    BookingPolicy.objects.filter(instrument=sems[1]).update(external_requires_approval=True)
    r = login_as("member").get("/instruments/planner/", {"category": "0104", "date": weekday(2).isoformat()})
    page = html(r)
    rows = {row.instrument.pk: row for row in r.context["plan"].rows}
    assert rows[sems[0].pk].reason == "需先通过上机培训"
    assert not any(c.state == "free" for c in rows[sems[0].pk].cells)
    assert rows[sems[1].pk].needs_approval is True  # the member's organisation does not own it
    assert "需先通过上机培训" in page and "需审批" in page


def test_planner_queries_do_not_grow_with_instruments(login_as, reference):
    owner = OrganizationFactory(province_code="210000", city_code="210100")
    client = login_as("member")
    day = weekday(3)

    def count(view):
        with CaptureQueriesContext(connection) as ctx:
            html(client.get("/instruments/planner/", {"category": "0104", "date": day.isoformat(), "view": view}))
        return len(ctx.captured_queries)

    make(owner, "电镜A")
    few = {view: count(view) for view in ("day", "week")}
    for i in range(12):
        inst = make(owner, f"电镜{i}")
        Booking.objects.create(instrument=inst, user=UserFactory(), start=at(day, 9), end=at(day, 10))
        Blackout.objects.create(instrument=inst, start=at(day, 14), end=at(day, 15))
    assert {view: count(view) for view in ("day", "week")} == few


def test_planner_htmx_and_hostile_input(client, sems):
    r = client.get("/instruments/planner/", {"category": "0104"}, **HTMX)
    assert "<html" not in html(r) and 'data-testid="planner"' in html(r)
    for params in (
        {"date": "9999-12-31"},
        {"date": "0001-01-01"},
        {"date": "x", "view": "month"},
        {"category": "nope", "city": "999999", "province": "x" * 500},
    ):
        assert client.get("/instruments/planner/", params).status_code == 200
    r = client.get("/instruments/planner/", {"category": "0105"})
    assert 'data-testid="planner-empty"' in html(r)


def test_month_view(client, sems):
    sem = sems[0]
    monday = weekday(1, weeks=1)
    Booking.objects.create(instrument=sem, user=UserFactory(), start=at(monday, 8), end=at(monday, 20))
    Booking.objects.create(
        instrument=sem,
        user=UserFactory(),
        start=at(monday + timedelta(days=1), 8),
        end=at(monday + timedelta(days=1), 14),
    )
    month = monday.strftime("%Y-%m")
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(f"/instruments/{sem.pk}/month/", {"month": month})
    page = html(r)
    assert len(ctx.captured_queries) <= 4  # the instrument, its bookings, its blackouts (+ a session)
    days = {d.date: d for week in r.context["month"].weeks for d in week if d}
    assert days[monday].state == "full"
    assert days[monday + timedelta(days=1)].hours == "6"
    assert days[monday + timedelta(days=5)].state == "closed"
    assert f'href="/instruments/{sem.pk}/?date={monday.isoformat()}&view=day#calendar"' in page
    assert "6 小时可约" in page
    for value in ("2026-13", "x", "9999-01", ""):
        assert client.get(f"/instruments/{sem.pk}/month/", {"month": value}).status_code == 200
    assert client.get("/instruments/999999/month/").status_code == 404


def test_next_free_box_and_the_prefilled_booking_form(login_as, sems):
    sem = sems[0]
    client = login_as("member")
    page = html(client.get(f"/instruments/{sem.pk}/"))
    assert f'hx-get="/instruments/{sem.pk}/next-free/"' in page  # loaded after the page
    r = client.get(f"/instruments/{sem.pk}/next-free/", {"minutes": "120"}, **HTMX)
    box = html(r)
    assert "<html" not in box and 'data-testid="next-free-slot"' in box
    slot = r.context["slot"]
    assert slot.end - slot.start == timedelta(hours=2)
    link = re.search(r'data-testid="next-free-book" href="([^"]+)"', box).group(1).replace("&amp;", "&")
    booking_page = html(client.get(link))
    assert (
        f'value="{slot.start:%Y-%m-%dT%H:%M}"' in booking_page and f'value="{slot.end:%Y-%m-%dT%H:%M}"' in booking_page
    )
    assert client.get(f"/instruments/{sem.pk}/next-free/", {"minutes": "garbage"}).status_code == 200
    BookingPolicy.objects.filter(instrument=sem).update(requires_training=True)
    assert "需先通过上机培训" in html(client.get(f"/instruments/{sem.pk}/next-free/", **HTMX))


def test_search_page_links_to_the_planner_and_explains_free(client, sems):
    page = html(client.get("/instruments/", {"category": "0104"}))
    assert 'href="/instruments/planner/?category=0104' in page
    assert "至少有一段不短于单次最短时长" in page
    day = weekday(6)
    r = client.get("/instruments/", {"free_from": f"{day}T09:00", "free_to": f"{day}T17:00"})
    assert r.context["page"].items == []  # weekday SEMs are not free on a Saturday
    tuesday = weekday(2)
    r = client.get("/instruments/", {"free_from": f"{tuesday}T02:00", "free_to": f"{tuesday}T04:00"})
    assert r.context["page"].items == []  # nor at night
    r = client.get(
        "/instruments/", {"free_from": f"{tuesday}T10:00", "free_to": f"{tuesday}T12:00", "free_minutes": "60"}
    )
    assert len(r.context["page"].items) == 3 and 'data-testid="free-slot"' in html(r)
