"""Which recommendation an evaluated subject gets — one rule for every app on the engine (the
innovation bases, the incubators); pure. An app names the recommendations in its own words (its
Recommendation choices); the values and the grounds are the same everywhere.

Within the scheme's cohort, n subjects ranked (competition ranks: ties share the better rank):

1. 整改 (rectify): a figure below its minimum (a missing one counts as below), or a rank in the
   bottom share — rank > n − ⌊n × bottom⌋;
2. otherwise promote (选择晋升 / 推荐认定国家级): a provincial subject whose figures reach every
   national threshold the scheme sets (at least one must be set);
3. otherwise 重点支持 (support): a rank in the top share — rank ≤ ⌊n × top⌋ (at least 1);
4. otherwise 保持 (none).

Ties at a boundary fall in the subject's favour: one tied with the last inside the top share is
inside it; one tied with the last outside the bottom share is outside it.

`rule` rules one subject; `rule_cohort` rules a whole cohort on arrays with the same results
(tests/core/test_evaluation_rules.py holds the two equal, boundaries included).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from nesta.core.evaluation.engine import top_count

SUPPORT, PROMOTE, RECTIFY, NONE = "support", "promote", "rectify", "none"
RECOMMENDATIONS = (SUPPORT, PROMOTE, RECTIFY, NONE)


@dataclass(frozen=True)
class Ruling:
    recommendation: str  # one of RECOMMENDATIONS (an app's Recommendation value)
    grounds: list[str]  # "below_minimum:<key>", "bottom_share", "national_thresholds", "top_share"


def _bottom(size: int, bottom_share: float) -> int:
    return top_count(size, bottom_share) if bottom_share > 0 else 0


def rule(
    *,
    rank: int,
    size: int,
    top_share: float,
    bottom_share: float,
    below_minimum: Sequence[str],
    is_provincial: bool,
    values: Mapping[str, float | None],
    national_thresholds: Mapping[str, float],
) -> Ruling:
    bottom = _bottom(size, bottom_share)
    grounds = [f"below_minimum:{key}" for key in below_minimum]
    if bottom and rank > size - bottom:
        grounds.append("bottom_share")
    if grounds:
        return Ruling(RECTIFY, grounds)
    if (
        is_provincial
        and national_thresholds
        and all((v := values.get(key)) is not None and v >= threshold for key, threshold in national_thresholds.items())
    ):
        return Ruling(PROMOTE, ["national_thresholds"])
    if top_share > 0 and rank <= top_count(size, top_share):
        return Ruling(SUPPORT, ["top_share"])
    return Ruling(NONE, [])


@dataclass(frozen=True)
class CohortRuling:
    """A cohort ruled on arrays: per subject (in the caller's row order) an index into `rulings`;
    equal rulings (same recommendation, same grounds) share one entry — most subjects share a few."""

    rulings: list[Ruling]
    codes: np.ndarray  # [subject] → index into rulings

    def __getitem__(self, i: int) -> Ruling:
        return self.rulings[int(self.codes[i])]


def rule_cohort(
    *,
    ranks: np.ndarray,
    size: int,
    top_share: float,
    bottom_share: float,
    keys: Sequence[str],
    below: np.ndarray,
    provincial: np.ndarray,
    raw: np.ndarray,
    thresholds: Sequence[tuple[int, float]],
) -> CohortRuling:
    """`rule` for every subject at once: ranks[subject], below[subject, criterion] (the engine's
    `Scored.below`), provincial[subject] (bool), raw[subject, criterion] (NaN = not reported),
    thresholds as (criterion index, national threshold) pairs."""
    ranks = np.asarray(ranks)
    n = ranks.shape[0]
    below = np.asarray(below, dtype=bool).reshape(n, len(keys))
    bottom = _bottom(size, bottom_share)
    in_bottom = (ranks > size - bottom) if bottom else np.zeros(n, dtype=bool)
    rectify = in_bottom | below.any(axis=1)
    meets = np.asarray(provincial, dtype=bool).copy() if thresholds else np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        for j, threshold in thresholds:
            meets &= raw[:, j] >= threshold  # NaN (not reported) never reaches it
    promote = ~rectify & meets
    support = ~rectify & ~meets & (ranks <= top_count(size, top_share)) if top_share > 0 else np.zeros(n, dtype=bool)
    # codes: 0 none, 1 support, 2 promote; a rectified subject's code names its grounds' pattern
    rulings = [Ruling(NONE, []), Ruling(SUPPORT, ["top_share"]), Ruling(PROMOTE, ["national_thresholds"])]
    codes = np.zeros(n, dtype=np.int64)
    codes[support] = 1
    codes[promote] = 2
    rows = np.nonzero(rectify)[0]
    if rows.size:
        # each rectified subject's grounds as a bit pattern: its criteria below minimum, then the bottom share
        pattern = np.concatenate([below[rows], in_bottom[rows, None]], axis=1)
        if pattern.shape[1] <= 62:
            bits = pattern.astype(np.int64) @ (np.int64(1) << np.arange(pattern.shape[1], dtype=np.int64))
            _, first, inverse = np.unique(bits, return_index=True, return_inverse=True)
            unique = pattern[first]
        else:
            unique, inverse = np.unique(pattern, axis=0, return_inverse=True)
        for flags in unique.tolist():
            grounds = [f"below_minimum:{keys[j]}" for j, flag in enumerate(flags[:-1]) if flag]
            if flags[-1]:
                grounds.append("bottom_share")
            rulings.append(Ruling(RECTIFY, grounds))
        codes[rows] = 3 + np.asarray(inverse).reshape(-1)
    return CohortRuling(rulings=rulings, codes=codes)
