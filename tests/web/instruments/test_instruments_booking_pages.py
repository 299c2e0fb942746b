"""Booking through the web view (the same service as the API) and "我的预约": messages, policy
violations, idempotency, 503 on a busy database, cancel, check-in/out, the calendar feed."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from nesta.core.errors import ServiceUnavailable
from nesta.core.models import AuditLog
from nesta.instruments import services
from nesta.instruments.models import Booking, Instrument
from tests.factories import UserFactory
from tests.web.conftest import text
from tests.web.instruments.conftest import HTMX, at, book, post_booking, workday

pytestmark = pytest.mark.django_db


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
    # made two days ago: past its deadline and past the grace a just-made booking has
    Booking.objects.filter(pk=soon.pk).update(created_at=timezone.now() - timedelta(days=2))
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


def test_my_bookings_links_to_my_waiting_list_training_and_orders(users, login_as):
    html = login_as("member").get("/instruments/my/").content.decode()
    assert 'href="/instruments/waitlist/"' in html and 'href="/instruments/training/"' in html
    assert 'href="/instruments/orders/"' in html
