"""The candidate graph grows where a maximum flow falls short, then pricing brings in the pairs of
negative reduced cost: on a skewed, tight instance whose pruned graph is infeasible the solver still
fills every seat without taking every pair, and reaches the all-pairs optimum."""

import numpy as np

from nesta.programmes.assignment import flow
from nesta.programmes.assignment.candidates import candidates
from nesta.programmes.assignment.problem import Problem, figures
from tests.programmes.assignment.test_solver import check


def skewed(n_busy=30, n_quiet=14, experts_busy=5, experts_quiet=12, k=2, seed=3):
    """Busy area: n_busy applications, experts_busy experts (room for half their demand); quiet
    area: fewer applications, many experts. Every application's best experts are its own area's,
    and each expert's best 2 × 6 applications too, so the pruned graph (best 2 per application,
    each expert's best 12) cannot send the busy overflow anywhere."""
    rng = np.random.default_rng(seed)
    n_a, n_e = n_busy + n_quiet, experts_busy + experts_quiet
    busy_a = np.arange(n_a) < n_busy
    busy_e = np.arange(n_e) < experts_busy
    same = busy_a[:, None] == busy_e[None, :]
    aff = np.where(same, 0.6 + 0.4 * rng.random((n_a, n_e)), 0.2 * rng.random((n_a, n_e))).astype(np.float32)
    cap = np.full(n_e, 6, dtype=np.int64)  # busy experts: 30 seats for 60; quiet ones: 72 for 28
    return Problem(
        affinity=aff,
        eligible=np.ones((n_a, n_e), dtype=bool),
        need=np.full(n_a, k, dtype=np.int64),
        capacity=cap,
        min_load=np.zeros(n_e, dtype=np.int64),
        expert_org=np.arange(n_e),
        expert_province=np.arange(n_e) % 2,
        app_province=np.arange(n_a) % 2,
        inprov_cap=np.full(n_a, k - 1, dtype=np.int64),
        one_per_org=True,
    )


def test_the_pruned_graph_of_the_skewed_instance_is_infeasible():
    p = skewed()
    fill = flow.max_flow(p, candidates(p, 2))
    assert fill.missing(p.need) > 0  # the case the growth is for


def test_growth_fills_every_seat_and_reaches_the_all_pairs_optimum():
    p = skewed()
    s = flow.solve(p, per_app=2)
    assert s.status == "optimal"
    check(p, s)  # k each, loads, no conflicted pair, side rules
    assert s.grow_rounds >= 1  # it grew, and did not fall back to every pair (-1)
    everything = flow._solve(p, candidates(p, None))
    assert everything is not None
    assert s.arcs < flow.network(p, candidates(p, None)).arcs  # fewer arcs than every pair
    assert abs(float(s.pair_affinity.sum()) - float(everything.pair_affinity.sum())) < 0.01  # costs in 1/1000
    assert figures(s, p.need)["short_applications"] == 0


def test_growth_alone_is_feasible_and_pricing_only_raises_the_total(monkeypatch):
    p = skewed(seed=5)
    monkeypatch.setattr(flow, "PRICE_ROUNDS", 0)
    grown = flow.solve(p, per_app=2)
    monkeypatch.setattr(flow, "PRICE_ROUNDS", 6)
    priced = flow.solve(p, per_app=2)
    check(p, grown)
    check(p, priced)
    assert float(priced.pair_affinity.sum()) >= float(grown.pair_affinity.sum()) - 1e-3
    everything = flow._solve(p, candidates(p, None))
    assert abs(float(priced.pair_affinity.sum()) - float(everything.pair_affinity.sum())) < 0.01


def test_pricing_certifies_the_optimum_when_no_pair_is_left(monkeypatch):
    p = skewed(seed=7)
    monkeypatch.setattr(flow, "PRICE_ROUNDS", 10)
    monkeypatch.setattr(flow, "PRICE_GAIN", 0.0)
    s = flow.solve(p, per_app=2)
    assert s.priced_out  # no pair outside the graph has a negative reduced cost
    everything = flow._solve(p, candidates(p, None))
    assert abs(float(s.pair_affinity.sum()) - float(everything.pair_affinity.sum())) < 0.01


def test_a_call_that_cannot_be_filled_is_still_explained_after_growing():
    p = skewed()
    p.capacity[p.capacity > 0] = 0
    p.capacity[:3] = 40  # three experts with room enough for everyone…
    p.expert_province[:3] = 0
    p.app_province[:] = 0  # …all in the applicants' province: no outside reviewer for anyone
    s = flow.solve(p, per_app=2)
    assert s.status == "infeasible"
    assert {r["code"] for r in s.reasons} == {"too_few_outside_province"}


def test_a_random_instance_grown_equals_all_pairs_on_small_sizes():
    rng_seeds = [0, 1, 2]
    for seed in rng_seeds:
        p = skewed(n_busy=26, n_quiet=13, experts_busy=4, experts_quiet=10, seed=seed)
        s = flow.solve(p, per_app=3)
        check(p, s)
        everything = flow._solve(p, candidates(p, None))
        assert float(s.pair_affinity.sum()) >= float(everything.pair_affinity.sum()) - 0.05


def test_potentials_are_shortest_distances_and_a_negative_cycle_gives_none():
    from nesta.programmes.assignment import pricing

    arcs = pricing.Residual(
        tails=np.array([0, 1, 0, 3]), heads=np.array([1, 2, 2, 2]), costs=np.array([-2, -3, 1, 4]), nodes=4
    )
    assert pricing.potentials(arcs).tolist() == [0, -2, -5, 0]  # from a virtual root at cost 0
    cycle = pricing.Residual(tails=np.array([0, 1]), heads=np.array([1, 0]), costs=np.array([-1, -1]), nodes=2)
    assert pricing.potentials(cycle) is None
