"""The programmes API: projects after the award — the task contract (任务书), milestone reports,
payments, the mid-term check and the acceptance (结题验收). Thin wrappers over
services/projects, services/payments and selectors/projects."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.errors import ValidationFailed
from nesta.core.inputs import BoundedInt, CleanText, LocalDate, Money
from nesta.core.schemas import ErrorOut
from nesta.programmes.selectors import projects as reads
from nesta.programmes.services import payments as pay
from nesta.programmes.services import projects as services

router = Router(tags=["programmes"])
ID_MAX = 2_147_483_647
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
Id = Path(..., ge=1, le=ID_MAX)


class MilestoneIn(Schema):
    title: CleanText(120, min_length=1, multiline=False)
    due_date: LocalDate
    deliverables: CleanText(1000) = ""
    payment_amount: Money = Decimal(0)
    is_mid_term: bool = False


class ProjectIn(Schema):
    application: BoundedInt(1, ID_MAX)
    contract_number: CleanText(30, min_length=1, multiline=False)
    goals: CleanText(8000) = ""
    deliverables: CleanText(8000) = ""
    start_date: LocalDate | None = None
    end_date: LocalDate | None = None
    milestones: list[MilestoneIn] = Field([], max_length=services.MAX_MILESTONES)


class PaymentIn(Schema):
    category: Literal["equipment", "business", "labour", "indirect"]
    amount: Money
    paid_on: LocalDate
    milestone: BoundedInt(1, ID_MAX) | None = None
    reference: CleanText(40, multiline=False) = ""
    note: CleanText(300, multiline=False) = ""


class ProjectReviewIn(Schema):
    accept: bool
    note: CleanText(1000) = ""


class ProjectNoteIn(Schema):
    note: CleanText(1000, min_length=1)


class AcceptanceIn(Schema):
    result: Literal["passed", "failed", "extended"]
    note: CleanText(2000, min_length=1)
    extended_until: LocalDate | None = None
    panel_score: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)


class ProjectsQuery(Schema):
    status: Literal["in_progress", "acceptance", "closed", "failed"] | None = None
    province: str | None = Field(None, pattern=r"^\d{6}$")
    q: CleanText(100, multiline=False) = ""
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


class ReportOut(Schema):
    id: int
    status: str
    text: str
    attachment_name: str
    review_note: str
    submitted_at: datetime
    reviewed_at: datetime | None


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: date
    deliverables: str
    payment_amount: Decimal
    paid: Decimal
    is_mid_term: bool
    reports: list[ReportOut]


class PaymentOut(Schema):
    id: int
    category: str
    amount: Decimal
    paid_on: date
    milestone: int | None
    reference: str
    note: str


class CategoryOut(Schema):
    category: str
    label: str
    approved: Decimal
    paid: Decimal
    remaining: Decimal


class AcceptanceOut(Schema):
    id: int
    result: str
    note: str
    extended_until: date | None
    panel_score: Decimal | None
    decided_at: datetime


class ProjectItem(Schema):
    id: int
    contract_number: str
    application: int
    title: str
    organization: str
    province: str
    status: str
    grant_amount: Decimal
    paid: Decimal
    start_date: date
    end_date: date


class ProjectOut(ProjectItem):
    goals: str
    deliverables: str
    signed_at: datetime | None
    mid_term_note: str
    mid_term_at: datetime | None
    remaining: Decimal
    scheduled: Decimal
    milestones: list[MilestoneOut]
    payments: list[PaymentOut]
    categories: list[CategoryOut]
    acceptances: list[AcceptanceOut]
    transitions: list[str]


class ProjectPage(Schema):
    items: list[ProjectItem]
    next_cursor: str | None


def _item(p: Any, paid: Decimal) -> dict[str, Any]:
    app = p.application
    return {
        "id": p.pk,
        "contract_number": p.contract_number,
        "application": app.pk,
        "title": app.title,
        "organization": app.organization.name,
        "province": app.province.code,
        "status": app.status,
        "grant_amount": p.grant_amount,
        "paid": paid,
        "start_date": p.start_date,
        "end_date": p.end_date,
    }


def _detail(viewer: Any, project_id: int) -> dict[str, Any]:
    d = reads.project_get(viewer=viewer, project_id=project_id)
    p = d.project
    return {
        **_item(p, d.paid),
        "goals": p.goals,
        "deliverables": p.deliverables,
        "signed_at": p.signed_at,
        "mid_term_note": p.mid_term_note,
        "mid_term_at": p.mid_term_at,
        "remaining": d.remaining,
        "scheduled": d.scheduled,
        "milestones": [
            {
                "id": m.pk,
                "title": m.title,
                "due_date": m.due_date,
                "deliverables": m.deliverables,
                "payment_amount": m.payment_amount,
                "paid": m.paid_total,
                "is_mid_term": m.is_mid_term,
                "reports": [
                    {
                        "id": r.pk,
                        "status": r.status,
                        "text": r.text,
                        "attachment_name": r.attachment_name,
                        "review_note": r.review_note,
                        "submitted_at": r.submitted_at,
                        "reviewed_at": r.reviewed_at,
                    }
                    for r in m.report_list
                ],
            }
            for m in d.milestones
        ],
        "payments": [
            {
                "id": x.pk,
                "category": x.category,
                "amount": x.amount,
                "paid_on": x.paid_on,
                "milestone": x.milestone_id,
                "reference": x.reference,
                "note": x.note,
            }
            for x in d.payments
        ],
        "categories": [
            {"category": c.category, "label": c.label, "approved": c.approved, "paid": c.paid, "remaining": c.remaining}
            for c in d.categories
        ],
        "acceptances": [
            {
                "id": a.pk,
                "result": a.result,
                "note": a.note,
                "extended_until": a.extended_until,
                "panel_score": a.panel_score,
                "decided_at": a.decided_at,
            }
            for a in d.acceptances
        ],
        "transitions": [t.name for t in d.transitions],
    }


@router.get("/projects", response={200: ProjectPage, **READ_ERRORS}, auth=login_required, summary="项目（任务书）列表")
def list_projects(request: HttpRequest, query: Query[ProjectsQuery]):
    user = api_user(request)
    page = reads.project_list(
        viewer=user,
        filters=reads.ProjectFilters(status=query.status or "", province=query.province or "", q=query.q),
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [_item(p, p.paid_total) for p in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/projects",
    response={201: ProjectOut, **ERRORS},
    summary="签订任务书（立项资助的申请 → 执行中）；节点拨付计划合计不超过资助总额（422 schedule_over_grant）",
)
def create_project(request: HttpRequest, payload: ProjectIn):
    user = api_user_required(request)
    data = payload.model_dump()
    project = services.project_create(actor=user, application_id=payload.application, data=data)
    return Status(201, _detail(user, project.pk))


@router.get(
    "/projects/{project_id}", response={200: ProjectOut, **READ_ERRORS}, auth=login_required, summary="项目详情"
)
def get_project(request: HttpRequest, project_id: int = Id):
    return _detail(api_user(request), project_id)


@router.post(
    "/projects/{project_id}/milestones/{milestone_id}/reports",
    response={201: ProjectOut, **ERRORS},
    summary="提交节点报告（申报单位；multipart：text 文字、file 附件 PDF/DOCX/XLSX/PNG/JPG，不超过 10 MB）",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["text"],
                        "properties": {
                            "text": {"type": "string", "maxLength": 8000},
                            "file": {"type": "string", "format": "binary"},
                        },
                    }
                }
            }
        }
    },
)
def submit_report(request: HttpRequest, project_id: int = Id, milestone_id: int = Path(..., ge=1, le=ID_MAX)):
    """multipart/form-data: `text` and an optional `file`."""
    user = api_user_required(request)
    text = request.POST.get("text", "")
    file = request.FILES.get("file")
    attachment = None
    if file is not None:
        if file.size is not None and file.size > services.ATTACHMENT_MAX_BYTES:
            raise ValidationFailed(code="file_too_large", details={"attachment": ["附件不能超过 10 MB。"]})
        attachment = services.attachment_check(file.name or "", file.read(services.ATTACHMENT_MAX_BYTES + 1))
    services.milestone_report_submit(
        actor=user, project_id=project_id, milestone_id=milestone_id, text=text, attachment=attachment
    )
    return Status(201, _detail(user, project_id))


@router.post(
    "/projects/{project_id}/reports/{report_id}/review",
    response={200: ProjectOut, **ERRORS},
    summary="审核节点报告（通过 / 退回修改，退回须说明原因）",
)
def review_report(
    request: HttpRequest, payload: ProjectReviewIn, project_id: int = Id, report_id: int = Path(..., ge=1, le=ID_MAX)
):
    user = api_user_required(request)
    services.milestone_report_review(
        actor=user, report_id=report_id, accept=payload.accept, note=payload.note, project_id=project_id
    )
    return _detail(user, project_id)


@router.post(
    "/projects/{project_id}/payments",
    response={201: ProjectOut, **ERRORS},
    summary="登记拨款（财务）：累计不超过资助总额（payment_over_grant），各科目不超过批准预算（payment_over_budget_line）",
)
def record_payment(request: HttpRequest, payload: PaymentIn, project_id: int = Id):
    user = api_user_required(request)
    pay.payment_record(actor=user, project_id=project_id, data=payload.model_dump())
    return Status(201, _detail(user, project_id))


@router.post("/projects/{project_id}/mid-term", response={200: ProjectOut, **ERRORS}, summary="中期检查意见")
def mid_term(request: HttpRequest, payload: ProjectNoteIn, project_id: int = Id):
    user = api_user_required(request)
    services.project_mid_term(actor=user, project_id=project_id, note=payload.note)
    return _detail(user, project_id)


@router.post(
    "/projects/{project_id}/acceptance/request",
    response={200: ProjectOut, **ERRORS},
    summary="申请结题验收（申报单位）",
)
def request_acceptance(request: HttpRequest, project_id: int = Id):
    user = api_user_required(request)
    services.acceptance_request(actor=user, project_id=project_id)
    return _detail(user, project_id)


@router.post(
    "/projects/{project_id}/acceptance",
    response={200: ProjectOut, **ERRORS},
    summary="结题验收结论：通过（已结题）/ 不通过 / 延期（须给出新的结束日期）",
)
def decide_acceptance(request: HttpRequest, payload: AcceptanceIn, project_id: int = Id):
    user = api_user_required(request)
    services.acceptance_decide(
        actor=user,
        project_id=project_id,
        result=payload.result,
        note=payload.note,
        extended_until=payload.extended_until,
        panel_score=payload.panel_score,
    )
    return _detail(user, project_id)
