"""The quality benchmark's metrics on hand-made rankings with known answers, and its report."""

import math

import pytest

from bench.market.quality import evaluate, ndcg_at, recall_at, reciprocal_rank, report


def test_recall_counts_the_relevant_in_the_first_k():
    assert recall_at(["x", "a", "y", "b"], {"a", "b"}, k=10) == 1.0
    assert recall_at(["x", "a", "y", "b"], {"a", "b"}, k=2) == 0.5
    assert recall_at(["x", "y"], {"a"}) == 0.0
    assert recall_at(["a"], set()) == 0.0


def test_reciprocal_rank_is_one_over_the_first_relevant_rank():
    assert reciprocal_rank(["a", "b"], {"a"}) == 1.0
    assert reciprocal_rank(["x", "y", "a"], {"a", "z"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"] * 10 + ["a"], {"a"}) == 0.0  # beyond the first ten


def test_ndcg_uses_graded_gains_and_the_ideal_order():
    grades = {"a": 2, "b": 1, "c": 0}
    assert ndcg_at(["a", "b", "c"], grades) == pytest.approx(1.0)
    # b (gain 1) first, a (gain 3) second: (1 + 3/log2 3) / (3 + 1/log2 3)
    expected = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert ndcg_at(["b", "a"], grades) == pytest.approx(expected)
    assert ndcg_at(["x", "y"], grades) == 0.0
    assert ndcg_at(["a"], {"c": 0}) == 0.0  # nothing to gain: 0, not a division by zero


def test_evaluate_averages_over_demands():
    grades = {"d1": {"a": 2, "b": 0}, "d2": {"c": 2, "e": 1}}
    result = evaluate({"d1": ["a", "b"], "d2": ["x", "e", "c"]}, grades)
    assert result["demands"] == 2
    assert result["recall"] == 1.0
    assert result["mrr"] == pytest.approx((1 + 1 / 3) / 2, abs=1e-4)
    assert 0 < result["ndcg"] < 1
    assert evaluate({}, grades)["demands"] == 0


def test_distractors_above_the_first_answer():
    from bench.market.quality import distractors_above

    judged = [
        {"demand": "d", "achievement": "a", "grade": 2, "distractor": ""},
        {"demand": "d", "achievement": "x", "grade": 0, "distractor": "same_word"},
        {"demand": "d", "achievement": "y", "grade": 0, "distractor": "same_word"},
        {"demand": "e", "achievement": "z", "grade": 0, "distractor": "same_field"},
    ]
    out = distractors_above({"d": ["x", "a", "y"], "e": ["q", "z"]}, judged)
    assert out == {"same_word": [2, 1], "same_field": [1, 1]}  # e has no answer: z counts


def test_report_states_the_difference_absolute_and_relative():
    def method(recall, mrr, ndcg):
        scores = {"recall": recall, "mrr": mrr, "ndcg": ndcg, "demands": 2}
        return {
            "all": scores,
            "low_overlap": scores,
            "distractors_above_answer": {"same_word": [4, 1]},
            "p50_ms": 3.0,
            "p95_ms": 5.0,
        }

    result = {
        "backend": "sqlite",
        "demands": 2,
        "low_overlap_demands": 1,
        "achievements": 3,
        "judgments": 4,
        "grades": {"0": 1, "1": 1, "2": 2},
        "background_listings": 0,
        "methods": {"bm25": method(0.5, 0.4, 0.4), "hybrid": method(0.75, 0.5, 0.6)},
    }
    text = "\n".join(report([result]))
    assert "| all | hybrid | 0.750 | 0.500 | 0.600 |" in text
    assert "same_word 1→1 of 4" in text
    assert "recall@10 +0.250 (+50 %)" in text and "nDCG@10 +0.200 (+50 %)" in text
