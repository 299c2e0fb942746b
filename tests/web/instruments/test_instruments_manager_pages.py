"""The instrument managers' pages: approving and rejecting bookings, blackouts, qualifications,
usage records and the booking rules — and that nobody else reaches them."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from nesta.core.models import AuditLog
from nesta.instruments.models import Blackout, BookingPolicy
from tests.factories import UserFactory, grant
from tests.web.conftest import text
from tests.web.instruments.conftest import TZ, at, book, local, post_booking, workday

pytestmark = pytest.mark.django_db


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
