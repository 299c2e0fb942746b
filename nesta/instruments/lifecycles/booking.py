"""A booking's workflow as a transition table (core.lifecycle); see the package docstring."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import DomainError, ValidationFailed
from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.instruments.models import Booking, BookingPolicy, Instrument
from nesta.instruments.policy import LOCAL, bounded

B = Booking.Status
CHECK_IN_EARLY = timedelta(minutes=30)  # a booking may be checked into from 30 minutes before its start


# --- bookings ----------------------------------------------------------------------------------


def booking_policy(booking: Booking) -> BookingPolicy:
    policy = getattr(booking.instrument, "policy", None)
    return policy if policy is not None else BookingPolicy(instrument=booking.instrument)


def cancel_deadline(booking: Booking) -> datetime:
    """Until when the booker may cancel without it counting as a late cancellation: the policy's
    deadline before the start; for a booking made after that deadline, a short grace after it was
    made (the policy's late_cancel_grace_minutes, never past the start) — a booking made 24
    minutes before its start is not "late" the moment it exists."""
    policy = booking_policy(booking)
    deadline = booking.start - timedelta(hours=bounded("cancel_deadline_hours", policy.cancel_deadline_hours))
    made = booking.created_at
    if made is not None and made > deadline:
        grace = timedelta(minutes=bounded("late_cancel_grace_minutes", policy.late_cancel_grace_minutes))
        deadline = min(booking.start, made + grace)
    return deadline


def is_late_cancellation(booking: Booking, actor: Any, now: datetime) -> bool:
    """The booker cancelling a confirmed booking after its deadline. A booking still awaiting
    approval never is: nobody held the slot for them yet; nor one a shutdown flagged (`flag`):
    the instrument, not the booker, let it down."""
    if booking.status == B.PENDING or booking.flag:
        return False
    return actor.pk == booking.user_id and now > cancel_deadline(booking)


def _when(booking: Booking) -> str:
    return f"{timezone.localtime(booking.start, LOCAL):%Y-%m-%d %H:%M}"


def _tell_booker(booking: Booking, kind: str, title: Any) -> None:
    notify(
        user=booking.user,
        kind=kind,
        title=str(title) % {"i": booking.instrument.name},
        body=f"{_when(booking)}\n{booking.flag}" if booking.flag else _when(booking),  # a shutdown's reason
        url=f"/instruments/{booking.instrument_id}/",
    )


def _late(booking: Booking, actor: Any, now: datetime) -> str | None:
    """The booker cancelling after the deadline: a late cancellation (an offence)."""
    return "late_cancel" if is_late_cancellation(booking, actor, now) else None


# Called with (booking, now) after a cancellation or rejection freed its slot, in the same
# transaction, whatever path took the step (web, API, manager, shutdown): services.waitlist
# registers the offer to the waiting list's first in line (services import this table, so the
# table cannot import them).
SLOT_FREED_HOOKS: list[Callable[[Booking, datetime], None]] = []


def _offer_to_waitlist(booking: Booking) -> None:
    now = booking.cancelled_at or timezone.now()
    for hook in SLOT_FREED_HOOKS:
        hook(booking, now)


def _cancelled(booking: Booking, actor: Any) -> None:
    if actor is not None and actor.pk != booking.user_id:
        _tell_booker(booking, "booking_cancelled", gettext_now("您的预约已被取消：%(i)s"))
    _offer_to_waitlist(booking)


def _rejected(booking: Booking, actor: Any) -> None:
    _tell_booker(booking, "booking_rejected", gettext_now("预约未获批准：%(i)s"))
    _offer_to_waitlist(booking)


def _check_in_window(booking: Booking, actor: Any, now: datetime) -> DomainError | None:
    if booking.start - CHECK_IN_EARLY <= now <= booking.end:
        return None
    return ValidationFailed(_("只能在预约开始前30分钟至结束之间签到。"), code="check_in_window")


def _instrument(obj: Any) -> Instrument:
    return obj.instrument


_CANCEL = {
    "sources": (B.PENDING, B.CONFIRMED),
    "permission": "booking.cancel",
    "timestamp": "cancelled_at",
    "verb": _("取消"),
    "notify": _cancelled,
    "style": "outline-danger",
}

BOOKING = Lifecycle(
    Booking,
    [
        Transition(
            "cancel",
            target=B.CANCELLED,
            event="booking.cancelled",
            label=_("取消预约"),
            divert=_late,
            confirm=_("确定取消该预约吗？"),
            done=_("预约已取消。"),
            summary="取消预约",
            **_CANCEL,
        ),
        Transition(
            "late_cancel",
            target=B.LATE_CANCELLED,
            event="booking.late_cancelled",
            label=_("逾期取消预约"),
            offered=False,
            **_CANCEL,
        ),  # fmt: skip
        Transition(
            "approve",
            sources=(B.PENDING,),
            target=B.CONFIRMED,
            permission="instrument.manage",
            permission_on=_instrument,
            event="booking.approved",
            label=_("批准预约"),
            verb=_("审批"),
            notify=lambda b, actor: _tell_booker(b, "booking_approved", gettext_now("预约已批准：%(i)s")),
            style="primary",
            done=_("已批准该预约，并已通知预约人。"),
            summary="批准外单位预约",
        ),
        Transition(
            "reject",
            sources=(B.PENDING,),
            target=B.REJECTED,
            permission="instrument.manage",
            permission_on=_instrument,
            event="booking.rejected",
            label=_("驳回预约"),
            verb=_("审批"),
            notify=_rejected,
            style="outline-danger",
            confirm=_("确定驳回该预约吗？"),
            done=_("已驳回该预约，并已通知预约人。"),
            summary="驳回外单位预约",
        ),
        Transition(
            "check_in",
            sources=(B.CONFIRMED,),
            target=B.IN_USE,
            permission="instrument.manage",
            permission_on=_instrument,
            or_self="user_id",
            guard=_check_in_window,
            event="booking.checked_in",
            label=_("签到上机"),
            verb=_("签到"),
            style="primary",
            done=_("已签到，开始计时。"),
            summary="上机签到",
        ),
        Transition(
            "check_out",
            sources=(B.IN_USE,),
            target=B.COMPLETED,
            permission="instrument.manage",
            permission_on=_instrument,
            or_self="user_id",
            event="booking.checked_out",
            label=_("签退下机"),
            verb=_("签退"),
            needs_input=True,
            style="primary",
            done=_("已签退，使用记录已保存。"),
            summary="下机签退",
        ),
        Transition(
            "no_show",
            sources=(B.CONFIRMED,),
            target=B.NO_SHOW,
            permission="instrument.manage",
            permission_on=_instrument,
            event="booking.no_show",
            label=_("记为爽约"),
            offered=False,  # the periodic job marks them (bookings_mark_no_shows)
        ),
    ],
    related=("instrument__province", "instrument__policy", "user"),
    invalid_message=_("预约当前状态为“%(s)s”，不能%(a)s。"),
    events={"booking.created": _("预约仪器"), "booking.reminded": _("发送预约提醒"), "booking.moved": _("预约改期")},
)


def _open_now(t: Transition, booking: Booking, actor: Any, now: datetime) -> bool:
    if t.guard is not None and t.guard(booking, actor, now) is not None:
        return False
    return not (t.name == "cancel" and booking.end <= now)  # an ended booking is no longer cancelled


def booking_transitions(actor: Any, booking: Booking, now: datetime | None = None) -> list[Transition]:
    """What `actor` may do with `booking` now: the table's transitions from its state that they
    are allowed, whose guard passes at `now` (no query: the guards read the booking only); a
    booking that has ended is no longer offered for cancellation."""
    now = now or timezone.now()
    return [t for t in BOOKING.available(actor, booking) if _open_now(t, booking, actor, now)]


# The steps a booking's own row offers (its booker's, or a manager's on the instrument's page);
# approvals are listed apart.
ROW_STEPS = ("cancel", "check_in", "check_out")


def booking_row_steps(booking: Booking, now: datetime) -> set[str]:
    """ROW_STEPS open on `booking` now by the table (its state and guards); who may take them is
    the page's rule (one's own bookings, the managed instrument's)."""
    state = BOOKING.state_of(booking)
    return {
        name
        for name in ROW_STEPS
        if state in (t := BOOKING.transition(name)).sources and _open_now(t, booking, None, now)
    }
