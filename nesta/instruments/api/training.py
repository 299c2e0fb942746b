"""Training requests over the API: thin wrappers over services.training and selectors.training.

POST /instruments/{id}/training-requests asks (201; 409 request_open, 422 already_qualified /
training_not_required); GET /me/training-requests lists one's own; the instrument's staff list
GET /instruments/{id}/training-requests and answer through the TRAINING table's endpoints
POST /training-requests/{id}/schedule | grant | decline | withdraw."""

import inspect
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.errors import NotFound, PermissionDenied
from nesta.core.inputs import AwareDateTime, CleanText
from nesta.core.lifecycle import Transition
from nesta.core.permissions import can
from nesta.core.schemas import ErrorOut
from nesta.directory.schemas import ID_MAX
from nesta.instruments.lifecycles import TRAINING
from nesta.instruments.models import Instrument, TrainingRequest
from nesta.instruments.selectors import training as selectors
from nesta.instruments.services import training as services

router = Router(tags=["training requests"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class TrainingIn(Schema):
    message: CleanText(2000) = Field("", description="申请说明")


class ScheduleIn(Schema):
    start: AwareDateTime
    end: AwareDateTime
    location: CleanText(200, multiline=False) = ""
    note: CleanText(300) = ""


class GrantIn(Schema):
    expires_at: AwareDateTime | None = Field(None, description="资格有效期至；不填为长期有效")


class DeclineIn(Schema):
    reason: CleanText(300, min_length=1) = Field(..., description="原因（告知申请人）")


class TrainingOut(Schema):
    id: int
    instrument_id: int
    user_id: int
    user_name: str
    message: str
    status: str
    status_display: str
    created_at: datetime
    session_start: datetime | None
    session_end: datetime | None
    session_location: str
    manager_note: str
    qualification_expires_at: datetime | None


class TrainingPage(Schema):
    items: list[TrainingOut]
    next_cursor: str | None


class ListQuery(Schema):
    cursor: CleanText(200) | None = None
    limit: int = Field(20, ge=1, le=100)


class StaffListQuery(ListQuery):
    status: TrainingRequest.Status | None = Field(None, description="按状态筛选")


def training_out(r: TrainingRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "instrument_id": r.instrument_id,
        "user_id": r.user_id,
        "user_name": str(r.user),
        "message": r.message,
        "status": r.status,
        "status_display": str(r.get_status_display()),
        "created_at": r.created_at,
        "session_start": r.session_start,
        "session_end": r.session_end,
        "session_location": r.session_location,
        "manager_note": r.manager_note,
        "qualification_expires_at": r.qualification_expires_at,
    }


def _page(page: Any) -> dict[str, Any]:
    return {"items": [training_out(r) for r in page.items], "next_cursor": page.next_cursor}


InstrumentId = Path(..., ge=1, le=ID_MAX)


@router.post(
    "/instruments/{instrument_id}/training-requests",
    response={201: TrainingOut, **ERRORS},
    summary="申请上机培训（409 request_open；422 already_qualified / training_not_required）",
)
def request_training(request: HttpRequest, payload: TrainingIn, instrument_id: int = InstrumentId):
    r = services.training_request(
        actor=api_user_required(request), instrument_id=instrument_id, message=payload.message
    )
    return Status(201, training_out(r))


@router.get(
    "/me/training-requests",
    response={200: TrainingPage, **READ_ERRORS},
    auth=login_required,
    summary="我的培训申请（最新在前，按游标分页）",
)
def list_my_training(request: HttpRequest, filters: Query[ListQuery]):
    return _page(selectors.my_requests_page(user=api_user(request), cursor=filters.cursor, limit=filters.limit))


@router.get(
    "/instruments/{instrument_id}/training-requests",
    response={200: TrainingPage, **READ_ERRORS},
    auth=login_required,
    summary="仪器的培训申请（仪器管理方；最新在前，按游标分页）",
)
def list_instrument_training(request: HttpRequest, filters: Query[StaffListQuery], instrument_id: int = InstrumentId):
    instrument = Instrument.objects.select_related("province").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    if not can(api_user(request), "instrument.manage", instrument):
        raise PermissionDenied()
    page = selectors.instrument_requests_page(
        instrument_id=instrument.pk,
        cursor=filters.cursor,
        limit=filters.limit,
        status=filters.status.value if filters.status else None,
    )
    return _page(page)


def _run(t: Transition, user: Any, request_id: int, payload: Any = None) -> dict[str, Any]:
    if t.name == "schedule":
        r = services.training_schedule(
            actor=user,
            request_id=request_id,
            start=payload.start,
            end=payload.end,
            location=payload.location,
            note=payload.note,
        )
    elif t.name == "grant":
        r = services.training_grant(
            actor=user, request_id=request_id, expires_at=payload.expires_at if payload else None
        )
    elif t.name == "decline":
        r = services.training_decline(actor=user, request_id=request_id, reason=payload.reason)
    else:
        r = services.training_withdraw(actor=user, request_id=request_id)
    return training_out(r)


def _body(schema: type) -> list[inspect.Parameter]:
    return [inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=schema)]


transition_endpoints(
    router,
    TRAINING,
    prefix="/training-requests",
    id_name="request_id",
    run=_run,
    response={200: TrainingOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_training_request",
    module=__name__,
    inputs={"schedule": _body(ScheduleIn), "grant": _body(GrantIn), "decline": _body(DeclineIn)},
)
