"""Reads for reviewer assignment: a call's pool as the solver's arrays (affinity, eligibility,
seats still open, capacities, side rules), a round's seats per application, an expert's own
invitations. The seats already held in the round are fixed: a first run fills every seat, a
later one (or a decline's replacement) only the open ones."""

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotFound
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import restrict
from nesta.directory.models import Person
from nesta.programmes.assignment import affinity as aff
from nesta.programmes.assignment.problem import Problem
from nesta.programmes.models import Application, Assignment, AssignmentStatus
from nesta.programmes.selectors.conflicts import ACTIVE, Pool, correspondence_round, load_pool, managed_call


@dataclass(frozen=True)
class Params:
    k: int
    min_load: int = 0
    max_load: int = 10
    out_of_province: bool = True
    one_per_org: bool = True
    fair: bool = False


@dataclass
class Built:
    pool: Pool
    params: Params
    problem: Problem
    apps: list[Application]
    experts: list[Person]
    active: dict[int, list[Assignment]]  # application id → its active seats (fixed)
    affinity_seconds: float


def pool_affinity(pool: Pool) -> np.ndarray:
    apps = [aff.application_text(title=a.title, summary=a.summary, keywords=a.keywords) for a in pool.apps]
    experts = [
        aff.expert_text(
            keywords=e.keywords,
            expertise=e.expert_profile.expertise if hasattr(e, "expert_profile") else "",
            bio=e.bio,
        )
        for e in pool.experts
    ]
    return aff.affinity(
        apps,
        experts,
        parents=pool.parents,
        app_fields=[a.field_id for a in pool.apps],
        expert_fields=[pool.expert_fields.get(e.pk, []) for e in pool.experts],
    )


def build(pool: Pool, params: Params, *, with_min_loads: bool = True) -> Built:
    """The solver's problem for the open seats of the pool's applications."""
    started = time.perf_counter()
    matrix = pool_affinity(pool)
    affinity_seconds = time.perf_counter() - started
    apps, experts = pool.apps, pool.experts
    ai = {a.pk: i for i, a in enumerate(apps)}
    ej = {e.pk: j for j, e in enumerate(experts)}
    n_a, n_e = len(apps), len(experts)
    eligible = np.ones((n_a, n_e), dtype=bool)
    for app_id, expert_id in pool.exclusions:
        eligible[ai[app_id], ej[expert_id]] = False

    org_index: dict[int, int] = {}
    expert_org = np.array(
        [org_index.setdefault(e.organization_id, len(org_index)) if e.organization_id else -1 for e in experts],
        dtype=np.int64,
    )
    prov_index: dict[int, int] = {}
    expert_province = np.array(
        [
            prov_index.setdefault(e.organization.province_id, len(prov_index)) if e.organization_id else -1
            for e in experts
        ],
        dtype=np.int64,
    )
    app_province = np.array([prov_index.setdefault(a.province_id, len(prov_index)) for a in apps], dtype=np.int64)

    active: dict[int, list[Assignment]] = defaultdict(list)
    round_load = np.array([pool.round_load.get(e.pk, 0) for e in experts], dtype=np.int64)
    for seat in pool.seats:
        i, j = ai.get(seat.application_id), ej.get(seat.expert_id)
        if i is not None and j is not None:
            eligible[i, j] = False  # one row per (round, application, expert), whatever its status
        if seat.status in ACTIVE:
            active[seat.application_id].append(seat)
    need = np.zeros(n_a, dtype=np.int64)
    has_outside = np.zeros(n_a, dtype=bool)
    expert_by_id = {e.pk: e for e in experts}
    for i, a in enumerate(apps):
        held = active.get(a.pk, [])
        need[i] = max(params.k - len(held), 0)
        for seat in held:
            person = expert_by_id.get(seat.expert_id)
            org_id = person.organization_id if person else None
            if params.one_per_org and org_id in org_index:
                eligible[i, expert_org == org_index[org_id]] = False
            prov = person.organization.province_id if person and person.organization_id else None
            if prov != a.province_id:
                has_outside[i] = True
    yearly = np.array(
        [(e.expert_profile.max_reviews_per_year if hasattr(e, "expert_profile") else 0) for e in experts],
        dtype=np.int64,
    )
    held_year = np.array([pool.held_this_year.get(e.pk, 0) for e in experts], dtype=np.int64)
    capacity = np.maximum(0, np.minimum(params.max_load - round_load, yearly - held_year - round_load))
    minimum = np.zeros(n_e, dtype=np.int64)
    if with_min_loads and params.min_load:
        minimum = np.minimum(np.maximum(params.min_load - round_load, 0), capacity)
    inprov_cap = np.where(has_outside, need, np.maximum(need - 1, 0)) if params.out_of_province else None
    problem = Problem(
        affinity=matrix,
        eligible=eligible,
        need=need,
        capacity=capacity,
        min_load=minimum,
        expert_org=expert_org,
        expert_province=expert_province,
        app_province=app_province,
        inprov_cap=inprov_cap,
        one_per_org=params.one_per_org,
    )
    return Built(pool, params, problem, apps, experts, dict(active), affinity_seconds)


def call_pool(*, viewer: Any, call_id: int, application_ids: list[int] | None = None) -> Pool:
    call = managed_call(viewer=viewer, call_id=call_id)
    return load_pool(call, correspondence_round(call), application_ids=application_ids)


@dataclass
class AppSeats:
    application: Application
    seats: list[Assignment]


def round_seats(*, viewer: Any, call_id: int) -> tuple[Any, list[AppSeats]]:
    """The call's applications in review with their seats (active first), in three queries."""
    call = managed_call(viewer=viewer, call_id=call_id)
    rnd = correspondence_round(call)
    apps = list(
        Application.objects.filter(call=call, status="in_review")
        .select_related("organization", "province")
        .order_by("pk")
    )
    by_app: dict[int, list[Assignment]] = defaultdict(list)
    for seat in (
        Assignment.objects.filter(round=rnd)
        .select_related("expert", "expert__organization")
        .order_by("application_id", "pk")
    ):
        by_app[seat.application_id].append(seat)
    order = {s: n for n, s in enumerate(ACTIVE)}
    rows = [AppSeats(a, sorted(by_app.get(a.pk, []), key=lambda s: order.get(s.status, 9))) for a in apps]
    return rnd, rows


def my_invitations_queryset(viewer: Any) -> QuerySet[Assignment]:
    qs = Assignment.objects.select_related("application", "application__call", "round", "expert")
    return restrict(viewer, "review.submit", qs, user_field="expert__user")


def my_invitations_page(
    *, viewer: Any, status: str = "", cursor: str | None = None, limit: int = 20
) -> Page[Assignment]:
    """The viewer's own seats (an expert sees only theirs), newest first."""
    qs = my_invitations_queryset(viewer).filter(expert__user=viewer.pk) if viewer.is_authenticated else None
    if qs is None:
        return Page(items=[])
    if status in AssignmentStatus.values:
        qs = qs.filter(status=status)
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)


def my_seat(*, viewer: Any, assignment_id: int) -> Assignment:
    seat = (
        my_invitations_queryset(viewer).filter(pk=assignment_id).first()
        if isinstance(assignment_id, int) and 0 < assignment_id < 2**31
        else None
    )
    if seat is None or not viewer.is_authenticated or seat.expert.user_id != viewer.pk:
        raise NotFound(_("未找到该评审邀请。"))
    return seat


def seat_by_id(assignment_id: int) -> Assignment:
    """A seat just written by a service (the caller was checked there), with what its output shows."""
    return Assignment.objects.select_related("round", "application", "expert").get(pk=assignment_id)
