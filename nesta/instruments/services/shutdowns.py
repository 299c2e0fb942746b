"""Shutdowns (故障停机): a manager takes the instrument down for a period, and the bookings in it
are cancelled or flagged — in one transaction, so nobody books into the period meanwhile.

A shutdown is a Blackout of kind "shutdown": the booking rules refuse new bookings in it as they
refuse any blackout (BookingRules → ledger.blackout_between), the calendar shows it, and the
openness evaluation takes its hours out of the instrument's benchmark (docs/openness.md). Two
shutdowns of one instrument never overlap, so each hour of downtime is counted once.

For each active booking that overlaps the period and has not ended:

- mode "cancel": cancelled through the booking's lifecycle (BOOKING "cancel", by the manager:
  never a late cancellation; the table tells the booker), the reason kept in `Booking.flag`;
  a booking in use (someone is at the instrument) cannot be cancelled and is flagged instead;
- mode "flag": `Booking.flag` says why (audited `booking.flagged`), the booker is told and
  decides; cancelling a flagged booking never counts as late (lifecycles.booking).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.notifications import notify
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text
from nesta.instruments.lifecycles import BOOKING
from nesta.instruments.models import Blackout, Booking, Instrument, ProblemReport
from nesta.instruments.policy import LOCAL, local_minute
from nesta.instruments.services.booking import aware, lock_instrument_row
from nesta.instruments.services.registry import instrument_target

MODES = ("flag", "cancel")
AFFECTED = ("pending", "confirmed", "in_use")  # active bookings that have not been used up yet
CANCELLABLE = ("pending", "confirmed")
BACKDATE_MAX = timedelta(days=7)  # a fault noticed late may be recorded from when it began
LENGTH_MAX = timedelta(days=366)
BLACKOUT_FIELDS = ["instrument", "kind", "start", "end", "reason", "problem", "created_by"]
SHUTDOWN = Blackout.Kind.SHUTDOWN


@dataclass
class Affected:
    booking_id: int
    user_id: int
    start: datetime
    end: datetime
    action: str  # "cancelled" | "flagged"
    status: str  # the booking's status afterwards


@dataclass
class ShutdownResult:
    shutdown: Blackout
    affected: list[Affected] = field(default_factory=list)

    @property
    def cancelled(self) -> list[Affected]:
        return [a for a in self.affected if a.action == "cancelled"]

    @property
    def flagged(self) -> list[Affected]:
        return [a for a in self.affected if a.action == "flagged"]


def _instrument(instrument_id: int) -> Instrument:
    instrument = Instrument.objects.select_related("province").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    return instrument


def _period(start: Any, end: Any, now: datetime) -> tuple[datetime, datetime]:
    start, end = aware(start, "start"), aware(end, "end")
    if end <= start:
        raise ValidationFailed(details={"end": [_("结束时间必须晚于开始时间。")]})
    if end <= now:
        raise ValidationFailed(details={"end": [_("停机结束时间须晚于当前时间。")]})
    if start < now - BACKDATE_MAX:
        raise ValidationFailed(details={"start": [_("停机开始时间最早可追溯到 7 天前。")]})
    if end - start > LENGTH_MAX:
        raise ValidationFailed(details={"end": [_("一次停机最长 366 天。")]})
    return start, end


def _problem(instrument: Instrument, problem_id: int | None) -> ProblemReport | None:
    if problem_id is None:
        return None
    problem = ProblemReport.objects.filter(pk=problem_id, instrument=instrument).first()
    if problem is None:
        raise ValidationFailed(details={"problem": [_("未找到该仪器的这份故障报告。")]})
    return problem


def flag_text(shutdown: Blackout) -> str:
    """What a booking caught by a shutdown says (≤ 200 characters)."""
    text = _("仪器故障停机 %(a)s 至 %(b)s：%(r)s") % {
        "a": local_minute(shutdown.start),
        "b": local_minute(shutdown.end),
        "r": shutdown.reason,
    }
    return text[:200]


def _flag(booking: Booking, text: str, actor: Any, instrument: Instrument) -> None:
    before = booking.flag
    Booking.objects.filter(pk=booking.pk).update(flag=text, updated_at=timezone.now())
    booking.flag = text
    audit_record(actor=actor, action="booking.flagged", instance=booking, changes={"flag": [before, text]})
    if booking.user_id != actor.pk:
        notify(
            user=booking.user,
            kind="booking_flagged",
            title=_("您预约的仪器将停机：%(i)s") % {"i": instrument.name},
            body=_(
                "您的预约 %(when)s 与停机时段重叠（%(flag)s）。请与仪器管理员联系改期，或取消该预约（不计逾期取消）。"
            )
            % {"when": local_minute(booking.start), "flag": text},
            url=reverse("instruments:my_bookings"),
        )


def _affected_bookings(instrument: Instrument, start: datetime, end: datetime, now: datetime) -> list[Booking]:
    return list(
        Booking.objects.filter(instrument=instrument, status__in=AFFECTED, start__lt=end, end__gt=max(start, now))
        .select_related("user")
        .order_by("start", "pk")
    )


def shutdown_start(
    *,
    actor: Any,
    instrument_id: int,
    start: datetime,
    end: datetime,
    reason: str,
    mode: str = "flag",
    problem_id: int | None = None,
    now: datetime | None = None,
) -> ShutdownResult:
    """Take the instrument down for [start, end) and cancel or flag the bookings in it (see the
    module's docstring). 401/403, 404, 409 `shutdown_overlaps` (another shutdown covers part of
    the period), 422 per field."""
    now = now or timezone.now()
    instrument = _instrument(instrument_id)
    require(actor, "instrument.manage", instrument_target(instrument))
    if mode not in MODES:
        raise ValidationFailed(details={"mode": [_("请选择对已有预约的处理方式。")]})
    start, end = _period(start, end, now)
    reason = clean_text(reason, field="reason", max_length=150, required=True, multiline=False)
    with write_transaction():
        lock_instrument_row(instrument)  # PostgreSQL: shutdowns and bookings of one instrument queue
        problem = _problem(instrument, problem_id)
        other = Blackout.objects.filter(instrument=instrument, kind=SHUTDOWN, start__lt=end, end__gt=start).first()
        if other is not None:
            raise Conflict(
                _("该时段与已有的故障停机（%(a)s 至 %(b)s）重叠。")
                % {"a": local_minute(other.start), "b": local_minute(other.end)},
                code="shutdown_overlaps",
                details={"shutdown_id": other.pk},
            )
        shutdown = Blackout.objects.create(
            instrument=instrument, kind=SHUTDOWN, start=start, end=end, reason=reason, problem=problem, created_by=actor
        )
        audit_record(
            actor=actor,
            action="shutdown.started",
            instance=shutdown,
            changes={**diff({}, snapshot(shutdown, BLACKOUT_FIELDS)), "mode": [None, mode]},
        )
        result = ShutdownResult(shutdown)
        text = flag_text(shutdown)
        for booking in _affected_bookings(instrument, start, end, now):
            if mode == "cancel" and booking.status in CANCELLABLE:
                # the flag first: the reason travels with the booking, and a manager cancelling
                # their own booking this way is not a late cancellation either
                Booking.objects.filter(pk=booking.pk).update(flag=text)
                done = BOOKING.run("cancel", actor=actor, obj_id=booking.pk, now=now)
                action, status = "cancelled", done.status
            else:
                _flag(booking, text, actor, instrument)
                action, status = "flagged", booking.status
            result.affected.append(Affected(booking.pk, booking.user_id, booking.start, booking.end, action, status))
    return result


def shutdown_of(*, instrument_id: int, shutdown_id: int) -> Blackout:
    shutdown = (
        Blackout.objects.select_related("instrument__province")
        .filter(pk=shutdown_id, instrument_id=instrument_id, kind=SHUTDOWN)
        .first()
    )
    if shutdown is None:
        raise NotFound()
    return shutdown


def shutdown_end(*, actor: Any, instrument_id: int, shutdown_id: int, now: datetime | None = None) -> Blackout | None:
    """The instrument is back: the shutdown ends now (audited `shutdown.ended`). One that has not
    begun is called off (deleted, audited `shutdown.called_off`; returns None). Bookings flagged
    by it that now fall after its end lose their flag and their bookers are told. 409
    `shutdown_over` when it has already ended."""
    now = (now or timezone.now()).replace(microsecond=0)
    shutdown = shutdown_of(instrument_id=instrument_id, shutdown_id=shutdown_id)
    instrument = shutdown.instrument
    require(actor, "instrument.manage", instrument_target(instrument))
    with write_transaction():
        lock_instrument_row(instrument)
        locked = Blackout.objects.select_for_update().filter(pk=shutdown.pk).first()
        if locked is None:
            raise NotFound()
        shutdown = locked
        if shutdown.end <= now:
            raise Conflict(_("该停机已经结束。"), code="shutdown_over")
        old_end, text = shutdown.end, flag_text(shutdown)
        if shutdown.start >= now:
            before = snapshot(shutdown, BLACKOUT_FIELDS)
            pk, label = shutdown.pk, str(shutdown)
            shutdown.delete()
            audit_record(
                actor=actor,
                action="shutdown.called_off",
                object_type="instruments.blackout",
                object_id=pk,
                object_repr=label[:200],
                changes=diff(before, {}),
            )
            ended = None
        else:
            shutdown.end = now
            shutdown.save(update_fields=["end"])
            audit_record(
                actor=actor,
                action="shutdown.ended",
                instance=shutdown,
                changes={"end": [old_end.astimezone(LOCAL).isoformat(), now.astimezone(LOCAL).isoformat()]},
            )
            ended = shutdown
        # called off: no booking was ever in it; ended now: those starting from now are clear
        _unflag(instrument, text, after=None if ended is None else now, actor=actor)
    return ended


def _unflag(instrument: Instrument, text: str, *, after: datetime | None, actor: Any) -> None:
    """Bookings that carried this shutdown's flag and no longer overlap it (all of them, or
    those starting `after` its new end): flag cleared, bookers told."""
    freed = Booking.objects.filter(instrument=instrument, flag=text, status__in=AFFECTED)
    if after is not None:
        freed = freed.filter(start__gte=after)
    for booking in freed.select_related("user"):
        Booking.objects.filter(pk=booking.pk).update(flag="", updated_at=timezone.now())
        audit_record(actor=actor, action="booking.unflagged", instance=booking, changes={"flag": [text, ""]})
        if booking.user_id != actor.pk:
            notify(
                user=booking.user,
                kind="booking_unflagged",
                title=_("仪器已恢复，您的预约照常进行：%(i)s") % {"i": instrument.name},
                body=local_minute(booking.start),
                url=reverse("instruments:my_bookings"),
            )
