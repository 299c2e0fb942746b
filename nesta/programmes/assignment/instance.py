"""A call's pool as the solver's arrays (affinity, eligibility, seats still open, capacities,
side rules). The seats already held in the round are fixed: a first run fills every seat, a later
one (or a decline's replacement) only the open ones."""

import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from nesta.directory.models import Person
from nesta.programmes.assignment import affinity as aff
from nesta.programmes.assignment.pool import ACTIVE, Pool
from nesta.programmes.assignment.problem import Problem
from nesta.programmes.models import Application, Assignment


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
        [prov_index.setdefault(e.organization.province_id, len(prov_index)) if e.organization else -1 for e in experts],
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
            prov = person.organization.province_id if person and person.organization else None
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
