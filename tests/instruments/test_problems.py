"""Problem reports (services.problems, lifecycles.problems.PROBLEM, selectors.problems): who may
report, the state machine, who may answer, notifications, audit, and who sees what."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from nesta.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.instruments.models import Booking, ProblemReport, UsageSession
from nesta.instruments.selectors import problems as selectors
from nesta.instruments.services.problems import (
    OPEN_REPORTS_MAX,
    may_report,
    problem_acknowledge,
    problem_report,
    problem_resolve,
)
from tests.factories import UserFactory, grant
from tests.instruments.conftest import at

pytestmark = pytest.mark.django_db


_days = itertools.count(1)


def used(user, instrument, status="completed"):
    """A booking of `user` on `instrument` in the past (each on a day of its own)."""
    day = -next(_days)
    return Booking.objects.create(instrument=instrument, user=user, start=at(day, 9), end=at(day, 11), status=status)


def report(user, instrument, **kw):
    kw.setdefault("title", "样品台无法移动")
    return problem_report(actor=user, instrument_id=instrument.pk, **kw)


# --- who may report -------------------------------------------------------------------------------

# role → may report without having used the instrument (staff of its owner, the office)
STAFF = {
    "office": True,
    "org_admin": True,
    "instrument_manager": True,
    "province": False,
    "expert": False,
    "member": False,
}


@pytest.mark.parametrize("role", sorted(STAFF))
def test_report_matrix_without_use(users, sem, role):
    user = users[role]
    assert may_report(user, sem) is STAFF[role]
    if STAFF[role]:
        assert report(user, sem).status == "open"
    else:
        with pytest.raises(PermissionDenied) as exc:
            report(user, sem)
        assert exc.value.code == "not_a_user"
        assert not ProblemReport.objects.exists()


@pytest.mark.parametrize("role", ["province", "expert", "member"])
def test_someone_who_used_it_may_report(users, sem, role):
    used(users[role], sem)
    assert may_report(users[role], sem)
    problem = report(users[role], sem, description="X 轴卡住", severity="critical")
    assert (problem.reporter, problem.severity, problem.description) == (users[role], "critical", "X 轴卡住")


def test_use_counts_as_a_session_or_a_booking_in_use_but_not_a_booking_not_yet_used(users, sem, outsider, member2):
    used(users["member"], sem, status="confirmed")  # booked, never used
    assert not may_report(users["member"], sem)
    used(outsider, sem, status="in_use")
    assert may_report(outsider, sem)
    UsageSession.objects.create(instrument=sem, user=member2, started_at=at(-2, 9), ended_at=at(-2, 10))
    assert may_report(member2, sem)
    used(users["expert"], sem, status="cancelled")
    assert not may_report(users["expert"], sem)


def test_anonymous_cannot_report(sem):
    with pytest.raises(NotAuthenticated):
        report(AnonymousUser(), sem)
    assert not may_report(AnonymousUser(), sem)


def test_unknown_instrument_is_404(users):
    with pytest.raises(NotFound):
        problem_report(actor=users["office"], instrument_id=999999, title="x")


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"title": ""}, "title"), ({"title": "a\nb"}, "title"), ({"title": "x" * 121}, "title"),
     ({"severity": "apocalyptic"}, "severity"), ({"description": "x" * 5001}, "description")],
)  # fmt: skip
def test_validation(users, sem, fields, field):
    used(users["member"], sem)
    with pytest.raises(ValidationFailed) as exc:
        report(users["member"], sem, **fields)
    assert field in exc.value.details
    assert not ProblemReport.objects.exists()


def test_the_booking_named_must_be_the_reporters_own_on_this_instrument(users, sem, outsider):
    mine = used(users["member"], sem)
    theirs = used(outsider, sem)
    with pytest.raises(ValidationFailed) as exc:
        report(users["member"], sem, booking_id=theirs.pk)
    assert "booking" in exc.value.details
    assert report(users["member"], sem, booking_id=mine.pk).booking == mine
    assert report(users["instrument_manager"], sem, booking_id=theirs.pk).booking == theirs  # staff: any of it


def test_open_reports_per_user_are_bounded(users, sem):
    used(users["member"], sem)
    for i in range(OPEN_REPORTS_MAX):
        report(users["member"], sem, title=f"问题{i}")
    with pytest.raises(Conflict) as exc:
        report(users["member"], sem)
    assert exc.value.code == "too_many_open"


# --- notifications and audit ----------------------------------------------------------------------


def test_managers_are_told_and_a_critical_report_says_so(users, sem):
    other_manager = grant(
        UserFactory(username="t_m2", organization=sem.owner), "instrument_manager", organization=sem.owner
    )
    sem.managers.add(other_manager)
    used(users["member"], sem)
    report(users["member"], sem, title="漏气", severity="minor")
    report(users["member"], sem, title="电子枪不出束", severity="critical")
    notes = Notification.objects.filter(user=users["instrument_manager"], kind="problem_reported").order_by("id")
    assert [n.title.startswith("【无法使用】") for n in notes] == [False, True]
    assert "电子枪不出束" in notes[1].body and str(users["member"]) in notes[1].body
    assert notes[1].url == f"/instruments/{sem.pk}/problems/"
    assert Notification.objects.filter(user=other_manager, kind="problem_reported").count() == 2
    log = AuditLog.objects.filter(action="problem.reported").order_by("id").first()
    assert log.actor == users["member"] and log.changes["title"] == [None, "漏气"]


def test_a_manager_reporting_is_not_told_of_their_own_report(users, sem):
    report(users["instrument_manager"], sem)
    assert not Notification.objects.filter(user=users["instrument_manager"]).exists()


# --- the state machine ----------------------------------------------------------------------------


def test_open_acknowledged_resolved_tells_the_reporter_and_is_audited(users, sem):
    used(users["member"], sem)
    p = report(users["member"], sem)
    manager = users["instrument_manager"]
    p = problem_acknowledge(actor=manager, problem_id=p.pk)
    assert p.status == "acknowledged" and p.acknowledged_at is not None
    p = problem_resolve(actor=manager, problem_id=p.pk, resolution="更换了样品台电机")
    row = ProblemReport.objects.get(pk=p.pk)
    assert (row.status, row.resolution, row.resolved_by) == ("resolved", "更换了样品台电机", manager)
    assert row.resolved_at is not None
    kinds = list(Notification.objects.filter(user=users["member"]).order_by("id").values_list("kind", flat=True))
    assert kinds == ["problem_acknowledged", "problem_resolved"]
    assert "更换了样品台电机" in Notification.objects.get(kind="problem_resolved").body
    actions = set(
        AuditLog.objects.filter(object_id=str(p.pk), object_type="instruments.problemreport").values_list(
            "action", flat=True
        )
    )
    assert actions == {"problem.reported", "problem.acknowledged", "problem.resolved"}


def test_resolve_straight_from_open_and_nothing_after_resolved(users, sem):
    p = report(users["instrument_manager"], sem)
    problem_resolve(actor=users["office"], problem_id=p.pk, resolution="重启后正常")
    for step in (lambda: problem_acknowledge(actor=users["office"], problem_id=p.pk),
                 lambda: problem_resolve(actor=users["office"], problem_id=p.pk, resolution="again")):  # fmt: skip
        with pytest.raises(Conflict) as exc:
            step()
        assert exc.value.code == "invalid_state"


def test_acknowledged_cannot_be_acknowledged_again(users, sem):
    p = report(users["instrument_manager"], sem)
    problem_acknowledge(actor=users["instrument_manager"], problem_id=p.pk)
    with pytest.raises(Conflict):
        problem_acknowledge(actor=users["instrument_manager"], problem_id=p.pk)


def test_resolution_is_required(users, sem):
    p = report(users["instrument_manager"], sem)
    with pytest.raises(ValidationFailed) as exc:
        problem_resolve(actor=users["instrument_manager"], problem_id=p.pk, resolution="  ")
    assert "resolution" in exc.value.details
    assert ProblemReport.objects.get(pk=p.pk).status == "open"


ANSWER = {
    "office": True,
    "org_admin": True,
    "instrument_manager": True,
    "province": False,
    "expert": False,
    "member": False,
}


@pytest.mark.parametrize("role", sorted(ANSWER))
def test_answer_matrix(users, sem, role, outsider):
    used(outsider, sem)
    p = report(outsider, sem)
    if ANSWER[role]:
        assert problem_acknowledge(actor=users[role], problem_id=p.pk).status == "acknowledged"
    else:
        with pytest.raises(PermissionDenied):
            problem_acknowledge(actor=users[role], problem_id=p.pk)
    with pytest.raises(PermissionDenied):  # the reporter cannot close their own report
        problem_resolve(actor=outsider, problem_id=p.pk, resolution="好了")


def test_staff_of_another_organisation_cannot_answer(users, sem, org_jl):
    stranger = grant(
        UserFactory(username="t_jl_manager", organization=org_jl), "instrument_manager", organization=org_jl
    )
    p = report(users["instrument_manager"], sem)
    with pytest.raises(PermissionDenied):
        problem_acknowledge(actor=stranger, problem_id=p.pk)


# --- who sees what --------------------------------------------------------------------------------


def test_history_details_only_for_staff_and_the_reporter(users, sem, outsider):
    used(users["member"], sem)
    mine = report(users["member"], sem, title="我的报告")
    report(users["instrument_manager"], sem, title="管理员的报告")

    def seen(viewer):
        page = selectors.history_page(instrument=sem, viewer=viewer, cursor=None, limit=20)
        return {e.problem.title: e.detailed for e in page.items}

    assert seen(AnonymousUser()) == {"我的报告": False, "管理员的报告": False}
    assert seen(outsider) == {"我的报告": False, "管理员的报告": False}
    assert seen(users["member"]) == {"我的报告": True, "管理员的报告": False}
    assert seen(users["instrument_manager"]) == {"我的报告": True, "管理员的报告": True}
    assert seen(users["office"]) == {"我的报告": True, "管理员的报告": True}
    assert seen(users["province"]) == {"我的报告": False, "管理员的报告": False}
    assert mine.pk


def test_history_is_newest_first_and_paged_in_constant_queries(users, sem, django_assert_max_num_queries):
    for i in range(7):
        p = report(users["instrument_manager"], sem, title=f"问题{i}")
        ProblemReport.objects.filter(pk=p.pk).update(created_at=at(-10 + i, 9))
    with django_assert_max_num_queries(3):
        first = selectors.history_page(instrument=sem, viewer=users["office"], cursor=None, limit=5)
    assert [e.problem.title for e in first.items] == ["问题6", "问题5", "问题4", "问题3", "问题2"]
    second = selectors.history_page(instrument=sem, viewer=users["office"], cursor=first.next_cursor, limit=5)
    assert [e.problem.title for e in second.items] == ["问题1", "问题0"] and second.next_cursor is None
