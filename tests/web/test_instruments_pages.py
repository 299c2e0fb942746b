"""The instrument network's web pages: search, an instrument's page and its booking calendar,
booking through the web view (the same service as the API), "我的预约", the managers' pages."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nesta.core.errors import ServiceUnavailable
from nesta.core.models import AuditLog
from nesta.instruments import services
from nesta.instruments.models import Blackout, Booking, BookingPolicy, Instrument, InstrumentCategory
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant
from tests.web.conftest import text

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
HTMX = {"HTTP_HX_REQUEST": "true"}


def workday(weeks_ahead: int = 0) -> date:
    """A Tuesday at least two days from today (so the default rules accept a booking on it)."""
    day = timezone.localtime(timezone.now(), TZ).date() + timedelta(days=2)
    while day.isoweekday() != 2:
        day += timedelta(days=1)
    return day + timedelta(weeks=weeks_ahead)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


def local(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def sem(users, org_ln):
    """A scanning electron microscope of org_ln with the default rules, managed by the manager."""
    instrument = InstrumentFactory(
        owner=org_ln,
        name="场发射扫描电镜",
        model_number="SU8010",
        manufacturer="日立",
        country_of_origin="日本",
        techniques="二次电子像分辨率1.0nm；可进行能谱分析。",
        sample_requirements="样品需干燥、无磁性，尺寸不超过10mm。",
    )
    BookingPolicy.objects.create(instrument=instrument)
    instrument.managers.add(users["instrument_manager"])
    reindex()
    return instrument


@pytest.fixture
def nmr(reference, org_jl):
    """An NMR spectrometer in Jilin that needs training, and approval for outside users."""
    instrument = InstrumentFactory(
        owner=org_jl,
        name="600兆核磁共振波谱仪",
        category=InstrumentCategory.objects.get(code="0105"),
        internal_hourly_rate=300,
        external_hourly_rate=650,
    )
    BookingPolicy.objects.create(instrument=instrument, requires_training=True, external_requires_approval=True)
    reindex()
    return instrument


@pytest.fixture
def outsider(org_jl):
    return grant(UserFactory(username="t_outsider", organization=org_jl), "member", organization=org_jl)


def reindex():
    """Instruments made by the factory reach the search index (the registry service does this itself)."""
    from nesta.instruments.services.indexing import instruments_reindex

    instruments_reindex()


def book(user, instrument, start, end, purpose="测试"):
    return services.booking_create(
        actor=user, instrument_id=instrument.pk, start=start, end=end, purpose=purpose
    ).booking


def post_booking(client, instrument, start, end, purpose="金属断口形貌观察", htmx=True, **extra):
    data = {"start": local(start), "end": local(end), "purpose": purpose, **extra}
    headers = HTMX if htmx else {}
    return client.post(f"/instruments/{instrument.pk}/book/", data, **headers)


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
    # free in a range: an active booking of the SEM in that range takes it out
    day = workday()
    book(users["member"], sem, at(day, 9), at(day, 11))
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


# --- booking through the web view ----------------------------------------------------------------


def test_anonymous_can_browse_but_booking_redirects_to_login(client, sem):
    assert client.get(f"/instruments/{sem.pk}/").status_code == 200
    day = workday()
    r = post_booking(client, sem, at(day, 9), at(day, 10), htmx=False)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=")
    r = post_booking(client, sem, at(day, 9), at(day, 10))
    assert r["HX-Redirect"].startswith("/accounts/login/?next=")
    assert not Booking.objects.exists()


def test_member_books_through_the_service_and_it_is_audited(users, sem, login_as):
    c = login_as("member")
    day = workday()
    r = post_booking(c, sem, at(day, 9), at(day, 10, 30))
    assert r.status_code == 200
    html = text(r)
    assert "预约成功" in html and "<html" not in html
    b = Booking.objects.get()
    assert (b.user, b.start, b.end, b.status, b.purpose) == (
        users["member"],
        at(day, 9),
        at(day, 10, 30),
        "confirmed",
        "金属断口形貌观察",
    )
    assert AuditLog.objects.filter(
        object_type="instruments.booking", object_id=str(b.pk), actor=users["member"]
    ).exists()
    # the calendar that came back shows it as the user's own booking
    assert f'class="cal-mine" rowspan="3" data-day="{day.isoformat()}"' in html


def test_without_htmx_booking_redirects_with_a_message(users, sem, login_as):
    c = login_as("member")
    day = workday()
    r = post_booking(c, sem, at(day, 9), at(day, 10), htmx=False)
    assert r.status_code == 302 and r["Location"] == f"/instruments/{sem.pk}/?date={day.isoformat()}"
    assert "预约成功" in text(c.get(r["Location"]))


def test_repeated_idempotency_key_books_once(users, sem, login_as):
    c = login_as("member")
    day = workday()
    for _ in range(2):
        assert post_booking(c, sem, at(day, 9), at(day, 10), idempotency_key="k-1").status_code == 200
    assert Booking.objects.count() == 1


def test_slot_taken_gives_the_chinese_message_with_422(users, sem, login_as):
    day = workday()
    book(users["org_admin"], sem, at(day, 9), at(day, 11))
    c = login_as("member")
    r = post_booking(c, sem, at(day, 10), at(day, 12))
    assert r.status_code == 422
    html = text(r)
    assert "该时段已被预约，请选择其他时间" in html and 'data-testid="booking-error"' in html
    assert 'data-testid="calendar"' in html  # the calendar is refreshed beside the message
    # without htmx: the page again, the form keeps what was typed
    r = post_booking(c, sem, at(day, 10), at(day, 12), htmx=False)
    assert r.status_code == 422
    html = text(r)
    assert "该时段已被预约，请选择其他时间" in html and "<html" in html and "金属断口形貌观察" in html
    assert Booking.objects.count() == 1


def test_policy_violations_are_each_listed(users, sem, login_as):
    c = login_as("member")
    day = workday()
    r = post_booking(c, sem, at(day, 6), at(day, 15))  # before opening, and 9 hours long
    assert r.status_code == 422
    html = text(r)
    assert "该时段不能预约，原因如下：" in html
    assert "预约须在每日 08:00–22:00 之内。" in html
    assert "单次预约不超过 480 分钟。" in html


def test_training_required(outsider, nmr):
    c = Client()
    c.force_login(outsider)  # an insider of org_jl, but not trained
    day = workday()
    r = post_booking(c, nmr, at(day, 9), at(day, 10))
    assert r.status_code == 422 and "使用该仪器需先通过上机培训。" in text(r)


def test_form_errors_without_a_slot(users, sem, login_as):
    c = login_as("member")
    r = c.post(f"/instruments/{sem.pk}/book/", {"purpose": ""}, **HTMX)
    assert r.status_code == 422
    html = text(r)
    assert "请在日历中选择时段，或填写时间。" in html and "请填写预约用途。" in html


def test_busy_database_gives_503_and_retry_after(users, sem, login_as, monkeypatch):
    def busy(**kwargs):
        raise ServiceUnavailable(details={"retry_after": 1})

    monkeypatch.setattr(services, "booking_create", busy)
    c = login_as("member")
    day = workday()
    r = post_booking(c, sem, at(day, 9), at(day, 10))
    assert r.status_code == 503 and r["Retry-After"] == "1"
    assert "系统繁忙，请稍后重试" in text(r)


def test_user_without_any_role_gets_403(sem):
    c = Client()
    c.force_login(UserFactory(username="t_norole"))
    day = workday()
    r = post_booking(c, sem, at(day, 9), at(day, 10))
    assert r.status_code == 403 and "您没有预约仪器的权限。" in text(r)


def test_weekly_series_reports_created_and_skipped_dates(users, sem, login_as):
    day = workday()
    book(users["org_admin"], sem, at(day + timedelta(weeks=1), 9), at(day + timedelta(weeks=1), 10))
    c = login_as("member")
    r = post_booking(c, sem, at(day, 9), at(day, 10), repeat="on", weeks="3")
    assert r.status_code == 200
    html = text(r)
    assert "按周预约：成功 2 次" in html and "跳过 1 次" in html and "该时段已被预约" in html
    later = day + timedelta(weeks=1)
    assert f"{later.year}年{later.month}月{later.day}日 09:00–10:00：该时段已被预约" in html
    assert Booking.objects.filter(user=users["member"]).count() == 2


def test_pending_booking_of_an_outsider(outsider, nmr, users):
    from nesta.instruments.models import Qualification

    user = users["member"]  # org_ln: an outsider to the Jilin NMR
    Qualification.objects.create(instrument=nmr, user=user)
    c = Client()
    c.force_login(user)
    day = workday()
    r = post_booking(c, nmr, at(day, 9), at(day, 10))
    assert r.status_code == 200 and "预约已提交，等待审批" in text(r)
    assert Booking.objects.get().status == "pending"
    html = text(c.get(f"/instruments/{nmr.pk}/", {"date": day.isoformat()}))
    assert "我的预约（待审批）" in html


# --- my bookings -----------------------------------------------------------------------------------


def test_my_bookings_lists_cancels_and_warns_late(users, sem, login_as):
    member = users["member"]
    day = workday()
    far = book(member, sem, at(day, 9), at(day, 10), purpose="远期")
    soon_start = timezone.now() + timedelta(hours=3)
    policy = sem.policy
    policy.weekdays, policy.open_from, policy.open_until = "1234567", "00:00", "00:00"
    policy.save()
    soon = book(member, sem, soon_start, soon_start + timedelta(hours=1), purpose="临近")
    c = login_as("member")
    html = text(c.get("/instruments/my/"))
    assert "我的预约" in html and "远期" in html and "临近" in html and "已确认" in html
    assert "已过免责取消时间（开始前 24 小时），现在取消将记为逾期取消。" in html
    assert "前可免责取消" in html
    assert html.count('data-testid="cancel"') == 2
    r = c.post(f"/instruments/bookings/{far.pk}/cancel/", {"next": "/instruments/my/"})
    assert r.status_code == 302 and r["Location"] == "/instruments/my/"
    far.refresh_from_db()
    assert far.status == "cancelled"
    c.post(f"/instruments/bookings/{soon.pk}/cancel/")
    soon.refresh_from_db()
    assert soon.status == "late_cancelled"
    html = text(c.get("/instruments/my/"))
    assert "逾期取消" in html and "暂无待进行的预约。" in html


def test_check_in_and_out_from_my_bookings(users, sem, login_as):
    member = users["member"]
    policy = sem.policy
    policy.weekdays, policy.open_from, policy.open_until = "1234567", "00:00", "00:00"
    policy.save()
    start = timezone.now() + timedelta(minutes=10)
    b = book(member, sem, start, start + timedelta(hours=1))
    c = login_as("member")
    html = text(c.get("/instruments/my/"))
    assert 'data-testid="check-in"' in html and 'data-testid="check-out"' not in html
    c.post(f"/instruments/bookings/{b.pk}/check-in/")
    b.refresh_from_db()
    assert b.status == "in_use"
    html = text(c.get("/instruments/my/"))
    assert 'data-testid="check-out"' in html and 'data-testid="cancel"' not in html
    r = c.post(f"/instruments/bookings/{b.pk}/check-out/", {"samples": "3", "notes": "正常"})
    assert r.status_code == 302
    b.refresh_from_db()
    assert b.status == "completed" and b.usage.samples == 3


def test_someone_elses_booking_cannot_be_cancelled(users, sem, login_as):
    day = workday()
    b = book(users["org_admin"], sem, at(day, 9), at(day, 10))
    r = login_as("expert").post(f"/instruments/bookings/{b.pk}/cancel/")
    assert r.status_code == 403
    b.refresh_from_db()
    assert b.status == "confirmed"


def test_my_bookings_needs_login(client, reference):
    r = client.get("/instruments/my/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


# --- managers -------------------------------------------------------------------------------------


@pytest.fixture
def pending(users, nmr, org_jl):
    """An outsider's booking of the Jilin NMR, waiting for its manager; the manager of org_jl."""
    from nesta.instruments.models import Qualification

    manager = grant(
        UserFactory(username="t_jl_manager", organization=org_jl), "instrument_manager", organization=org_jl
    )
    nmr.managers.add(manager)
    Qualification.objects.create(instrument=nmr, user=users["member"])
    day = workday()
    booking = book(users["member"], nmr, at(day, 9), at(day, 10), purpose="聚合物结构鉴定")
    assert booking.status == "pending"
    return {"booking": booking, "manager": manager}


def test_manager_approves_a_pending_booking(pending, nmr):
    c = Client()
    c.force_login(pending["manager"])
    html = text(c.get("/instruments/manage/"))
    assert "待审批的预约" in html and "聚合物结构鉴定" in html and "600兆核磁共振波谱仪" in html
    html = text(c.get(f"/instruments/{nmr.pk}/manage/"))
    assert "聚合物结构鉴定" in html and "使用记录" in html and "停机时段" in html and "上机资格" in html
    b = pending["booking"]
    r = c.post(f"/instruments/bookings/{b.pk}/approve/", {"next": f"/instruments/{nmr.pk}/manage/"})
    assert r.status_code == 302 and r["Location"] == f"/instruments/{nmr.pk}/manage/"
    b.refresh_from_db()
    assert b.status == "confirmed" and b.decided_by == pending["manager"]
    assert "已批准该预约" in text(c.get(r["Location"]))
    assert AuditLog.objects.filter(object_id=str(b.pk), actor=pending["manager"], action="booking.approved").exists()


def test_manager_rejects(pending):
    c = Client()
    c.force_login(pending["manager"])
    b = pending["booking"]
    c.post(f"/instruments/bookings/{b.pk}/reject/")
    b.refresh_from_db()
    assert b.status == "rejected"


def test_manager_pages_are_refused_to_others(pending, nmr, login_as):
    b = pending["booking"]
    # a member, and the manager of another organisation (org_ln)
    for role in ("member", "instrument_manager"):
        c = login_as(role)
        assert c.get(f"/instruments/{nmr.pk}/manage/").status_code == 403
        assert c.post(f"/instruments/bookings/{b.pk}/approve/").status_code == 403
    assert login_as("member").get("/instruments/manage/").status_code == 403
    b.refresh_from_db()
    assert b.status == "pending"
    # anonymous: to the login page
    r = Client().get(f"/instruments/{nmr.pk}/manage/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


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


# --- managers' forms: blackouts, qualifications, usage, rules (through the registry/usage services) ---


def manager_client(users):
    c = Client()
    c.force_login(users["instrument_manager"])
    return c


def test_manager_adds_and_removes_a_blackout(users, sem):
    c = manager_client(users)
    day = workday()
    r = c.post(
        f"/instruments/{sem.pk}/manage/blackouts/",
        {"kind": "maintenance", "start": local(at(day, 8)), "end": local(at(day, 12)), "reason": "更换灯丝"},
    )
    assert r.status_code == 302
    blackout = Blackout.objects.get(instrument=sem)
    assert blackout.reason == "更换灯丝"
    assert AuditLog.objects.filter(object_type="instruments.blackout", action="blackout.added").exists()
    assert "更换灯丝" in text(c.get(f"/instruments/{sem.pk}/", {"date": day.isoformat()}))
    # a member cannot book into it
    m = Client()
    m.force_login(users["member"])
    r = post_booking(m, sem, at(day, 9), at(day, 10))
    assert r.status_code == 422 and "该时段仪器停机：更换灯丝" in text(r)
    # the end before the start: the error on the field, the page again
    r = c.post(
        f"/instruments/{sem.pk}/manage/blackouts/",
        {"kind": "maintenance", "start": local(at(day, 12)), "end": local(at(day, 8))},
    )
    assert r.status_code == 422 and "结束时间必须晚于开始时间。" in text(r)
    c.post(f"/instruments/{sem.pk}/manage/blackouts/{blackout.pk}/delete/")
    assert not Blackout.objects.exists()


def test_manager_grants_and_revokes_a_qualification(users, sem):
    from nesta.instruments.models import Qualification

    c = manager_client(users)
    r = c.post(f"/instruments/{sem.pk}/manage/qualifications/", {"username": "t_member"})
    assert r.status_code == 302
    assert Qualification.objects.filter(instrument=sem, user=users["member"]).exists()
    r = c.post(f"/instruments/{sem.pk}/manage/qualifications/", {"username": "nobody"})
    assert r.status_code == 422 and "未找到该用户。" in text(r)
    c.post(f"/instruments/{sem.pk}/manage/qualifications/{users['member'].pk}/revoke/")
    assert not Qualification.objects.exists()


def test_manager_records_usage(users, sem):
    from nesta.instruments.models import UsageSession

    c = manager_client(users)
    end = timezone.now().astimezone(TZ).replace(second=0, microsecond=0) - timedelta(hours=1)
    start = end - timedelta(hours=2)
    data = {"username": "t_member", "started_at": local(start), "ended_at": local(end), "samples": "4"}
    r = c.post(f"/instruments/{sem.pk}/manage/usage/", data)
    assert r.status_code == 302, text(r)
    session = UsageSession.objects.get()
    assert (session.user, session.samples, session.recorded_by) == (users["member"], 4, users["instrument_manager"])
    assert "4" in text(c.get(f"/instruments/{sem.pk}/manage/"))
    r = c.post(f"/instruments/{sem.pk}/manage/usage/", data)  # the same period again
    assert r.status_code == 422 and "与已有使用记录时间重叠。" in text(r)


def test_manager_edits_the_booking_rules(users, sem):
    c = manager_client(users)
    html = text(c.get(f"/instruments/{sem.pk}/manage/rules/"))
    assert "修改预约规则" in html and "单次最短(分钟)" in html
    data = {
        "weekdays": ["1", "2", "3", "4", "5", "6"],
        "open_from": "09:00",
        "open_until": "18:00",
        "advance_days": "14",
        "min_notice_minutes": "60",
        "min_minutes": "60",
        "max_minutes": "240",
        "gap_minutes": "0",
        "weekly_quota_minutes_user": "600",
        "requires_training": "on",
        "cancel_deadline_hours": "12",
        "no_show_grace_minutes": "15",
        "no_show_limit": "3",
        "no_show_window_days": "90",
        "suspension_days": "30",
    }
    r = c.post(f"/instruments/{sem.pk}/manage/rules/", data)
    assert r.status_code == 302, text(r)
    policy = BookingPolicy.objects.get(instrument=sem)
    assert (policy.weekdays, policy.advance_days, policy.requires_training) == ("123456", 14, True)
    assert AuditLog.objects.filter(
        object_type="instruments.instrument", object_id=str(sem.pk), action="instrument.updated"
    ).exists()
    html = text(Client().get(f"/instruments/{sem.pk}/"))
    assert "周一至周六 09:00–18:00" in html and "每人每周 600 分钟" in html and "需培训合格后方可预约" in html
    # the service's checks come back on the fields
    r = c.post(f"/instruments/{sem.pk}/manage/rules/", {**data, "min_minutes": "300", "max_minutes": "60"})
    assert r.status_code == 422 and "单次最长不能短于单次最短。" in text(r)
    assert login_as_member_forbidden(users, f"/instruments/{sem.pk}/manage/rules/")


def login_as_member_forbidden(users, path) -> bool:
    c = Client()
    c.force_login(users["member"])
    return c.get(path).status_code == 403 and c.post(path, {}).status_code == 403


def test_manager_forms_are_refused_to_members(users, sem):
    c = Client()
    c.force_login(users["member"])
    day = workday()
    for path, data in [
        (
            f"/instruments/{sem.pk}/manage/blackouts/",
            {"kind": "maintenance", "start": local(at(day, 8)), "end": local(at(day, 9))},
        ),
        (f"/instruments/{sem.pk}/manage/qualifications/", {"username": "t_member"}),
        (f"/instruments/{sem.pk}/manage/usage/", {"username": "t_member"}),
    ]:
        assert c.post(path, data).status_code == 403, path
    assert not Blackout.objects.exists()


def test_my_bookings_offers_a_personal_calendar_feed(users, sem, login_as):
    day = workday()
    book(users["member"], sem, at(day, 9), at(day, 10))
    r = login_as("member").get("/instruments/my/")
    url = r.context["feed_url"]
    assert url.startswith("http://testserver/api/v1/me/calendar.ics?token=") and url in text(r)
    feed = Client().get(url.removeprefix("http://testserver"))  # a calendar program, not signed in
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert "场发射扫描电镜" in feed.content.decode()


def test_instrument_under_repair_cannot_be_booked(users, sem, login_as):
    Instrument.objects.filter(pk=sem.pk).update(status="repair")
    c = login_as("member")
    day = workday()
    html = text(c.get(f"/instruments/{sem.pk}/", {"date": day.isoformat()}))
    assert "该仪器当前状态为“维修”，暂停预约。" in html and 'class="cal-free"' not in html
    r = post_booking(c, sem, at(day, 9), at(day, 10))
    assert r.status_code == 422 and "仪器当前不可预约（维修或停用）。" in text(r)
