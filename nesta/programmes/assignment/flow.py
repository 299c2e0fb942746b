"""Reviewer assignment as a min-cost flow (OR-Tools SimpleMinCostFlow).

    source ─(cap: max − min load; the min load as the expert's own supply)→ expert j
    expert j ─(cap 1, cost −round(affinity × 1000))→ [app i × organisation] ─(cap 1)→
        [app i × in-province] ─(cap k − 1)→ app i ─(cap k)→ sink      (demand Σ k)

Both side rules are flow: "at most one reviewer per organisation" is the (application ×
organisation) node of capacity 1 (built only where two candidates share an organisation);
"at least one from outside the applicant's province" is the (application × in-province) node of
capacity k − 1 through which every in-province candidate passes (an organisation sits in one
province, so the two layers nest). Minimum loads are lower bounds by the standard transformation:
the expert node supplies its minimum itself and the source arc carries only the rest.

Candidates: each application's best L eligible experts and each expert's best M applications (the
union); if that graph is infeasible, 4L, then every eligible pair, before declaring it impossible.

Fairness (`fair=True`): the largest floor t such that every application can have all its
reviewers at affinity ≥ min(t, q_i) — q_i its own need-th best candidate, so a hard application
is held to the best it has — found by bisection; then the most total affinity under that floor.
"""

import time
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from nesta.programmes.assignment import feasibility
from nesta.programmes.assignment.problem import Problem, Solution

SCALE = 1000
PER_APP = 20
FAIR_STEPS = 8


@dataclass
class Candidates:
    apps: np.ndarray  # int64 (m,)
    experts: np.ndarray  # int64 (m,)

    def __len__(self) -> int:
        return len(self.apps)


def candidates(p: Problem, per_app: int | None) -> Candidates:
    n_a, n_e = p.shape
    usable = p.eligible & (p.capacity > 0)[None, :]
    if per_app is None or per_app >= n_e:
        ai, ej = np.nonzero(usable)
        return Candidates(ai.astype(np.int64), ej.astype(np.int64))
    score = np.where(usable, p.affinity, -1.0).astype(np.float32)
    pick = np.zeros((n_a, n_e), dtype=bool)
    top = np.argpartition(-score, per_app - 1, axis=1)[:, :per_app]
    pick[np.arange(n_a)[:, None], top] = True
    # each expert's best applications: enough to use their whole capacity several times over
    per_expert = int(min(n_a, max(2 * int(p.capacity.max(initial=0)), per_app // 2, 1)))
    if per_expert < n_a:
        top_e = np.argpartition(-score, per_expert - 1, axis=0)[:per_expert, :]
        pick[top_e, np.arange(n_e)[None, :]] = True
    else:
        pick[:] = True
    pick &= usable
    ai, ej = np.nonzero(pick)
    return Candidates(ai.astype(np.int64), ej.astype(np.int64))


@dataclass
class Network:
    flow: min_cost_flow.SimpleMinCostFlow
    pair_arcs: np.ndarray
    cand: Candidates
    arcs: int


def network(p: Problem, cand: Candidates, *, with_min_loads: bool = True) -> Network:
    n_a, n_e = p.shape
    ca, ce = cand.apps, cand.experts
    src, snk, e0 = 0, 1, 2
    a0 = e0 + n_e
    next_node = a0 + n_a
    tails: list[np.ndarray] = []
    heads: list[np.ndarray] = []
    caps: list[np.ndarray] = []
    costs: list[np.ndarray] = []

    def arcs(t: np.ndarray, h: np.ndarray, c: np.ndarray, w: np.ndarray | int = 0) -> None:
        tails.append(np.asarray(t, dtype=np.int64))
        heads.append(np.asarray(h, dtype=np.int64))
        caps.append(np.asarray(c, dtype=np.int64))
        costs.append(np.broadcast_to(np.asarray(w, dtype=np.int64), np.shape(t)).copy())

    minimum = p.min_load if with_min_loads else np.zeros(n_e, dtype=np.int64)
    arcs(np.full(n_e, src), e0 + np.arange(n_e), np.maximum(p.capacity - minimum, 0))
    arcs(a0 + np.arange(n_a), np.full(n_a, snk), p.need)

    after_org = a0 + ca  # where a pair's flow goes once past the organisation layer
    if p.inprov_cap is not None:
        inprov = (p.expert_province[ce] >= 0) & (p.expert_province[ce] == p.app_province[ca])
        count = np.bincount(ca[inprov], minlength=n_a)
        binds = count > np.maximum(p.inprov_cap, 0)
        idx = np.nonzero(binds)[0]
        node = np.full(n_a, -1, dtype=np.int64)
        node[idx] = next_node + np.arange(len(idx))
        next_node += len(idx)
        arcs(node[idx], a0 + idx, np.maximum(p.inprov_cap[idx], 0))
        use = inprov & binds[ca]
        after_org = after_org.copy()
        after_org[use] = node[ca[use]]
    pair_heads = after_org.copy()
    if p.one_per_org:
        org = p.expert_org[ce].astype(np.int64)
        has = np.nonzero(org >= 0)[0]
        if len(has):
            key = ca[has] * (int(p.expert_org.max()) + 1) + org[has]
            uniq, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
            shared = counts >= 2
            gnode = np.full(len(uniq), -1, dtype=np.int64)
            gi = np.nonzero(shared)[0]
            gnode[gi] = next_node + np.arange(len(gi))
            next_node += len(gi)
            arcs(gnode[gi], after_org[has[first[gi]]], np.ones(len(gi)))
            member = shared[inverse]
            pair_heads[has[member]] = gnode[inverse[member]]
    pair_start = sum(len(t) for t in tails)
    aff = p.affinity[ca, ce]
    arcs(e0 + ce, pair_heads, np.ones(len(ca)), -np.rint(aff.astype(np.float64) * SCALE).astype(np.int64))

    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(costs)
    )
    demand = int(p.need.sum())
    supplies = np.zeros(next_node, dtype=np.int64)
    supplies[src] = demand - int(minimum.sum())
    supplies[e0 : e0 + n_e] = minimum
    supplies[snk] = -demand
    f.set_nodes_supplies(np.arange(next_node, dtype=np.int64), supplies)
    pair_arcs = np.arange(pair_start, pair_start + len(ca), dtype=np.int64)
    return Network(f, pair_arcs, cand, pair_start + len(ca))


def _extract(p: Problem, net: Network) -> Solution:
    chosen = net.flow.flows(net.pair_arcs) > 0
    ai, ej = net.cand.apps[chosen], net.cand.experts[chosen]
    return Solution(
        status="optimal",
        pairs=np.stack([ai, ej], axis=1),
        pair_affinity=p.affinity[ai, ej].astype(np.float32),
        arcs=net.arcs,
    )


def _solve(p: Problem, cand: Candidates) -> Solution | None:
    net = network(p, cand)
    if net.flow.solve() != net.flow.OPTIMAL:
        return None
    return _extract(p, net)


def solve(p: Problem, *, fair: bool = False, per_app: int = PER_APP) -> Solution:
    """The assignment of most total affinity (or, with fair, the fairness floor first), or an
    infeasible Solution whose reasons name the constraint."""
    started = time.perf_counter()
    reasons = feasibility.static_reasons(p)
    if reasons:
        return Solution(status="infeasible", reasons=reasons, seconds=time.perf_counter() - started)
    if int(p.need.sum()) == 0:
        return Solution(status="optimal", seconds=time.perf_counter() - started)
    n_e = p.shape[1]
    sizes: list[int | None] = [s for s in (per_app, 4 * per_app) if s < n_e]
    solution, cand = None, None
    for size in [*sizes, None]:
        cand = candidates(p, size)
        solution = _solve(p, cand)
        if solution is not None:
            break
    if solution is None or cand is None:
        return Solution(status="infeasible", reasons=_explain(p), seconds=time.perf_counter() - started)
    if fair:
        solution = _fair(p, cand, solution)
    solution.seconds = time.perf_counter() - started
    return solution


def _explain(p: Problem) -> list[dict]:
    """Every static check passed and still no flow: which applications a max flow leaves short."""
    cand = candidates(p, None)
    net = network(p, cand, with_min_loads=False)
    net.flow.solve_max_flow_with_min_cost()
    solution = _extract(p, net)
    seats, _total = solution.per_app(p.shape[0])
    short = {int(i): int(p.need[i] - seats[i]) for i in np.nonzero(seats < p.need)[0]}
    if short:
        return feasibility.competing_reasons(short, p.need)
    return [feasibility.min_load_reason()]


def _fair(p: Problem, cand: Candidates, plain: Solution) -> Solution:
    aff = p.affinity[cand.apps, cand.experts]
    n_a = p.shape[0]
    # q_i: the application's need-th best candidate affinity
    q = np.zeros(n_a, dtype=np.float32)
    order = np.lexsort((-aff, cand.apps))
    sorted_apps, sorted_aff = cand.apps[order], aff[order]
    starts = np.searchsorted(sorted_apps, np.arange(n_a))
    pos = starts + np.maximum(p.need, 1) - 1
    ok = (pos < len(sorted_apps)) & (p.need > 0)
    ok[ok] &= sorted_apps[pos[ok]] == np.arange(n_a)[ok]
    q[ok] = sorted_aff[pos[ok]]

    def attempt(t: float) -> Solution | None:
        floor = np.minimum(t, q)[cand.apps] - 1e-6
        keep = aff >= floor
        return _solve(p, Candidates(cand.apps[keep], cand.experts[keep]))

    lo, best = 0.0, plain
    hi = float(q.max(initial=0.0))
    top = attempt(hi)
    if top is not None:
        top.threshold = hi
        return top
    for _step in range(FAIR_STEPS):
        mid = (lo + hi) / 2
        found = attempt(mid)
        if found is None:
            hi = mid
        else:
            lo, best = mid, found
    best.threshold = round(lo, 4)
    return best
