"""Calibrated review scores (pure numerics: numpy only).

Three views of the same reviews, each on the 0–100 scale of a review's total:

raw       the mean of an application's review totals.
z         each reviewer's totals standardised by the reviewer's own mean and standard deviation over
          their reviews in the call, then mapped back to the call's scale (pooled mean + pooled std × z),
          so a harsh and a lenient reviewer count alike. A reviewer with one review, or whose totals are
          all equal, has no scale of their own: their raw total is used (noted).
quality   the least-squares model total_ij = quality_i + offset_j (reviewer j's leniency), solved over the
          bipartite graph of applications and reviewers. Within each connected component the model has
          one free constant; Σ offset_j = 0 in each component fixes it (the minimum-norm solution of the
          reduced normal equations, numpy lstsq; a component of more than LSTSQ_MAX reviewers by the
          equivalent positive-definite solve (L + 11ᵀ/n)·offset = b, the same offsets without an
          SVD). With ridge λ > 0 the offsets are shrunk towards 0 instead (λ‖offset‖² added), which
          also steadies reviewers with few reviews.

The reduced system: for fixed offsets, quality_i is the mean of (total_ij − offset_j) over i's
reviewers; substituting leaves L·offset = b in the reviewers only, with L the co-review Laplacian
L_jj = Σ_i (1 − 1/d_i), L_jk = −Σ_{i reviewed by both} 1/d_i, b_j = Σ_i (total_ij − mean_i) — a
reviewer-by-reviewer system, small beside the full design matrix.

A review is flagged as far from the consensus when it differs from the consensus of the
application's other reviews (their median: the mean of two, robust to one wild review among more) by more than min(flag_points, flag_sd × pooled within-application std), the std
floored at MIN_SD points so near-unanimous calls do not flag every small difference.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import fmean, median

import numpy as np

SCALE_MIN, SCALE_MAX = 0.0, 100.0
MIN_SD = 5.0
LSTSQ_MAX = 300  # reviewers in a component solved by lstsq; larger ones by the equivalent direct solve


@dataclass(frozen=True)
class Rating:
    application: int
    reviewer: int
    score: float
    review: int | None = None  # the Review's id, to name a flagged review


@dataclass(frozen=True)
class Flag:
    application: int
    reviewer: int
    review: int | None
    score: float
    others_mean: float  # the others' consensus (median)
    deviation: float  # score − others_mean


@dataclass
class ReviewerStats:
    reviewer: int
    count: int
    mean: float
    std: float
    offset: float  # the model's leniency (+ lenient, − harsh)
    z_fallback: bool  # True: one review or no spread, raw totals used in z
    component: int


@dataclass
class ApplicationScores:
    application: int
    count: int
    raw: float
    z: float
    quality: float
    component: int
    reviews: list[Rating] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


@dataclass
class Calibration:
    applications: dict[int, ApplicationScores]
    reviewers: dict[int, ReviewerStats]
    components: int
    pooled_mean: float
    pooled_std: float
    within_std: float
    flag_threshold: float
    ridge: float
    notes: list[str] = field(default_factory=list)

    def ranking(self, kind: str = "quality") -> list[int]:
        """Application ids, best first, by `kind` (raw, z or quality); ties by id."""
        return sorted(self.applications, key=lambda a: (-getattr(self.applications[a], kind), a))


def _clip(x: float) -> float:
    return float(min(SCALE_MAX, max(SCALE_MIN, x)))


def _components(ratings: list[Rating]) -> tuple[dict[int, int], dict[int, int]]:
    """Connected components of the application–reviewer graph (union–find): {app: c}, {reviewer: c}."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for r in ratings:
        a, j = ("a", r.application), ("r", r.reviewer)
        parent.setdefault(a, a)
        parent.setdefault(j, j)
        ra, rj = find(a), find(j)
        if ra != rj:
            parent[rj] = ra
    labels: dict[tuple[str, int], int] = {}
    apps: dict[int, int] = {}
    revs: dict[int, int] = {}
    for node in sorted(parent):
        c = labels.setdefault(find(node), len(labels))
        (apps if node[0] == "a" else revs)[node[1]] = c
    return apps, revs


def solve_offsets(
    ratings: list[Rating], reviewers: list[int], ridge: float = 0.0, *, direct: bool = False
) -> dict[int, float]:
    """Reviewer offsets of the model total = quality + offset over one connected component
    (Σ offset = 0 when ridge is 0; shrunk towards 0 otherwise)."""
    index = {j: k for k, j in enumerate(reviewers)}
    n = len(reviewers)
    by_app: dict[int, list[Rating]] = defaultdict(list)
    for r in ratings:
        by_app[r.application].append(r)
    lap = np.zeros((n, n))
    b = np.zeros(n)
    for rs in by_app.values():
        d = len(rs)
        mean = sum(r.score for r in rs) / d
        idx = [index[r.reviewer] for r in rs]
        for r, k in zip(rs, idx, strict=True):
            b[k] += r.score - mean
            lap[k, k] += 1.0
        for k in idx:
            for m in idx:
                lap[k, m] -= 1.0 / d
    if ridge > 0:
        offsets = np.linalg.solve(lap + ridge * np.eye(n), b)
    elif n <= LSTSQ_MAX and not direct:
        # minimum norm: orthogonal to the Laplacian's null space (the constant), so Σ offset = 0
        offsets = np.linalg.lstsq(lap, b, rcond=None)[0]
    else:
        # a connected component's Laplacian has the constant as its only null direction and Σ b = 0:
        # (L + 11ᵀ/n)·o = b is positive definite and its solution has Σ o = 0 and L·o = b, the
        # same offsets as lstsq's at a fraction of the cost (an LU solve instead of an SVD)
        offsets = np.linalg.solve(lap + np.full((n, n), 1.0 / n), b)
    offsets -= offsets.mean() if ridge <= 0 else 0.0  # exact zero sum against rounding
    return {j: float(offsets[index[j]]) for j in reviewers}


def calibrate(
    ratings: Iterable[Rating], *, ridge: float = 0.0, flag_points: float = 20.0, flag_sd: float = 2.0
) -> Calibration:
    rows = [r for r in ratings]
    notes: list[str] = []
    if not rows:
        return Calibration({}, {}, 0, 0.0, 0.0, 0.0, flag_points, ridge, notes)
    scores = np.array([r.score for r in rows], dtype=float)
    pooled_mean = float(scores.mean())
    pooled_std = float(scores.std())

    by_rev: dict[int, list[Rating]] = defaultdict(list)
    by_app: dict[int, list[Rating]] = defaultdict(list)
    for r in rows:
        by_rev[r.reviewer].append(r)
        by_app[r.application].append(r)
    app_comp, rev_comp = _components(rows)

    # (a) per-reviewer z-scores mapped back to the call's scale
    stats: dict[int, ReviewerStats] = {}
    z_of: dict[tuple[int, int], float] = {}
    fallbacks = 0
    for j, rs in by_rev.items():
        vals = np.array([r.score for r in rs], dtype=float)
        mean, std = float(vals.mean()), float(vals.std())
        fallback = len(rs) < 2 or std < 1e-9
        fallbacks += fallback
        stats[j] = ReviewerStats(j, len(rs), mean, std, 0.0, fallback, rev_comp[j])
        for r in rs:
            if fallback or pooled_std < 1e-9:
                z_of[(r.application, j)] = r.score
            else:
                z_of[(r.application, j)] = _clip(pooled_mean + pooled_std * (r.score - mean) / std)
    if fallbacks:
        notes.append(f"z_fallback:{fallbacks}")

    # (b) the least-squares model, one component at a time
    comp_rows: dict[int, list[Rating]] = defaultdict(list)
    for r in rows:
        comp_rows[app_comp[r.application]].append(r)
    offsets: dict[int, float] = {}
    for rs in comp_rows.values():
        offsets.update(solve_offsets(rs, sorted({r.reviewer for r in rs}), ridge))
    for j, s in stats.items():
        s.offset = offsets[j]
    components = len(comp_rows)
    if components > 1:
        notes.append(f"components:{components}")

    # flags: a review far from the mean of the others on the same application
    within = [r.score - fmean([x.score for x in rs]) for rs in by_app.values() if len(rs) > 1 for r in rs]
    within_std = float(np.sqrt(np.mean(np.square(within)))) if within else 0.0
    threshold = min(flag_points, flag_sd * max(within_std, MIN_SD))

    apps: dict[int, ApplicationScores] = {}
    for a, rs in by_app.items():
        raw = fmean([r.score for r in rs])
        z = fmean([z_of[(a, r.reviewer)] for r in rs])
        quality = _clip(fmean([r.score - offsets[r.reviewer] for r in rs]))
        flags = []
        if len(rs) > 1:
            for k, r in enumerate(rs):
                # the median of the others: one wild review must not make a sound one look far off
                others = float(median([x.score for m, x in enumerate(rs) if m != k]))
                if abs(r.score - others) > threshold:
                    flags.append(Flag(a, r.reviewer, r.review, r.score, others, r.score - others))
        apps[a] = ApplicationScores(a, len(rs), raw, z, quality, app_comp[a], list(rs), flags)
    return Calibration(apps, stats, components, pooled_mean, pooled_std, within_std, threshold, ridge, notes)
