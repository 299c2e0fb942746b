"""Recurring maintenance (维护保养): the same local hours every N weeks, or monthly on the same
weekday (the 2nd Tuesday, the last Friday), from a date for K occurrences — one series id.

Occurrences are Blackouts of kind "maintenance" (the booking rules refuse new bookings in them).
An occurrence that would overlap an active booking is NOT created: it is reported back with the
bookings in its way (code `booking_conflict`), and so is one that has already begun
(`in_past`). Maintenance is planned and can move; a booking someone already holds is not
silently overlapped. (When the instrument must stop regardless, that is a shutdown, which flags
or cancels the bookings: services.shutdowns.) Nothing created at all is 409 `series_unavailable`.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text, local_date
from nesta.instruments.models import Blackout, Booking, Instrument
from nesta.instruments.policy import LOCAL, local_minute
from nesta.instruments.services.booking import lock_instrument_row
from nesta.instruments.services.registry import instrument_target

PATTERNS = ("weekly", "monthly")
COUNT_MAX = 104
EVERY_MAX = 12  # weeks
HORIZON = timedelta(days=3 * 366)  # no occurrence further ahead than this
MAINTENANCE = Blackout.Kind.MAINTENANCE


@dataclass
class MaintenanceResult:
    series: uuid.UUID
    created: list[Blackout] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


def _instrument(instrument_id: int) -> Instrument:
    instrument = Instrument.objects.select_related("province").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    return instrument


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth (1–4, or -1 for the last) `weekday` (0 = Monday) of the month."""
    if nth == -1:
        last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def occurrence_dates(first: date, *, pattern: str, every: int, count: int) -> list[date]:
    """The series' dates: every `every` weeks from `first`, or monthly on first's weekday and its
    place in the month (the 5th of a weekday is read as the last)."""
    if pattern == "weekly":
        return [first + timedelta(weeks=every * i) for i in range(count)]
    nth = (first.day - 1) // 7 + 1
    nth = -1 if nth == 5 else nth
    dates, year, month = [], first.year, first.month
    for _i in range(count):
        dates.append(_nth_weekday(year, month, first.weekday(), nth))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


def _time(value: Any, name: str) -> time:
    if not isinstance(value, time):
        raise ValidationFailed(details={name: [_("请填写时间，例如 08:00。")]})
    return value.replace(second=0, microsecond=0, tzinfo=None)


def maintenance_schedule(
    *,
    actor: Any,
    instrument_id: int,
    first_date: Any,
    start_time: Any,
    end_time: Any,
    count: Any,
    pattern: str = "weekly",
    every: Any = 1,
    reason: str = "",
    now: datetime | None = None,
) -> MaintenanceResult:
    """Schedule the series in local time (Asia/Shanghai); `end_time` ≤ `start_time` means the
    next morning. Returns what was created and what was skipped (see the module docstring)."""
    now = now or timezone.now()
    instrument = _instrument(instrument_id)
    require(actor, "instrument.manage", instrument_target(instrument))
    if pattern not in PATTERNS:
        raise ValidationFailed(details={"pattern": [_("请选择重复方式。")]})
    first = local_date(first_date, field="first_date")
    begin, finish = _time(start_time, "start_time"), _time(end_time, "end_time")
    count = bounded_int(count, field="count", minimum=1, maximum=COUNT_MAX)
    every = bounded_int(every, field="every", minimum=1, maximum=EVERY_MAX) if pattern == "weekly" else 1
    reason = clean_text(reason, field="reason", max_length=200, multiline=False) or _("定期维护保养")
    length = datetime.combine(first, finish) - datetime.combine(first, begin)
    if length <= timedelta(0):
        length += timedelta(days=1)
    slots = []
    for day in occurrence_dates(first, pattern=pattern, every=every, count=count):
        start = datetime.combine(day, begin, tzinfo=LOCAL)
        slots.append((start, start + length))
    if slots[-1][0] > now + HORIZON:
        raise ValidationFailed(details={"count": [_("最后一次维护不能晚于三年之后。")]})
    result = MaintenanceResult(series=uuid.uuid4())
    with write_transaction():
        lock_instrument_row(instrument)  # PostgreSQL: no booking slips in between check and insert
        for start, end in slots:
            if start < now:
                result.skipped.append(_skip(start, end, "in_past", _("该时间已过。")))
                continue
            clashes = list(
                Booking.objects.filter(instrument=instrument, status__in=Booking.ACTIVE, start__lt=end, end__gt=start)
                .order_by("start")
                .values_list("pk", flat=True)[:20]
            )
            if clashes:
                result.skipped.append(_skip(start, end, "booking_conflict", _("与已有预约冲突。"), booking_ids=clashes))
                continue
            result.created.append(
                Blackout.objects.create(
                    instrument=instrument,
                    kind=MAINTENANCE,
                    start=start,
                    end=end,
                    reason=reason,
                    series=result.series,
                    created_by=actor,
                )
            )
        if not result.created:
            taken = any(s["code"] == "booking_conflict" for s in result.skipped)
            error = Conflict if taken else ValidationFailed
            raise error(
                _("所选的 %(n)d 次维护都无法安排。") % {"n": count},
                code="series_unavailable",
                details={"skipped": result.skipped},
            )
        audit_record(
            actor=actor,
            action="maintenance.scheduled",
            instance=instrument,
            changes={
                "series": [None, str(result.series)],
                "pattern": [None, f"{pattern}/{every}"],
                "occurrences": [None, [local_minute(b.start) for b in result.created]],
                "skipped": [None, [s["start"] for s in result.skipped]],
                "reason": [None, reason],
            },
        )
    return result


def _skip(start: datetime, end: datetime, code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"start": start.isoformat(), "end": end.isoformat(), "code": code, "message": str(message), **extra}


def maintenance_remove_series(*, actor: Any, instrument_id: int, series: uuid.UUID, now: datetime | None = None) -> int:
    """Remove the series' occurrences that have not ended (those past stay as history); returns
    how many. 404 when the instrument has no such series. One occurrence alone is removed like
    any blackout (services.access.blackout_remove)."""
    now = now or timezone.now()
    instrument = _instrument(instrument_id)
    require(actor, "instrument.manage", instrument_target(instrument))
    with write_transaction():
        rows = Blackout.objects.filter(instrument=instrument, series=series, kind=MAINTENANCE)
        if not rows.exists():
            raise NotFound()
        upcoming = rows.filter(end__gt=now)
        starts = [local_minute(s) for s in upcoming.order_by("start").values_list("start", flat=True)]
        removed, _rows = upcoming.delete()
        audit_record(
            actor=actor,
            action="maintenance.removed",
            instance=instrument,
            changes={"series": [str(series), None], "occurrences": [starts, None]},
        )
    return removed
