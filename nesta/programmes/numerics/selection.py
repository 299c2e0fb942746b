"""The award list (pure numerics: OR-Tools CP-SAT).

The integer programme: x_i ∈ {0, 1} for each candidate application,

    maximise  Σ score_i · x_i                (scores × 100, integers)
    s.t.      Σ cost_i · x_i ≤ budget        (money in whole units: the largest of 万元/百元/元/分
                                              that represents every amount exactly)
              Σ_{i ∈ g} cost_i · x_i ≥ share_g · budget   for each minimum share g (a province,
                                              a priority area, the tilt group), capped at the
                                              group's whole request

solved by CP-SAT within a time limit, with the rank list as a hint; `status` is optimal when
CP-SAT proved it, feasible when the time ran out first.

Beside it, rank until the money runs out: candidates by score (ties: lower cost, then id); rule
"stop" funds in order until the first that does not fit and stops there, "skip" passes over it
and goes on with the next that fits. It knows no minimum shares.

The lottery (partial randomisation): the cut-off is the lowest score the chosen list funds; every
candidate within `tolerance` of it is tied. Those above the band keep their award; the money left
goes to the tied ones in an order drawn by lot — random.Random(seed) shuffling them sorted by id —
each funded if it still fits. The same seed gives the same draw.
"""

import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from ortools.sat.python import cp_model

SCORE_SCALE = 100
UNITS = (Decimal("10000"), Decimal("100"), Decimal("1"), Decimal("0.01"))


@dataclass(frozen=True)
class Candidate:
    id: int
    score: float
    cost: Decimal  # 元
    groups: dict[str, str] = field(default_factory=dict)  # {"province": "210000", "field": "…", "tilt": "1"}


@dataclass(frozen=True)
class MinShare:
    by: str  # province | field | tilt
    value: str
    share: float  # of the budget, 0..1


@dataclass
class ShareOutcome:
    by: str
    value: str
    share: float
    required: Decimal
    achieved: Decimal
    available: Decimal  # the group's whole request
    met: bool


@dataclass
class ListResult:
    selected: list[int]
    total_score: float
    total_cost: Decimal
    shares: list[ShareOutcome] = field(default_factory=list)


@dataclass
class SelectionResult:
    status: str  # optimal | feasible | infeasible
    optimal: ListResult
    rank: ListResult
    rank_rule: str
    unit: Decimal
    wall_seconds: float
    objective_bound: float | None
    only_optimal: list[int]
    only_rank: list[int]
    lottery: dict | None = None  # {"seed", "cutoff", "tolerance", "tied", "drawn", "order", "base"}
    notes: list[str] = field(default_factory=list)


def money_unit(amounts: Iterable[Decimal]) -> Decimal:
    """The largest unit in which every amount is whole."""
    values = list(amounts)
    for unit in UNITS:
        if all((a / unit) == (a / unit).to_integral_value() for a in values):
            return unit
    return UNITS[-1]


def _int_score(score: float) -> int:
    return int(round(score * SCORE_SCALE))


def _totals(chosen: Sequence[int], by_id: dict[int, Candidate]) -> tuple[float, Decimal]:
    return (
        sum(_int_score(by_id[i].score) for i in chosen) / SCORE_SCALE,
        sum((by_id[i].cost for i in chosen), Decimal("0")),
    )


def share_outcomes(
    chosen: Iterable[int], candidates: Sequence[Candidate], shares: Sequence[MinShare], budget: Decimal
) -> list[ShareOutcome]:
    picked = set(chosen)
    out = []
    for s in shares:
        members = [c for c in candidates if c.groups.get(s.by) == s.value]
        available = sum((c.cost for c in members), Decimal("0"))
        required = min(Decimal(str(s.share)) * budget, available).quantize(Decimal("0.01"))
        achieved = sum((c.cost for c in members if c.id in picked), Decimal("0"))
        out.append(ShareOutcome(s.by, s.value, s.share, required, achieved, available, achieved >= required))
    return out


def _list(chosen: list[int], by_id: dict[int, Candidate], candidates, shares, budget) -> ListResult:
    score, cost = _totals(chosen, by_id)
    return ListResult(sorted(chosen), score, cost, share_outcomes(chosen, candidates, shares, budget))


def rank_order(candidates: Sequence[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (-_int_score(c.score), c.cost, c.id))


def rank_until_budget(candidates: Sequence[Candidate], budget: Decimal, rule: str = "stop") -> list[int]:
    left = budget
    chosen = []
    for c in rank_order(candidates):
        if c.cost <= left:
            chosen.append(c.id)
            left -= c.cost
        elif rule == "stop":
            break
    return chosen


@dataclass
class _Model:
    """The programme in integers: scores, costs, capacity, and the share rows (members, need)."""

    ids: list[int]
    score: list[int]
    cost: list[int]
    cap: int
    rows: list[tuple[list[int], int]]  # (member positions, need in units)


def _integer_model(candidates: Sequence[Candidate], budget: Decimal, shares: Sequence[MinShare]) -> _Model:
    unit = money_unit([budget, *(c.cost for c in candidates)])
    cost = [int(c.cost / unit) for c in candidates]
    rows = []
    for sh in shares:
        members = [k for k, c in enumerate(candidates) if c.groups.get(sh.by) == sh.value]
        available = sum(cost[k] for k in members)
        # ceil(share × budget) in units, capped at what the group asks for in all
        need = int((Decimal(str(sh.share)) * budget / unit).to_integral_value(rounding=ROUND_CEILING))
        need = min(need, available)
        if need > 0:
            rows.append((members, need))
    return _Model([c.id for c in candidates], [_int_score(c.score) for c in candidates], cost, int(budget / unit), rows)


def _feasible(m: _Model, chosen: set[int]) -> bool:
    if sum(m.cost[k] for k in chosen) > m.cap:
        return False
    return all(sum(m.cost[k] for k in members if k in chosen) >= need for members, need in m.rows)


@dataclass
class _Relaxation:
    bound: float  # Σ y·b + Σ max(0, d_i): an upper bound for any duals y ≥ 0
    reduced: list[float]  # d_i = score_i − yᵀA_i


def _relax(m: _Model) -> tuple[_Relaxation | None, set[int]]:
    """The LP relaxation (GLOP): its bound and reduced costs, and a list rounded from it (the LP's
    ones, then the best reduced costs that fit, the shares' members first)."""
    from ortools.linear_solver import pywraplp

    n = len(m.ids)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = [lp.NumVar(0.0, 1.0, "") for _ in range(n)]
    budget_row = lp.Constraint(-lp.infinity(), float(m.cap))
    for k in range(n):
        budget_row.SetCoefficient(x[k], float(m.cost[k]))
    share_rows = []
    for members, need in m.rows:
        row = lp.Constraint(float(need), lp.infinity())
        for k in members:
            row.SetCoefficient(x[k], float(m.cost[k]))
        share_rows.append(row)
    objective = lp.Objective()
    for k in range(n):
        objective.SetCoefficient(x[k], float(m.score[k]))
    objective.SetMaximization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None, set()
    y0 = max(0.0, budget_row.dual_value())
    ys = [max(0.0, -r.dual_value()) for r in share_rows]  # ≥ rows: duals ≤ 0 in a maximisation
    d = [float(m.score[k]) - y0 * m.cost[k] for k in range(n)]
    for (members, _need), yk in zip(m.rows, ys, strict=True):
        for k in members:
            d[k] += yk * m.cost[k]
    bound = y0 * m.cap - sum(yk * need for (_, need), yk in zip(m.rows, ys, strict=True))
    bound += sum(v for v in d if v > 0)
    chosen = {k for k in range(n) if x[k].solution_value() > 1 - 1e-9}
    left = m.cap - sum(m.cost[k] for k in chosen)
    in_rows = {k for members, _need in m.rows for k in members}
    for members, need in m.rows:
        member_set = set(members)
        have = sum(m.cost[k] for k in members if k in chosen)
        # the group's best missing members in, the worst of those in no group out to make room
        outs = sorted((k for k in chosen if k not in in_rows), key=lambda k: d[k])
        for k in sorted(member_set - chosen, key=lambda k: -d[k]):
            if have >= need:
                break
            while m.cost[k] > left and outs:
                gone = outs.pop(0)
                chosen.discard(gone)
                left += m.cost[gone]
            if m.cost[k] <= left:
                chosen.add(k)
                left -= m.cost[k]
                have += m.cost[k]
    for k in sorted(set(range(n)) - chosen, key=lambda k: -d[k]):
        if m.cost[k] <= left and m.score[k] > 0:
            chosen.add(k)
            left -= m.cost[k]
    return _Relaxation(bound, d), chosen


def _fixings(relax: _Relaxation, m: _Model, incumbent: set[int]) -> dict[int, int]:
    """Positions every list at least as good as the incumbent must take (1) or leave (0): an item
    whose |reduced cost| exceeds bound − incumbent would pull any list containing (or lacking) it
    below the incumbent."""
    gap = relax.bound - sum(m.score[k] for k in incumbent) + 1e-6 * max(1.0, abs(relax.bound))
    return {k: (1 if v > 0 else 0) for k, v in enumerate(relax.reduced) if abs(v) > gap}


def _solve_core(
    m: _Model, fixed: dict[int, int], incumbent: set[int] | None, seconds: float, workers: int
) -> tuple[Any, set[int] | None, float]:
    """CP-SAT over the unfixed items: (status code, best list found, bound on the whole)."""
    free = [k for k in range(len(m.ids)) if k not in fixed]
    ones = [k for k, v in fixed.items() if v == 1]
    model = cp_model.CpModel()
    x = {k: model.new_bool_var(f"x{k}") for k in free}
    model.add(sum(m.cost[k] * x[k] for k in free) <= m.cap - sum(m.cost[k] for k in ones))
    for members, need in m.rows:
        have = sum(m.cost[k] for k in members if fixed.get(k) == 1)
        model.add(sum(m.cost[k] * x[k] for k in members if k in x) >= need - have)
    model.maximize(sum(m.score[k] * x[k] for k in free))
    if incumbent is not None:
        for k in free:
            model.add_hint(x[k], k in incumbent)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = max(1, int(workers))
    # CP-SAT's presolve spends seconds on dominance between thousands of knapsack items and
    # finds nothing the LP would not; the search with the LP relaxation proves such models fast.
    solver.parameters.cp_model_presolve = False
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return code, None, float("inf")
    found = set(ones) | {k for k in free if solver.boolean_value(x[k])}
    return code, found, sum(m.score[k] for k in ones) + solver.best_objective_bound


def solve_ip(
    candidates: Sequence[Candidate],
    budget: Decimal,
    shares: Sequence[MinShare] = (),
    *,
    time_limit: float = 8.0,
    workers: int = 2,
    hint: Iterable[int] = (),
) -> tuple[str, list[int], float | None, float]:
    """(status, chosen ids, objective bound, wall seconds) of the integer programme.

    The LP relaxation fixes the items whose reduced cost exceeds the gap between its bound and the
    best list known (the hint, or the LP's own rounding); CP-SAT searches the rest (the core around
    the LP's cut-off) for a short while, its better list narrows the gap and fixes more, until
    CP-SAT proves the core optimal or the time is up."""
    started = time.perf_counter()
    m = _integer_model(candidates, budget, shares)
    position = {c.id: k for k, c in enumerate(candidates)}
    hinted = {position[i] for i in hint if i in position}
    incumbent: set[int] | None = hinted if _feasible(m, hinted) else None
    relax, rounded = _relax(m) if candidates else (None, set())
    if _feasible(m, rounded) and (incumbent is None or _value(m, rounded) > _value(m, incumbent)):
        incumbent = rounded
    bound = relax.bound if relax is not None else float("inf")
    status = "infeasible"
    slice_seconds = 0.5
    while True:
        left = float(time_limit) - (time.perf_counter() - started)
        fixed = _fixings(relax, m, incumbent) if relax is not None and incumbent is not None else {}
        code, found, core_bound = _solve_core(m, fixed, incumbent, min(slice_seconds, left), workers)
        if found is not None and (incumbent is None or _value(m, found) >= _value(m, incumbent)):
            incumbent = found
        if code == cp_model.OPTIMAL:
            status, bound = "optimal", min(bound, core_bound)
            break
        if code == cp_model.INFEASIBLE and not fixed:
            incumbent = None
            break
        if time.perf_counter() - started >= time_limit - 0.05:
            status = "feasible" if incumbent is not None else "infeasible"
            break
        slice_seconds *= 2
    wall = time.perf_counter() - started
    if incumbent is None:
        return "infeasible", [], None, wall
    return status, sorted(m.ids[k] for k in incumbent), bound / SCORE_SCALE, wall


def _value(m: _Model, chosen: set[int]) -> int:
    return sum(m.score[k] for k in chosen)


def lottery_draw(
    candidates: Sequence[Candidate], base: Sequence[int], budget: Decimal, *, seed: int, tolerance: float
) -> dict:
    """Redraw the tied band at the cut-off of `base` by lot (see the module's docstring)."""
    by_id = {c.id: c for c in candidates}
    if not base:
        return {
            "seed": seed,
            "cutoff": None,
            "tolerance": tolerance,
            "tied": [],
            "drawn": [],
            "order": [],
            "selected": [],
        }
    cutoff = min(by_id[i].score for i in base)
    tied = sorted(c.id for c in candidates if abs(c.score - cutoff) <= tolerance + 1e-9)
    tied_set = set(tied)
    kept = [i for i in base if i not in tied_set]
    left = budget - sum((by_id[i].cost for i in kept), Decimal("0"))
    order = list(tied)
    random.Random(seed).shuffle(order)
    drawn = []
    for i in order:
        if by_id[i].cost <= left:
            drawn.append(i)
            left -= by_id[i].cost
    return {
        "seed": seed,
        "cutoff": cutoff,
        "tolerance": tolerance,
        "tied": tied,
        "drawn": sorted(drawn),
        "order": order,
        "selected": sorted(kept + drawn),
    }


def select(
    candidates: Sequence[Candidate],
    budget: Decimal,
    shares: Sequence[MinShare] = (),
    *,
    rank_rule: str = "stop",
    time_limit: float = 8.0,
    workers: int = 2,
    lottery_seed: int | None = None,
    tolerance: float = 0.5,
) -> SelectionResult:
    """The optimised list beside rank-until-budget (and the lottery's list when a seed is given)."""
    by_id = {c.id: c for c in candidates}
    notes: list[str] = []
    rank_ids = rank_until_budget(candidates, budget, rank_rule)
    skip_ids = rank_ids if rank_rule == "skip" else rank_until_budget(candidates, budget, "skip")
    status, chosen, bound, wall = solve_ip(
        candidates, budget, shares, time_limit=time_limit, workers=workers, hint=skip_ids
    )
    unit = money_unit([budget, *(c.cost for c in candidates)])
    lottery = None
    if status != "infeasible" and lottery_seed is not None:
        lottery = lottery_draw(candidates, chosen, budget, seed=lottery_seed, tolerance=tolerance)
        lottery["base"] = sorted(chosen)
        chosen = lottery["selected"]
    optimal = _list(chosen, by_id, candidates, shares, budget)
    rank = _list(rank_ids, by_id, candidates, shares, budget)
    if status == "infeasible":
        notes.append("infeasible")
    chosen_set, rank_set = set(optimal.selected), set(rank.selected)
    return SelectionResult(
        status=status,
        optimal=optimal,
        rank=rank,
        rank_rule=rank_rule,
        unit=unit,
        wall_seconds=wall,
        objective_bound=bound,
        only_optimal=sorted(chosen_set - rank_set),
        only_rank=sorted(rank_set - chosen_set),
        lottery=lottery,
        notes=notes,
    )
