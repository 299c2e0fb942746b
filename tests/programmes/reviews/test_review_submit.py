"""Submitting a review: validation per scale, the total, the seat's state, permission, audit."""

from decimal import Decimal

import pytest

from nesta.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.programmes.models import ApplicationStatus, AssignmentStatus, Criterion, Review
from nesta.programmes.selectors import reviews as reads
from nesta.programmes.services.reviews import ReviewInput, review_submit
from tests.factories import UserFactory, grant
from tests.programmes.factories import expert
from tests.programmes.reviews.conftest import make_seat

pytestmark = pytest.mark.django_db

COMMENTS = "创新性突出，技术路线清晰，团队基础扎实，建议资助。"


def _input(**over):
    data = {
        "scores": {"innovation": 80, "feasibility": 90},
        "grade": "A",
        "opinion": "priority",
        "familiarity": "expert",
        "comments": COMMENTS,
    }
    data.update(over)
    return ReviewInput(**data)


def test_submit_computes_total_and_marks_seat(seat):
    user = seat.expert.user
    review = review_submit(actor=user, assignment_id=seat.pk, data=_input())
    assert review.total == Decimal("85.00")  # 0.5 × 80 + 0.5 × 90
    seat.refresh_from_db()
    assert seat.status == AssignmentStatus.SUBMITTED
    log = AuditLog.objects.get(action="review.submitted")
    assert log.object_id == str(review.pk) and log.changes["total"][1] == "85.00"


def test_total_with_grade_and_opinion_scales(reference, seat):
    call = seat.round.call
    Criterion.objects.create(call=call, code="overall", name="综合评价", weight=Decimal("0.5"), scale="grade")
    Criterion.objects.filter(call=call, code="feasibility").update(weight=Decimal("0.25"))
    Criterion.objects.filter(call=call, code="innovation").update(weight=Decimal("0.25"), max_score=50)
    review = review_submit(
        actor=seat.expert.user,
        assignment_id=seat.pk,
        data=_input(scores={"innovation": 40, "feasibility": 60, "overall": "B"}),
    )
    # 0.25 × 40/50 + 0.25 × 60/100 + 0.5 × 0.8 = 0.2 + 0.15 + 0.4 = 0.75
    assert review.total == Decimal("75.00")


@pytest.mark.parametrize(
    ("scores", "code", "field"),
    [
        ({"innovation": 80}, "criterion_missing", "scores.feasibility"),
        ({"innovation": 101, "feasibility": 50}, "score_out_of_range", "scores.innovation"),
        ({"innovation": -1, "feasibility": 50}, "score_out_of_range", "scores.innovation"),
        ({"innovation": "abc", "feasibility": 50}, "invalid_score", "scores.innovation"),
        ({"innovation": 80.55, "feasibility": 50}, "invalid_score", "scores.innovation"),
        ({"innovation": True, "feasibility": 50}, "invalid_score", "scores.innovation"),
        ({"innovation": 80, "feasibility": 50, "bogus": 3}, "unknown_criterion", "scores.bogus"),
    ],
)
def test_score_validation(seat, scores, code, field):
    with pytest.raises(ValidationFailed) as exc:
        review_submit(actor=seat.expert.user, assignment_id=seat.pk, data=_input(scores=scores))
    assert exc.value.code == code
    assert field in exc.value.details
    assert not Review.objects.exists()


def test_choice_scale_validation(reference, seat):
    Criterion.objects.create(call=seat.round.call, code="overall", name="综合", weight=Decimal("0.2"), scale="grade")
    with pytest.raises(ValidationFailed) as exc:
        review_submit(
            actor=seat.expert.user,
            assignment_id=seat.pk,
            data=_input(scores={"innovation": 1, "feasibility": 2, "overall": "E"}),
        )
    assert exc.value.code == "invalid_choice" and "scores.overall" in exc.value.details


@pytest.mark.parametrize(
    ("over", "code", "field"),
    [
        ({"grade": "E"}, "invalid_choice", "grade"),
        ({"opinion": "maybe"}, "invalid_choice", "opinion"),
        ({"familiarity": 3}, "invalid_choice", "familiarity"),
        ({"comments": ""}, "comments_required", "comments"),
        ({"comments": "好"}, "comments_required", "comments"),
        ({"comments": "含控制字符\x07的评审意见内容很长"}, "invalid_text", "comments"),
        ({"comments": "长" * 8001}, "invalid_text", "comments"),
    ],
)
def test_other_fields(seat, over, code, field):
    with pytest.raises(ValidationFailed) as exc:
        review_submit(actor=seat.expert.user, assignment_id=seat.pk, data=_input(**over))
    assert exc.value.code == code and field in exc.value.details


def test_only_own_accepted_seat(reference, seat, users):
    other_expert = expert()
    with pytest.raises(PermissionDenied):
        review_submit(actor=other_expert.user, assignment_id=seat.pk, data=_input())
    with pytest.raises(PermissionDenied):
        review_submit(actor=users["office"], assignment_id=seat.pk, data=_input())
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        review_submit(actor=AnonymousUser(), assignment_id=seat.pk, data=_input())
    with pytest.raises(NotFound):
        review_submit(actor=seat.expert.user, assignment_id=10**9, data=_input())


def test_invited_or_submitted_seat_is_409(reference):
    invited = make_seat(status=AssignmentStatus.INVITED)
    with pytest.raises(Conflict) as exc:
        review_submit(actor=invited.expert.user, assignment_id=invited.pk, data=_input())
    assert exc.value.code == "invalid_state"
    seat = make_seat()
    review_submit(actor=seat.expert.user, assignment_id=seat.pk, data=_input())
    with pytest.raises(Conflict) as exc:
        review_submit(actor=seat.expert.user, assignment_id=seat.pk, data=_input())
    assert exc.value.code == "invalid_state"
    assert Review.objects.count() == 1


def test_application_left_review_is_409(seat):
    seat.application.status = ApplicationStatus.FUNDED
    seat.application.save(update_fields=["status"])
    with pytest.raises(Conflict) as exc:
        review_submit(actor=seat.expert.user, assignment_id=seat.pk, data=_input())
    assert exc.value.code == "application_not_in_review"


def test_expert_without_role_cannot(reference, seat):
    # the seat's person's user loses the expert role: no longer allowed
    seat.expert.user.role_assignments.all().delete()
    user = type(seat.expert.user).objects.get(pk=seat.expert.user_id)
    with pytest.raises(PermissionDenied):
        review_submit(actor=user, assignment_id=seat.pk, data=_input())


def test_blind_view_hides_applicant_and_team(seat):
    call = seat.round.call
    open_view = reads.expert_view(reads.seat_get(actor=seat.expert.user, assignment_id=seat.pk))
    assert open_view.organization == seat.application.organization.name
    assert open_view.team and open_view.team[0]["name"] == "李明远"
    call.blind = True
    call.save(update_fields=["blind"])
    view = reads.expert_view(reads.seat_get(actor=seat.expert.user, assignment_id=seat.pk))
    assert view.blind and view.organization is None and view.team is None and view.province is None
    assert view.title == seat.application.title


def test_seat_not_visible_to_another_expert(reference, seat):
    stranger = grant(UserFactory(), "expert")
    with pytest.raises(NotFound):
        reads.seat_get(actor=stranger, assignment_id=seat.pk)


def test_my_seats(reference, seat):
    make_seat(status=AssignmentStatus.INVITED, person=seat.expert)  # not shown: not yet accepted
    mine = reads.my_seats(actor=seat.expert.user)
    assert [s.pk for s in mine] == [seat.pk]
    assert reads.my_seats(actor=expert().user) == []
