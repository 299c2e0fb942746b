"""Area-adjustment requests over the API (调整和扩大建区面积): a zone files, its province gives an
opinion, the office decides. Thin: each endpoint calls one service or selector."""

import inspect
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.lifecycle import Transition
from nesta.core.schemas import ErrorOut
from nesta.zones.lifecycles.areas import AREA_REQUEST
from nesta.zones.schemas import areas as s
from nesta.zones.selectors import areas as reads
from nesta.zones.services import areas as services

router = Router(tags=["zones"])
ID_MAX = s.ID_MAX
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _detail(user: Any, request_id: int) -> dict[str, Any]:
    req = reads.area_request_get(viewer=user, request_id=request_id)
    return s.area_request_out(req, reads.area_request_history(req))


@router.get(
    "/zones/{zone_id}/area-requests",
    response={200: list[s.AreaRequestOut], **READ_ERRORS},
    auth=login_required,
    summary="高新区的调整扩区申请（本区、所在省与办公室可见）",
)
def list_zone_area_requests(request: HttpRequest, zone_id: int = Path(..., ge=1, le=ID_MAX)):
    zone = reads.zone_get(zone_id)
    return [s.area_request_out(r) for r in reads.area_requests_for_zone(zone.pk, api_user(request))]


@router.post(
    "/zones/{zone_id}/area-requests",
    response={201: s.AreaRequestDetailOut, **ERRORS},
    summary="新建调整扩区申请（高新区管委会；各用途面积之和等于申请面积）",
)
def create_area_request(request: HttpRequest, payload: s.AreaRequestIn, zone_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    req = services.area_request_create(actor=user, zone_id=zone_id, data=payload.model_dump())
    return Status(201, _detail(user, req.pk))


@router.get(
    "/area-requests",
    response={200: s.AreaRequestPageOut, **READ_ERRORS},
    auth=login_required,
    summary="调整扩区申请（按权限：本区、本省或全部；可按状态、高新区筛选）",
)
def list_area_requests(request: HttpRequest, query: Query[s.AreaRequestQuery]):
    page = reads.area_request_page(
        viewer=api_user(request),
        zone_id=query.zone,
        status=query.status.value if query.status else None,
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [s.area_request_out(r) for r in page.items], "next_cursor": page.next_cursor, "total": page.total}


@router.get(
    "/area-requests/{request_id}",
    response={200: s.AreaRequestDetailOut, **READ_ERRORS},
    auth=login_required,
    summary="调整扩区申请详情与办理过程",
)
def get_area_request(request: HttpRequest, request_id: int = Path(..., ge=1, le=ID_MAX)):
    return _detail(api_user(request), request_id)


@router.patch(
    "/area-requests/{request_id}",
    response={200: s.AreaRequestDetailOut, **ERRORS},
    summary="修改调整扩区申请（草稿或退回修改时；只改所给字段）",
)
def update_area_request(
    request: HttpRequest, payload: s.AreaRequestPatch, request_id: int = Path(..., ge=1, le=ID_MAX)
):
    user = api_user_required(request)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    services.area_request_update(actor=user, request_id=request_id, data=data)
    return _detail(user, request_id)


def _payload(annotation: Any) -> list[inspect.Parameter]:
    return [inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=None)]


# each step's input (a bare step takes none)
STEP_INPUT = {
    "endorse": s.AreaRequestEndorseIn,
    "return": s.AreaRequestReasonIn,
    "send_back": s.AreaRequestReasonIn,
    "approve": s.AreaRequestDecisionIn,
    "reject": s.AreaRequestDecisionIn,
}


def _run(t: Transition, user: Any, request_id: int, payload: Any = None) -> dict[str, Any]:
    data = payload.model_dump() if payload is not None else {}
    services.area_request_run(t.name, actor=user, request_id=request_id, data=data)
    return _detail(user, request_id)


transition_endpoints(
    router,
    AREA_REQUEST,
    prefix="/area-requests",
    id_name="request_id",
    run=_run,
    response={200: s.AreaRequestDetailOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_area_request",
    module=__name__,
    inputs={name: _payload(schema | None) for name, schema in STEP_INPUT.items()},
)
