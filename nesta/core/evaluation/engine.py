"""Weighted-indicator evaluation: normalise within a cohort, weight, rank, explain, test sensitivity.

Pure and vectorised (numpy): no ORM, no translation. An app reads its figures into `Subject`s,
describes the scheme as `Criterion`s and turns the `Outcome`s into its own recommendations — the
engine knows nothing of bases, zones or instruments.

Every score is traceable: `Outcome.reasons` holds, per criterion, the raw value, the normalised
value, the weight's share of the total weight and the product of the two (the contribution); the
score is the sum of the contributions. docs/evaluation.md states each normalisation.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Normalisation = Literal["minmax", "zscore", "median_ratio"]
NORMALISATIONS: tuple[Normalisation, ...] = ("minmax", "zscore", "median_ratio")

# Scores equal to this many places are ties (float sums of the same terms in another order differ
# in the last bits; a tie must not be broken by rounding noise).
_TIE_PLACES = 9
SENSITIVITY_STEP = 0.10


class SchemeError(ValueError):
    """The scheme cannot be evaluated (no criteria, negative or all-zero weights, unknown keys)."""


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: float
    normalisation: Normalisation = "minmax"
    higher_is_better: bool = True
    # A subject whose raw value is below the minimum (above it, for lower-is-better) is flagged.
    minimum: float | None = None
    # median_ratio only: ratios above the cap count as the cap, so one outlier cannot carry a score.
    cap: float | None = None


@dataclass(frozen=True)
class Subject:
    id: int
    cohort: str
    values: Mapping[str, float | None]
    # A second ranking inside the cohort (a base's priority-area field, say); None = not ranked.
    group: str | None = None


@dataclass(frozen=True)
class Reason:
    key: str
    value: float | None
    normalised: float
    weight: float  # this criterion's share of the total weight (the shares sum to 1)
    contribution: float  # normalised × weight; the score is their sum
    missing: bool = False


@dataclass(frozen=True)
class Shift:
    """Where a subject would rank if one criterion's weight moved by ±SENSITIVITY_STEP."""

    key: str
    rank_if_lower: int
    rank_if_higher: int


@dataclass(frozen=True)
class _Cohort:
    """One cohort's arrays, shared by its outcomes: reasons and shifts are built when read."""

    keys: Sequence[str]
    shares: np.ndarray
    raw: np.ndarray
    norm: np.ndarray
    shifts: np.ndarray | None  # [criterion, lower|higher, subject] → rank


@dataclass
class Outcome:
    subject_id: int
    cohort: str
    group: str | None
    score: float
    rank: int  # within the cohort, 1 = best; equal scores share a rank (1, 2, 2, 4)
    cohort_size: int
    group_rank: int | None
    group_size: int | None
    below_minimum: list[str]
    _table: _Cohort = field(repr=False, compare=False)
    _row: int = field(repr=False, compare=False)

    @property
    def reasons(self) -> list[Reason]:
        t, i = self._table, self._row
        out = []
        for j, key in enumerate(t.keys):
            value = float(t.raw[i, j])
            missing = math.isnan(value)
            normalised = float(t.norm[i, j])
            share = float(t.shares[j])
            out.append(
                Reason(
                    key=key,
                    value=None if missing else value,
                    normalised=normalised,
                    weight=share,
                    contribution=normalised * share,
                    missing=missing,
                )
            )
        return out

    @property
    def sensitivity(self) -> list[Shift]:
        t, i = self._table, self._row
        if t.shifts is None:
            return []
        return [
            Shift(key=key, rank_if_lower=int(t.shifts[j, 0, i]), rank_if_higher=int(t.shifts[j, 1, i]))
            for j, key in enumerate(t.keys)
        ]


def _validate(criteria: Sequence[Criterion]) -> np.ndarray:
    if not criteria:
        raise SchemeError("no criteria")
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        raise SchemeError("duplicate criterion keys")
    weights = np.array([c.weight for c in criteria], dtype=float)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise SchemeError("weights must be finite and non-negative")
    if weights.sum() <= 0:
        raise SchemeError("the weights sum to zero")
    for c in criteria:
        if c.normalisation not in NORMALISATIONS:
            raise SchemeError(f"unknown normalisation {c.normalisation!r}")
        if c.cap is not None and not (c.cap > 0 and math.isfinite(c.cap)):
            raise SchemeError("a cap must be positive")
    return weights


def normalise(values: np.ndarray, criterion: Criterion) -> np.ndarray:
    """One criterion's column for one cohort; NaN marks a missing value and stays NaN.

    - minmax: (x − min) ÷ (max − min), in [0, 1]; all equal → 1 for everyone (nobody is worse).
    - zscore: (x − mean) ÷ population standard deviation; all equal → 0.
    - median_ratio: x ÷ median, capped when the criterion has a cap; median 0 → 1 where x is 0
      too, else the cap (or 1 when uncapped: no scale to measure against).
    Lower-is-better criteria are mirrored: minmax gives (max − x) ÷ (max − min), zscore the negated
    z, median_ratio median ÷ x (0 → the cap or, uncapped, the largest finite ratio).
    """
    present = ~np.isnan(values)
    out = np.full(values.shape, np.nan)
    if not present.any():
        return out
    x = values[present]
    if criterion.normalisation == "minmax":
        lo, hi = float(x.min()), float(x.max())
        span = hi - lo
        if span == 0:
            out[present] = 1.0
        else:
            out[present] = (x - lo) / span if criterion.higher_is_better else (hi - x) / span
    elif criterion.normalisation == "zscore":
        sd = float(x.std())
        if sd == 0:
            out[present] = 0.0
        else:
            z = (x - float(x.mean())) / sd
            out[present] = z if criterion.higher_is_better else -z
    else:
        median = float(np.median(x))
        out[present] = _median_ratio(x, median, criterion)
    return out


def _median_ratio(x: np.ndarray, median: float, criterion: Criterion) -> np.ndarray:
    cap = criterion.cap
    if median == 0:
        ratio = np.where(x == 0, 1.0, cap if cap is not None else 1.0)
        return ratio if criterion.higher_is_better else np.where(x == 0, 1.0, 0.0)
    if criterion.higher_is_better:
        ratio = x / median
    else:
        with np.errstate(divide="ignore"):
            ratio = np.where(x == 0, np.inf, median / np.where(x == 0, 1.0, x))
        finite = ratio[np.isfinite(ratio)]
        top = cap if cap is not None else (float(finite.max()) if finite.size else 1.0)
        ratio = np.where(np.isfinite(ratio), ratio, top)
    if cap is not None:
        ratio = np.minimum(ratio, cap)
    return ratio


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """1 + the number of strictly better scores: ties share a rank and the next rank is skipped."""
    rounded = np.round(scores, _TIE_PLACES)
    ordered = np.sort(-rounded)
    return np.searchsorted(ordered, -rounded, side="left") + 1


def _below(raw: np.ndarray, criteria: Sequence[Criterion]) -> np.ndarray:
    below = np.zeros(raw.shape, dtype=bool)
    for j, c in enumerate(criteria):
        if c.minimum is None:
            continue
        column = raw[:, j]
        # A missing figure cannot show that the minimum is met.
        with np.errstate(invalid="ignore"):
            below[:, j] = np.isnan(column) | ((column < c.minimum) if c.higher_is_better else (column > c.minimum))
    return below


@dataclass(frozen=True)
class Scored:
    """One cohort scored as arrays, rows in the caller's order — what `evaluate` builds its outcomes
    from, and what an app reads directly when it stores many results at once (no per-subject objects)."""

    keys: tuple[str, ...]
    shares: np.ndarray  # [criterion] the weights' shares (sum 1)
    raw: np.ndarray  # [subject, criterion] the values, NaN = missing
    norm: np.ndarray  # [subject, criterion] normalised, missing values filled as `evaluate` says
    scores: np.ndarray  # [subject] norm @ shares
    ranks: np.ndarray  # [subject] competition ranks within the cohort
    group_ranks: np.ndarray  # [subject] competition ranks within the subject's group; 0 = no group
    group_sizes: np.ndarray  # [subject] the group's size; 0 = no group
    below: np.ndarray  # [subject, criterion] True where the criterion's minimum is not met
    shifts: np.ndarray | None  # [criterion, lower|higher, subject] the rank with that weight moved ±10 %


def score_cohort(
    criteria: Sequence[Criterion],
    raw: np.ndarray,
    groups: np.ndarray | None = None,
    *,
    sensitivity: bool = True,
) -> Scored:
    """Score one cohort given as a matrix: raw[subject, criterion] (NaN or ±inf = missing) and
    optional integer group codes (negative = not ranked in a group). The arithmetic of `evaluate`."""
    weights = _validate(criteria)
    raw = np.array(raw, dtype=float, copy=True).reshape(-1, len(criteria))
    raw[~np.isfinite(raw)] = np.nan
    codes = None if groups is None else np.asarray(groups, dtype=np.int64)
    return _score(criteria, weights, raw, codes, sensitivity)


def _score(
    criteria: Sequence[Criterion], weights: np.ndarray, raw: np.ndarray, codes: np.ndarray | None, sensitivity: bool
) -> Scored:
    shares = weights / weights.sum()
    keys = tuple(c.key for c in criteria)
    norm = np.empty_like(raw)
    for j, c in enumerate(criteria):
        column = normalise(raw[:, j], c)
        missing = np.isnan(column)
        if missing.any():
            worst = float(np.nanmin(column)) if (~missing).any() else 0.0
            column[missing] = min(worst, 0.0)
        norm[:, j] = column
    scores = norm @ shares
    n = raw.shape[0]
    if codes is None:
        group_ranks = np.zeros(n, dtype=np.int64)
        group_sizes = np.zeros(n, dtype=np.int64)
    else:
        group_ranks, group_sizes = _grouped_ranks(scores, codes)
    return Scored(
        keys=keys,
        shares=shares,
        raw=raw,
        norm=norm,
        scores=scores,
        ranks=competition_ranks(scores),
        group_ranks=group_ranks,
        group_sizes=group_sizes,
        below=_below(raw, criteria),
        shifts=_sensitivity(norm, weights, keys) if sensitivity else None,
    )


def evaluate(criteria: Sequence[Criterion], subjects: Sequence[Subject], *, sensitivity: bool = True) -> list[Outcome]:
    """Score and rank every subject within its cohort; outcomes come back best first per cohort.

    A missing value (None, NaN or infinite) normalises to the lower of 0 and the cohort's worst
    normalised value for that criterion, and is marked `missing` in its reason: not reporting a figure must not
    score better than reporting the worst one.
    """
    weights = _validate(criteria)
    keys = [c.key for c in criteria]
    cohorts: dict[str, list[int]] = {}
    for i, s in enumerate(subjects):
        cohorts.setdefault(s.cohort, []).append(i)

    outcomes: list[Outcome] = []
    for cohort in sorted(cohorts):
        members = [subjects[i] for i in cohorts[cohort]]
        raw = np.array([[_as_float(s.values.get(k)) for k in keys] for s in members], dtype=float).reshape(
            len(members), len(keys)
        )
        labels: dict[str, int] = {}
        codes = np.array(
            [-1 if s.group is None else labels.setdefault(s.group, len(labels)) for s in members], dtype=np.int64
        )
        scored = _score(criteria, weights, raw, codes, sensitivity)
        flags = _flags(scored)
        table = _Cohort(keys=keys, shares=scored.shares, raw=raw, norm=scored.norm, shifts=scored.shifts)
        order = np.lexsort((np.array([s.id for s in members]), scored.ranks))
        for i in order.tolist():
            s = members[i]
            grouped = s.group is not None
            outcomes.append(
                Outcome(
                    subject_id=s.id,
                    cohort=cohort,
                    group=s.group,
                    score=float(scored.scores[i]),
                    rank=int(scored.ranks[i]),
                    cohort_size=len(members),
                    group_rank=int(scored.group_ranks[i]) if grouped else None,
                    group_size=int(scored.group_sizes[i]) if grouped else None,
                    below_minimum=flags[i],
                    _table=table,
                    _row=i,
                )
            )
    return outcomes


def _flags(scored: Scored) -> list[list[str]]:
    """Per subject, the keys whose minimum it misses (in the criteria's order)."""
    flags: list[list[str]] = [[] for _ in range(scored.below.shape[0])]
    for i, j in zip(*np.nonzero(scored.below), strict=True):
        flags[int(i)].append(scored.keys[int(j)])
    return flags


def _as_float(value: object) -> float:
    if value is None:
        return math.nan
    number = float(value)  # type: ignore[arg-type]  # Decimal, int or float from the app
    return number if math.isfinite(number) else math.nan


def _grouped_ranks(scores: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Competition ranks within each group code (negative = none → rank and size 0), vectorised:
    sort by (group, −score); a rank is 1 + the position of its tie run's start in its group."""
    n = scores.shape[0]
    ranks = np.zeros(n, dtype=np.int64)
    sizes = np.zeros(n, dtype=np.int64)
    inside = np.nonzero(codes >= 0)[0]
    if inside.size == 0:
        return ranks, sizes
    rounded = -np.round(scores[inside], _TIE_PLACES)
    code = codes[inside]
    order = np.lexsort((rounded, code))
    c, v = code[order], rounded[order]
    position = np.arange(order.size)
    new_group = np.ones(order.size, dtype=bool)
    new_group[1:] = c[1:] != c[:-1]
    new_run = new_group.copy()
    new_run[1:] |= v[1:] != v[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, position, 0))
    run_start = np.maximum.accumulate(np.where(new_run, position, 0))
    ranks[inside[order]] = run_start - group_start + 1
    _, inverse, counts = np.unique(code, return_inverse=True, return_counts=True)
    sizes[inside] = counts[inverse]
    return ranks, sizes


def _sensitivity(norm: np.ndarray, weights: np.ndarray, keys: Sequence[str]) -> np.ndarray:
    """ranks[j, 0|1, i]: subject i's rank when weight j is 10 % lower | higher (shares renormalised).

    The competition ranks of `competition_ranks`, computed from a stable sort of the shifted scores
    taken in the unshifted order: a ±10 % weight barely reorders them, and the sort (timsort) runs
    in near-linear time on nearly sorted input.
    """
    n, m = norm.shape
    out = np.empty((m, 2, n), dtype=int)
    if n == 0:
        return out
    order = np.argsort(-(norm @ (weights / weights.sum())), kind="stable")
    position = np.arange(n)
    new_run = np.empty(n, dtype=bool)
    new_run[0] = True
    for j in range(m):
        for d, factor in enumerate((1 - SENSITIVITY_STEP, 1 + SENSITIVITY_STEP)):
            moved = weights.copy()
            moved[j] *= factor
            rounded = -np.round(norm @ (moved / moved.sum()), _TIE_PLACES)[order]
            by_score = np.argsort(rounded, kind="stable")
            ordered = rounded[by_score]
            np.not_equal(ordered[1:], ordered[:-1], out=new_run[1:])
            # a rank is 1 + the position where its run of equal scores starts
            out[j, d, order[by_score]] = np.maximum.accumulate(np.where(new_run, position, 0)) + 1
    return out


# |x × 10^places| below this: its ulp is under 2^-22, far finer than the near-half margin below
_ROUND_EXACT_MAX = 2.0**30


def round_like_python(values: np.ndarray, places: int) -> list[float]:
    """[round(x, places) for x in values], on arrays: numpy's round scales by 10^places first and
    can land on the other side of a half where Python's rounds the exact binary value; the few
    values near a half (or too large for the margin, or not finite) go through round() itself."""
    x = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = x * 10.0**places
        safe = (np.abs(scaled) < _ROUND_EXACT_MAX) & (np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6)
    out = np.round(x, places).tolist()
    for i in np.nonzero(~safe)[0].tolist():
        out[i] = round(float(x[i]), places)
    return out


@functools.lru_cache(maxsize=1024)  # pure, and asked once per ruled subject with the same few arguments
def top_count(size: int, share: float) -> int:
    """How many of `size` ranked subjects a share selects: ⌊size × share⌋, at least 1 when share > 0.

    The small epsilon keeps 10 × 0.3 = 3 (not 2.999…) exact.
    """
    if size <= 0 or share <= 0:
        return 0
    return min(size, max(1, math.floor(size * share + 1e-9)))
