"""Moving or resizing a booking in one step, instead of cancelling and booking again (issue 8).

The same rules as a create apply to the new slot, for the booking's own user (services.booking:
check_request before the lock, check_slot under it), the booking itself left out of the overlap,
the gap and the quotas. One write transaction updates start and end of the locked row in place,
so the old slot is freed and the new one taken at the same instant: there is never a moment with
both or neither, and on PostgreSQL the exclusion constraint (SQLite: the update trigger) stays the
last word. The freed part of the old slot is offered to the waiting list in the same transaction;
a slot that an open waiting-list offer holds for someone else is refused (409 slot_offered).

Who may move: the booker (booking.move, SELF) and the instrument's staff (booking.move covers the
owner's staff as instrument.manage does). Only a booking that still lies ahead and holds its slot
as pending or confirmed moves (409 invalid_state otherwise).

Approval: a pending booking stays pending. A confirmed booking that needed approval (external,
the instrument asks for it) stays confirmed when the booker moves it to a slot no longer than the
approved one (the manager approved that much time); a longer slot goes back to pending and the
managers are asked again. When the staff move it, it stays confirmed: they are the approvers.

Cancelling afterwards: the deadline is the policy's hours before the new start; the short grace
for a booking made inside the window counts from when the booking was first made, not from the
move (the move page says so before the user chooses)."""

from datetime import datetime
from typing import Any

from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.notifications import notify
from nesta.core.permissions import can, require
from nesta.core.transactions import write_transaction
from nesta.instruments.models import Booking
from nesta.instruments.policy import LOCAL, local_minute
from nesta.instruments.services.booking import (
    aware,
    check_account,
    check_request,
    check_slot,
    lock_instrument_row,
    slot_attempt,
)
from nesta.instruments.services.waitlist import slot_freed

MOVABLE = (Booking.Status.PENDING, Booking.Status.CONFIRMED)


def _load(booking_id: int) -> Booking:
    booking = (
        Booking.objects.select_related("instrument__policy", "instrument__province", "user")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound()
    return booking


def _movable(booking: Booking, now: datetime) -> None:
    if booking.status not in MOVABLE or booking.start <= now:
        raise Conflict(
            _("预约当前状态为“%(s)s”，不能改期（只能改期尚未开始的待审批或已确认预约）。")
            % {"s": booking.get_status_display() if booking.start > now else _("已开始")},
            code="invalid_state",
            details={"status": booking.status},
        )


def _new_status(booking: Booking, *, by_staff: bool, start: datetime, end: datetime) -> str:
    """See the module docstring: only a confirmed booking that needed approval, moved by its
    booker to a longer slot, goes back to pending."""
    policy = getattr(booking.instrument, "policy", None)
    needs_approval = booking.is_external and policy is not None and policy.external_requires_approval
    longer = end - start > booking.end - booking.start
    if booking.status == Booking.Status.CONFIRMED and needs_approval and longer and not by_staff:
        return Booking.Status.PENDING
    return booking.status


def _iso(moment: datetime) -> str:
    return moment.astimezone(LOCAL).isoformat()  # old and new alike in local time, as people read them


def _freed(old: tuple[datetime, datetime], new: tuple[datetime, datetime]) -> list[tuple[datetime, datetime]]:
    """The parts of the old slot the new one does not cover (none, one or two intervals)."""
    (os, oe), (ns, ne) = old, new
    if ne <= os or ns >= oe:
        return [old]
    parts = []
    if os < ns:
        parts.append((os, ns))
    if ne < oe:
        parts.append((ne, oe))
    return parts


def _tell(booking: Booking, actor: Any, *, old: tuple[datetime, datetime]) -> None:
    """Both parties: the booker when someone else moved it; the managers when the booker did."""
    instrument = booking.instrument
    title_args = {"i": instrument.name}
    body = _("%(old)s 改为 %(new)s") % {
        "old": f"{local_minute(old[0])}–{local_minute(old[1])[-5:]}",
        "new": f"{local_minute(booking.start)}–{local_minute(booking.end)[-5:]}",
    }
    if booking.status == Booking.Status.PENDING:
        body += _("（待审批）")
    if actor.pk != booking.user_id:
        notify(
            user=booking.user,
            kind="booking_moved",
            title=_("您的预约已改期：%(i)s") % title_args,
            body=body,
            url=reverse("instruments:my_bookings"),
        )
    if actor.pk == booking.user_id:
        for manager in instrument.managers.exclude(pk=actor.pk):
            notify(
                user=manager,
                kind="booking_moved",
                title=_("预约已改期：%(i)s") % title_args,
                body=f"{booking.user} {body}",
                url=reverse("instruments:manage", args=[instrument.pk]),
            )


def _offer_freed(booking: Booking, parts: list[tuple[datetime, datetime]], now: datetime) -> None:
    """Offer what the move freed to the waiting list, in the move's own transaction (the
    instrument's row is already ours): the offer and the move happen together or not at all."""
    for start, end in parts:
        slot_freed(instrument_id=booking.instrument_id, start=start, end=end, now=now)


def booking_move(
    *,
    actor: Any,
    booking_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
) -> Booking:
    """Move or resize `booking_id` to [start, end) in one transaction (an omitted end or start
    stays as it is: a resize); returns the booking as it now is. 404 none, 401/403 not allowed,
    409 invalid_state or slot_taken, 422 a rule broken (the violations as a create lists them),
    503 the lock not had in time."""
    if start is None and end is None:
        raise ValidationFailed(
            _("请给出新的开始或结束时间。"), code="nothing_to_change", details={"start": [_("必填。")]}
        )
    start = aware(start, "start") if start is not None else None
    end = aware(end, "end") if end is not None else None
    now = now or timezone.now()
    booking = _load(booking_id)
    require(actor, "booking.move", booking)
    start, end = start or booking.start, end or booking.end
    by_staff = can(actor, "instrument.manage", booking.instrument)
    _movable(booking, now)
    attempt = slot_attempt(
        booker=booking.user,
        instrument=booking.instrument,
        start=start,
        end=end,
        now=now,
        exclude_id=booking.pk,
        is_external=booking.is_external,
    )
    check_request(attempt)
    with write_transaction():
        lock_instrument_row(booking.instrument)
        locked = Booking.objects.select_for_update().filter(pk=booking.pk).first()
        if locked is None:
            raise NotFound()
        locked.instrument = booking.instrument  # the policy and province already loaded
        locked.user = booking.user
        _movable(locked, now)  # cancelled, approved or checked into while we queued
        check_slot(attempt)  # with an open waiting-list offer's hold (409 slot_offered)
        if locked.account_id is not None:  # its payer account's limit, with its old estimate left out
            check_account(attempt, locked.account_id)
        old = (locked.start, locked.end)
        status = _new_status(locked, by_staff=by_staff, start=start, end=end)
        changes = {"start": [_iso(old[0]), _iso(start)], "end": [_iso(old[1]), _iso(end)]}
        if status != locked.status:
            changes["status"] = [locked.status, status]
        try:
            # start, end (and the status) change in place: the old slot is freed as the new one is
            # taken; a new time is reminded of again
            Booking.objects.filter(pk=locked.pk).update(
                start=start, end=end, status=status, reminded_at=None, updated_at=timezone.now()
            )
        except IntegrityError as exc:  # the database's own guard, should any path race past us
            raise Conflict(_("该时段已被预约。"), code="slot_taken") from exc
        locked.start, locked.end, locked.status, locked.reminded_at = start, end, status, None
        audit_record(actor=actor, action="booking.moved", instance=locked, changes=changes)
        _tell(locked, actor, old=old)
        _offer_freed(locked, _freed(old, (start, end)), now)
    return locked
