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
    """The dense masks a pricing round needs, built once per solve: the eligible pairs not yet in
    the graph, and which pairs are in-province."""

    outside: np.ndarray  # bool (n_apps, n_experts)
    inside: np.ndarray | None  # bool (n_apps, n_experts): expert in the applicant's province
    scaled: np.ndarray  # float32 (n_apps, n_experts): affinity × scale, rounded like the costs
    dropped: np.ndarray  # bool (n_apps, n_experts): left the graph once (release), kept from then on
    gain: np.ndarray | None = None  # float32 (n_apps, n_experts): the last round's gains (a buffer)

    @classmethod
    def of(cls, p: Problem, cand: Candidates, scale: int) -> "Pricer":
        outside = usable(p)
        outside[cand.apps, cand.experts] = False
        inside = p.in_province() if p.inprov_cap is not None else None
        return cls(outside, inside, np.rint(p.affinity * np.float32(scale)), np.zeros(p.shape, dtype=bool))

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
        # reduced cost −scaled + π(j) − π(head) < 0  ⇔  gain = scaled − π(j) + π(head) > 0
        gain = self._gains(expert_pi, app_pi, inprov_pi)
        count = int(np.count_nonzero(gain > 0))
        if not count:
            return cand, 0
        # a superset of each row's and each column's per_side best in one comparison pass (the
        # bounds: the per_side-th best of group maxima), then the exact selection on that
        rows, cols = row_bound(gain, per_side)[:, None], row_bound(gain.T, per_side)[None, :]
        ai, ej = np.nonzero(((gain >= rows) | (gain >= cols)) & (gain > 0))
        gain_all = gain[ai, ej].astype(np.int64)
        span = int(gain_all.max()) + 1
        chosen = np.zeros(len(ai), dtype=bool)
        for group in (ai, ej):  # each application's and each expert's per_side most negative
            order = np.argsort(group.astype(np.int64) * span + (span - 1 - gain_all), kind="stable")  # best first
            g = group[order]
            starts = np.r_[True, g[1:] != g[:-1]]
            idx = np.arange(len(g))
            rank = idx - np.maximum.accumulate(np.where(starts, idx, 0))
            chosen[order[rank < per_side]] = True
        ai, ej = ai[chosen].astype(np.int64), ej[chosen].astype(np.int64)
        self.outside[ai, ej] = False
        return Candidates(np.concatenate([cand.apps, ai]), np.concatenate([cand.experts, ej])), count

    def _gains(self, expert_pi: np.ndarray, app_pi: np.ndarray, inprov_pi: np.ndarray | None) -> np.ndarray:
        """float32 (n_apps, n_experts): each outside pair's gain, −1 for the pairs in the graph or
        not eligible; computed in row blocks so the temporaries stay in cache."""
        n_a, n_e = self.scaled.shape
        ep = expert_pi.astype(np.float32)[None, :]
        ap = app_pi.astype(np.float32)
        none = np.iinfo(np.int64).min
        use_inside = self.inside is not None and inprov_pi is not None
        ip = inprov_pi.astype(np.float32) if inprov_pi is not None else ap
        if self.gain is None:  # one buffer for every round: a fresh 4-byte matrix costs its page faults
            self.gain = np.empty((n_a, n_e), dtype=np.float32)
        gain = self.gain
        for lo in range(0, n_a, BLOCK):
            hi = min(lo + BLOCK, n_a)
            out = gain[lo:hi]
            np.subtract(self.scaled[lo:hi], ep, out=out)
            out += ap[lo:hi, None]
            if use_inside:
                assert self.inside is not None and inprov_pi is not None
                rows = np.nonzero(inprov_pi[lo:hi] != none)[0]
                if len(rows):  # an in-province expert enters through the in-province node
                    shift = (ip[lo + rows] - ap[lo + rows])[:, None]
                    out[rows] += np.where(self.inside[lo + rows], shift, np.float32(0))
            out[~self.outside[lo:hi]] = -1
        return gain
