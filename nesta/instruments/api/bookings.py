"""Bookings over the API: thin wrappers over instruments.services.booking."""

import inspect
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Path, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nesta.core.api_auth import api_user_required
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.inputs import AwareDateTime
from nesta.core.lifecycle import Transition
from nesta.core.schemas import ErrorOut
from nesta.directory.schemas import ID_MAX
from nesta.instruments import services
from nesta.instruments.lifecycles import BOOKING
from nesta.instruments.models import Booking

router = Router(tags=["bookings"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}


class BookingIn(Schema):
    start: AwareDateTime = Field(..., description="ISO 8601 with time zone, e.g. 2026-12-01T09:00:00+08:00")
    end: AwareDateTime
    purpose: str = Field("", max_length=300)
    weeks: int = Field(1, ge=1, le=52, description="大于1时按周重复；冲突日期跳过并在 skipped 中说明")


class BookingOut(Schema):
    id: int
    instrument_id: int
    user_id: int
    organization_id: int | None
    start: datetime
    end: datetime
    purpose: str
    status: str
    status_display: str
    is_external: bool
    series: str | None


class SeriesOut(Schema):
    series: str
    created: list[BookingOut]
    skipped: list[dict]


class UsageOut(Schema):
    id: int
    booking_id: int | None
    started_at: datetime
    ended_at: datetime | None
    samples: int
    hours: float
    is_external: bool


class CheckOutIn(Schema):
    samples: int = Field(0, ge=0, le=100000)
    notes: str = Field("", max_length=2000)


def booking_out(b: Booking) -> dict:
    return {
        "id": b.pk,
        "instrument_id": b.instrument_id,
        "user_id": b.user_id,
        "organization_id": b.organization_id,
        "start": b.start,
        "end": b.end,
        "purpose": b.purpose,
        "status": b.status,
        "status_display": str(b.get_status_display()),
        "is_external": b.is_external,
        "series": str(b.series) if b.series else None,
    }


def usage_out(u) -> dict:
    return {
        "id": u.pk,
        "booking_id": u.booking_id,
        "started_at": u.started_at,
        "ended_at": u.ended_at,
        "samples": u.samples,
        "hours": float(u.hours),
        "is_external": u.is_external,
    }


@router.post(
    "/instruments/{instrument_id}/bookings",
    response={201: BookingOut | SeriesOut, **ERRORS},
    summary="预约仪器（支持 Idempotency-Key 头；weeks>1 时按周重复）",
)
def create_booking(request: HttpRequest, payload: BookingIn, instrument_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    if payload.weeks > 1:
        result = services.booking_create_weekly(
            actor=user,
            instrument_id=instrument_id,
            start=payload.start,
            end=payload.end,
            weeks=payload.weeks,
            purpose=payload.purpose,
        )
        return Status(
            201,
            {
                "series": str(result.series),
                "created": [booking_out(b) for b in result.created],
                "skipped": result.skipped,
            },
        )
    key = (request.headers.get("Idempotency-Key") or "").strip()[:100] or None
    result = services.booking_create(
        actor=user,
        instrument_id=instrument_id,
        start=payload.start,
        end=payload.end,
        purpose=payload.purpose,
        idempotency_key=key,
    )
    return Status(201, booking_out(result.booking))


# --- the booking's transitions: one endpoint per offered transition of the table ----------------


def _run(t: Transition, user: Any, booking_id: int, payload: CheckOutIn | None = None) -> dict:
    if t.name == "check_in":
        return usage_out(services.booking_check_in(actor=user, booking_id=booking_id))
    if t.name == "check_out":
        payload = payload or CheckOutIn()
        session = services.booking_check_out(
            actor=user, booking_id=booking_id, samples=payload.samples, notes=payload.notes
        )
        return usage_out(session)
    return booking_out(RUN[t.name](actor=user, booking_id=booking_id))


# The transitions whose endpoint answers the booking (the others answer the usage session).
RUN = {"cancel": services.booking_cancel, "approve": services.booking_approve, "reject": services.booking_reject}
OPERATION = {"check_in": "check_in", "check_out": "check_out"}  # the ids these operations always had

transition_endpoints(
    router,
    BOOKING,
    prefix="/bookings",
    id_name="booking_id",
    run=_run,
    response=lambda t: {200: UsageOut if t.name in ("check_in", "check_out") else BookingOut, **ERRORS},
    operation_id=lambda t: OPERATION.get(t.name, f"{t.name}_booking"),
    module=__name__,
    inputs={
        "check_out": [
            inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=CheckOutIn | None, default=None)
        ]
    },
)
