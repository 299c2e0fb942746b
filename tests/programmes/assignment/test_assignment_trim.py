"""The cheaper solve: the grown graph is trimmed before its first optimum, and the re-solves drop
the pairs far from entering — both only move pairs back to the priced pool, so column
generation run to the end still reaches (and certifies) the all-pairs optimum."""

import numpy as np

from nesta.programmes.assignment import flow, pricing
from nesta.programmes.assignment.candidates import Candidates, candidates
from tests.programmes.assignment.test_assignment_growth import skewed
from tests.programmes.assignment.test_solver import check


def _all_pairs_total(p) -> float:
    everything = flow._solve(p, candidates(p, None))
    assert everything is not None
    return float(everything.pair_affinity.sum())


def test_best_in_group_marks_each_groups_n_best():
    group = np.array([0, 0, 0, 1, 1, 2])
    score = np.array([0.1, 0.9, 0.5, 0.3, 0.2, 0.0], dtype=np.float32)
    assert flow._best_in_group(group, score, 2).tolist() == [False, True, True, True, True, True]
    assert flow._best_in_group(group, score, 1).tolist() == [False, True, False, True, False, True]


def test_the_trim_keeps_the_flowing_pairs_and_stays_feasible(monkeypatch):
    p = skewed(seed=4)
    cand = candidates(p, None)
    fill = flow.max_flow(p, cand)
    monkeypatch.setattr(flow, "TRIM_PER_APP", 1)
    monkeypatch.setattr(flow, "TRIM_PER_EXPERT", 1)
    trimmed = flow._trim(cand, fill.pairs, p.affinity[cand.apps, cand.experts])
    assert len(trimmed) < len(cand)
    kept = set(zip(trimmed.apps.tolist(), trimmed.experts.tolist(), strict=True))
    flowing = zip(cand.apps[fill.pairs].tolist(), cand.experts[fill.pairs].tolist(), strict=True)
    assert all(pair in kept for pair in flowing)
    assert flow._solve(p, trimmed) is not None  # the maximum flow's pairs fill every seat


def test_released_pairs_are_priced_again():
    p = skewed(seed=2)
    cand = Candidates(np.array([0, 1]), np.array([0, 1]))
    pricer = pricing.Pricer.of(p, cand, flow.SCALE)
    assert not pricer.outside[0, 0] and not pricer.outside[1, 1]
    kept = pricer.release(cand, np.array([True, False]))
    assert kept.apps.tolist() == [0] and kept.experts.tolist() == [0]
    assert pricer.outside[1, 1]  # back among the pairs the next pricing looks at
    pricer.outside[1, 1] = False  # the pricing brought it back: it does not leave a second time
    again = pricer.release(cand, np.array([True, False]))
    assert again.apps.tolist() == [0, 1] and not pricer.outside[1, 1]


def test_dropping_every_idle_pair_still_reaches_the_all_pairs_optimum(monkeypatch):
    # the harshest drop (every pair without flow leaves the graph at each round) and the
    # harshest trim: only the pricing can bring the right pairs back, and it does
    monkeypatch.setattr(flow, "DROP_ABOVE", -1)
    monkeypatch.setattr(flow, "TRIM_PER_APP", 1)
    monkeypatch.setattr(flow, "TRIM_PER_EXPERT", 1)
    monkeypatch.setattr(flow, "PRICE_ROUNDS", 30)
    monkeypatch.setattr(flow, "PRICE_GAIN", 0.0)
    for seed in (1, 6):
        p = skewed(seed=seed)
        s = flow.solve(p, per_app=2)
        check(p, s)
        assert s.priced_out
        assert abs(float(s.pair_affinity.sum()) - _all_pairs_total(p)) < 0.01  # costs in 1/1000


def test_the_default_solve_is_not_below_the_untrimmed_one_on_random_instances(monkeypatch):
    for seed in (0, 3, 8):
        p = skewed(n_busy=26, n_quiet=13, experts_busy=4, experts_quiet=10, seed=seed)
        fast = flow.solve(p, per_app=3)
        monkeypatch.setattr(flow, "DROP_ABOVE", 10**9)
        monkeypatch.setattr(flow, "PRICE_ROUNDS", 0)
        plain = flow.solve(p, per_app=3)  # the grown graph's optimum, nothing trimmed or priced
        monkeypatch.undo()
        check(p, fast)
        assert float(fast.pair_affinity.sum()) >= float(plain.pair_affinity.sum()) - 1e-3
        assert float(fast.pair_affinity.sum()) >= _all_pairs_total(p) - 0.05
