"""The call's aggregated scores (selectors.scores): calibration over the stored reviews, flags,
the panel cut-off, permission."""

from decimal import Decimal

import pytest
from django.utils import timezone

from nesta.core.errors import PermissionDenied
from nesta.programmes.models import ApplicationStatus, Assignment, AssignmentStatus, Review, ReviewRound, RoundKind
from nesta.programmes.selectors.scores import call_scores, panel_cutoff
from tests.programmes.factories import ApplicationFactory, CallFactory, expert

pytestmark = pytest.mark.django_db


def _call_with(matrix):
    """matrix: {application index: {reviewer index: total}} → (call, apps, people)."""
    call = CallFactory(status="reviewing")
    rnd = call.rounds.first()
    n_people = 1 + max(j for row in matrix.values() for j in row)
    people = [expert() for _ in range(n_people)]
    apps = [ApplicationFactory(call=call, status=ApplicationStatus.IN_REVIEW) for _ in matrix]
    for a, row in matrix.items():
        for j, total in row.items():
            seat = Assignment.objects.create(
                round=rnd, application=apps[a], expert=people[j], status=AssignmentStatus.SUBMITTED
            )
            Review.objects.create(
                assignment=seat,
                scores={},
                total=Decimal(str(total)),
                grade="B",
                opinion="fundable",
                familiarity="expert",
                comments="评审意见内容充分。",
                submitted_at=timezone.now(),
            )
    return call, apps, people


def test_harsh_and_lenient_reviewers_are_calibrated(reference, users):
    # true quality: app0 > app1 > app2 > app3; reviewer 0 harsh (−15) on the good ones, reviewer 1
    # lenient (+15) on the weak ones, reviewer 2 neutral on all
    quality = [85, 75, 65, 55]
    matrix = {
        0: {0: quality[0] - 15, 2: quality[0]},
        1: {0: quality[1] - 15, 2: quality[1]},
        2: {1: quality[2] + 15, 2: quality[2]},
        3: {1: quality[3] + 15, 2: quality[3]},
    }
    call, apps, people = _call_with(matrix)
    scores = call_scores(actor=users["office"], call_id=call.pk)
    order = [r.application.pk for r in scores.by_kind("quality")]
    assert order == [a.pk for a in apps]
    raw_order = [r.application.pk for r in scores.by_kind("raw")]
    assert raw_order != order  # raw puts app2 (lenient reviewer) above app1
    offsets = {r.id: r.offset for r in scores.reviewers}
    assert offsets[people[0].pk] < 0 < offsets[people[1].pk]
    assert scores.names[people[2].pk] == people[2].name


def test_outlier_flag_and_unscored(reference, users):
    call, apps, people = _call_with({0: {0: 80, 1: 82, 2: 79, 3: 30}, 1: {0: 70, 1: 71, 2: 69, 3: 72}})
    extra = ApplicationFactory(call=call, status=ApplicationStatus.IN_REVIEW)
    scores = call_scores(actor=users["office"], call_id=call.pk)
    row = next(r for r in scores.rows if r.application.pk == apps[0].pk)
    assert [f.reviewer for f in row.flags] == [people[3].pk]
    assert scores.flag_count == 1
    assert [a.pk for a in scores.unscored] == [extra.pk]


def test_panel_cutoff(reference, users):
    call, apps, _people = _call_with({k: {0: 90 - 5 * k, 1: 90 - 5 * k} for k in range(5)})
    ReviewRound.objects.create(call=call, kind=RoundKind.PANEL, order=2, reviewers_per_application=5, cutoff_count=3)
    scores = call_scores(actor=users["office"], call_id=call.pk)
    cut = panel_cutoff(scores, "raw")
    assert [r.application.pk for r in cut.passed] == [a.pk for a in apps[:3]]
    assert cut.boundary == pytest.approx(80)
    ReviewRound.objects.filter(kind=RoundKind.PANEL).update(cutoff_count=None, cutoff_score=Decimal("75"))
    cut = panel_cutoff(call_scores(actor=users["office"], call_id=call.pk), "raw")
    assert [r.application.pk for r in cut.passed] == [a.pk for a in apps[:4]]


def test_panel_cutoff_keeps_ties_together(reference, users):
    call, apps, _people = _call_with({0: {0: 90}, 1: {0: 80}, 2: {0: 80}, 3: {0: 70}})
    ReviewRound.objects.create(call=call, kind=RoundKind.PANEL, order=2, reviewers_per_application=5, cutoff_count=2)
    cut = panel_cutoff(call_scores(actor=users["office"], call_id=call.pk), "raw")
    assert len(cut.passed) == 3


def test_scores_need_review_manage(reference, users):
    call, _apps, people = _call_with({0: {0: 80}})
    for who in (users["expert"], users["org_admin"], people[0].user):
        with pytest.raises(PermissionDenied):
            call_scores(actor=who, call_id=call.pk)
