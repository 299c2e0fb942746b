"""The min-cost flow on random instances: k each, loads within bounds, no conflicted pair, side
rules held, never below the greedy baseline; fairness; the infeasibility explanations."""

import numpy as np
import pytest

from nesta.programmes.assignment.flow import solve
from nesta.programmes.assignment.greedy import greedy
from nesta.programmes.assignment.problem import Problem, figures


def instance(seed, n_a=30, n_e=20, k=3, slack=1.3, conflict=0.15, side=True, min_load=0):
    rng = np.random.default_rng(seed)
    aff = (rng.random((n_a, n_e)) ** 2).astype(np.float32)
    eligible = rng.random((n_a, n_e)) > conflict
    cap = np.full(n_e, int(np.ceil(n_a * k * slack / n_e)), dtype=np.int64)
    org = rng.integers(0, n_e // 2, n_e)
    org_province = rng.integers(0, 3, n_e // 2)
    return Problem(
        affinity=aff,
        eligible=eligible,
        need=np.full(n_a, k, dtype=np.int64),
        capacity=cap,
        min_load=np.full(n_e, min_load, dtype=np.int64),
        expert_org=org,
        expert_province=org_province[org],  # an organisation sits in one province
        app_province=rng.integers(0, 3, n_a),
        inprov_cap=np.full(n_a, k - 1, dtype=np.int64) if side else None,
        one_per_org=side,
    )


def check(p, s):
    n_a, n_e = p.shape
    i, j = s.pairs[:, 0], s.pairs[:, 1]
    assert len({(a, b) for a, b in s.pairs.tolist()}) == len(s.pairs)  # no pair twice
    assert (np.bincount(i, minlength=n_a) == p.need).all()  # exactly k each
    load = np.bincount(j, minlength=n_e)
    assert (load <= p.capacity).all() and (load >= p.min_load).all()
    assert p.eligible[i, j].all()  # no conflicted pair
    if p.one_per_org:
        orgs = list(zip(i.tolist(), p.expert_org[j].tolist(), strict=True))
        assert len(orgs) == len(set(orgs))
    if p.inprov_cap is not None:
        inside = p.expert_province[j] == p.app_province[i]
        assert (np.bincount(i[inside], minlength=n_a) <= p.inprov_cap).all()
    assert np.allclose(s.pair_affinity, p.affinity[i, j])


@pytest.mark.parametrize("seed", range(12))
def test_invariants_on_random_instances_and_never_below_greedy(seed):
    p = instance(seed, side=seed % 2 == 0, min_load=seed % 3)
    s = solve(p)
    assert s.status == "optimal", s.reasons
    check(p, s)
    g = greedy(p)
    gf, sf = figures(g, p.need), figures(s, p.need)
    if gf["short_applications"] == 0:
        assert sf["total_affinity"] >= gf["total_affinity"] - 1e-3


def test_small_instance_is_optimal_against_brute_force():
    rng = np.random.default_rng(7)
    aff = rng.random((3, 4)).astype(np.float32)
    p = Problem(
        affinity=aff,
        eligible=np.ones((3, 4), dtype=bool),
        need=np.full(3, 2, dtype=np.int64),
        capacity=np.full(4, 2, dtype=np.int64),
        min_load=np.zeros(4, dtype=np.int64),
        expert_org=np.arange(4),
        expert_province=np.zeros(4, dtype=np.int64),
        app_province=np.ones(3, dtype=np.int64),
    )
    import itertools

    best = 0.0
    pairs_of = list(itertools.combinations(range(4), 2))
    for choice in itertools.product(pairs_of, repeat=3):
        load = np.zeros(4, dtype=int)
        for c in choice:
            load[list(c)] += 1
        if (load <= 2).all():
            best = max(best, sum(float(aff[a, e]) for a, c in enumerate(choice) for e in c))
    s = solve(p)
    assert abs(float(s.pair_affinity.sum()) - best) < 0.01  # costs are rounded to 1/1000


def test_greedy_leaves_short_where_the_flow_fills_every_seat():
    # expert 0 is everyone's favourite; application 1 can have no one else. Greedy gives expert 0
    # to application 0 first and application 1 stays short; the flow sends application 0 to expert 1
    aff = np.array([[0.9, 0.1], [0.8, 0.0]], dtype=np.float32)
    eligible = np.array([[True, True], [True, False]])
    p = Problem(
        affinity=aff,
        eligible=eligible,
        need=np.array([1, 1]),
        capacity=np.array([1, 1]),
        min_load=np.zeros(2, dtype=np.int64),
        expert_org=np.array([0, 1]),
        expert_province=np.array([0, 0]),
        app_province=np.array([1, 1]),
    )
    assert figures(greedy(p), p.need)["short_applications"] == 1
    s = solve(p)
    assert figures(s, p.need)["short_applications"] == 0
    assert sorted(s.pairs.tolist()) == [[0, 1], [1, 0]]


def test_fairness_raises_the_worst_off_application():
    # application 2 has only weak candidates; the plain optimum gives its one decent expert away
    aff = np.array([[0.9, 0.8, 0.4], [0.9, 0.85, 0.4], [0.5, 0.05, 0.1]], dtype=np.float32)
    p = Problem(
        affinity=aff,
        eligible=np.ones((3, 3), dtype=bool),
        need=np.array([1, 1, 1]),
        capacity=np.array([1, 1, 1]),
        min_load=np.zeros(3, dtype=np.int64),
        expert_org=np.arange(3),
        expert_province=np.zeros(3, dtype=np.int64),
        app_province=np.ones(3, dtype=np.int64),
    )
    plain, fair = solve(p), solve(p, fair=True)
    check(p, fair)
    assert figures(fair, p.need)["worst_affinity"] > figures(plain, p.need)["worst_affinity"]
    assert figures(fair, p.need)["total_affinity"] <= figures(plain, p.need)["total_affinity"]
    assert fair.threshold is not None and fair.threshold > 0


@pytest.mark.parametrize("seed", range(4))
def test_fair_keeps_the_invariants(seed):
    p = instance(seed + 100)
    plain, fair = solve(p), solve(p, fair=True)
    check(p, fair)
    assert figures(fair, p.need)["worst_affinity"] >= figures(plain, p.need)["worst_affinity"] - 1e-3


def codes(s):
    return [r["code"] for r in s.reasons]


def test_too_few_eligible_lists_the_applications_with_counts():
    p = instance(1, side=False)
    p.eligible[4, :] = False
    p.eligible[4, :2] = True
    s = solve(p)
    assert s.status == "infeasible"
    assert codes(s) == ["too_few_eligible"]
    assert s.reasons[0]["applications"] == [{"application": 4, "eligible": 2, "need": 3}]


def test_capacity_below_demand_gives_the_numbers():
    p = instance(2, side=False, slack=1.0)
    p.capacity[:] = 2  # 20 × 2 = 40 < 30 × 3
    s = solve(p)
    reason = next(r for r in s.reasons if r["code"] == "capacity_below_demand")
    assert (reason["capacity"], reason["demand"]) == (40, 90)


def test_side_rules_impossible_are_named():
    p = instance(3)
    p.eligible[:] = True
    p.expert_org[:] = 0
    p.expert_org[:2] = [1, 2]  # three organisations in all: fine for k = 3
    p.expert_org[2:] = 0
    p.need[0] = 3
    p.expert_province[:] = p.app_province[5]
    s = solve(p)
    assert "too_few_outside_province" in codes(s)
    p2 = instance(3)
    p2.eligible[:] = True
    p2.expert_org[:] = 0
    assert "too_few_organisations" in codes(solve(p2))


def test_min_loads_above_demand_and_unreachable():
    p = instance(4, side=False, min_load=10)  # 20 × 10 = 200 > 90
    assert "min_load_above_demand" in codes(solve(p))
    p2 = instance(4, side=False, min_load=1)
    p2.eligible[:, 0] = False
    reason = next(r for r in solve(p2).reasons if r["code"] == "min_load_unreachable")
    assert reason["experts"][0]["expert"] == 0


def test_contention_names_the_short_applications():
    # each alone has two eligible experts, but three applications share the same two (cap 1 each)
    n_a, n_e = 3, 4
    eligible = np.zeros((n_a, n_e), dtype=bool)
    eligible[:, :2] = True
    eligible[:, 2:] = False
    p = Problem(
        affinity=np.full((n_a, n_e), 0.5, dtype=np.float32),
        eligible=eligible,
        need=np.array([1, 1, 1]),
        capacity=np.array([1, 1, 5, 5]),
        min_load=np.zeros(n_e, dtype=np.int64),
        expert_org=np.arange(n_e),
        expert_province=np.zeros(n_e, dtype=np.int64),
        app_province=np.ones(n_a, dtype=np.int64),
    )
    s = solve(p)
    assert codes(s) == ["capacity_contention"]
    assert s.reasons[0]["count"] == 1


def test_fixed_seats_reduce_need_and_open_seats_are_filled_only():
    p = instance(5, side=False)
    p.need[:] = 0
    p.need[7] = 1
    s = solve(p)
    assert s.pairs.tolist() and set(s.pairs[:, 0].tolist()) == {7}
