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

Candidates (candidates.py): each application's best L eligible experts and each expert's best M
applications (the union). Where a maximum flow on that graph leaves applications short, the graph
grows around them and is solved again, a few rounds; only when growing stops helping does the
solver take every eligible pair, before declaring the call impossible. Once a maximum flow fills
every seat, the first min-cost flow runs on that graph trimmed (_trim: the flow's pairs, each
application's and each expert's best), and column generation (pricing.py) adds the pairs of
negative reduced cost while each re-solve drops the graph's pairs far from entering — the solves,
≈ 2.7 µs per arc, are most of the time, so every arc left out counts.

Fairness (`fair=True`): the largest floor t such that every application can have all its
reviewers at affinity ≥ min(t, q_i) — q_i its own need-th best candidate, so a hard application
is held to the best it has — found by bisection; then the most total affinity under that floor.
"""

import time
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow as max_flow_lib
from ortools.graph.python import min_cost_flow

from nesta.programmes.assignment import feasibility, pricing
from nesta.programmes.assignment.candidates import Candidates, candidates, grow, grow_for_min_loads
from nesta.programmes.assignment.problem import Problem, Solution

SCALE = 1000
PER_APP = 10
FAIR_STEPS = 8
GROW_ROUNDS = 6  # growth rounds before every eligible pair is taken
GROW_PER_APP = 10  # what a short application gets per round (next best, with room, outside, other orgs)
# the pricing's figures were chosen on the benchmark by the sum of the solves' arcs (their time)
# at a total within 0.01 % of the all-pairs optimum: three rounds of 20 pairs a side from a small
# trim reach it on 4 solves and ≈ 0.48 M arcs, where 4 × 10 from the larger trim took 5 and 0.53 M
PRICE_ROUNDS = 3  # column-generation rounds at most once the graph is feasible
PRICE_PER_SIDE = 20  # pairs of most negative reduced cost added per application and per expert
PRICE_GAIN = 1e-4  # stop once a round raises the total by less than this share
# a graph pair without flow whose reduced cost is above this leaves the graph for the next solve
# (it is priced again with the other outside pairs, so nothing is lost for good): the re-solves
# run on ≈ 0.6 × the arcs; 10 (0.01 affinity) keeps the near-ties the next optimum reroutes through
DROP_ABOVE = 10
TRIM_PER_APP = 5  # the first optimum's graph (_trim): each application's best candidates …
TRIM_PER_EXPERT = 15  # … and each expert's


@dataclass
class Graph:
    """The network's arcs and supplies as arrays, for a min-cost or a maximum flow."""

    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray
    pair_arcs: np.ndarray
    cand: Candidates
    inprov_node: np.ndarray  # int (n_apps,): the application's in-province node, -1 none

    @property
    def arcs(self) -> int:
        return len(self.tails)


@dataclass
class Network:
    flow: min_cost_flow.SimpleMinCostFlow
    pair_arcs: np.ndarray
    cand: Candidates
    arcs: int
    graph: Graph


SOURCE, SINK, FIRST_EXPERT = 0, 1, 2


def graph(p: Problem, cand: Candidates, *, with_min_loads: bool = True) -> Graph:
    n_a, n_e = p.shape
    ca, ce = cand.apps, cand.experts
    src, snk, e0 = SOURCE, SINK, FIRST_EXPERT
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
    node = np.full(n_a, -1, dtype=np.int64)
    if p.inprov_cap is not None:
        inprov = (p.expert_province[ce] >= 0) & (p.expert_province[ce] == p.app_province[ca])
        count = np.bincount(ca[inprov], minlength=n_a)
        binds = count > np.maximum(p.inprov_cap, 0)
        idx = np.nonzero(binds)[0]
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

    demand = int(p.need.sum())
    supplies = np.zeros(next_node, dtype=np.int64)
    supplies[src] = demand - int(minimum.sum())
    supplies[e0 : e0 + n_e] = minimum
    supplies[snk] = -demand
    return Graph(
        tails=np.concatenate(tails),
        heads=np.concatenate(heads),
        caps=np.concatenate(caps),
        costs=np.concatenate(costs),
        supplies=supplies,
        pair_arcs=np.arange(pair_start, pair_start + len(ca), dtype=np.int64),
        cand=cand,
        inprov_node=node,
    )


def network(p: Problem, cand: Candidates, *, with_min_loads: bool = True) -> Network:
    g = graph(p, cand, with_min_loads=with_min_loads)
    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(g.tails, g.heads, g.caps, g.costs)
    f.set_nodes_supplies(np.arange(len(g.supplies), dtype=np.int64), g.supplies)
    return Network(f, g.pair_arcs, cand, g.arcs, g)


@dataclass
class Shortfall:
    """What a maximum flow (no minimum loads, no costs) fills on a candidate graph."""

    seats: np.ndarray  # int (n_apps,)
    room: np.ndarray  # int (n_experts,): seats left
    pairs: np.ndarray  # bool (m,): the candidate pairs it uses

    def short(self, need: np.ndarray) -> np.ndarray:
        return np.nonzero(self.seats < need)[0]

    def missing(self, need: np.ndarray) -> int:
        return int(np.maximum(need - self.seats, 0).sum())


def max_flow(p: Problem, cand: Candidates) -> Shortfall:
    """Push-relabel maximum flow (OR-Tools SimpleMaxFlow): a fraction of a min-cost flow's time,
    enough to see whether the graph can fill every seat and where it cannot."""
    g = graph(p, cand, with_min_loads=False)
    f = max_flow_lib.SimpleMaxFlow()
    f.add_arcs_with_capacity(g.tails, g.heads, g.caps)
    f.solve(SOURCE, SINK)
    used = f.flows(g.pair_arcs) > 0
    n_a, n_e = p.shape
    seats = np.bincount(cand.apps[used], minlength=n_a)
    load = np.bincount(cand.experts[used], minlength=n_e)
    return Shortfall(seats=seats, room=np.asarray(p.capacity) - load, pairs=used)


def _extract(p: Problem, net: Network) -> Solution:
    chosen = net.flow.flows(net.pair_arcs) > 0
    ai, ej = net.cand.apps[chosen], net.cand.experts[chosen]
    return Solution(
        status="optimal",
        pairs=np.stack([ai, ej], axis=1),
        pair_affinity=p.affinity[ai, ej].astype(np.float32),
        arcs=net.arcs,
    )


def _optimum(p: Problem, cand: Candidates) -> tuple[Solution, Network] | None:
    net = network(p, cand)
    if net.flow.solve() != net.flow.OPTIMAL:
        return None
    return _extract(p, net), net


def _solve(p: Problem, cand: Candidates) -> Solution | None:
    found = _optimum(p, cand)
    return found[0] if found else None


def _priced(p: Problem, cand: Candidates, net: Network, pricer: pricing.Pricer) -> tuple[Candidates, int | None]:
    """The candidates with the pairs of negative reduced cost (pricing.py) added and the graph's
    pairs far from entering (no flow, reduced cost > DROP_ABOVE) moved out; and how many pairs
    outside had a negative reduced cost (None: the potentials did not settle, nothing can be said)."""
    g = net.graph
    flows = net.flow.flows(np.arange(g.arcs, dtype=np.int64))
    d = pricing.potentials(pricing.residual(g.tails, g.heads, g.caps, g.costs, flows, len(g.supplies)))
    if d is None:
        return cand, None
    pa = g.pair_arcs
    reduced = g.costs[pa] + d[g.tails[pa]] - d[g.heads[pa]]
    cand = pricer.release(cand, (flows[pa] > 0) | (reduced <= DROP_ABOVE))
    n_a, n_e = p.shape
    a0 = FIRST_EXPERT + n_e
    inprov = np.where(g.inprov_node >= 0, d[np.maximum(g.inprov_node, 0)], np.iinfo(np.int64).min)
    return pricer.price(
        cand, d[FIRST_EXPERT:a0], d[a0 : a0 + n_a], inprov if p.inprov_cap is not None else None, PRICE_PER_SIDE
    )


def _improve(p: Problem, cand: Candidates, solution: Solution, net: Network) -> tuple[list[Candidates], Solution, int]:
    """Column generation from a feasible candidate optimum: add the pairs whose reduced cost is
    negative and solve again, until none is left, a round gains little, or PRICE_ROUNDS. Returns
    the graphs solved on the way (their union is the fairness search's candidates)."""
    rounds = 0
    pricer = pricing.Pricer.of(p, cand, SCALE)
    seen = [cand]
    for rounds in range(1, PRICE_ROUNDS + 1):
        more, negative = _priced(p, cand, net, pricer)
        if not negative:
            solution.priced_out = negative == 0
            return seen, solution, rounds - 1
        found = _optimum(p, more)
        if found is None:  # cannot happen (the current flow is feasible on it); keep what we have
            break
        # the gain in the solver's own (integer) objective: the float total of an equally good or
        # better rounded optimum can dip by a rounding, which would end the pricing too early
        before = -net.flow.optimal_cost()
        cand, (solution, net) = more, found
        seen.append(more)
        if -net.flow.optimal_cost() - before < PRICE_GAIN * max(before, 1):
            break
    return seen, solution, rounds


def _union(p: Problem, parts: list[Candidates]) -> Candidates:
    if len(parts) == 1:
        return parts[0]
    key = np.unique(np.concatenate([c.apps * p.shape[1] + c.experts for c in parts]))
    return Candidates(key // p.shape[1], key % p.shape[1])


def grown(p: Problem, per_app: int = PER_APP) -> tuple[Candidates, tuple[Solution, Network] | None, int]:
    """The pruned graph, grown where a maximum flow falls short, and its optimum (None when
    growing stopped helping first); with the number of growth rounds taken."""
    cand = candidates(p, per_app if per_app < p.shape[1] else None)
    need = p.need
    best_missing, stalled = None, 0
    for rounds in range(GROW_ROUNDS + 1):
        fill = max_flow(p, cand)
        missing = fill.missing(need)
        if missing == 0:
            if PRICE_ROUNDS:  # the pricing brings back what the trim leaves out, if it pays
                trimmed = _trim(cand, fill.pairs, p.affinity[cand.apps, cand.experts])
                found = _optimum(p, trimmed)
                if found is not None:
                    return trimmed, found, rounds
            found = _optimum(p, cand)
            if found is not None:
                return cand, found, rounds
            more = grow_for_min_loads(p, cand, per_expert=max(2 * int(p.min_load.max(initial=0)), per_app))
        else:
            if best_missing is not None and missing >= best_missing:
                stalled += 1
                if stalled >= 2:
                    break
            best_missing = missing if best_missing is None else min(best_missing, missing)
            more = grow(p, cand, fill.short(need), fill.room, GROW_PER_APP)
        if len(more) == len(cand):
            break  # nothing left to add
        cand = more
    return cand, None, GROW_ROUNDS


def _trim(cand: Candidates, flowing: np.ndarray, aff: np.ndarray) -> Candidates:
    """The grown graph cut down for its first optimum, whose potentials the pricing starts
    from: the pairs a maximum flow uses (so it stays feasible, minimum loads aside), each
    application's TRIM_PER_APP best and each expert's TRIM_PER_EXPERT best. The growth's many
    fallback pairs are what make it large (≈ 2.3 × the arcs, ≈ 2.7 × the first solve's time)."""
    keep = flowing | _best_in_group(cand.apps, aff, TRIM_PER_APP) | _best_in_group(cand.experts, aff, TRIM_PER_EXPERT)
    return Candidates(cand.apps[keep], cand.experts[keep])


def _best_in_group(group: np.ndarray, score: np.ndarray, n: int) -> np.ndarray:
    """bool: the entry is among the n best scores of its group."""
    order = np.lexsort((-score, group))
    g = group[order]
    idx = np.arange(len(g))
    rank = idx - np.maximum.accumulate(np.where(np.r_[True, g[1:] != g[:-1]], idx, 0))
    out = np.zeros(len(group), dtype=bool)
    out[order[rank < n]] = True
    return out


def solve(p: Problem, *, fair: bool = False, per_app: int = PER_APP) -> Solution:
    """The assignment of most total affinity (or, with fair, the fairness floor first), or an
    infeasible Solution whose reasons name the constraint."""
    started = time.perf_counter()
    reasons = feasibility.static_reasons(p)
    if reasons:
        return Solution(status="infeasible", reasons=reasons, seconds=time.perf_counter() - started)
    if int(p.need.sum()) == 0:
        return Solution(status="optimal", seconds=time.perf_counter() - started)
    cand, found, rounds = grown(p, per_app)
    priced = 0
    if found is None:  # growing stopped helping: every eligible pair, before declaring it impossible
        cand = candidates(p, None)
        found = _optimum(p, cand)
        rounds = -1
    if found is None:
        return Solution(status="infeasible", reasons=_explain(p), seconds=time.perf_counter() - started)
    solution, net = found
    if rounds >= 0:
        graphs, solution, priced = _improve(p, cand, solution, net)
        cand = _union(p, graphs) if fair else graphs[-1]
    solution.grow_rounds, solution.price_rounds = rounds, priced
    if fair:
        solution = _fair(p, cand, solution)
        solution.grow_rounds, solution.price_rounds = rounds, priced
    solution.seconds = time.perf_counter() - started
    return solution


def _explain(p: Problem) -> list[dict]:
    """Every static check passed and still no flow: which applications a max flow leaves short."""
    fill = max_flow(p, candidates(p, None))
    short = {int(i): int(p.need[i] - fill.seats[i]) for i in fill.short(p.need)}
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
