"""The programmes API: reviews.

POST /reviews                         an expert submits the review of an accepted seat
GET  /reviews/seats/{assignment_id}   the seat: the application as the expert sees it (blind calls
                                      hide the applicant and team), the criteria, the review if any
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Path, Router, Schema
from ninja.responses import Status
from pydantic import Field, StrictFloat, StrictInt, StrictStr

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.inputs import BoundedInt, CleanText
from nesta.core.schemas import ErrorOut
from nesta.programmes.models import Review
from nesta.programmes.selectors import reviews as reads
from nesta.programmes.services import reviews as services

router = Router(tags=["programmes"])
ID_MAX = 2_147_483_647
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
ScoreValue = StrictInt | StrictFloat | StrictStr  # strict: true/false are no scores


class ExpertReviewIn(Schema):
    assignment_id: BoundedInt(1, ID_MAX)  # type: ignore[valid-type]
    scores: dict[CleanText(30, min_length=1, multiline=False), ScoreValue] = Field(  # type: ignore[valid-type]
        ...,
        description="{指标代码: 分数（百分制 0..满分，最多一位小数）或选项（A/B/C/D、priority/fundable/reject、expert/somewhat/little）}",
        max_length=30,
    )
    grade: CleanText(1, min_length=1) = Field(..., description="综合评价：A 优 / B 良 / C 中 / D 差")  # type: ignore[valid-type]
    opinion: CleanText(10, min_length=1) = Field(..., description="资助意见：priority / fundable / reject")  # type: ignore[valid-type]
    familiarity: CleanText(10, min_length=1) = Field(..., description="熟悉程度：expert / somewhat / little")  # type: ignore[valid-type]
    comments: CleanText(services.COMMENTS_MAX) = Field(..., description="评审意见（必填，至少 10 字）")  # type: ignore[valid-type]


class ReviewOut(Schema):
    id: int
    assignment_id: int
    application_id: int
    scores: dict[str, Any]
    total: Decimal = Field(description="综合得分（0–100）：Σ 权重 × 得分/满分 × 100")
    grade: str
    opinion: str
    familiarity: str
    comments: str
    submitted_at: datetime


class ExpertCriterionOut(Schema):
    code: str
    name: str
    description: str
    weight: Decimal
    scale: str
    max_score: int


class ExpertViewOut(Schema):
    application_id: int
    number: str
    title: str
    summary: str
    keywords: str
    area: str
    requested_amount: Decimal
    blind: bool
    organization: str | None
    province: str | None
    team: list[dict[str, str]] | None
    form_data: dict[str, Any]
    budget: list[dict[str, Any]]


class ExpertSeatOut(Schema):
    assignment_id: int
    status: str
    call_id: int
    round: str
    application: ExpertViewOut
    criteria: list[ExpertCriterionOut]
    review: ReviewOut | None


def review_out(r: Review) -> dict[str, Any]:
    return {
        "id": r.pk,
        "assignment_id": r.assignment_id,
        "application_id": r.assignment.application_id,
        "scores": r.scores,
        "total": r.total,
        "grade": r.grade,
        "opinion": r.opinion,
        "familiarity": r.familiarity,
        "comments": r.comments,
        "submitted_at": r.submitted_at,
    }


@router.post("/reviews", response={201: ReviewOut, **ERRORS}, summary="提交评审意见（专家：本人已接受的评审任务）")
def submit_review(request: HttpRequest, payload: ExpertReviewIn):
    user = api_user_required(request)
    data = services.ReviewInput(
        scores=dict(payload.scores),
        grade=payload.grade,
        opinion=payload.opinion,
        familiarity=payload.familiarity,
        comments=payload.comments,
    )
    review = services.review_submit(actor=user, assignment_id=payload.assignment_id, data=data)
    return Status(201, review_out(review))


@router.get(
    "/reviews/seats/{assignment_id}",
    response={200: ExpertSeatOut, **ERRORS},
    auth=login_required,
    summary="评审任务：专家所见的申请（匿名评审不含申请单位与团队）、评审指标、已提交的评审意见",
)
def get_seat(request: HttpRequest, assignment_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user(request)
    seat = reads.seat_get(actor=user, assignment_id=assignment_id)
    view = reads.expert_view(seat)
    review = reads.review_of(seat)
    return {
        "assignment_id": seat.pk,
        "status": seat.status,
        "call_id": seat.round.call_id,
        "round": str(seat.round.get_kind_display()),
        "application": {
            **{k: getattr(view, k) for k in ("application_id", "number", "title", "summary", "keywords", "area")},
            "requested_amount": view.requested_amount,
            "blind": view.blind,
            "organization": view.organization,
            "province": view.province,
            "team": view.team,
            "form_data": view.form_data,
            "budget": view.budget,
        },
        "criteria": [
            {
                "code": c.code,
                "name": c.name,
                "description": c.description,
                "weight": c.weight,
                "scale": c.scale,
                "max_score": c.max_score,
            }
            for c in reads.criteria_of(seat)
        ],
        "review": review_out(review) if review else None,
    }
