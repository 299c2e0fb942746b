"""The programmes API: calls (申报指南) — list, create, read, edit and the lifecycle's steps."""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from nesta.core.api_auth import api_user, api_user_required
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.lifecycle import Transition
from nesta.core.schemas import ErrorOut
from nesta.programmes.lifecycles.call import CALL
from nesta.programmes.models import Call
from nesta.programmes.schemas_calls import ID_MAX, CallIn, CallOut, CallPage, CallPatch, CallQuery
from nesta.programmes.selectors import calls as reads
from nesta.programmes.services import calls as services

router = Router(tags=["programmes"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _ref(x: Any) -> dict[str, str] | None:
    return None if x is None else {"code": x.code, "name": x.name}


def call_item(c: Call) -> dict[str, Any]:
    return {
        "id": c.pk,
        "code": c.code,
        "title": c.title,
        "programme": _ref(c.programme),
        "year": c.year,
        "status": c.status,
        "status_display": str(c.get_status_display()),
        "owner_province": _ref(c.owner_province),
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "budget": c.budget,
        "max_request": c.max_request,
        "url": c.get_absolute_url(),
    }


def call_out(c: Call, viewer: Any) -> dict[str, Any]:
    return {
        **call_item(c),
        "summary": c.summary,
        "fields": [_ref(n) for n in c.fields.all()],
        "provinces": [_ref(r) for r in c.provinces.all()],
        "form_fields": c.form_fields or [],
        "criteria": [
            {
                "code": k.code,
                "name": k.name,
                "description": k.description,
                "weight": k.weight,
                "scale": k.scale,
                "max_score": k.max_score,
            }  # fmt: skip
            for k in c.criteria.all()
        ],
        "rounds": [
            {
                "kind": r.kind,
                "order": r.order,
                "reviewers_per_application": r.reviewers_per_application,
                "min_load": r.min_load,
                "max_load": r.max_load,
                "cutoff_count": r.cutoff_count,
                "cutoff_score": r.cutoff_score,
            }  # fmt: skip
            for r in c.rounds.all()
        ],
        "blind": c.blind,
        "max_avoid": c.max_avoid,
        "tilt_group": c.tilt_group,
        "tilt_share": c.tilt_share,
        "published_at": c.published_at,
        "closed_at": c.closed_at,
        "transitions": [t.name for t in reads.transitions_for(viewer, c)],
    }


def _detail(call_id: int, viewer: Any) -> dict[str, Any]:
    return call_out(reads.call_get(viewer=viewer, call_id=call_id), viewer)


@router.get(
    "/calls", response={200: CallPage, **READ_ERRORS}, summary="申报指南列表（草稿仅组织方可见），最新在前，按游标分页"
)
def list_calls(request: HttpRequest, query: Query[CallQuery]):
    page = reads.calls_page(
        viewer=api_user(request),
        status=query.status,
        programme=query.programme,
        year=query.year,
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [call_item(c) for c in page.items], "next_cursor": page.next_cursor}


@router.post("/calls", response={201: CallOut, **ERRORS}, summary="新建申报指南（草稿）")
def create_call(request: HttpRequest, payload: CallIn):
    user = api_user_required(request)
    call = services.call_create(actor=user, data=payload.model_dump(exclude_unset=True))
    return Status(201, _detail(call.pk, user))


@router.get("/calls/{call_id}", response={200: CallOut, **READ_ERRORS}, summary="申报指南详情")
def get_call(request: HttpRequest, call_id: int = Path(..., ge=1, le=ID_MAX)):
    return _detail(call_id, api_user(request))


@router.patch(
    "/calls/{call_id}",
    response={200: CallOut, **ERRORS},
    summary="修改申报指南（只改所给字段；受理中只能改文字、推迟截止和预算）",
)
def update_call(request: HttpRequest, payload: CallPatch, call_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    call = services.call_update(actor=user, call_id_=call_id, data=payload.model_dump(exclude_unset=True))
    return _detail(call.pk, user)


def _run(t: Transition, user: Any, call_id: int) -> dict[str, Any]:
    call = services.call_run(t.name, actor=user, call_id_=call_id)
    return _detail(call.pk, user)


transition_endpoints(
    router,
    CALL,
    prefix="/calls",
    id_name="call_id",
    run=_run,
    response={200: CallOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_call",
    module=__name__,
)
