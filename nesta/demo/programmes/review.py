"""The demo's expert review: reviewers assigned by the platform's own solver (conflict rules, min-
cost flow, side rules: services.assignment.assignment_run), then the experts' answers and reviews
written in bulk with their moments (invited, accepted or declined, submitted), scores drawn around
each application's hidden quality with each reviewer's own leniency — what calibration corrects."""

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from nesta.demo.programmes import texts as T
from nesta.demo.programmes.base import Context


def assign(ctx: Context, call: Any, *, k: int, max_load: int) -> int:
    """Run the solver for the call's applications in review and save the invitations."""
    from nesta.programmes.services.assignment import assignment_run

    result = assignment_run(
        actor=ctx.office,
        call_id=call.pk,
        data={"k": k, "min_load": 0, "max_load": max_load, "out_of_province": True, "one_per_org": True},
        save=True,
    )
    return result.saved


def _grade(total: Decimal) -> tuple[str, str]:
    if total >= 85:
        return "A", "priority"
    if total >= 75:
        return "B", "fundable"
    if total >= 62:
        return "C", "fundable"
    return "D", "reject"


def answer(
    ctx: Context,
    call: Any,
    rng: random.Random,
    *,
    invited: datetime,
    accept_share: float,
    decline_share: float,
    review_share: float,
    latest: datetime,
) -> dict[str, int]:
    """Answers and reviews of the call's seats: accepted / declined / still invited, and of the
    accepted ones `review_share` reviewed (submitted), each at a moment after the one before and
    never after `latest`."""
    from nesta.programmes.models import Assignment, AssignmentStatus, Criterion, Review
    from nesta.programmes.services.reviews import check_scores

    criteria = list(Criterion.objects.filter(call=call).order_by("sort_order"))
    seats = list(Assignment.objects.filter(round__call=call).select_related("application").order_by("pk"))
    quality = {a: rng.gauss(76, 8) for a in {s.application_id for s in seats}}
    leniency: dict[int, float] = {}
    reviews: list[Any] = []
    counts = {"accepted": 0, "declined": 0, "invited": 0, "submitted": 0}

    def clamp(moment: datetime) -> datetime:
        return min(moment, latest - timedelta(minutes=rng.randint(5, 600)))

    for s in seats:
        s.invited_at = invited + timedelta(minutes=rng.randint(0, 240))
        s.due_at = s.due_at or invited + timedelta(days=21)
        draw = rng.random()
        if draw < decline_share:
            s.status = AssignmentStatus.DECLINED
            s.responded_at = clamp(s.invited_at + timedelta(hours=rng.randint(2, 72)))
            s.decline_reason = rng.choice(("近期出差，无法按期完成评审", "与研究方向不符", "本年度评审任务已满"))
        elif draw < decline_share + accept_share:
            s.status = AssignmentStatus.ACCEPTED
            s.responded_at = clamp(s.invited_at + timedelta(hours=rng.randint(1, 60)))
            if rng.random() < review_share:
                s.status = AssignmentStatus.SUBMITTED
                bias = leniency.setdefault(s.expert_id, rng.gauss(0, 4))
                base = quality[s.application_id] + bias
                scores = {c.code: max(40, min(100, round(base + rng.gauss(0, 4)))) for c in criteria}
                clean, total = check_scores(criteria, scores)
                grade, opinion = _grade(total)
                submitted = clamp(s.responded_at + timedelta(days=rng.randint(2, 14), minutes=rng.randint(0, 400)))
                reviews.append(
                    Review(
                        assignment=s,
                        scores=clean,
                        total=total,
                        grade=grade,
                        opinion=opinion,
                        familiarity=rng.choice(("expert", "expert", "somewhat", "little")),
                        comments=T.COMMENTS[grade],
                        submitted_at=submitted,
                    )
                )
        counts[s.status] = counts.get(s.status, 0) + 1
    Assignment.objects.bulk_update(
        seats, ["status", "invited_at", "responded_at", "decline_reason", "due_at"], batch_size=1000
    )
    Review.objects.bulk_create(reviews, batch_size=1000)
    counts["submitted"] = len(reviews)
    return counts
