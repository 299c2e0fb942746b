"""Pages of problem reports, shutdowns and recurring maintenance: the history (public, details to
staff and the reporter), 报告故障, the instrument page's box, the managers' forms."""

from datetime import timedelta

import pytest
from django.utils import timezone

from nesta.instruments.models import Blackout, Booking, ProblemReport
from nesta.instruments.services.problems import problem_report
from nesta.instruments.services.shutdowns import shutdown_start
from tests.web.instruments.conftest import TZ, at, local, workday

pytestmark = pytest.mark.django_db


def used(user, instrument):
    now = timezone.now()
    return Booking.objects.create(
        instrument=instrument,
        user=user,
        start=now - timedelta(days=3),
        end=now - timedelta(days=3, hours=-2),
        status="completed",
    )


def test_history_public_without_details_staff_with(client, login_as, users, sem):
    used(users["member"], sem)
    problem_report(actor=users["member"], instrument_id=sem.pk, title="样品台异响", severity="critical")
    now = timezone.now()
    shutdown_start(
        actor=users["instrument_manager"],
        instrument_id=sem.pk,
        start=now - timedelta(hours=1),
        end=now + timedelta(days=2),
        reason="等待更换灯丝",
    )
    url = f"/instruments/{sem.pk}/problems/"
    public = client.get(url)
    body = public.content.decode()
    assert public.status_code == 200
    assert "等待更换灯丝" in body and "无法使用" in body and "停机中" in body
    assert "样品台异响" not in body and 'data-testid="problem-reporter"' not in body
    assert 'data-testid="report-problem"' not in body
    staff = login_as("instrument_manager").get(url).content.decode()
    assert "样品台异响" in staff and str(users["member"]) in staff
    assert 'data-testid="problem-acknowledge"' in staff and 'data-testid="problem-resolve"' in staff
    mine = login_as("member").get(url).content.decode()
    assert "样品台异响" in mine and 'data-testid="problem-acknowledge"' not in mine
    assert login_as("expert").get(url).content.decode().count("样品台异响") == 0


def test_history_query_count_does_not_grow(client, users, sem, django_assert_max_num_queries):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/instruments/{sem.pk}/problems/").status_code == 200
        return len(ctx.captured_queries)

    problem_report(actor=users["instrument_manager"], instrument_id=sem.pk, title="一")
    few = count()
    for i in range(8):
        problem_report(actor=users["office"], instrument_id=sem.pk, title=f"问题{i}")
    assert count() == few


def test_report_form_for_someone_who_used_it(login_as, users, sem):
    member = login_as("member")
    url = f"/instruments/{sem.pk}/problems/new/"
    assert member.get(url).status_code == 403  # never used it
    used(users["member"], sem)
    assert 'data-testid="problem-form"' in member.get(url).content.decode()
    bad = member.post(url, {"title": "", "severity": "major"})
    assert bad.status_code == 422 and not ProblemReport.objects.exists()
    r = member.post(url, {"title": "真空度不足", "severity": "major", "description": "抽不到 1e-4 Pa"})
    assert r.status_code == 302 and r["Location"] == f"/instruments/{sem.pk}/problems/"
    assert ProblemReport.objects.get().title == "真空度不足"


def test_report_form_anonymous_goes_to_login(client, sem):
    r = client.get(f"/instruments/{sem.pk}/problems/new/")
    assert r.status_code in (302, 401, 403)
    assert not ProblemReport.objects.exists()


def test_staff_acknowledge_and_resolve_from_the_history(login_as, users, sem):
    p = problem_report(actor=users["office"], instrument_id=sem.pk, title="冷却水报警")
    manager = login_as("instrument_manager")
    r = manager.post(f"/instruments/problems/{p.pk}/acknowledge/")
    assert r.status_code == 302 and ProblemReport.objects.get().status == "acknowledged"
    r = manager.post(f"/instruments/problems/{p.pk}/resolve/", {"resolution": ""}, follow=True)
    assert ProblemReport.objects.get().status == "acknowledged" and "请填写处理结果" in r.content.decode()
    manager.post(f"/instruments/problems/{p.pk}/resolve/", {"resolution": "清洗滤网"})
    assert ProblemReport.objects.get().resolution == "清洗滤网"
    assert login_as("member").post(f"/instruments/problems/{p.pk}/acknowledge/").status_code == 403


def test_instrument_page_says_when_it_is_shut_down_and_offers_reporting(client, login_as, users, sem):
    page = client.get(f"/instruments/{sem.pk}/").content.decode()
    assert 'data-testid="problem-summary"' in page and 'data-testid="shutdown-notice"' not in page
    now = timezone.now()
    shutdown_start(
        actor=users["instrument_manager"],
        instrument_id=sem.pk,
        start=now - timedelta(minutes=5),
        end=now + timedelta(days=1),
        reason="激光器损坏",
    )
    page = client.get(f"/instruments/{sem.pk}/").content.decode()
    assert 'data-testid="shutdown-notice"' in page and "激光器损坏" in page
    assert 'data-testid="report-problem"' not in page  # anonymous
    used(users["member"], sem)
    assert 'data-testid="report-problem"' in login_as("member").get(f"/instruments/{sem.pk}/").content.decode()


def test_manager_takes_it_down_from_the_manage_page(login_as, users, sem):
    day = workday()
    Booking.objects.create(instrument=sem, user=users["member"], start=at(day, 9), end=at(day, 11))
    manager = login_as("instrument_manager")
    page = manager.get(f"/instruments/{sem.pk}/manage/").content.decode()
    assert 'data-testid="shutdown-form"' in page and 'data-testid="maintenance-form"' in page
    url = f"/instruments/{sem.pk}/manage/shutdowns/"
    bad = manager.post(url, {"start": local(at(day, 12)), "end": local(at(day, 8)), "reason": "x", "mode": "flag"})
    assert bad.status_code == 422 and not Blackout.objects.exists()
    r = manager.post(
        url,
        {"start": local(at(day, 8)), "end": local(at(day, 18)), "reason": "X 射线管故障", "mode": "cancel"},
        follow=True,
    )
    assert "取消 1 个" in r.content.decode()
    assert Booking.objects.get().status == "cancelled"
    shutdown = Blackout.objects.get(kind="shutdown")
    page = manager.get(f"/instruments/{sem.pk}/manage/").content.decode()
    assert 'data-testid="shutdown"' in page
    assert f"/manage/blackouts/{shutdown.pk}/delete/" not in page  # ended, not deleted
    overlap = manager.post(url, {"start": local(at(day, 9)), "end": local(at(day, 10)), "reason": "y", "mode": "flag"})
    assert overlap.status_code == 422 and "重叠" in overlap.content.decode()
    r = manager.post(f"/instruments/{sem.pk}/manage/shutdowns/{shutdown.pk}/end/", follow=True)
    assert "已取消该停机安排" in r.content.decode() and not Blackout.objects.exists()
    assert login_as("member").post(url, {}).status_code == 403


def test_recurring_maintenance_from_the_manage_page(login_as, users, sem):
    day = workday()
    Booking.objects.create(
        instrument=sem, user=users["member"], start=at(day + timedelta(weeks=1), 8), end=at(day + timedelta(weeks=1), 9)
    )
    manager = login_as("instrument_manager")
    url = f"/instruments/{sem.pk}/manage/maintenance/"
    data = {
        "first_date": day.isoformat(),
        "start_time": "07:00",
        "end_time": "08:30",
        "pattern": "weekly",
        "every": 1,
        "count": 3,
        "reason": "月度保养",
    }
    assert manager.post(url, {**data, "count": 500}).status_code == 422
    r = manager.post(url, data, follow=True)
    text = r.content.decode()
    assert "已安排 2 次定期维护" in text and "1 次未安排" in text
    rows = Blackout.objects.filter(kind="maintenance").order_by("start")
    assert rows.count() == 2 and rows[0].start.astimezone(TZ).hour == 7
    assert 'data-testid="maintenance-series"' in text
    series = rows[0].series
    r = manager.post(f"/instruments/{sem.pk}/manage/maintenance/{series}/delete/", follow=True)
    assert "已取消该定期维护（2 次）" in r.content.decode() and not Blackout.objects.exists()


def test_the_blackout_form_no_longer_offers_shutdowns(login_as, sem):
    page = login_as("instrument_manager").get(f"/instruments/{sem.pk}/manage/").content.decode()
    form = page.split('data-testid="blackout-form"')[1].split("</form>")[0]
    assert 'value="shutdown"' not in form and 'value="maintenance"' in form
