"""The instrument network's public pages: search (filters, paging, query counts), an instrument's
page with its booking calendar, links, external URLs and English."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nesta.instruments.models import Blackout, BookingPolicy, Instrument
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant
from tests.web.conftest import text
from tests.web.instruments.conftest import HTMX, at, book, local, post_booking, reindex, workday

pytestmark = pytest.mark.django_db


# --- search ---------------------------------------------------------------------------------------


def test_search_page_shows_cards_with_rates_and_badges(client, sem, nmr):
    r = client.get("/instruments/")
    assert r.status_code == 200
    html = text(r)
    assert "大型科学仪器协作共用网络" in html and "空闲时段" in html and "对外开放" in html
    assert "扫描电镜" in html and "核磁共振" in html  # the quick queries and the placeholder
    assert "场发射扫描电镜" in html and "600兆核磁共振波谱仪" in html
    assert "SU8010" in html and sem.owner.name in html and "沈阳市" in html and "长春市" in html
    assert "分析仪器 / 电子光学仪器" in html and "分析仪器 / 波谱仪器" in html
    assert "在用" in html
    assert "200元/小时" in html and "400元/小时" in html and "650元/小时" in html
    assert "外单位需审批" in html and "需培训" in html
    assert "共 2 台仪器" in html


def test_chinese_query_finds_the_instrument(client, sem, nmr):
    r = client.get("/instruments/", {"q": "扫描电镜"})
    items = r.context["page"].items
    assert [i.pk for i in items] == [sem.pk]
    assert "“扫描电镜”：找到 1 台仪器" in text(r)
    r = client.get("/instruments/", {"q": "核磁共振"})
    assert [i.pk for i in r.context["page"].items] == [nmr.pk]


def test_htmx_search_returns_the_results_only(client, sem, nmr):
    r = client.get("/instruments/", {"q": "核磁"}, **HTMX)
    html = text(r)
    assert r.status_code == 200 and "<html" not in html
    assert 'data-testid="instrument-result"' in html and "600兆核磁共振波谱仪" in html
    assert "HX-Request" in r["Vary"]


def test_filters(client, users, sem, nmr, org_ln):
    def ids(**params):
        return [i.pk for i in client.get("/instruments/", params).context["page"].items]

    assert ids(province="220000") == [nmr.pk]
    assert ids(province="210000", city="210100") == [sem.pk]
    assert ids(category="0105") == [nmr.pk]
    assert ids(category="01") == [sem.pk, nmr.pk]
    org_ln.kind = "university"
    org_ln.save()
    assert ids(owner_kind="university") == [sem.pk]
    Instrument.objects.filter(pk=nmr.pk).update(is_open=False)
    assert ids(open="on") == [sem.pk]
    # free in a range: a booking of the SEM that leaves no bookable slot in it takes it out
    day = workday()
    book(users["member"], sem, at(day, 9), at(day, 11, 40))
    window = {"free_from": local(at(day, 10)), "free_to": local(at(day, 12))}
    assert ids(**window) == [nmr.pk]
    assert ids(free_from=local(at(day, 12)), free_to=local(at(day, 13))) == [sem.pk, nmr.pk]


def test_free_range_must_be_complete_and_ordered(client, sem):
    day = workday()
    r = client.get("/instruments/", {"free_from": local(at(day, 12)), "free_to": local(at(day, 10))})
    assert r.status_code == 200
    assert "结束时间必须晚于开始时间。" in text(r)
    r = client.get("/instruments/", {"free_from": local(at(day, 12))})
    assert "请同时填写空闲时段的起止时间。" in text(r)


def test_cursor_paging(client, org_ln):
    for i in range(23):
        InstrumentFactory(owner=org_ln, name=f"X射线衍射仪{i}")
    reindex()
    r = client.get("/instruments/")
    page = r.context["page"]
    assert len(page.items) == 20 and page.next_cursor
    r2 = client.get("/instruments/", {"cursor": page.next_cursor}, **HTMX)
    assert len(r2.context["page"].items) == 3 and r2.context["page"].next_cursor is None
    assert "第一页" in text(r2)
    assert client.get("/instruments/", {"cursor": "!!bad"}).status_code == 400


def test_list_query_count_does_not_grow(client, org_ln, org_jl, reference):
    def make(n):
        for i in range(n):
            inst = InstrumentFactory(owner=org_ln if i % 2 else org_jl, name=f"液质联用仪{i}")
            BookingPolicy.objects.create(instrument=inst, requires_training=bool(i % 3))
        reindex()

    def count(**params):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/instruments/", params)
        assert r.status_code == 200
        return len(ctx.captured_queries)

    make(2)
    few, few_q = count(), count(q="液质联用")
    make(30)
    assert count() == few
    assert count(q="液质联用") == few_q


# --- an instrument's page -----------------------------------------------------------------------


def test_detail_shows_registry_fees_rules_and_managers(client, sem):
    html = text(client.get(f"/instruments/{sem.pk}/"))
    for expected in (
        "场发射扫描电镜",
        "SU8010",
        "日立",
        "日本",
        "120万元",  # 原值
        "二次电子像分辨率1.0nm",
        "样品需干燥",
        "200元/小时",
        "400元/小时",
        "周一至周五 08:00–22:00",
        "最多提前 30 天预约",
        "单次 30–480 分钟",
        "无需培训",
        "外单位预约无需审批",
        "开始前 24 小时内取消记为逾期取消",
        "用户",  # the manager's display name (用户N)
        f"/api/v1/instruments/{sem.pk}/calendar.ics",
        "预约日历",
        "登录后预约",
    ):
        assert expected in html, expected


def test_rules_in_plain_chinese_for_a_restricted_instrument(client, nmr):
    policy = nmr.policy
    policy.weekdays = "135"
    policy.open_from, policy.open_until = "09:00", "17:30"
    policy.weekly_quota_minutes_user = 240
    policy.save()
    html = text(client.get(f"/instruments/{nmr.pk}/"))
    assert "周一、周三、周五 09:00–17:30" in html
    assert "每人每周 240 分钟" in html
    assert "需培训合格后方可预约" in html and "外单位预约需仪器管理员审批" in html


def test_calendar_shows_busy_slots_without_names_and_own_bookings(users, sem, login_as):
    day = workday()
    other = grant(UserFactory(username="t_other", display_name="隐私测试人"), "expert")
    book(other, sem, at(day, 9), at(day, 10), purpose="保密用途")
    book(users["member"], sem, at(day, 14), at(day, 15))
    Blackout.objects.create(instrument=sem, start=at(day, 18), end=at(day, 20), reason="年度保养")
    c = login_as("member")
    html = text(c.get(f"/instruments/{sem.pk}/", {"date": day.isoformat()}))
    assert "已预约" in html and "我的预约" in html and "年度保养" in html
    assert "隐私测试人" not in html and "t_other" not in html and "保密用途" not in html
    assert f'data-start="{local(at(day, 10))}"' in html  # the free cell after the busy hour
    # the busy hour is one block of two 30-minute rows
    assert f'class="cal-busy" rowspan="2" data-day="{day.isoformat()}" data-start="{local(at(day, 9))}"' in html
    assert f'class="cal-mine" rowspan="2" data-day="{day.isoformat()}" data-start="{local(at(day, 14))}"' in html
    assert "我本周的预约" in html


def test_gap_between_bookings_is_not_offered(users, sem, login_as):
    BookingPolicy.objects.filter(instrument=sem).update(gap_minutes=30)
    day = workday()
    book(users["org_admin"], sem, at(day, 9), at(day, 10))
    html = text(login_as("member").get(f"/instruments/{sem.pk}/", {"date": day.isoformat()}))
    for hhmm, state in (
        ("08:00", "free"),
        ("08:30", "blocked"),
        ("09:00", "busy"),
        ("10:00", "blocked"),
        ("10:30", "free"),
    ):
        h, m = map(int, hhmm.split(":"))
        assert f'class="cal-{state}"' in html.split(f'data-start="{local(at(day, h, m))}"')[0].rsplit("<td", 1)[1], hhmm


def test_week_navigation_and_day_view(client, sem):
    day = workday()
    r = client.get(f"/instruments/{sem.pk}/", {"date": day.isoformat()}, **HTMX)
    html = text(r)
    assert "<html" not in html and 'data-testid="calendar"' in html
    monday = day - timedelta(days=day.weekday())
    assert r.context["calendar"].days[0]["date"] == monday
    assert f"date={(monday + timedelta(days=7)).isoformat()}" in html  # 下一周
    assert f"date={(monday - timedelta(days=7)).isoformat()}" in html  # 上一周
    r = client.get(f"/instruments/{sem.pk}/", {"date": day.isoformat(), "view": "day"}, **HTMX)
    assert [d["date"] for d in r.context["calendar"].days] == [day]
    assert "后一天" in text(r)
    assert client.get(f"/instruments/{sem.pk}/", {"date": "not-a-date"}).status_code == 200


def test_unknown_instrument_is_404(client, reference):
    assert client.get("/instruments/999999/").status_code == 404


def test_manage_link_only_for_managers(users, sem, login_as):
    assert 'data-testid="manage-link"' in text(login_as("instrument_manager").get(f"/instruments/{sem.pk}/"))
    assert 'data-testid="manage-link"' not in text(login_as("member").get(f"/instruments/{sem.pk}/"))


def test_pages_have_no_external_urls(users, sem, login_as):
    from tests.web.test_no_external_urls import external_urls

    c = login_as("instrument_manager")
    for path in ("/instruments/", f"/instruments/{sem.pk}/", "/instruments/my/", f"/instruments/{sem.pk}/manage/"):
        assert external_urls(text(c.get(path))) == [], path


def test_pages_in_english(users, sem, login_as):
    c = login_as("member")
    c.post("/i18n/setlang/", {"language": "en"})
    html = text(c.get(f"/instruments/{sem.pk}/"))
    assert "Mon–Fri 08:00–22:00" in html and "Booking calendar" in html and "CNY 400/hour" in html
    assert "Up to 30 days ahead" in html and "30–480 minutes per booking" in html
    html = text(c.get("/instruments/"))
    assert "Shared network of large research instruments" in html and "2 instruments" not in html
    assert "1 instrument" in html and "Free period" in html
    day = workday()
    book(users["org_admin"], sem, at(day, 9), at(day, 10))
    r = post_booking(c, sem, at(day, 9), at(day, 10))
    assert r.status_code == 422 and "That time slot has already been booked. Please choose another time" in text(r)


def test_organisation_without_instruments_in_another_province(client, reference):
    OrganizationFactory(province_code="230000", city_code="230100")
    assert client.get("/instruments/", {"province": "230000"}).context["page"].items == []
