"""Finding time over the API: the earliest slot the caller could book on an instrument.

`GET /instruments/{id}/next-free?duration=PT2H[&after=…]` → `{instrument_id, start, end,
needs_approval}` in local time (+08:00). Instruments are public, so anonymous callers may ask
too; their answer applies only the rules that do not depend on a person (no training, openness
or suspension checks). 404 `no_free_slot` when nothing is bookable within the advance window
(`details.reason` says why: e.g. qualification_required, not_open_to_outside, too_long), 404
`not_found` for an unknown instrument, 422 for a bad or out-of-range duration (ISO 8601, 1
minute to 7 days: PnDTnHnMnS or PnW; years and months are refused), 401 for a bad token.
"""

import re
from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from nesta.core.api_auth import api_user
from nesta.core.errors import NotFound, ValidationFailed
from nesta.core.inputs import AwareDateTime
from nesta.core.schemas import ErrorOut
from nesta.instruments.policy import LOCAL
from nesta.instruments.schemas import ID_MAX
from nesta.instruments.selectors import bookings as booking_selectors
from nesta.instruments.selectors import nextfree

router = Router(tags=["instruments"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}

_DURATION = re.compile(r"P(?:(\d{1,4})W)?(?:(\d{1,4})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?")


def parse_duration(text: str) -> timedelta:
    """An ISO 8601 duration between MIN_DURATION and MAX_DURATION (422 otherwise)."""
    value = (text or "").strip().upper()
    match = _DURATION.fullmatch(value)
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise ValidationFailed(
            _("时长须为 ISO 8601 格式，如 PT2H、PT90M、P1D。"),
            code="invalid_duration",
            details={"duration": [_("格式无效（支持 PnW、PnD、PTnHnMnS）。")]},
        )
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    duration = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    if not nextfree.MIN_DURATION <= duration <= nextfree.MAX_DURATION:
        raise ValidationFailed(
            _("时长应在 1 分钟到 7 天之间。"),
            code="duration_out_of_range",
            details={"duration": [_("应在 1 分钟到 7 天之间。")]},
        )
    return duration


class NextFreeQuery(Schema):
    duration: str = Field(..., max_length=40, description="ISO 8601 时长，如 PT2H（1 分钟至 7 天）")
    after: AwareDateTime | None = Field(None, description="不早于该时刻（默认现在）")


class NextFreeOut(Schema):
    instrument_id: int
    start: datetime
    end: datetime
    needs_approval: bool = Field(description="该预约需仪器管理员审批（匿名调用：外单位需审批）")


@router.get(
    "/instruments/{instrument_id}/next-free",
    response={200: NextFreeOut, **ERRORS},
    summary="最早可约时段：调用者在预约窗口内最早可预约的一段（给定时长，本地时间）；404 no_free_slot",
)
def next_free(request: HttpRequest, query: Query[NextFreeQuery], instrument_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user(request)  # a bad token is refused even though anonymous callers may ask
    duration = parse_duration(query.duration)
    instrument = booking_selectors.instrument_for_booking(pk=instrument_id)
    if instrument is None:
        raise NotFound()
    verdict = nextfree.next_free_verdict(instrument, user, duration, after=query.after)
    if verdict.slot is None:
        raise NotFound(
            _("预约窗口内没有可预约的空闲时段。"),
            code="no_free_slot",
            details={"reason": verdict.reason},
        )
    return {
        "instrument_id": instrument.pk,
        "start": verdict.slot.start.astimezone(LOCAL),
        "end": verdict.slot.end.astimezone(LOCAL),
        "needs_approval": verdict.needs_approval,
    }
