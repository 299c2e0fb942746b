"""Pricing: the pairs left out of the candidate graph that could still raise the total affinity.

After a min-cost flow on the candidates, node potentials are the shortest distances in its
residual graph (Bellman–Ford from a virtual root, vectorised: an optimal flow's residual graph has
no negative cycle, and the paths are short). A pair (i, j) outside the graph, added as an arc
expert j → application i, would have the reduced cost −1000·affinity + π(j) − π(head), where
head is i's in-province node for an in-province expert when the application has one, else i's
node (an organisation node a new pair would share is not priced: the figure is a guide, not a
bound). A negative reduced cost means the arc could carry flow profitably; none left means the
candidate optimum is the optimum over every eligible pair (up to those organisation nodes).
Column generation: add the most negative pairs per application and per expert, solve again.
"""

from dataclasses import dataclass

import numpy as np

from nesta.programmes.assignment.candidates import Candidates, row_bound, usable
from nesta.programmes.assignment.problem import Problem

BLOCK = 256  # application rows per block of the dense pricing pass
MAX_SWEEPS = 500  # Bellman–Ford sweeps (≈ 60–200 on the benchmark); past them, pricing stops


@dataclass
class Residual:
    tails: np.ndarray
    heads: np.ndarray
    costs: np.ndarray
    nodes: int


def residual(
    tails: np.ndarray, heads: np.ndarray, caps: np.ndarray, costs: np.ndarray, flows: np.ndarray, nodes: int
) -> Residual:
    fw, bw = flows < caps, flows > 0
    return Residual(
        tails=np.concatenate([tails[fw], heads[bw]]),
        heads=np.concatenate([heads[fw], tails[bw]]),
        costs=np.concatenate([costs[fw], -costs[bw]]),
        nodes=nodes,
    )


def potentials(r: Residual) -> np.ndarray | None:
    """Shortest distances from a virtual root joined to every node at cost 0; None if the sweeps
    do not settle (a negative cycle: the flow was not optimal)."""
    order = np.argsort(r.heads, kind="stable")
    tails, costs = r.tails[order], r.costs[order]
    heads, start = np.unique(r.heads[order], return_index=True)
    d = np.zeros(r.nodes, dtype=np.int64)
    if not len(heads):
        return d
    for _sweep in range(MAX_SWEEPS):
        best = np.minimum.reduceat(d[tails] + costs, start)
        lower = best < d[heads]
        if not lower.any():
            return d
        d[heads[lower]] = best[lower]
    return None


@dataclass
class Pricer:
    """What the pricing rounds of one solve share: the eligible pairs not in the graph, those that
    left it once, and the problem whose affinities and provinces the gains are computed from, a
    row block at a time (no dense float matrix is kept: a fresh one costs its page faults)."""

    outside: np.ndarray  # bool (n_apps, n_experts)
    dropped: np.ndarray  # bool (n_apps, n_experts): left the graph once (release), kept from then on
    problem: Problem
    scale: int

    @classmethod
    def of(cls, p: Problem, cand: Candidates, scale: int) -> "Pricer":
        outside = usable(p)
        outside[cand.apps, cand.experts] = False
        return cls(outside, np.zeros(p.shape, dtype=bool), p, scale)

    def release(self, cand: Candidates, keep: np.ndarray) -> Candidates:
        """The candidates without the pairs not kept, which are priced again from now on. A pair
        leaves at most once: one the pricing brings back stays (dropping columns again and again
        can cycle — an optimum has many duals, so a priced pair need not carry flow at once)."""
        keep = keep | self.dropped[cand.apps, cand.experts]
        self.outside[cand.apps[~keep], cand.experts[~keep]] = True
        self.dropped[cand.apps[~keep], cand.experts[~keep]] = True
        return Candidates(cand.apps[keep], cand.experts[keep])

    def price(
        self, cand: Candidates, expert_pi: np.ndarray, app_pi: np.ndarray, inprov_pi: np.ndarray | None, per_side: int
    ) -> tuple[Candidates, int]:
        """The candidates with each application's and each expert's `per_side` most negative
        reduced-cost pairs added; and how many pairs outside the graph have a negative one."""
        # reduced cost −scaled + π(j) − π(head) < 0  ⇔  gain = scaled − π(j) + π(head) > 0. Two
        # passes over row blocks: the first counts and bounds (each row's per_side-th best gain
        # from below, each column's from the maxima of row groups), the second keeps the pairs
        # above a bound — a superset of every row's and column's best — for the exact selection
        n_a, n_e = self.outside.shape
        gains = _Gains(self, expert_pi, app_pi, inprov_pi)
        group = max(1, min(BLOCK, n_a // (4 * max(per_side, 1))))  # rows per column-bound group
        count = 0
        row_b = np.empty(n_a, dtype=np.float32)
        col_max: list[np.ndarray] = []
        for lo in range(0, n_a, BLOCK):
            g = gains.block(lo, min(lo + BLOCK, n_a))
            count += int(np.count_nonzero(g > 0))
            row_b[lo : lo + len(g)] = row_bound(g, per_side)
            col_max.append(np.maximum.reduceat(g, np.arange(0, len(g), group), axis=0))
        if not count:
            return cand, 0
        maxima = np.concatenate(col_max)
        col_b = (
            np.partition(maxima, len(maxima) - per_side, axis=0)[len(maxima) - per_side]
            if len(maxima) > per_side
            else np.full(n_e, -np.inf, dtype=np.float32)
        )
        found_a: list[np.ndarray] = []
        found_e: list[np.ndarray] = []
        found_g: list[np.ndarray] = []
        for lo in range(0, n_a, BLOCK):
            g = gains.block(lo, min(lo + BLOCK, n_a))
            r, c = np.nonzero(((g >= row_b[lo : lo + len(g), None]) | (g >= col_b[None, :])) & (g > 0))
            found_a.append(r + lo)
            found_e.append(c)
            found_g.append(g[r, c].astype(np.int64))
        ai, ej, gain_all = np.concatenate(found_a), np.concatenate(found_e), np.concatenate(found_g)
        span = int(gain_all.max()) + 1
        chosen = np.zeros(len(ai), dtype=bool)
        for side in (ai, ej):  # each application's and each expert's per_side most negative
            order = np.argsort(side.astype(np.int64) * span + (span - 1 - gain_all), kind="stable")  # best first
            s = side[order]
            starts = np.r_[True, s[1:] != s[:-1]]
            idx = np.arange(len(s))
            rank = idx - np.maximum.accumulate(np.where(starts, idx, 0))
            chosen[order[rank < per_side]] = True
        ai, ej = ai[chosen].astype(np.int64), ej[chosen].astype(np.int64)
        self.outside[ai, ej] = False
        return Candidates(np.concatenate([cand.apps, ai]), np.concatenate([cand.experts, ej])), count


class _Gains:
    """Row blocks of the gain matrix for one set of potentials: float32, −1 for the pairs in the
    graph or not eligible; the costs rounded like the flow's. Every operation writes into the
    same block buffers (a temporary per operation would cost more than the arithmetic)."""

    def __init__(self, pricer: Pricer, expert_pi: np.ndarray, app_pi: np.ndarray, inprov_pi: np.ndarray | None):
        p = pricer.problem
        self.pricer, self.scale = pricer, np.float32(pricer.scale)
        self.ep = expert_pi.astype(np.float32)[None, :]
        self.ap = app_pi.astype(np.float32)[:, None]
        self.shift: np.ndarray | None = None  # in-province experts enter through the in-province node
        if p.inprov_cap is not None and inprov_pi is not None:
            has = inprov_pi != np.iinfo(np.int64).min
            self.shift = np.where(has, inprov_pi.astype(np.float32) - app_pi.astype(np.float32), np.float32(0))[:, None]
            # small integer codes (a comparison of int8 is ≈ 20 × one of int64); −1 matches no application
            codes = np.unique(np.concatenate([p.expert_province[p.expert_province >= 0], p.app_province]))
            code_dtype = np.int8 if len(codes) < 127 else np.int32
            self.prov = np.where(p.expert_province >= 0, np.searchsorted(codes, p.expert_province), -1).astype(
                code_dtype
            )[None, :]
            self.app_prov = np.searchsorted(codes, p.app_province).astype(code_dtype)[:, None]
        rows = min(BLOCK, p.shape[0])
        self.buf = np.empty((rows, p.shape[1]), dtype=np.float32)
        self.tmp = np.empty((rows, p.shape[1]), dtype=np.float32)
        self.mask = np.empty((rows, p.shape[1]), dtype=bool)

    def block(self, lo: int, hi: int) -> np.ndarray:
        p = self.pricer.problem
        out, mask = self.buf[: hi - lo], self.mask[: hi - lo]
        np.multiply(p.affinity[lo:hi], self.scale, out=out)
        np.rint(out, out=out)
        np.subtract(out, self.ep, out=out)
        np.add(out, self.ap[lo:hi], out=out)
        if self.shift is not None:  # (masked ufuncs, `where=`, are several times slower than this)
            np.equal(self.prov, self.app_prov[lo:hi], out=mask)
            np.multiply(mask, self.shift[lo:hi], out=self.tmp[: hi - lo])
            out += self.tmp[: hi - lo]
        np.logical_not(self.pricer.outside[lo:hi], out=mask)
        np.copyto(out, np.float32(-1), where=mask)
        return out
