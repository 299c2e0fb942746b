"""The shared recommendation rule: the per-subject form at its boundaries, and the cohort form on
arrays equal to it subject by subject — on random cohorts with ties at both boundaries, missing
figures, minimums and national thresholds."""

import math

import numpy as np
import pytest

from nesta.core.evaluation import Criterion, score_cohort
from nesta.core.evaluation.rules import RECOMMENDATIONS, Ruling, rule, rule_cohort

RULE = {"size": 10, "top_share": 0.2, "bottom_share": 0.1, "below_minimum": [], "is_provincial": False,
        "values": {}, "national_thresholds": {}}  # fmt: skip
T = {"papers": 20.0}


@pytest.mark.parametrize(
    "rank,over,expected",
    [
        (2, {}, ("support", ["top_share"])),  # ⌊10 × 0.2⌋ = 2
        (3, {}, ("none", [])),
        (9, {}, ("none", [])),
        (10, {}, ("rectify", ["bottom_share"])),  # rank > 10 − ⌊10 × 0.1⌋
        (10, {"below_minimum": ["a", "b"]}, ("rectify", ["below_minimum:a", "below_minimum:b", "bottom_share"])),
        (5, {"is_provincial": True, "values": {"papers": 20.0}, "national_thresholds": T}, ("promote", ["national_thresholds"])),
        (5, {"is_provincial": True, "values": {"papers": None}, "national_thresholds": T}, ("none", [])),
        (1, {"size": 3, "top_share": 0.1}, ("support", ["top_share"])),  # at least one when a share is set
        (1, {"size": 1, "top_share": 0.0, "bottom_share": 0.0}, ("none", [])),
    ],
)  # fmt: skip
def test_the_rule_at_its_boundaries(rank, over, expected):
    ruling = rule(rank=rank, **{**RULE, **over})
    assert (ruling.recommendation, ruling.grounds) == expected and ruling.recommendation in RECOMMENDATIONS


def _per_subject(scored, provincial, keys, thresholds, top, bottom):
    n = len(scored.ranks)
    national = {keys[j]: t for j, t in thresholds}
    out = []
    for i in range(n):
        out.append(
            rule(
                rank=int(scored.ranks[i]),
                size=n,
                top_share=top,
                bottom_share=bottom,
                below_minimum=[keys[j] for j in range(len(keys)) if scored.below[i, j]],
                is_provincial=bool(provincial[i]),
                values={keys[j]: (None if math.isnan(v) else v) for j, v in enumerate(scored.raw[i].tolist())},
                national_thresholds=national,
            )
        )
    return out


@pytest.mark.parametrize("seed", range(12))
def test_the_cohort_rule_equals_the_per_subject_rule(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    m = int(rng.integers(1, 7))
    # few distinct values: many ties, some of them across the top and bottom boundaries
    raw = rng.integers(0, 6, size=(n, m)).astype(float)
    raw[rng.random((n, m)) < 0.05] = np.nan
    keys = [f"k{j}" for j in range(m)]
    criteria = [
        Criterion(key=k, weight=float(rng.integers(1, 4)), normalisation=("minmax", "zscore", "median_ratio")[j % 3],
                  minimum=1.0 if rng.random() < 0.4 else None)
        for j, k in enumerate(keys)
    ]  # fmt: skip
    scored = score_cohort(criteria, raw, sensitivity=False)
    provincial = rng.random(n) < 0.6
    thresholds = [(j, float(rng.integers(2, 5))) for j in range(m) if rng.random() < 0.5]
    top, bottom = (0.0, 0.1, 0.2, 0.3, 1.0)[seed % 5], (0.0, 0.1, 0.25, 0.5)[seed % 4]
    ruled = rule_cohort(ranks=scored.ranks, size=n, top_share=top, bottom_share=bottom, keys=keys,
                        below=scored.below, provincial=provincial, raw=scored.raw, thresholds=thresholds)  # fmt: skip
    expected = _per_subject(scored, provincial, keys, thresholds, top, bottom)
    assert [ruled[i] for i in range(n)] == expected
    assert len({r.recommendation for r in expected}) >= 2 or n < 5  # the cohort exercises more than one branch


def test_the_cohort_rule_with_no_subjects_and_shares_of_zero():
    ruled = rule_cohort(ranks=np.empty(0, dtype=int), size=0, top_share=0.2, bottom_share=0.1, keys=["a"],
                        below=np.empty((0, 1), dtype=bool), provincial=np.empty(0, dtype=bool),
                        raw=np.empty((0, 1)), thresholds=[(0, 1.0)])  # fmt: skip
    assert ruled.codes.size == 0
    ruled = rule_cohort(ranks=np.array([1, 2, 2]), size=3, top_share=0.0, bottom_share=0.0, keys=["a"],
                        below=np.zeros((3, 1), dtype=bool), provincial=np.ones(3, dtype=bool),
                        raw=np.array([[5.0], [np.nan], [1.0]]), thresholds=[(0, 5.0)])  # fmt: skip
    assert [ruled[i] for i in range(3)] == [Ruling("promote", ["national_thresholds"]), Ruling("none", []),
                                            Ruling("none", [])]  # fmt: skip


def test_rounding_on_arrays_equals_pythons_round():
    from nesta.core.evaluation import round_like_python

    rng = np.random.default_rng(8)
    values = np.concatenate([
        rng.normal(size=20_000) * 10.0 ** rng.integers(-7, 4, size=20_000),
        (rng.integers(-10**6, 10**6, size=5_000) + 0.5) / 1e6,  # halves at the sixth place (as near as binary gets)
        np.array([0.0, -0.0, 2.5e-7, 0.0000015, 1.0000005, 123456.7890125, 1e12 + 0.5, 5e9, -3.0000005]),
    ])  # fmt: skip
    got = round_like_python(values, 6)
    want = [round(x, 6) for x in values.tolist()]
    assert [math.copysign(1, x) for x in got] == [math.copysign(1, x) for x in want] and got == want
