"""Calibration on constructed reviewer biases (no database)."""

import random

import numpy as np
import pytest

from nesta.programmes.numerics.calibration import Rating, calibrate, solve_offsets


def _biased_call(seed: int = 1):
    """12 applications with true quality 50..83 (3 apart); four reviewers: a harsh one (−15), a
    lenient one (+15), two neutral. The harsh reviewer sees the best applications, the lenient
    one the weakest, so raw means put weak applications above strong ones."""
    rng = random.Random(seed)
    quality = {a: 50 + 3 * a for a in range(12)}
    bias = {1: -15.0, 2: 15.0, 3: 0.0, 4: 0.0}
    ratings = []
    for a, q in quality.items():
        reviewers = [1, 3] if a >= 6 else [2, 4]
        if a in (5, 6):  # bridges: the graph is connected
            reviewers = [1, 2, 3, 4]
        for j in reviewers:
            ratings.append(Rating(a, j, q + bias[j] + rng.uniform(-1, 1), review=100 * a + j))
    return quality, bias, ratings


def _order_errors(ranking, quality):
    """Pairs in the wrong order."""
    pos = {a: k for k, a in enumerate(ranking)}
    return sum(1 for a in quality for b in quality if quality[a] > quality[b] and pos[a] > pos[b])


def test_model_recovers_true_quality_order_where_raw_does_not():
    quality, bias, ratings = _biased_call()
    cal = calibrate(ratings)
    true_order = sorted(quality, key=lambda a: -quality[a])
    assert _order_errors(cal.ranking("raw"), quality) > 5
    assert _order_errors(cal.ranking("quality"), quality) == 0
    assert cal.ranking("quality") == true_order
    # the offsets recover the biases up to the zero-sum constant
    offs = {j: cal.reviewers[j].offset for j in bias}
    assert offs[1] < -10 and offs[2] > 10
    assert abs(sum(offs.values())) < 1e-6
    assert cal.components == 1


def test_z_scores_improve_on_raw_when_reviewers_see_a_like_mix():
    """z-scores assume each reviewer sees a comparable mix of applications (random seats); the
    model does not (the confounded call above)."""
    rng = random.Random(3)
    quality = {a: rng.uniform(45, 90) for a in range(40)}
    bias = {j: b for j, b in enumerate((-18, -9, 0, 0, 9, 18))}
    ratings = []
    for a, q in quality.items():
        for j in rng.sample(sorted(bias), 3):
            ratings.append(Rating(a, j, q + bias[j] + rng.uniform(-2, 2)))
    cal = calibrate(ratings)
    raw, z, model = (_order_errors(cal.ranking(k), quality) for k in ("raw", "z", "quality"))
    assert z < raw and model < raw
    for a in cal.applications.values():
        assert 0 <= a.z <= 100 and 0 <= a.quality <= 100 and 0 <= a.raw <= 100


def test_reduced_system_equals_full_least_squares():
    rng = random.Random(5)
    ratings = []
    for a in range(15):
        for j in rng.sample(range(6), 3):
            ratings.append(Rating(a, j, rng.uniform(40, 95)))
    reviewers = sorted({r.reviewer for r in ratings})
    offsets = solve_offsets(ratings, reviewers)
    # the full design: columns apps then reviewers, plus the row Σ offset = 0
    apps = sorted({r.application for r in ratings})
    A = np.zeros((len(ratings) + 1, len(apps) + len(reviewers)))
    y = np.zeros(len(ratings) + 1)
    for k, r in enumerate(ratings):
        A[k, apps.index(r.application)] = 1
        A[k, len(apps) + reviewers.index(r.reviewer)] = 1
        y[k] = r.score
    A[-1, len(apps) :] = 1
    full = np.linalg.lstsq(A, y, rcond=None)[0]
    for k, j in enumerate(reviewers):
        assert offsets[j] == pytest.approx(full[len(apps) + k], abs=1e-6)


def test_direct_solve_equals_lstsq():
    rng = random.Random(9)
    ratings = [Rating(a, j, rng.uniform(40, 95)) for a in range(60) for j in rng.sample(range(25), 4)]
    reviewers = sorted({r.reviewer for r in ratings})
    by_lstsq = solve_offsets(ratings, reviewers)
    by_solve = solve_offsets(ratings, reviewers, direct=True)
    for j in reviewers:
        assert by_solve[j] == pytest.approx(by_lstsq[j], abs=1e-7)
    assert abs(sum(by_solve.values())) < 1e-9


def test_single_review_and_flat_reviewers_fall_back_to_raw():
    ratings = [
        Rating(1, 10, 80),
        Rating(1, 11, 70),
        Rating(2, 10, 60),
        Rating(2, 11, 70),
        Rating(3, 12, 55),
    ]
    cal = calibrate(ratings)
    assert cal.reviewers[12].z_fallback  # one review
    assert cal.reviewers[11].z_fallback  # 70 and 70: no spread
    assert not cal.reviewers[10].z_fallback
    assert any(n.startswith("z_fallback") for n in cal.notes)
    # application 3 is its own component
    assert cal.components == 2 and cal.applications[3].component != cal.applications[1].component


def test_outlier_flag():
    ratings = [Rating(1, j, s, review=j) for j, s in ((1, 82), (2, 80), (3, 85), (4, 30))]
    ratings += [Rating(2, j, s, review=10 + j) for j, s in ((1, 70), (2, 72), (3, 68), (4, 71))]
    cal = calibrate(ratings, flag_points=20)
    flags = cal.applications[1].flags
    assert [f.reviewer for f in flags] == [4]
    assert flags[0].deviation < -40
    assert cal.applications[2].flags == []


def test_ridge_shrinks_offsets():
    _quality, _bias, ratings = _biased_call()
    plain = calibrate(ratings)
    ridged = calibrate(ratings, ridge=50.0)
    assert abs(ridged.reviewers[1].offset) < abs(plain.reviewers[1].offset)


def test_empty():
    cal = calibrate([])
    assert cal.applications == {} and cal.components == 0
