"""Writes of reviewer assignment: run the solver for a call's open seats (preview or save), the
office's manual swap with the same checks, and filling seats a decline left open.

A run reads the whole pool in a constant number of queries (selectors/conflicts.load_pool),
computes the affinity in memory, solves the min-cost flow (assignment/flow.py) and, beside it, the
greedy baseline. Saving creates the Assignment rows (status invited) in one transaction, with one
audit row `assignment.created` for the round and one notification per invited expert — rows and
notifications in bulk inserts, so the save takes a bounded number of queries whatever the size.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from nesta.core.notifications import Message, notify_many
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text
from nesta.directory.models import Person
from nesta.programmes.assignment import flow
from nesta.programmes.assignment.greedy import greedy
from nesta.programmes.assignment.instance import Built, Params, build
from nesta.programmes.assignment.pool import ACTIVE, load_pool, managed_call
from nesta.programmes.assignment.pool import correspondence_round as round_of
from nesta.programmes.assignment.problem import Solution, figures
from nesta.programmes.models import Application, Assignment, AssignmentStatus, Call, CallStatus, ReviewRound

K_MAX = 15
LOAD_MAX = 200
CLOSED_CALL = (CallStatus.DECIDED, CallStatus.ARCHIVED)


class AssignmentInfeasible(DomainError):
    code = "assignment_infeasible"
    status = 422
    default_message = _("在给定约束下无法完成专家分配。")


@dataclass
class Pair:
    application: Application
    expert: Person
    affinity: float


@dataclass
class RunResult:
    call: Call
    round: ReviewRound
    params: Params
    figures: dict[str, Any]  # the chosen assignment (the fair one when asked)
    plain: dict[str, Any] | None  # the plain optimum beside the fair one
    greedy: dict[str, Any]
    pairs: list[Pair]
    seconds: dict[str, float]
    threshold: float | None = None
    saved: int = 0
    fixed: dict[int, list[Assignment]] = field(default_factory=dict)

    def by_application(self) -> list[tuple[Application, list[Pair]]]:
        groups: dict[int, list[Pair]] = defaultdict(list)
        apps: dict[int, Application] = {}
        for p in self.pairs:
            groups[p.application.pk].append(p)
            apps[p.application.pk] = p.application
        return [(apps[k], sorted(v, key=lambda p: -p.affinity)) for k, v in sorted(groups.items())]


def clean_params(data: dict[str, Any], rnd: ReviewRound) -> Params:
    k = bounded_int(data.get("k", rnd.reviewers_per_application), field="k", minimum=1, maximum=K_MAX)
    min_load = bounded_int(data.get("min_load", rnd.min_load), field="min_load", minimum=0, maximum=LOAD_MAX)
    max_load = bounded_int(data.get("max_load", rnd.max_load), field="max_load", minimum=1, maximum=LOAD_MAX)
    if min_load > max_load:
        raise ValidationFailed(details={"min_load": [_("最少评审数不能大于最多评审数。")]})
    flags = {}
    for name in ("out_of_province", "one_per_org", "fair"):
        value = data.get(name, name != "fair")
        if not isinstance(value, bool):
            raise ValidationFailed(details={name: [_("应为是或否。")]})
        flags[name] = value
    return Params(k=k, min_load=min_load, max_load=max_load, **flags)


def explain(reasons: list[dict[str, Any]], built: Built) -> list[dict[str, Any]]:
    """The solver's reasons with the applications and experts named instead of indexed."""
    out = []
    for r in reasons:
        r = dict(r)
        if "applications" in r:
            r["applications"] = [
                {
                    **{k: v for k, v in item.items() if k != "application"},
                    "id": built.apps[item["application"]].pk,
                    "title": built.apps[item["application"]].title,
                    "number": built.apps[item["application"]].number or "",
                }
                for item in r["applications"]
            ]
        if "experts" in r:
            r["experts"] = [
                {
                    **{k: v for k, v in item.items() if k != "expert"},
                    "id": built.experts[item["expert"]].pk,
                    "name": built.experts[item["expert"]].name,
                }
                for item in r["experts"]
            ]
        out.append(r)
    return out


def _pairs(built: Built, solution: Solution) -> list[Pair]:
    return [
        Pair(built.apps[int(i)], built.experts[int(j)], round(float(a), 3))
        for (i, j), a in zip(solution.pairs.tolist(), solution.pair_affinity.tolist(), strict=True)
    ]


def _solve(built: Built) -> tuple[Solution, Solution | None, Solution]:
    """(chosen, plain beside it when fair, greedy)."""
    plain = flow.solve(built.problem)
    if plain.status != "optimal":
        raise AssignmentInfeasible(details={"reasons": explain(plain.reasons, built)})
    baseline = greedy(built.problem)
    if not built.params.fair:
        return plain, None, baseline
    fair = flow.solve(built.problem, fair=True)
    return (fair if fair.status == "optimal" else plain), plain, baseline


def assignment_run(*, actor: Any, call_id: int, data: dict[str, Any], save: bool = False) -> RunResult:
    """Solve the call's open seats; with save, create the invitations (source solver)."""
    call = managed_call(viewer=actor, call_id=call_id)
    rnd = round_of(call)
    params = clean_params(data, rnd)
    if call.status in CLOSED_CALL:
        raise Conflict(
            _("该指南已作出立项决定，不能再分配专家。"), code="invalid_state", details={"status": call.status}
        )
    if not save:
        return _run(actor, call, rnd, params, save=False)
    with write_transaction():
        require(actor, "review.manage", call)
        return _run(actor, call, rnd, params, save=True)


def _run(actor: Any, call: Call, rnd: ReviewRound, params: Params, *, save: bool) -> RunResult:
    t0 = time.perf_counter()
    pool = load_pool(call, rnd)
    if not pool.apps:
        raise ValidationFailed(_("该指南没有处于专家评审阶段的申请。"), code="no_applications")
    t_load = time.perf_counter() - t0
    built = build(pool, params)
    chosen, plain, baseline = _solve(built)
    need = built.problem.need
    result = RunResult(
        call=call,
        round=rnd,
        params=params,
        figures={**figures(chosen, need), "arcs": chosen.arcs},
        plain=figures(plain, need) if plain is not None else None,
        greedy=figures(baseline, need),
        pairs=_pairs(built, chosen),
        seconds={
            "load": round(t_load, 3),
            "affinity": round(built.affinity_seconds, 3),
            "solve": round(chosen.seconds, 3),
            "greedy": round(baseline.seconds, 3),
        },
        threshold=chosen.threshold,
        fixed=built.active,
    )
    if save:
        t1 = time.perf_counter()
        result.saved = _save(actor, rnd, params, result.pairs, source="solver")
        audit_record(
            actor=actor,
            action="assignment.created",
            instance=rnd,
            changes={
                "seats": result.saved,
                "k": params.k,
                "min_load": params.min_load,
                "max_load": params.max_load,
                "out_of_province": params.out_of_province,
                "one_per_org": params.one_per_org,
                "fair": params.fair,
                "total_affinity": result.figures["total_affinity"],
                "worst_affinity": result.figures["worst_affinity"],
            },
        )
        result.seconds["save"] = round(time.perf_counter() - t1, 3)
    result.seconds["total"] = round(time.perf_counter() - t0, 3)
    return result


def _save(actor: Any, rnd: ReviewRound, params: Params | None, pairs: list[Pair], *, source: str) -> int:
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    rows = [
        Assignment(
            round=rnd,
            application=p.application,
            expert=p.expert,
            status=AssignmentStatus.INVITED,
            affinity=p.affinity,
            source=source,
            invited_at=now,
            due_at=rnd.closes_at,
            created_by=user,
        )
        for p in pairs
    ]
    Assignment.objects.bulk_create(rows, batch_size=2000)
    if params is not None:
        changed = {
            "reviewers_per_application": params.k,
            "min_load": params.min_load,
            "max_load": params.max_load,
        }
        if any(getattr(rnd, k) != v for k, v in changed.items()):
            ReviewRound.objects.filter(pk=rnd.pk).update(**changed)
            for k, v in changed.items():
                setattr(rnd, k, v)
    _tell_experts(pairs, rnd)
    return len(rows)


def _tell_experts(pairs: list[Pair], rnd: ReviewRound) -> None:
    """One notification per invited expert (with their seat count), in bulk inserts."""
    per_expert: dict[int, list[Pair]] = defaultdict(list)
    for p in pairs:
        per_expert[p.expert.pk].append(p)
    url = reverse("programmes:my_invitations")
    call_title = rnd.call.title[:60]
    body = _("请在“我的评审邀请”中接受或谢绝。")
    notify_many(
        Message(
            user=seats[0].expert.user,
            kind="review_invitation",
            title=_("评审邀请：%(call)s（%(n)s 项）") % {"call": call_title, "n": len(seats)},
            body=body,
            url=url,
        )
        for seats in per_expert.values()
        if seats[0].expert.user_id is not None
    )


# --- filling the seats a decline left open -------------------------------------------------------


def fill_open_seats(*, actor: Any, rnd: ReviewRound, application_ids: list[int]) -> list[Assignment]:
    """Re-solve for the open seats of these applications only (every other seat fixed); the side
    rules are kept when they can be, else dropped for this replacement. Inside the caller's
    transaction; returns the new seats (source replacement)."""
    pool = load_pool(rnd.call, rnd, application_ids=application_ids)
    if not pool.apps:
        return []
    k, max_load = rnd.reviewers_per_application, rnd.max_load
    solution, built = None, None
    for side in (True, False):
        built = build(pool, Params(k=k, min_load=0, max_load=max_load, out_of_province=side, one_per_org=side))
        if int(built.problem.need.sum()) == 0:
            return []
        solution = flow.solve(built.problem)
        if solution.status == "optimal":
            break
    assert built is not None and solution is not None
    if solution.status != "optimal":
        solution = greedy(built.problem)  # fill what can be filled
    pairs = _pairs(built, solution)
    _save(actor, rnd, None, pairs, source="replacement")
    new = list(
        Assignment.objects.filter(
            round=rnd, source="replacement", application_id__in=application_ids, status=AssignmentStatus.INVITED
        ).filter(expert_id__in=[p.expert.pk for p in pairs])
    )
    return new


# --- the office's swap ------------------------------------------------------------------------------


def _seat(assignment_id: Any) -> Assignment:
    if isinstance(assignment_id, bool) or not isinstance(assignment_id, int) or not 0 < assignment_id < 2**31:
        raise NotFound(_("未找到该评审分配。"))
    seat = (
        Assignment.objects.select_related(
            "round", "round__call", "round__call__owner_province", "application", "application__province", "expert"
        )
        .filter(pk=assignment_id)
        .first()
    )
    if seat is None:
        raise NotFound(_("未找到该评审分配。"))
    return seat


def _refuse(code: str, message: str, **details: Any) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"expert_id": [message], **details})


def assignment_swap(*, actor: Any, assignment_id: int, expert_id: int, reason: str = "") -> Assignment:
    """Replace one seat's expert by hand, with the checks the solver keeps: no conflict, not
    already on the application, room in the expert's loads, and the side rules the seats held."""
    reason = clean_text(reason, field="reason", max_length=300)
    with write_transaction():
        seat = _seat(assignment_id)
        call = seat.round.call
        require(actor, "review.manage", call)
        if seat.status not in (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED):
            raise Conflict(_("该评审已提交或已撤换，不能调换。"), code="invalid_state", details={"status": seat.status})
        if isinstance(expert_id, bool) or not isinstance(expert_id, int) or not 0 < expert_id < 2**31:
            raise _refuse("unknown_expert", _("未找到该专家。"))
        pool = load_pool(call, seat.round, application_ids=[seat.application_id])
        experts = {e.pk: j for j, e in enumerate(pool.experts)}
        if expert_id not in experts:
            raise _refuse("expert_unavailable", _("该专家不在可用专家库中（未入库、暂停接受邀请或无专家角色）。"))
        if not pool.apps:
            raise Conflict(_("该申请不在专家评审阶段。"), code="invalid_state")
        excluded = pool.exclusions.get((seat.application_id, expert_id))
        if excluded:
            raise _refuse("conflict_of_interest", excluded[0].reason, reasons=[x.reason for x in excluded])
        if any(s.expert_id == expert_id for s in pool.seats):
            raise _refuse("already_assigned", _("该专家已在本申请的评审名单中（或曾谢绝、被撤换）。"))
        rnd = seat.round
        built = build(pool, Params(k=rnd.reviewers_per_application, max_load=rnd.max_load, one_per_org=False))
        j = experts[expert_id]
        if built.problem.capacity[j] <= 0:
            raise _refuse("over_capacity", _("该专家的评审量已达上限（本轮或年度）。"))
        new_expert = pool.experts[j]
        others = [s for s in pool.seats if s.status in ACTIVE and s.pk != seat.pk]
        by_id = {e.pk: e for e in pool.experts}
        app = pool.apps[0]
        _side_rules(app, seat, others, new_expert, by_id)
        seat.status = AssignmentStatus.REMOVED
        seat.responded_at = seat.responded_at or timezone.now()
        seat.save(update_fields=["status", "responded_at"])
        new = Assignment.objects.create(
            round=rnd,
            application=app,
            expert=new_expert,
            status=AssignmentStatus.INVITED,
            affinity=round(float(built.problem.affinity[0, j]), 3),
            source="manual",
            invited_at=timezone.now(),
            due_at=rnd.closes_at,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="assignment.swapped",
            instance=new,
            changes={"expert": [seat.expert.name, new_expert.name], "replaced": seat.pk, "reason": reason},
        )
        _tell_experts([Pair(app, new_expert, new.affinity)], rnd)
        return new


def _side_rules(app: Application, seat: Assignment, others: list[Assignment], new: Person, by_id: dict) -> None:
    def org(expert_id: int) -> int | None:
        person = by_id.get(expert_id)
        return person.organization_id if person else None

    def inside(person: Person | None) -> bool:
        return bool(person and person.organization and person.organization.province_id == app.province_id)

    before = [seat.expert_id, *[s.expert_id for s in others]]
    orgs_before = [org(e) for e in before if org(e)]
    unique_before = len(orgs_before) == len(set(orgs_before))
    if unique_before and new.organization_id and new.organization_id in {org(s.expert_id) for s in others}:
        raise _refuse("same_organisation", _("每单位至多一人：该申请已有同单位的评审专家。"))
    outside_before = any(not inside(by_id.get(e)) for e in before)
    outside_after = not inside(new) or any(not inside(by_id.get(s.expert_id)) for s in others)
    if outside_before and not outside_after:
        raise _refuse("no_outside_province", _("至少一位外省专家：调换后评审专家将全部来自申请单位所在省。"))
