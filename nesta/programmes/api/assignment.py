"""The programmes API: conflicts of interest and reviewer assignment.

POST /calls/{id}/assignment      solve (preview, or save=true to invite) → pairs, totals, greedy
GET  /calls/{id}/assignment      the round's seats per application
GET  /calls/{id}/conflicts       the excluded pairs with their reasons (paged)
POST /assignments/{id}/swap      the office replaces a seat's expert (same checks)
GET  /assignments/mine           the caller's own invitations (an expert's seats)
POST /assignments/{id}/accept | decline | conflict   the expert's answers
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.inputs import BoundedInt, CleanText
from nesta.core.schemas import ErrorOut
from nesta.programmes.models import Assignment
from nesta.programmes.selectors import assignment as reads
from nesta.programmes.selectors.conflicts import call_conflicts_page
from nesta.programmes.services import assignment as services
from nesta.programmes.services import conflicts as conflict_services
from nesta.programmes.services import invitations

router = Router(tags=["programmes"])
ID_MAX = 2_147_483_647
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}


class AssignmentIn(Schema):
    k: BoundedInt(1, services.K_MAX) | None = None  # type: ignore[valid-type]
    min_load: BoundedInt(0, services.LOAD_MAX) | None = None  # type: ignore[valid-type]
    max_load: BoundedInt(1, services.LOAD_MAX) | None = None  # type: ignore[valid-type]
    out_of_province: bool = True
    one_per_org: bool = True
    fair: bool = False
    save: bool = False


class Figures(Schema):
    pairs: int
    total_affinity: float
    worst_affinity: float
    short_applications: int
    missing_seats: int


class ReviewerOut(Schema):
    expert_id: int
    name: str
    organization: str
    affinity: float


class ApplicationSeatsOut(Schema):
    id: int
    number: str
    title: str
    reviewers: list[ReviewerOut]
    mean_affinity: float


class AssignmentOut(Schema):
    call_id: int
    round_id: int
    saved: int
    k: int
    min_load: int
    max_load: int
    out_of_province: bool
    one_per_org: bool
    fair: bool
    total_affinity: float
    worst_affinity: float
    short_applications: int
    fairness_floor: float | None
    plain: Figures | None
    greedy: Figures
    seconds: dict[str, float]
    applications: list[ApplicationSeatsOut]


class AssignmentReasonOut(Schema):
    kind: str
    reason: str


class ConflictOut(Schema):
    application_id: int
    application_title: str
    expert_id: int
    expert_name: str
    expert_organization: str
    reasons: list[AssignmentReasonOut]


class ConflictPage(Schema):
    items: list[ConflictOut]
    next_cursor: str | None
    total: int | None


class PageQuery(Schema):
    cursor: CleanText(200, multiline=False) | None = None  # type: ignore[valid-type]
    limit: BoundedInt(1, 200) = 50  # type: ignore[valid-type]


class AssignmentSeatOut(Schema):
    id: int
    call_id: int
    application_id: int
    application_title: str
    expert_id: int
    expert_name: str
    status: str
    status_display: str
    source: str
    affinity: float
    invited_at: datetime | None
    responded_at: datetime | None
    due_at: datetime | None
    decline_reason: str


class SeatPage(Schema):
    items: list[AssignmentSeatOut]
    next_cursor: str | None


class AppSeatsOut(Schema):
    id: int
    number: str
    title: str
    seats: list[AssignmentSeatOut]


class SwapIn(Schema):
    expert_id: BoundedInt(1, ID_MAX)  # type: ignore[valid-type]
    reason: CleanText(300) = ""  # type: ignore[valid-type]


class AssignmentReasonIn(Schema):
    reason: CleanText(300, min_length=1)  # type: ignore[valid-type]


class DeclineOut(Schema):
    seat: AssignmentSeatOut
    replacements: int


def seat_out(s: Assignment) -> dict[str, Any]:
    return {
        "id": s.pk,
        "call_id": s.round.call_id,
        "application_id": s.application_id,
        "application_title": s.application.title,
        "expert_id": s.expert_id,
        "expert_name": s.expert.name,
        "status": s.status,
        "status_display": str(s.get_status_display()),
        "source": s.source,
        "affinity": s.affinity,
        "invited_at": s.invited_at,
        "responded_at": s.responded_at,
        "due_at": s.due_at,
        "decline_reason": s.decline_reason,
    }


def run_out(r: services.RunResult) -> dict[str, Any]:
    apps = []
    for app, pairs in r.by_application():
        apps.append(
            {
                "id": app.pk,
                "number": app.number or "",
                "title": app.title,
                "reviewers": [
                    {
                        "expert_id": p.expert.pk,
                        "name": p.expert.name,
                        "organization": p.expert.organization.name if p.expert.organization_id else "",
                        "affinity": p.affinity,
                    }
                    for p in pairs
                ],
                "mean_affinity": round(sum(p.affinity for p in pairs) / len(pairs), 3) if pairs else 0.0,
            }
        )
    p = r.params
    return {
        "call_id": r.call.pk,
        "round_id": r.round.pk,
        "saved": r.saved,
        "k": p.k,
        "min_load": p.min_load,
        "max_load": p.max_load,
        "out_of_province": p.out_of_province,
        "one_per_org": p.one_per_org,
        "fair": p.fair,
        "total_affinity": r.figures["total_affinity"],
        "worst_affinity": r.figures["worst_affinity"],
        "short_applications": r.figures["short_applications"],
        "fairness_floor": r.threshold,
        "plain": r.plain,
        "greedy": r.greedy,
        "seconds": r.seconds,
        "applications": apps,
    }


@router.post(
    "/calls/{call_id}/assignment",
    response={200: AssignmentOut, **ERRORS},
    summary="分配评审专家（最小费用流；save=true 时保存并发出邀请；无解时 422 assignment_infeasible 说明原因）",
)
def run_assignment(request: HttpRequest, payload: AssignmentIn, call_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    data = payload.model_dump(exclude_none=True)
    save = data.pop("save", False)
    return run_out(services.assignment_run(actor=user, call_id=call_id, data=data, save=save))


@router.get(
    "/calls/{call_id}/assignment",
    response={200: list[AppSeatsOut], **ERRORS},
    auth=login_required,
    summary="本指南通讯评审的专家名单（按申请）",
)
def call_seats(request: HttpRequest, call_id: int = Path(..., ge=1, le=ID_MAX)):
    _rnd, rows = reads.round_seats(viewer=api_user(request), call_id=call_id)
    return [
        {
            "id": row.application.pk,
            "number": row.application.number or "",
            "title": row.application.title,
            "seats": [seat_out(s) for s in row.seats],
        }
        for row in rows
    ]


@router.get(
    "/calls/{call_id}/conflicts",
    response={200: ConflictPage, **ERRORS},
    auth=login_required,
    summary="利益冲突回避名单：被排除的申请 × 专家及理由（按游标分页）",
)
def call_conflicts(request: HttpRequest, query: Query[PageQuery], call_id: int = Path(..., ge=1, le=ID_MAX)):
    page = call_conflicts_page(viewer=api_user(request), call_id=call_id, cursor=query.cursor, limit=query.limit)
    return {
        "items": [
            {
                "application_id": row.application.pk,
                "application_title": row.application.title,
                "expert_id": row.expert.pk,
                "expert_name": row.expert.name,
                "expert_organization": row.expert.organization.name if row.expert.organization_id else "",
                "reasons": [{"kind": x.kind, "reason": x.reason} for x in row.reasons],
            }
            for row in page.items
        ],
        "next_cursor": page.next_cursor,
        "total": page.total,
    }


@router.post(
    "/assignments/{assignment_id}/swap",
    response={200: AssignmentSeatOut, **ERRORS},
    summary="调换评审专家（同样检查利益冲突、评审量与回避规则）",
)
def swap(request: HttpRequest, payload: SwapIn, assignment_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    seat = services.assignment_swap(
        actor=user, assignment_id=assignment_id, expert_id=payload.expert_id, reason=payload.reason
    )
    return seat_out(reads.seat_by_id(seat.pk))


@router.get(
    "/assignments/mine",
    response={200: SeatPage, **ERRORS},
    auth=login_required,
    summary="我的评审邀请（本人的评审席位），最新在前",
)
def my_invitations(request: HttpRequest, query: Query[PageQuery]):
    page = reads.my_invitations_page(viewer=api_user(request), cursor=query.cursor, limit=query.limit)
    return {"items": [seat_out(s) for s in page.items], "next_cursor": page.next_cursor}


@router.post("/assignments/{assignment_id}/accept", response={200: AssignmentSeatOut, **ERRORS}, summary="接受评审邀请")
def accept(request: HttpRequest, assignment_id: int = Path(..., ge=1, le=ID_MAX)):
    seat = invitations.assignment_accept(actor=api_user_required(request), assignment_id=assignment_id)
    return seat_out(seat)


@router.post(
    "/assignments/{assignment_id}/decline",
    response={200: DeclineOut, **ERRORS},
    summary="谢绝评审邀请（须说明理由；空出的席位随即重新求解补齐）",
)
def decline(request: HttpRequest, payload: AssignmentReasonIn, assignment_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    new = invitations.assignment_decline(actor=user, assignment_id=assignment_id, reason=payload.reason)
    seat = reads.seat_by_id(assignment_id)
    return {"seat": seat_out(seat), "replacements": len(new)}


@router.post(
    "/assignments/{assignment_id}/conflict",
    response={200: DeclineOut, **ERRORS},
    summary="声明利益冲突（本人的评审邀请；随即谢绝并补齐）",
)
def declare_conflict(
    request: HttpRequest, payload: AssignmentReasonIn, assignment_id: int = Path(..., ge=1, le=ID_MAX)
):
    user = api_user_required(request)
    _decl, new = conflict_services.conflict_declare(actor=user, assignment_id=assignment_id, reason=payload.reason)
    seat = reads.seat_by_id(assignment_id)
    return {"seat": seat_out(seat), "replacements": len(new)}
