"""The assignment problem in arrays (index i: application, j: expert) and its solution."""

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Problem:
    affinity: np.ndarray  # float32 (n_apps, n_experts), in [0, 1]
    eligible: np.ndarray  # bool (n_apps, n_experts): no conflict, not already on the seat
    need: np.ndarray  # int (n_apps,): seats to fill
    capacity: np.ndarray  # int (n_experts,): most new seats (max load, the yearly cap, availability)
    min_load: np.ndarray  # int (n_experts,): fewest new seats
    expert_org: np.ndarray  # int (n_experts,): organisation index, -1 none
    # int (n_experts,): province index, -1 unknown; the organisation's (one province per organisation)
    expert_province: np.ndarray
    app_province: np.ndarray  # int (n_apps,)
    # most new in-province seats per application (k − 1 less those held), None: no such rule
    inprov_cap: np.ndarray | None = None
    one_per_org: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return self.affinity.shape  # type: ignore[return-value]

    def in_province(self) -> np.ndarray:
        """bool (n_apps, n_experts): the expert sits in the applicant's province."""
        ep = self.expert_province
        return (ep[None, :] >= 0) & (ep[None, :] == self.app_province[:, None])


@dataclass
class Solution:
    status: str  # optimal | infeasible
    pairs: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    pair_affinity: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    reasons: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    arcs: int = 0
    threshold: float | None = None  # the fairness floor reached
    grow_rounds: int = 0  # rounds the candidate graph grew before it was feasible; -1: every pair taken
    price_rounds: int = 0  # column-generation rounds after that
    priced_out: bool = False  # no pair outside the graph had a negative reduced cost: optimal over all

    def per_app(self, n_apps: int) -> tuple[np.ndarray, np.ndarray]:
        """(seats, summed affinity) per application."""
        seats = np.bincount(self.pairs[:, 0], minlength=n_apps) if len(self.pairs) else np.zeros(n_apps, dtype=int)
        total = (
            np.bincount(self.pairs[:, 0], weights=self.pair_affinity, minlength=n_apps)
            if len(self.pairs)
            else np.zeros(n_apps)
        )
        return seats, total


def figures(solution: Solution, need: np.ndarray) -> dict[str, Any]:
    """Total affinity, the worst-off application's mean affinity, short-handed applications."""
    n_apps = len(need)
    seats, total = solution.per_app(n_apps)
    wanted = need > 0
    mean = np.divide(total, np.maximum(seats, 1))
    return {
        "pairs": int(len(solution.pairs)),
        "total_affinity": round(float(solution.pair_affinity.sum()), 3),
        "worst_affinity": round(float(mean[wanted & (seats > 0)].min()), 3) if (wanted & (seats > 0)).any() else 0.0,
        "short_applications": int((seats[wanted] < need[wanted]).sum()),
        "missing_seats": int(np.maximum(need - seats, 0).sum()),
    }
