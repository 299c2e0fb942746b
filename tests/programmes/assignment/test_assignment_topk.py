"""The solve's dense shortcuts against their plain definitions: the bounded top-k (candidates), the
block-wise pricing and the static checks counted from the excluded pairs give exactly what the
dense computations they replaced give, ties included."""

import numpy as np

from nesta.programmes.assignment import feasibility, flow, pricing
from nesta.programmes.assignment.candidates import Candidates, row_bound, top_rows
from nesta.programmes.assignment.problem import Problem


def _random_problem(rng: np.random.Generator, n_a: int, n_e: int) -> Problem:
    return Problem(
        affinity=(rng.integers(0, 8, (n_a, n_e)) / 8).astype(np.float32),  # many ties
        eligible=rng.random((n_a, n_e)) > 0.15,
        need=rng.integers(0, 4, n_a),
        capacity=rng.integers(0, 4, n_e),
        min_load=rng.integers(0, 2, n_e),
        expert_org=rng.integers(-1, 6, n_e),
        expert_province=rng.integers(-1, 3, n_e),
        app_province=rng.integers(0, 3, n_a),
        inprov_cap=rng.integers(0, 3, n_a),
        one_per_org=True,
    )


def test_top_rows_is_the_stable_sort_s_head():
    rng = np.random.default_rng(1)
    for t in range(300):
        rows, cols = int(rng.integers(0, 30)), int(rng.integers(1, 250))
        if t % 2:
            score = rng.integers(-1, 5, (rows, cols)).astype(np.float32)
        else:
            score = rng.random((rows, cols)).astype(np.float32)
        n = int(rng.integers(0, cols + 3))
        expected = np.argsort(-score, axis=1, kind="stable")[:, : min(n, cols)]
        assert np.array_equal(top_rows(score, n), expected)
        assert np.array_equal(top_rows(score.T.copy().T, n), expected)  # any memory layout


def test_row_bound_is_below_each_row_s_nth_best_on_either_layout():
    rng = np.random.default_rng(2)
    for _ in range(200):
        rows, cols = int(rng.integers(1, 40)), int(rng.integers(1, 300))
        score = rng.integers(0, 20, (rows, cols)).astype(np.float32)
        n = int(rng.integers(1, cols + 2))
        nth = -np.sort(-score, axis=1)[:, min(n, cols) - 1]
        for view in (score, np.ascontiguousarray(score.T).T):
            bound = row_bound(view, n)
            assert np.all(bound <= nth)


def _brute_price(p: Problem, outside: np.ndarray, ep, ap, ip, per_side: int) -> set[tuple[int, int]]:
    scaled = np.rint(p.affinity * np.float32(flow.SCALE))
    inside = p.in_province() & (ip != np.iinfo(np.int64).min)[:, None]
    head = np.where(inside, ip[:, None].astype(np.float32), ap[:, None].astype(np.float32))
    gain = np.where(outside, scaled - ep[None, :].astype(np.float32) + head, -1)
    chosen: set[tuple[int, int]] = set()
    for i in range(p.shape[0]):
        for j in np.argsort(-gain[i], kind="stable")[:per_side]:
            if gain[i, j] > 0:
                chosen.add((i, int(j)))
    for j in range(p.shape[1]):
        for i in np.argsort(-gain[:, j], kind="stable")[:per_side]:
            if gain[i, j] > 0:
                chosen.add((int(i), j))
    return chosen


def test_block_pricing_adds_each_row_s_and_column_s_best_pairs(monkeypatch):
    monkeypatch.setattr(pricing, "BLOCK", 7)  # several blocks, a short last one
    rng = np.random.default_rng(3)
    for _ in range(40):
        n_a, n_e = int(rng.integers(2, 40)), int(rng.integers(2, 30))
        p = _random_problem(rng, n_a, n_e)
        keep = rng.random(n_a * n_e) < 0.2
        cand = Candidates(np.repeat(np.arange(n_a), n_e)[keep], np.tile(np.arange(n_e), n_a)[keep])
        pricer = pricing.Pricer.of(p, cand, flow.SCALE)
        outside = pricer.outside.copy()
        ep = rng.integers(-400, 400, n_e)
        ap = rng.integers(-400, 400, n_a)
        ip = np.where(rng.random(n_a) < 0.6, rng.integers(-400, 400, n_a), np.iinfo(np.int64).min)
        per_side = int(rng.integers(1, 5))
        more, negative = pricer.price(cand, ep, ap, ip, per_side)
        added = set(zip(more.apps[len(cand) :].tolist(), more.experts[len(cand) :].tolist(), strict=True))
        assert added == _brute_price(p, outside, ep, ap, ip, per_side)
        assert not any(pricer.outside[i, j] for i, j in added)


def _dense_static_reasons(p: Problem) -> dict[str, np.ndarray]:
    usable = p.eligible & (p.capacity > 0)[None, :]
    key = np.where(p.expert_org >= 0, p.expert_org, -1 - np.arange(p.shape[1]))
    orgs = np.array([len({int(key[j]) for j in np.nonzero(row)[0]}) for row in usable])
    return {
        "count": usable.sum(axis=1),
        "orgs": orgs,
        "outside": (usable & ~p.in_province()).sum(axis=1),
        "reach": usable.sum(axis=0),
    }


def test_static_checks_from_the_excluded_pairs_match_the_dense_counts():
    rng = np.random.default_rng(4)
    for _ in range(200):
        p = _random_problem(rng, int(rng.integers(1, 25)), int(rng.integers(1, 25)))
        dense = _dense_static_reasons(p)
        reasons = {r["code"]: r for r in feasibility.static_reasons(p)}
        short = np.nonzero(dense["count"] < p.need)[0]
        assert reasons.get("too_few_eligible", {}).get("count", 0) == len(short)
        bad = np.nonzero((dense["orgs"] < p.need) & (dense["count"] >= p.need))[0]
        listed = [a["eligible"] for a in reasons.get("too_few_organisations", {}).get("applications", [])]
        assert listed == dense["orgs"][bad][: feasibility.LIST_MAX].tolist()
        required = np.maximum(p.need - np.maximum(p.inprov_cap, 0), 0)
        bad = np.nonzero((dense["outside"] < required) & (dense["count"] >= p.need))[0]
        listed = [a["eligible"] for a in reasons.get("too_few_outside_province", {}).get("applications", [])]
        assert listed == dense["outside"][bad][: feasibility.LIST_MAX].tolist()
        bad_e = np.nonzero(p.min_load > np.minimum(p.capacity, dense["reach"]))[0]
        listed = [e["reachable"] for e in reasons.get("min_load_unreachable", {}).get("experts", [])]
        assert listed == np.minimum(p.capacity, dense["reach"])[bad_e].tolist()
