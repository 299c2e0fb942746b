"""Services of assignment over records: the rules read from the database, a saved run, the swap's
checks, decline → re-solve of the open seat only, conflict declarations, permissions."""

import pytest

from nesta.core.errors import Conflict, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.directory.models import Affiliation
from nesta.programmes.models import Assignment, AssignmentStatus, AvoidRequest, ConflictDeclaration, TeamMember
from nesta.programmes.selectors.assignment import my_invitations_page
from nesta.programmes.selectors.conflicts import call_conflicts_page
from nesta.programmes.services import assignment as services
from nesta.programmes.services import conflicts as conflict_services
from nesta.programmes.services import invitations
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def active(app):
    return list(Assignment.objects.filter(application=app, status__in=("invited", "accepted", "submitted")))


def saved(pool, office, **data):
    return services.assignment_run(actor=office, call_id=pool["call"].pk, data=data, save=True)


def test_conflicts_are_read_from_the_records_with_reasons(pool, office):
    apps, ex = pool["apps"], pool["experts"]
    Affiliation.objects.create(person=ex[0], organization=apps[0].organization, start_year=2010, end_year=2024)
    Affiliation.objects.create(person=ex[4], organization=apps[5].organization, start_year=2010, end_year=2022)
    TeamMember.objects.create(application=apps[1], person=ex[1], name=ex[1].name)
    TeamMember.objects.create(application=apps[2], name="张三", organization=pool["orgs"][2])
    AvoidRequest.objects.create(application=apps[3], expert=ex[3])
    ConflictDeclaration.objects.create(application=apps[4], expert=ex[5], reason="曾共同承担项目")
    page = call_conflicts_page(viewer=office, call_id=pool["call"].pk)
    got = {(r.application.pk, r.expert.pk): [x.reason for x in r.reasons] for r in page.items}
    org0 = apps[0].organization.name
    assert got == {
        (apps[0].pk, ex[0].pk): [f"回避：同单位 {org0}，至2024年"],
        (apps[1].pk, ex[1].pk): ["回避：本人为项目组成员"],
        (apps[1].pk, ex[7].pk): ["回避：项目组成员 专家1 为同单位同事"],  # ex[1]'s colleague
        (apps[2].pk, ex[2].pk): ["回避：项目组成员 张三 为同单位同事"],
        (apps[2].pk, ex[8].pk): ["回避：项目组成员 张三 为同单位同事"],
        (apps[3].pk, ex[3].pk): ["回避：申请人申请回避"],
        (apps[4].pk, ex[5].pk): ["回避：本人声明（曾共同承担项目）"],
    }  # 2022 is four years before the call's 2026: no exclusion for ex[4]
    assert page.total == 7


def test_conflict_list_reads_a_constant_number_of_queries(pool, office, django_assert_max_num_queries):
    for n in range(3):
        TeamMember.objects.create(application=pool["apps"][n], name=f"成员{n}", organization=pool["orgs"][n])
    with django_assert_max_num_queries(16):
        call_conflicts_page(viewer=office, call_id=pool["call"].pk)


def test_saved_run_invites_k_each_within_the_rules_audited_and_notified(pool, office):
    TeamMember.objects.create(application=pool["apps"][0], person=pool["experts"][0], name="x")
    result = saved(pool, office)
    assert result.saved == 18
    seats = list(Assignment.objects.filter(round=pool["round"]).select_related("expert__organization", "application"))
    assert len(seats) == 18
    assert {s.status for s in seats} == {"invited"} and {s.source for s in seats} == {"solver"}
    for app in pool["apps"]:
        mine = [s for s in seats if s.application_id == app.pk]
        assert len(mine) == 3
        orgs = [s.expert.organization_id for s in mine]
        assert len(set(orgs)) == 3  # one per organisation
        assert any(s.expert.organization.province_id != app.province_id for s in mine)
    assert not any(s.application_id == pool["apps"][0].pk and s.expert_id == pool["experts"][0].pk for s in seats)
    loads = {}
    for s in seats:
        loads[s.expert_id] = loads.get(s.expert_id, 0) + 1
    assert max(loads.values()) <= 10
    audit = AuditLog.objects.get(action="assignment.created")
    assert audit.changes["seats"] == 18
    assert Notification.objects.filter(kind="review_invitation").count() == len(loads)
    # a second run finds every seat filled and invites no one
    again = saved(pool, office)
    assert again.saved == 0


def test_preview_writes_nothing_and_reports_the_greedy_beside(pool, office):
    result = services.assignment_run(actor=office, call_id=pool["call"].pk, data={"fair": True})
    assert Assignment.objects.count() == 0
    assert result.figures["pairs"] == 18 and result.greedy["pairs"] <= 18
    assert result.plain is not None
    assert result.figures["worst_affinity"] >= result.plain["worst_affinity"] - 1e-3


def test_infeasible_says_which_applications_have_too_few_experts(pool, office):
    with pytest.raises(services.AssignmentInfeasible) as exc:
        services.assignment_run(actor=office, call_id=pool["call"].pk, data={"k": 10})
    reasons = exc.value.details["reasons"]
    first = reasons[0]
    assert first["code"] == "too_few_eligible"
    assert first["count"] == 6
    assert {a["id"] for a in first["applications"]} == {a.pk for a in pool["apps"]}
    assert first["applications"][0]["eligible"] == 9 and first["applications"][0]["need"] == 10
    assert exc.value.status == 422 and exc.value.code == "assignment_infeasible"


def test_capacity_below_demand_is_explained(pool, office):
    with pytest.raises(services.AssignmentInfeasible) as exc:
        services.assignment_run(actor=office, call_id=pool["call"].pk, data={"max_load": 1, "one_per_org": False})
    codes = [r["code"] for r in exc.value.details["reasons"]]
    assert "capacity_below_demand" in codes
    reason = next(r for r in exc.value.details["reasons"] if r["code"] == "capacity_below_demand")
    assert (reason["capacity"], reason["demand"]) == (9, 18)


def test_parameters_are_validated(pool, office):
    with pytest.raises(ValidationFailed) as exc:
        services.assignment_run(actor=office, call_id=pool["call"].pk, data={"min_load": 5, "max_load": 2})
    assert "min_load" in exc.value.details
    with pytest.raises(ValidationFailed):
        services.assignment_run(actor=office, call_id=pool["call"].pk, data={"k": 0})


def test_only_the_office_or_the_calls_province_may_assign(pool, users, jilin):
    with pytest.raises(PermissionDenied):
        services.assignment_run(actor=pool["experts"][0].user, call_id=pool["call"].pk, data={})
    province = grant(UserFactory(), "province", province=jilin)
    with pytest.raises(PermissionDenied):  # a national call is the office's
        services.assignment_run(actor=province, call_id=pool["call"].pk, data={})


def _seat_of(app, pool):
    return Assignment.objects.filter(application=app, status="invited").select_related("expert").first()


def test_swap_applies_the_same_checks(pool, office):
    saved(pool, office)
    app = pool["apps"][0]
    seat = _seat_of(app, pool)
    others = [s.expert_id for s in active(app) if s.pk != seat.pk]
    free = [e for e in pool["experts"] if e.pk not in others and e.pk != seat.expert_id]
    # conflicted
    AvoidRequest.objects.create(application=app, expert=free[0])
    with pytest.raises(ValidationFailed) as exc:
        services.assignment_swap(actor=office, assignment_id=seat.pk, expert_id=free[0].pk)
    assert exc.value.code == "conflict_of_interest" and "申请回避" in str(exc.value.message)
    # already on the application
    with pytest.raises(ValidationFailed) as exc:
        services.assignment_swap(actor=office, assignment_id=seat.pk, expert_id=others[0])
    assert exc.value.code == "already_assigned"
    # same organisation as another reviewer of the application
    other = next(e for e in pool["experts"] if e.pk == others[0])
    same_org = [e for e in free[1:] if e.organization_id == other.organization_id]
    if same_org:
        with pytest.raises(ValidationFailed) as exc:
            services.assignment_swap(actor=office, assignment_id=seat.pk, expert_id=same_org[0].pk)
        assert exc.value.code == "same_organisation"
    orgs_taken = {e.organization_id for e in pool["experts"] if e.pk in others}
    ok = next(
        e for e in free[1:] if e.organization_id not in orgs_taken and e.organization.province_id != app.province_id
    )
    new = services.assignment_swap(actor=office, assignment_id=seat.pk, expert_id=ok.pk, reason="专业更对口")
    seat.refresh_from_db()
    assert seat.status == AssignmentStatus.REMOVED
    assert new.source == "manual" and new.status == "invited" and new.expert_id == ok.pk
    assert len(active(app)) == 3
    log = AuditLog.objects.get(action="assignment.swapped")
    assert log.changes["reason"] == "专业更对口"
    with pytest.raises(Conflict):
        services.assignment_swap(actor=office, assignment_id=seat.pk, expert_id=ok.pk)


def test_swap_refuses_an_expert_over_their_load(pool, office):
    saved(pool, office, max_load=2, one_per_org=False, out_of_province=False)
    app = pool["apps"][0]
    seat = _seat_of(app, pool)
    on_app = {s.expert_id for s in active(app)}
    full = next(
        e
        for e in pool["experts"]
        if e.pk not in on_app and Assignment.objects.filter(expert=e, status="invited").count() >= 2
    )
    with pytest.raises(ValidationFailed) as exc:
        services.assignment_swap(actor=office, assignment_id=seat.pk, expert_id=full.pk)
    assert exc.value.code == "over_capacity"


def test_decline_resolves_the_open_seat_only(pool, office):
    saved(pool, office)
    app = pool["apps"][2]
    seat = _seat_of(app, pool)
    before = {s.pk: s.expert_id for s in Assignment.objects.exclude(pk=seat.pk)}
    new = invitations.assignment_decline(actor=seat.expert.user, assignment_id=seat.pk, reason="时间冲突")
    seat.refresh_from_db()
    assert seat.status == "declined" and seat.decline_reason == "时间冲突"
    assert len(new) == 1 and new[0].source == "replacement" and new[0].application_id == app.pk
    assert new[0].expert_id != seat.expert_id
    after = {s.pk: s.expert_id for s in Assignment.objects.filter(pk__in=before)}
    assert after == before  # every other seat as it was
    assert {s.status for s in Assignment.objects.filter(pk__in=before)} == {"invited"}
    assert len(active(app)) == 3
    assert AuditLog.objects.filter(action="assignment.declined").count() == 1


def test_accept_then_decline_reason_required_and_states(pool, office):
    saved(pool, office)
    seat = _seat_of(pool["apps"][1], pool)
    user = seat.expert.user
    invitations.assignment_accept(actor=user, assignment_id=seat.pk)
    seat.refresh_from_db()
    assert seat.status == "accepted" and seat.responded_at is not None
    with pytest.raises(Conflict):
        invitations.assignment_accept(actor=user, assignment_id=seat.pk)
    with pytest.raises(ValidationFailed):
        invitations.assignment_decline(actor=user, assignment_id=seat.pk, reason="  ")


def test_an_expert_acts_only_on_their_own_seats(pool, office):
    saved(pool, office)
    seat = _seat_of(pool["apps"][0], pool)
    stranger = next(e for e in pool["experts"] if e.pk != seat.expert_id)
    with pytest.raises(PermissionDenied):
        invitations.assignment_accept(actor=stranger.user, assignment_id=seat.pk)
    with pytest.raises(PermissionDenied):
        conflict_services.conflict_declare(actor=stranger.user, assignment_id=seat.pk, reason="x")
    page = my_invitations_page(viewer=stranger.user, limit=100)
    assert page.items and {s.expert_id for s in page.items} == {stranger.pk}
    assert my_invitations_page(viewer=office).items == []


def test_declared_conflict_is_kept_and_the_seat_refilled(pool, office):
    saved(pool, office)
    app = pool["apps"][3]
    seat = _seat_of(app, pool)
    decl, new = conflict_services.conflict_declare(actor=seat.expert.user, assignment_id=seat.pk, reason="指导过申请人")
    assert ConflictDeclaration.objects.filter(expert=seat.expert, application=app, reason="指导过申请人").exists()
    seat.refresh_from_db()
    assert seat.status == "declined" and "利益冲突" in seat.decline_reason
    assert len(new) == 1 and len(active(app)) == 3
    page = call_conflicts_page(viewer=office, call_id=pool["call"].pk)
    assert any(r.expert.pk == seat.expert_id and r.reasons[0].kind == "declared" for r in page.items)
    assert AuditLog.objects.filter(action="conflict.declared").exists()
