"""The labelled set kept in the repository: its size and shape, that it is what its builder
writes from the demo corpus, and that the harness gives sane figures on a slice of it."""

import json

import pytest

from bench.market.labelled.build import rows
from bench.market.quality import evaluate, grades_of, load_set, rank_all, read_set


def test_the_set_has_enough_graded_judgments_with_distractors():
    demands, achievements, judgments = read_set()
    assert len(judgments) >= 300
    assert len({(j["demand"], j["achievement"]) for j in judgments}) == len(judgments)
    ids_d, ids_a = {d["id"] for d in demands}, {a["id"] for a in achievements}
    assert {j["demand"] for j in judgments} == ids_d and {j["achievement"] for j in judgments} <= ids_a
    assert {j["grade"] for j in judgments} == {0, 1, 2}
    grades = grades_of(judgments)
    assert all(2 in g.values() and 0 in g.values() for g in grades.values())  # an answer and a distractor each
    kinds = {j["distractor"] for j in judgments if j["grade"] == 0}
    assert kinds == {"same_material", "same_product", "same_field", "same_word"}
    assert all(j["distractor"] == "" for j in judgments if j["grade"] > 0)
    low = [d for d in demands if d["low_overlap"]]
    assert len(low) >= 0.3 * len(demands)
    assert all(d["overlap"] < 0.05 for d in low)


def test_the_jsonl_files_are_what_the_builder_writes():
    built = rows()
    kept = dict(zip(("demands", "achievements", "judgments"), read_set(), strict=True))
    for name in ("achievements", "judgments"):
        assert kept[name] == json.loads(json.dumps(built[name])), f"{name}.jsonl is stale: run the builder"
    # the overlap figures depend on the segmenter's dictionary: texts must agree, figures roughly
    strip = [{k: v for k, v in d.items() if k not in ("overlap", "low_overlap")} for d in built["demands"]]
    assert [{k: v for k, v in d.items() if k not in ("overlap", "low_overlap")} for d in kept["demands"]] == strip
    for old, new in zip(kept["demands"], built["demands"], strict=True):
        assert abs(old["overlap"] - new["overlap"]) < 0.03


@pytest.mark.django_db
def test_the_harness_gives_sane_figures_on_a_slice(reference):
    from nesta.demo.providers import load_demo_directory
    from nesta.market.matching.engine import reset_caches

    load_demo_directory(20, 2026, lambda line: None)
    demands, achievements, judgments = read_set()
    demands = demands[::6]
    wanted = {j["achievement"] for j in judgments if j["demand"] in {d["id"] for d in demands}}
    ids = load_set(demands, [a for a in achievements if a["id"] in wanted], say=lambda line: None)
    reset_caches()
    grades = grades_of(judgments)
    for method in ("bm25", "hybrid"):
        rankings, times = rank_all(demands, ids, method)
        assert set(rankings) == {d["id"] for d in demands} and len(times) == len(demands)
        assert all(len(r) <= 10 and len(set(r)) == len(r) for r in rankings.values())
        scores = evaluate(rankings, grades)
        assert scores["demands"] == len(demands)
        assert all(0 <= scores[m] <= 1 for m in ("recall", "mrr", "ndcg"))
        assert scores["recall"] > 0.5  # with a dozen demands and no noise, most answers are found
