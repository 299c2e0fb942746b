"""The evaluation engine on hand-computed cases, its boundaries, and its invariants on random data."""

import math
import random

import numpy as np
import pytest

from nesta.core.evaluation import (
    Criterion,
    SchemeError,
    Subject,
    competition_ranks,
    evaluate,
    normalise,
    top_count,
)


def _col(values, **kw):
    return normalise(np.array([math.nan if v is None else v for v in values], dtype=float), Criterion("x", 1, **kw))


def _by_id(outcomes):
    return {o.subject_id: o for o in outcomes}


# --- normalisation by hand --------------------------------------------------------------------


def test_minmax_by_hand():
    assert _col([10, 20, 30]).tolist() == [0.0, 0.5, 1.0]
    assert _col([10, 20, 30], higher_is_better=False).tolist() == [1.0, 0.5, 0.0]


def test_minmax_all_equal_gives_everyone_one():
    assert _col([7, 7, 7]).tolist() == [1.0, 1.0, 1.0]


def test_zscore_by_hand():
    # 2, 4, 6: mean 4, population sd √(8/3) = 1.632993…
    z = _col([2, 4, 6], normalisation="zscore")
    assert z == pytest.approx([-1.224745, 0.0, 1.224745], abs=1e-6)
    assert _col([2, 4, 6], normalisation="zscore", higher_is_better=False) == pytest.approx(
        [1.224745, 0, -1.224745], abs=1e-6
    )
    assert _col([5, 5], normalisation="zscore").tolist() == [0.0, 0.0]


def test_median_ratio_by_hand_with_and_without_cap():
    assert _col([10, 20, 40], normalisation="median_ratio").tolist() == [0.5, 1.0, 2.0]
    assert _col([10, 20, 40], normalisation="median_ratio", cap=1.5).tolist() == [0.5, 1.0, 1.5]
    assert _col([10, 20, 40], normalisation="median_ratio", higher_is_better=False).tolist() == [2.0, 1.0, 0.5]


def test_median_ratio_with_a_zero_median():
    assert _col([0, 0, 5], normalisation="median_ratio", cap=2).tolist() == [1.0, 1.0, 2.0]
    assert _col([0, 0, 5], normalisation="median_ratio").tolist() == [1.0, 1.0, 1.0]
    # lower is better: a zero cost is the best there is, a cost above a zero median the worst
    assert _col([0, 0, 5], normalisation="median_ratio", higher_is_better=False).tolist() == [1.0, 1.0, 0.0]


def test_median_ratio_lower_is_better_zero_value_takes_the_cap_or_the_best_finite_ratio():
    assert _col([0, 10, 20], normalisation="median_ratio", higher_is_better=False, cap=3).tolist() == [3.0, 1.0, 0.5]
    assert _col([0, 10, 20], normalisation="median_ratio", higher_is_better=False).tolist() == [1.0, 1.0, 0.5]


def test_missing_stays_missing_in_normalise():
    out = _col([None, 0, 10])
    assert math.isnan(out[0]) and out[1:].tolist() == [0.0, 1.0]


# --- weighting, ranking, reasons --------------------------------------------------------------


def test_weighted_scores_and_reasons_by_hand():
    criteria = [Criterion("x", 3), Criterion("y", 1)]
    subjects = [
        Subject(1, "lab", {"x": 10, "y": 5}),
        Subject(2, "lab", {"x": 20, "y": 0}),
        Subject(3, "lab", {"x": 30, "y": 10}),
    ]
    out = evaluate(criteria, subjects)
    assert [o.subject_id for o in out] == [3, 2, 1]  # best first
    by = _by_id(out)
    # x: 0, .5, 1; y: .5, 0, 1; shares .75 / .25
    assert by[1].score == pytest.approx(0.125)
    assert by[2].score == pytest.approx(0.375)
    assert by[3].score == pytest.approx(1.0)
    assert [by[i].rank for i in (1, 2, 3)] == [3, 2, 1]
    r = by[1].reasons
    assert [(x.key, x.value, x.normalised, x.weight) for x in r] == [("x", 10.0, 0.0, 0.75), ("y", 5.0, 0.5, 0.25)]
    assert sum(x.contribution for x in r) == pytest.approx(by[1].score)
    assert by[1].cohort_size == 3


def test_ties_share_a_rank_and_skip_the_next():
    assert competition_ranks(np.array([0.9, 0.5, 0.5, 0.1])).tolist() == [1, 2, 2, 4]
    # float noise does not break a tie
    assert competition_ranks(np.array([0.1 + 0.2, 0.3])).tolist() == [1, 1]


def test_each_cohort_is_normalised_and_ranked_on_its_own():
    criteria = [Criterion("x", 1)]
    subjects = [
        Subject(1, "centre", {"x": 0}),
        Subject(2, "centre", {"x": 10}),
        Subject(3, "lab", {"x": 100}),
        Subject(4, "lab", {"x": 200}),
    ]
    by = _by_id(evaluate(criteria, subjects))
    assert (by[2].score, by[2].rank, by[4].score, by[4].rank) == (1.0, 1, 1.0, 1)
    assert (by[1].score, by[3].score) == (0.0, 0.0)
    assert by[1].cohort_size == by[3].cohort_size == 2


def test_group_ranks_inside_the_cohort():
    criteria = [Criterion("x", 1)]
    subjects = [
        Subject(1, "lab", {"x": 1}, group="材料"),
        Subject(2, "lab", {"x": 2}, group="装备"),
        Subject(3, "lab", {"x": 3}, group="材料"),
        Subject(4, "lab", {"x": 4}),
    ]
    by = _by_id(evaluate(criteria, subjects))
    assert (by[3].group_rank, by[1].group_rank, by[2].group_rank) == (1, 2, 1)
    assert (by[1].group_size, by[2].group_size) == (2, 1)
    assert by[4].group_rank is None and by[4].group_size is None
    assert [by[i].rank for i in (4, 3, 2, 1)] == [1, 2, 3, 4]


def test_a_missing_value_scores_as_the_worst_and_is_marked():
    criteria = [Criterion("x", 1), Criterion("y", 1)]
    subjects = [
        Subject(1, "c", {"x": None, "y": 1}),
        Subject(2, "c", {"x": 0, "y": 1}),
        Subject(3, "c", {"x": 10, "y": 1}),
    ]
    by = _by_id(evaluate(criteria, subjects))
    assert by[1].reasons[0].missing and by[1].reasons[0].value is None and by[1].reasons[0].normalised == 0.0
    assert not by[2].reasons[0].missing
    assert by[1].score == by[2].score == pytest.approx(0.5)
    # z-scores: the missing one takes the worst z of the cohort
    zs = _by_id(evaluate([Criterion("x", 1, normalisation="zscore")], subjects))
    assert zs[1].score == pytest.approx(zs[2].score) and zs[2].score < 0


def test_minimum_thresholds_at_their_boundary():
    criteria = [Criterion("papers", 1, minimum=5), Criterion("cost", 1, higher_is_better=False, minimum=5)]
    subjects = [
        Subject(1, "c", {"papers": 4, "cost": 5}),
        Subject(2, "c", {"papers": 5, "cost": 6}),
        Subject(3, "c", {"papers": None, "cost": 4}),
    ]
    by = _by_id(evaluate(criteria, subjects))
    assert by[1].below_minimum == ["papers"]  # 4 < 5; a cost of exactly 5 meets a maximum of 5
    assert by[2].below_minimum == ["cost"]  # 5 meets the minimum; 6 exceeds the cost limit
    assert by[3].below_minimum == ["papers"]  # missing cannot show the minimum is met


def test_sensitivity_flips_a_tie_by_hand():
    criteria = [Criterion("x", 1), Criterion("y", 1)]
    subjects = [Subject(1, "c", {"x": 1, "y": 0}), Subject(2, "c", {"x": 0, "y": 1})]
    by = _by_id(evaluate(criteria, subjects))
    assert by[1].rank == by[2].rank == 1
    sx = {s.key: s for s in by[1].sensitivity}
    assert (sx["x"].rank_if_lower, sx["x"].rank_if_higher) == (2, 1)
    assert (sx["y"].rank_if_lower, sx["y"].rank_if_higher) == (1, 2)
    assert evaluate(criteria, subjects, sensitivity=False)[0].sensitivity == []


def test_sensitivity_equals_re_running_with_the_moved_weight():
    rng = random.Random(7)
    keys = ["a", "b", "c", "d"]
    criteria = [
        Criterion(k, rng.uniform(0.5, 3), normalisation=rng.choice(["minmax", "zscore", "median_ratio"])) for k in keys
    ]
    subjects = [Subject(i, "c", {k: rng.choice([None, *range(0, 50)]) for k in keys}) for i in range(60)]
    base = _by_id(evaluate(criteria, subjects))
    for j, crit in enumerate(criteria):
        for factor, attr in ((0.9, "rank_if_lower"), (1.1, "rank_if_higher")):
            moved = list(criteria)
            moved[j] = Criterion(crit.key, crit.weight * factor, normalisation=crit.normalisation)
            again = _by_id(evaluate(moved, subjects, sensitivity=False))
            for sid, o in base.items():
                assert getattr(o.sensitivity[j], attr) == again[sid].rank


def test_scores_are_the_sum_of_contributions_and_shares_sum_to_one_on_random_data():
    rng = random.Random(11)
    criteria = [Criterion(f"k{j}", rng.uniform(0, 2)) for j in range(6)]
    subjects = [Subject(i, rng.choice("ab"), {c.key: rng.uniform(-5, 5) for c in criteria}) for i in range(80)]
    outcomes = evaluate(criteria, subjects, sensitivity=False)
    for o in outcomes:
        assert sum(r.contribution for r in o.reasons) == pytest.approx(o.score)
        assert sum(r.weight for r in o.reasons) == pytest.approx(1.0)
        assert 0.0 <= o.score <= 1.0  # minmax everywhere
        better = sum(1 for p in outcomes if p.cohort == o.cohort and round(p.score, 9) > round(o.score, 9))
        assert o.rank == 1 + better
    assert len(outcomes) == len(subjects)


@pytest.mark.parametrize(
    "criteria",
    [
        [],
        [Criterion("x", -1)],
        [Criterion("x", 0), Criterion("y", 0)],
        [Criterion("x", 1), Criterion("x", 2)],
        [Criterion("x", float("inf"))],
        [Criterion("x", 1, normalisation="rank")],  # type: ignore[arg-type]
        [Criterion("x", 1, normalisation="median_ratio", cap=0)],
    ],
)
def test_unusable_schemes_are_refused(criteria):
    with pytest.raises(SchemeError):
        evaluate(criteria, [Subject(1, "c", {"x": 1})])


def test_infinite_and_nan_figures_count_as_missing():
    by = _by_id(evaluate([Criterion("x", 1)], [Subject(1, "c", {"x": float("inf")}), Subject(2, "c", {"x": 3})]))
    assert by[1].reasons[0].missing and by[1].rank == 2


@pytest.mark.parametrize(
    "size,share,expected",
    [(10, 0.3, 3), (7, 0.1, 1), (19, 0.1, 1), (20, 0.1, 2), (0, 0.5, 0), (5, 0.0, 0), (3, 1.0, 3), (3, 1.5, 3)],
)
def test_top_count_boundaries(size, share, expected):
    assert top_count(size, share) == expected
