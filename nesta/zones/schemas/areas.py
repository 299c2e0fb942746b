"""Typed API input and output of the area-adjustment requests (names prefixed AreaRequest: one
OpenAPI component per class name)."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from nesta.core.inputs import CleanText
from nesta.core.models import AuditLog
from nesta.zones.models import AreaRequest, AreaRequestStatus

ID_MAX = 2_147_483_647
AREA = {"gt": 0, "le": 10_000, "max_digits": 7, "decimal_places": 2}
USE_AREA = {"ge": 0, "le": 10_000, "max_digits": 7, "decimal_places": 2}


class AreaRequestIn(Schema):
    title: CleanText(200, min_length=1, multiline=False) = Field(..., description="申请名称")
    current_area: Decimal | None = Field(
        None, **AREA, description="现有面积（平方公里）；不填则取该高新区最近一年的规划面积"
    )
    requested_area: Decimal = Field(..., **AREA, description="申请调整后面积（平方公里），不同于现有面积")
    area_innovation: Decimal = Field(Decimal(0), **USE_AREA, description="其中技术创新用地（平方公里）")
    area_incubation: Decimal = Field(Decimal(0), **USE_AREA, description="其中孵化用地（平方公里）")
    area_industrialisation: Decimal = Field(Decimal(0), **USE_AREA, description="其中产业化示范用地（平方公里）")
    location: CleanText(1000) = Field("", description="四至范围/位置")
    justification: CleanText(8000, min_length=1) = Field(..., description="申请理由")


class AreaRequestPatch(Schema):
    title: CleanText(200, min_length=1, multiline=False) | None = None
    current_area: Decimal | None = Field(None, **AREA)
    requested_area: Decimal | None = Field(None, **AREA)
    area_innovation: Decimal | None = Field(None, **USE_AREA)
    area_incubation: Decimal | None = Field(None, **USE_AREA)
    area_industrialisation: Decimal | None = Field(None, **USE_AREA)
    location: CleanText(1000) | None = None
    justification: CleanText(8000, min_length=1) | None = None


class AreaRequestReasonIn(Schema):
    reason: CleanText(1000) = Field("", description="退回原因（必填）")


class AreaRequestEndorseIn(Schema):
    province_supports: bool | None = Field(None, description="省级是否同意（必填）")
    province_opinion: CleanText(2000) = Field("", description="省级意见（必填）")


class AreaRequestDecisionIn(Schema):
    approved_area: Decimal | None = Field(None, **AREA, description="批准面积（平方公里；批准时必填）")
    decision_note: CleanText(2000) = Field("", description="批复意见（必填）")


class AreaRequestQuery(Schema):
    status: AreaRequestStatus | None = None
    zone: int | None = Field(None, ge=1, le=ID_MAX, description="高新区（机构 id）")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


class AreaRequestZoneRef(Schema):
    id: int
    name: str
    province: str


class AreaRequestStepOut(Schema):
    at: datetime
    actor: str
    event: str
    label: str
    changes: dict[str, Any]


class AreaRequestOut(Schema):
    id: int
    zone: AreaRequestZoneRef
    title: str
    current_area: Decimal
    requested_area: Decimal
    change: Decimal
    area_innovation: Decimal
    area_incubation: Decimal
    area_industrialisation: Decimal
    location: str
    justification: str
    status: str
    status_label: str
    status_note: str
    province_supports: bool | None
    province_opinion: str
    decision_note: str
    approved_area: Decimal | None
    created_at: datetime
    submitted_at: datetime | None
    endorsed_at: datetime | None
    returned_at: datetime | None
    decided_at: datetime | None
    withdrawn_at: datetime | None


class AreaRequestDetailOut(AreaRequestOut):
    history: list[AreaRequestStepOut]


class AreaRequestPageOut(Schema):
    items: list[AreaRequestOut]
    next_cursor: str | None
    total: int | None


def area_request_out(req: AreaRequest, history: list[AuditLog] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": req.pk,
        "zone": {"id": req.zone_id, "name": req.zone.name, "province": req.zone.province.code},
        "title": req.title,
        "current_area": req.current_area,
        "requested_area": req.requested_area,
        "change": req.change,
        "area_innovation": req.area_innovation,
        "area_incubation": req.area_incubation,
        "area_industrialisation": req.area_industrialisation,
        "location": req.location,
        "justification": req.justification,
        "status": req.status,
        "status_label": str(req.get_status_display()),
        "status_note": req.status_note,
        "province_supports": req.province_supports,
        "province_opinion": req.province_opinion,
        "decision_note": req.decision_note,
        "approved_area": req.approved_area,
        "created_at": req.created_at,
        "submitted_at": req.submitted_at,
        "endorsed_at": req.endorsed_at,
        "returned_at": req.returned_at,
        "decided_at": req.decided_at,
        "withdrawn_at": req.withdrawn_at,
    }
    if history is not None:
        out["history"] = [
            {
                "at": row.created_at,
                "actor": row.actor_repr,
                "event": row.action,
                "label": str(row.event_label),
                "changes": row.changes if isinstance(row.changes, dict) else {},
            }
            for row in history
        ]
    return out
