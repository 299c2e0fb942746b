"""The integer programme, rank-until-budget and the lottery (no database)."""

import itertools
import random
from decimal import Decimal

import pytest

from nesta.programmes.numerics.selection import (
    Candidate,
    MinShare,
    lottery_draw,
    money_unit,
    rank_until_budget,
    select,
)


def _instance(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    cands = [
        Candidate(
            i + 1,
            round(rng.uniform(50, 95), 2),
            Decimal(rng.randrange(10, 300)) * 10000,
            {"province": rng.choice(["210000", "220000", "230000"]), "tilt": "1" if rng.random() < 0.3 else "0"},
        )
        for i in range(n)
    ]
    total = sum(c.cost for c in cands)
    budget = (total * Decimal(rng.uniform(0.2, 0.6))).quantize(Decimal("10000"))
    return cands, budget


def _brute(cands, budget, shares=()):
    best, best_set = -1, None
    for r in range(len(cands) + 1):
        for combo in itertools.combinations(cands, r):
            cost = sum(c.cost for c in combo)
            if cost > budget:
                continue
            ok = True
            for s in shares:
                members = [c for c in cands if c.groups.get(s.by) == s.value]
                need = min(Decimal(str(s.share)) * budget, sum(c.cost for c in members))
                if sum(c.cost for c in combo if c.groups.get(s.by) == s.value) < need:
                    ok = False
            if not ok:
                continue
            value = sum(round(c.score * 100) for c in combo)
            if value > best:
                best, best_set = value, combo
    return best, best_set


@pytest.mark.parametrize("seed", range(12))
def test_optimal_on_small_instances_by_brute_force(seed):
    rng = random.Random(seed)
    cands, budget = _instance(rng, rng.randint(5, 12))
    result = select(cands, budget, time_limit=5, workers=1)
    best, _ = _brute(cands, budget)
    assert result.status == "optimal"
    assert round(result.optimal.total_score * 100) == best
    assert result.optimal.total_cost <= budget
    # the optimum is never below either rank list
    assert result.optimal.total_score >= result.rank.total_score
    skip = rank_until_budget(cands, budget, "skip")
    assert result.optimal.total_score * 100 >= sum(round(c.score * 100) for c in cands if c.id in skip)


@pytest.mark.parametrize("seed", range(8))
def test_minimum_shares_respected_and_optimal(seed):
    rng = random.Random(100 + seed)
    cands, budget = _instance(rng, rng.randint(6, 11))
    shares = [MinShare("tilt", "1", 0.25), MinShare("province", "220000", 0.2)]
    result = select(cands, budget, shares, time_limit=5, workers=1)
    best, _ = _brute(cands, budget, shares)
    if best < 0:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    assert round(result.optimal.total_score * 100) == best
    assert all(s.met for s in result.optimal.shares)
    assert result.optimal.total_cost <= budget


def test_never_over_budget_on_larger_random_instances():
    for seed in range(5):
        rng = random.Random(1000 + seed)
        cands, budget = _instance(rng, 300)
        result = select(cands, budget, [MinShare("tilt", "1", 0.3)], time_limit=5, workers=1)
        assert result.status in {"optimal", "feasible"}
        assert result.optimal.total_cost <= budget
        assert result.rank.total_cost <= budget
        assert result.optimal.shares[0].met
        assert result.objective_bound is not None and result.objective_bound + 1e-6 >= result.optimal.total_score


def test_rank_until_budget_stop_and_skip_rules():
    cands = [
        Candidate(1, 90, Decimal("600")),
        Candidate(2, 80, Decimal("500")),  # does not fit after 1
        Candidate(3, 70, Decimal("300")),
        Candidate(4, 60, Decimal("100")),
    ]
    assert rank_until_budget(cands, Decimal("1000"), "stop") == [1]
    assert rank_until_budget(cands, Decimal("1000"), "skip") == [1, 3, 4]
    result = select(cands, Decimal("1000"), time_limit=5, workers=1)
    # 2 + 3 + 4 (210) beats 1 + 3 + 4 (220)? no: 1+3+4 = 220 > 2+3+4 = 210; so the optimum is 1, 3, 4
    assert result.optimal.selected == [1, 3, 4]
    assert result.rank.selected == [1]
    assert result.only_optimal == [3, 4] and result.only_rank == []


def test_money_unit_is_exact():
    assert money_unit([Decimal("20000"), Decimal("130000")]) == Decimal("10000")
    assert money_unit([Decimal("20000"), Decimal("130050")]) == Decimal("1")
    assert money_unit([Decimal("0.05"), Decimal("1")]) == Decimal("0.01")


def test_lottery_is_reproducible_and_draws_only_among_the_tied():
    cands = [Candidate(1, 95, Decimal("100"))] + [
        Candidate(i, 80.0 + (i % 2) * 0.2, Decimal("100")) for i in range(2, 10)
    ]
    base = [1, 2, 3]  # the top one and two of the eight tied at 80–80.2
    a = lottery_draw(cands, base, Decimal("300"), seed=42, tolerance=0.5)
    b = lottery_draw(cands, base, Decimal("300"), seed=42, tolerance=0.5)
    assert a == b
    assert a["tied"] == list(range(2, 10))
    assert 1 in a["selected"] and len(a["drawn"]) == 2
    assert set(a["drawn"]) <= set(a["tied"])
    draws = {tuple(lottery_draw(cands, base, Decimal("300"), seed=s, tolerance=0.5)["drawn"]) for s in range(20)}
    assert len(draws) > 1  # the seed matters


def test_select_with_lottery_records_seed_and_stays_within_budget():
    rng = random.Random(7)
    cands = [Candidate(i, 70.0 if i > 3 else 90.0, Decimal(rng.randrange(1, 5)) * 100) for i in range(1, 15)]
    r1 = select(cands, Decimal("1500"), lottery_seed=2026, tolerance=0.1, time_limit=5, workers=1)
    r2 = select(cands, Decimal("1500"), lottery_seed=2026, tolerance=0.1, time_limit=5, workers=1)
    assert r1.lottery is not None and r1.lottery["seed"] == 2026
    assert r1.optimal.selected == r2.optimal.selected
    assert r1.optimal.total_cost <= Decimal("1500")
    lot = r1.lottery
    above = {i for i in lot["base"] if i not in lot["tied"]}
    assert above <= set(r1.optimal.selected)  # the lottery keeps every award above the tied band
    assert set(r1.optimal.selected) - above <= set(lot["tied"])


def test_infeasible_shares_are_reported():
    cands = [Candidate(1, 90, Decimal("600"), {"tilt": "1"}), Candidate(2, 80, Decimal("700"), {"tilt": "1"})]
    # both tilt applications cost more than the budget allows together, and one alone is below 100 %
    result = select(cands, Decimal("1000"), [MinShare("tilt", "1", 1.0)], time_limit=2, workers=1)
    assert result.status == "infeasible"
    assert result.optimal.selected == []
