"""The programmes API: applications — list (per role), create, read, edit, the lifecycle's steps."""

import inspect
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.errors import ValidationFailed
from nesta.core.lifecycle import Transition
from nesta.core.schemas import ErrorOut
from nesta.programmes.lifecycles.application import APPLICATION
from nesta.programmes.models import Application, ApplicationStatus
from nesta.programmes.schemas_applications import (
    ID_MAX,
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    ApplicationPatch,
    ApplicationQuery,
    ApplicationReasonIn,
    CheckIn,
)
from nesta.programmes.selectors import applications as reads
from nesta.programmes.services import applications as services

router = Router(tags=["programmes"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def application_item(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "title": a.title,
        "status": a.status,
        "status_display": str(a.get_status_display()),
        "call": {"id": a.call_id, "name": a.call.title},
        "organization": {"id": a.organization_id, "name": a.organization.name},
        "province": {"code": a.province.code, "name": a.province.name},
        "field": {"code": a.field.code, "name": a.field.name},
        "requested_amount": a.requested_amount,
        "submitted_at": a.submitted_at,
        "url": a.get_absolute_url(),
    }


def application_out(a: Application, viewer: Any) -> dict[str, Any]:
    s = reads.budget_of(a)
    return {
        **application_item(a),
        "summary": a.summary,
        "keywords": a.keywords,
        "self_funding": a.self_funding,
        "start_date": a.start_date,
        "end_date": a.end_date,
        "form_data": a.form_data or {},
        "is_private_tech": a.is_private_tech,
        "status_note": a.status_note,
        "formal_check": a.formal_check or {},
        "team": [
            {
                "name": m.name,
                "person": m.person_id,
                "organization": m.organization_id,
                "organization_name": m.organization_name,
                "title": m.title,
                "role": m.role,
                "is_lead": m.is_lead,
                "months": m.months,
            }  # fmt: skip
            for m in a.team.all()
        ],
        "budget": {
            "lines": [
                {"category": b.category, "from_grant": b.from_grant, "amount": b.amount, "note": b.note}
                for b in a.budget_items.all()
            ],
            "direct": s.direct,
            "base": s.base,
            "indirect": s.indirect,
            "cap": s.cap,
            "grant_total": s.grant_total,
            "own_total": s.own_total,
            "within_cap": s.within_cap,
        },
        "attachments": [
            {"id": x.pk, "kind": x.kind, "name": x.name, "size": x.size, "content_type": x.content_type}
            for x in a.attachments.all()
        ],
        "avoid_requests": [
            {"expert": r.expert_id, "name": r.expert.name, "reason": r.reason} for r in a.avoid_requests.all()
        ],
        "awarded_amount": a.awarded_amount,
        "transitions": [t.name for t in reads.transitions_for(viewer, a)],
    }


def _detail(application_id: int, viewer: Any) -> dict[str, Any]:
    return application_out(reads.application_get(viewer=viewer, application_id=application_id), viewer)


@router.get(
    "/applications",
    response={200: ApplicationPage, **READ_ERRORS},
    auth=login_required,
    summary="项目申请列表（按权限：本单位 / 本省 / 全部），按指南、状态、省份筛选，最新在前，按游标分页",
)
def list_applications(request: HttpRequest, query: Query[ApplicationQuery]):
    status = query.status if query.status in ApplicationStatus.values else ""
    if query.status and not status:
        raise ValidationFailed(_("未知的状态。"), code="invalid_status", details={"status": [_("未知的状态。")]})
    page = reads.applications_page(
        viewer=api_user(request),
        call=query.call,
        status=status,
        province=query.province,
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [application_item(a) for a in page.items], "next_cursor": page.next_cursor}


@router.post("/applications", response={201: ApplicationOut, **ERRORS}, summary="新建项目申请（草稿）")
def create_application(request: HttpRequest, payload: ApplicationIn):
    user = api_user_required(request)
    app = services.application_create(actor=user, data=payload.model_dump(exclude_unset=True))
    return Status(201, _detail(app.pk, user))


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **READ_ERRORS},
    auth=login_required,
    summary="项目申请详情",
)
def get_application(request: HttpRequest, application_id: int = Path(..., ge=1, le=ID_MAX)):
    return _detail(application_id, api_user(request))


@router.patch(
    "/applications/{application_id}",
    response={200: ApplicationOut, **ERRORS},
    summary="修改项目申请（草稿或退回修改时；只改所给部分）",
)
def update_application(
    request: HttpRequest, payload: ApplicationPatch, application_id: int = Path(..., ge=1, le=ID_MAX)
):
    user = api_user_required(request)
    app = services.application_update(
        actor=user, application_id_=application_id, data=payload.model_dump(exclude_unset=True)
    )
    return _detail(app.pk, user)


def _run(t: Transition, user: Any, application_id: int, payload: Any = None) -> dict[str, Any]:
    reason = getattr(payload, "reason", "") if payload is not None else ""
    checklist = getattr(payload, "checklist", None) if payload is not None else None
    app = services.application_run(
        t.name, actor=user, application_id_=application_id, reason=reason, checklist=checklist
    )
    return _detail(app.pk, user)


def _payload(annotation: Any, default: Any) -> list[inspect.Parameter]:
    return [inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)]


transition_endpoints(
    router,
    APPLICATION,
    prefix="/applications",
    id_name="application_id",
    run=_run,
    response={200: ApplicationOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_application",
    module=__name__,
    inputs={
        "not_recommend": _payload(ApplicationReasonIn, inspect.Parameter.empty),
        "return": _payload(CheckIn, inspect.Parameter.empty),
        "pass_check": _payload(CheckIn | None, None),
        "recommend": _payload(ApplicationReasonIn | None, None),
        "withdraw": _payload(ApplicationReasonIn | None, None),
    },
)
