"""Writes of the area-adjustment requests: a zone's management committee files and edits a draft
(or a returned request); the workflow's steps (lifecycles/areas.py) take their inputs here.

Areas are km² with at most two decimals, 0 < area ≤ 10,000. The requested area is split by use
(technical innovation, incubation, industrialisation demonstration) and the parts add up to it
exactly; the requested area differs from the current one (else there is nothing to ask). The
current area defaults to the planned area of the zone's latest annual figures.

A step's inputs are checked after its permission and state (403 and 409 come first, as the
lifecycle decides them), then saved with the step, so the audit row holds the opinion or decision
next to the change of state.
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.lifecycle import Transition
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text
from nesta.zones.lifecycles.areas import AREA_REQUEST
from nesta.zones.models import AreaRequest, AreaRequestStatus
from nesta.zones.models.zones import zone_target
from nesta.zones.selectors.areas import zone_get, zone_planned_area

AREA_MAX = Decimal(10_000)  # km²: the largest national zone is a few hundred; 10,000 is a typo's bound
TITLE_MAX, LOCATION_MAX, JUSTIFICATION_MAX = 200, 1000, 8000
REASON_MAX, OPINION_MAX = 1000, 2000
EDITABLE = (AreaRequestStatus.DRAFT, AreaRequestStatus.RETURNED)
USES = ("area_innovation", "area_incubation", "area_industrialisation")
FIELDS = ["title", "current_area", "requested_area", *USES, "location", "justification"]


def _fail(field: str, message: str, code: str = "invalid_area_request") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def _text(value: Any, *, field: str, max_length: int, required: bool = False, multiline: bool = True) -> str:
    """core.validators.clean_text, its messages as plain text (a web step shows them as they are)."""
    try:
        return clean_text(value, field=field, max_length=max_length, required=required, multiline=multiline)
    except ValidationFailed as exc:
        details = {k: [str(m) for m in v] for k, v in exc.details.items()}
        first = next((m for v in details.values() for m in v), str(exc.message))
        raise ValidationFailed(first, code=exc.code, details=details) from None


def area_km2(value: Any, *, field: str, positive: bool = True) -> Decimal:
    """An area in km²: at most two decimals, ≤ 10,000, and > 0 (or ≥ 0 for a use's share)."""
    if value is None or value == "":
        raise _fail(field, _("请输入面积（平方公里）。"), "area_required")
    if isinstance(value, bool) or (isinstance(value, str) and len(value) > 40):
        raise _fail(field, _("面积格式有误。"), "invalid_area")
    try:
        area = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise _fail(field, _("面积格式有误。"), "invalid_area") from None
    if not area.is_finite():
        raise _fail(field, _("面积格式有误。"), "invalid_area")
    exponent = area.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise _fail(field, _("面积最多保留两位小数。"), "invalid_area")
    if (area <= 0 if positive else area < 0) or area > AREA_MAX:
        message = _("面积应大于 0 且不超过 10000 平方公里。") if positive else _("面积应在 0 到 10000 平方公里之间。")
        raise _fail(field, message, "area_out_of_range")
    return area.quantize(Decimal("0.01"))


def _values(data: dict[str, Any]) -> dict[str, Any]:
    """The typed fields present in `data` (a PATCH gives only some)."""
    out: dict[str, Any] = {}
    if "title" in data:
        out["title"] = _text(data["title"], field="title", max_length=TITLE_MAX, required=True, multiline=False)
    if "location" in data:
        out["location"] = _text(data["location"], field="location", max_length=LOCATION_MAX)
    if "justification" in data:
        out["justification"] = _text(
            data["justification"], field="justification", max_length=JUSTIFICATION_MAX, required=True
        )
    for name in ("current_area", "requested_area"):
        if data.get(name) is not None and data.get(name) != "":
            out[name] = area_km2(data[name], field=name)
    for name in USES:
        if name in data:
            out[name] = area_km2(data[name] if data[name] not in (None, "") else 0, field=name, positive=False)
    return out


def _consistent(req: AreaRequest) -> None:
    if req.requested_area == req.current_area:
        raise _fail("requested_area", _("申请面积与现有面积相同，无需申请调整。"), "area_unchanged")
    total = sum((getattr(req, u) for u in USES), Decimal(0))
    if total != req.requested_area:
        raise _fail(
            "area_innovation",
            _("技术创新、孵化、产业化示范用地之和（%(t)s）应等于申请面积（%(r)s 平方公里）。")
            % {"t": total, "r": req.requested_area},
            "area_uses_mismatch",
        )


def area_request_create(*, actor: Any, zone_id: int, data: dict[str, Any]) -> AreaRequest:
    """A draft request of the zone (its management committee: `area_request.file`)."""
    zone = zone_get(zone_id)
    require(actor, "area_request.file", zone_target(zone))
    values = _values(data)
    for name in ("title", "justification", "requested_area"):
        if name not in values:
            message = _("请输入面积（平方公里）。") if name == "requested_area" else _("此字段为必填项。")
            raise _fail(name, message, "area_required" if name == "requested_area" else "required")
    if "current_area" not in values:
        planned = zone_planned_area(zone.pk)
        if planned is None:
            raise _fail("current_area", _("该高新区尚无年度规划面积，请填写现有面积。"), "current_area_required")
        values["current_area"] = planned
    req = AreaRequest(zone=zone, created_by=actor if getattr(actor, "is_authenticated", False) else None, **values)
    _consistent(req)
    with write_transaction():
        req.save()
        audit_record(actor=actor, action="area_request.created", instance=req, changes=diff({}, snapshot(req, FIELDS)))
    return req


def area_request_update(*, actor: Any, request_id: int, data: dict[str, Any]) -> AreaRequest:
    """Change the fields given, while the request is a draft or returned for changes (permission
    and state first, then the input: 403 and 409 before 422)."""
    with write_transaction():
        req = (
            AreaRequest.objects.select_for_update(of=("self",))
            .select_related("zone__province")
            .filter(pk=request_id)
            .first()
        )
        if req is None:
            raise NotFound(_("未找到该调整扩区申请。"))
        require(actor, "area_request.file", req.permission_target())
        if req.status not in EDITABLE:
            raise Conflict(
                _("当前状态为“%(s)s”，不能修改。") % {"s": req.get_status_display()},
                code="invalid_state",
                details={"status": req.status, "allowed": [str(s) for s in EDITABLE]},
            )
        values = _values(data)
        before = snapshot(req, FIELDS)
        for name, value in values.items():
            setattr(req, name, value)
        _consistent(req)
        req.save()
        changes = diff(before, snapshot(req, FIELDS))
        if changes:
            audit_record(actor=actor, action="area_request.updated", instance=req, changes=changes)
    return req


# --- the workflow's steps ------------------------------------------------------------------------


def _supports(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(
            value.strip().lower()
        )
    return None


def _step_inputs(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """The fields the step sets, validated (raises ValidationFailed)."""
    if name in ("return", "send_back"):
        return {"status_note": _text(data.get("reason"), field="reason", max_length=REASON_MAX, required=True)}
    if name == "endorse":
        supports = _supports(data.get("province_supports"))
        if supports is None:
            raise _fail("province_supports", _("请选择省级是否同意。"), "opinion_required")
        opinion = _text(data.get("province_opinion"), field="province_opinion", max_length=OPINION_MAX)
        if not opinion:
            raise _fail("province_opinion", _("请填写省级意见。"), "opinion_required")
        return {"province_supports": supports, "province_opinion": opinion}
    if name in ("approve", "reject"):
        note = _text(data.get("decision_note"), field="decision_note", max_length=OPINION_MAX)
        if not note:
            raise _fail("decision_note", _("请填写批复意见。"), "decision_note_required")
        out: dict[str, Any] = {"decision_note": note}
        if name == "approve":
            out["approved_area"] = area_km2(data.get("approved_area"), field="approved_area")
        return out
    if name == "submit":
        return {"status_note": ""}  # the last return's reason stays in the history
    return {}


def area_request_run(
    name: str, *, actor: Any, request_id: int, data: dict[str, Any] | None = None, now: datetime | None = None
) -> AreaRequest:
    """A step of the request's workflow with its inputs (`data`: reason; province_supports and
    province_opinion; approved_area and decision_note). `now` dates the step (the demo's history)."""
    try:
        AREA_REQUEST.transition(name)
    except LookupError:
        raise NotFound(_("未知的操作。")) from None
    error: ValidationFailed | None = None
    fields: dict[str, Any] = {}
    try:
        fields = _step_inputs(name, data or {})
    except ValidationFailed as exc:
        error = exc

    def check(req: AreaRequest, t: Transition) -> None:
        if error is not None:
            raise error
        if t.name == "submit":
            _consistent(req)
        if t.name == "approve":
            _approved_within(req, fields["approved_area"])

    return AREA_REQUEST.run(name, actor=actor, obj_id=request_id, now=now, prepare=check, **fields)


def _approved_within(req: AreaRequest, approved: Decimal) -> None:
    """The office may grant all or part of the change asked for, not more and not none: the
    approved area lies between the current area (excluded) and the requested one (included)."""
    low, high = sorted((req.current_area, req.requested_area))
    inside = (low < approved <= high) if req.requested_area > req.current_area else (low <= approved < high)
    if not inside:
        raise _fail(
            "approved_area",
            _("批准面积应在现有面积（%(c)s）与申请面积（%(r)s 平方公里）之间，且不同于现有面积。")
            % {"c": req.current_area, "r": req.requested_area},
            "approved_area_out_of_range",
        )
