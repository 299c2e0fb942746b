"""The waiting list (issue 8): a user queues for a taken slot; when it frees, the first in line
is offered it for a time-limited claim, then the next.

Order: first come, first offered — (created_at, id) among the active entries whose slots overlap.
Joining checks the rules other bookings cannot change (services.booking.check_request: hours,
notice, training, suspension…) and refuses a slot that is free (422 slot_free: book it instead).

Offering (slot_freed): after a booking is cancelled, rejected (lifecycles.booking calls it in the
same transaction) or moved (services.booking_move), each waiting entry overlapping the freed time
is tried in order; the first whose whole slot is now free and bookable for its user is offered,
entries that no longer fit (a rule, another booking, another open offer) are skipped and keep
waiting. An offer holds the slot for its user until `offer_expires_at` = now +
WAITLIST_CLAIM_MINUTES (never after the slot's start): the booking service refuses anyone else
with 409 slot_offered (lifecycles.waitlist.hold_for, in services.booking.check_slot under the
write lock: creates, series and moves alike), so a "time-limited claim" is a real claim. The
user claims it (booking_create: the same rules and lock) within the window, else 409
offer_expired; the periodic job (waitlist_tick) expires lapsed offers and offers the slot to the
next in line, and expires waiting entries whose slot has begun.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text
from nesta.instruments.lifecycles import WAITLIST
from nesta.instruments.lifecycles.booking import SLOT_FREED_HOOKS
from nesta.instruments.lifecycles.waitlist import hold_for, open_offers
from nesta.instruments.models import Booking, Instrument, WaitlistEntry
from nesta.instruments.services.booking import (
    _overlapping,
    aware,
    booking_create,
    check_request,
    check_slot,
    lock_instrument_row,
    slot_attempt,
)

__all__ = [
    "JoinResult",
    "hold_for",
    "slot_freed",
    "waitlist_claim",
    "waitlist_join",
    "waitlist_leave",
    "waitlist_position",
    "waitlist_tick",
]

W = WaitlistEntry.Status
CANDIDATES = 50  # entries tried per freed slot (each costs a rules check)


@dataclass
class JoinResult:
    entry: WaitlistEntry
    position: int


def claim_window() -> timedelta:
    return timedelta(minutes=max(1, int(settings.WAITLIST_CLAIM_MINUTES)))


def _instrument(instrument_id: int) -> Instrument:
    instrument = Instrument.objects.select_related("policy", "province").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    return instrument


def waitlist_position(entry: WaitlistEntry) -> int | None:
    """1 for the first in line: the active entries of the instrument whose slots overlap this
    one's and that joined before it, plus one; None for an entry no longer in the queue."""
    if entry.status not in WaitlistEntry.ACTIVE:
        return None
    ahead = WaitlistEntry.objects.filter(
        instrument_id=entry.instrument_id,
        status__in=WaitlistEntry.ACTIVE,
        start__lt=entry.end,
        end__gt=entry.start,
        created_at__lte=entry.created_at,
    ).exclude(created_at=entry.created_at, id__gte=entry.pk)
    return ahead.count() + 1


def _taken(instrument: Instrument, start: datetime, end: datetime, user_id: int, now: datetime) -> bool:
    """Is [start, end) held by another booking (or its gap) or by someone's open offer?"""
    gap = getattr(getattr(instrument, "policy", None), "gap_minutes", 0) or 0
    if _overlapping(instrument, start, end, gap).exists():
        return True
    return open_offers(instrument.pk, start, end, now).exclude(user_id=user_id).exists()


def waitlist_join(
    actor: Any,
    instrument_id: int,
    start: datetime,
    end: datetime,
    purpose: str = "",
    account_id: int | None = None,
    now: datetime | None = None,
) -> JoinResult:
    """Queue `actor` for [start, end). 422 with the rule broken (as a booking would be refused),
    422 slot_free when nothing holds the slot, 409 already_waiting for a second active entry."""
    require(actor, "waitlist.join")
    start, end = aware(start, "start"), aware(end, "end")
    purpose = clean_text(purpose, field="purpose", max_length=300)  # no control characters (web too)
    now = now or timezone.now()
    instrument = _instrument(instrument_id)
    attempt = slot_attempt(booker=actor, instrument=instrument, start=start, end=end, now=now)
    check_request(attempt)
    with write_transaction():
        lock_instrument_row(instrument)
        if not _taken(instrument, start, end, actor.pk, now):
            raise ValidationFailed(_("该时段目前空闲，请直接预约。"), code="slot_free")
        entry = WaitlistEntry(
            instrument=instrument,
            user=actor,
            start=start,
            end=end,
            purpose=(purpose or "")[:300],
            account_id=account_id,
        )
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as exc:  # the unique active entry per user and slot
            raise Conflict(_("您已在该时段的候补队列中。"), code="already_waiting") from exc
        audit_record(
            actor=actor,
            action="waitlist.joined",
            instance=entry,
            changes={"start": [None, start.isoformat()], "end": [None, end.isoformat()], "status": [None, W.WAITING]},
        )
        position = waitlist_position(entry) or 1
    return JoinResult(entry, position)


def _fits(instrument: Instrument, entry: WaitlistEntry, now: datetime) -> bool:
    """May the entry's user book its whole slot now (every rule, no other booking or offer)?"""
    attempt = slot_attempt(booker=entry.user, instrument=instrument, start=entry.start, end=entry.end, now=now)
    try:
        check_request(attempt)
        check_slot(attempt)  # with the holds of other users' open offers
    except (Conflict, ValidationFailed):
        return False
    return True


def slot_freed(
    *, instrument_id: int, start: datetime, end: datetime, now: datetime | None = None, wait: bool = True
) -> list[WaitlistEntry]:
    """[start, end) of the instrument was freed: offer it, in queue order, to each waiting entry
    overlapping it whose whole slot is now free and bookable (one offer holds its slot, so the
    entries it overlaps are skipped); returns the entries offered."""
    now = now or timezone.now()
    offered: list[WaitlistEntry] = []
    with write_transaction():
        instrument = Instrument.objects.select_related("policy", "province").filter(pk=instrument_id).first()
        if instrument is None:
            return offered
        if wait:
            lock_instrument_row(instrument)
        elif connection.features.has_select_for_update:
            # Called with a booking row locked (a cancellation): waiting for the instrument's row
            # here would reverse the order a move takes them (instrument, then booking) and could
            # deadlock; skip it when taken. Offers stay sound without it: a claim rechecks every
            # rule under the lock, and the database forbids overlaps.
            Instrument.objects.select_for_update(skip_locked=True).filter(pk=instrument.pk).values_list("pk").first()
        margin = timedelta(minutes=getattr(getattr(instrument, "policy", None), "gap_minutes", 0) or 0)
        candidates = (
            WaitlistEntry.objects.filter(
                instrument_id=instrument_id,
                status=W.WAITING,
                start__lt=end + margin,
                end__gt=start - margin,
                start__gt=now,
            )
            .select_related("user")
            .order_by("created_at", "id")[:CANDIDATES]
        )
        for entry in candidates:
            if not _fits(instrument, entry, now):
                continue
            expires = min(now + claim_window(), entry.start)
            offered.append(WAITLIST.run("offer", actor=None, obj=entry, now=now, system=True, offer_expires_at=expires))
    return offered


def _booking_freed(booking: Booking, now: datetime) -> None:
    slot_freed(instrument_id=booking.instrument_id, start=booking.start, end=booking.end, now=now, wait=False)


SLOT_FREED_HOOKS.append(_booking_freed)


def waitlist_claim(actor: Any, entry_id: int, now: datetime | None = None) -> WaitlistEntry:
    """Book the offered slot for its user (booking_create: the same rules and write lock; the
    offer's hold lets only them through). 409 offer_expired after the deadline, invalid_state
    when it is not (or no longer) offered; the entry is claimed with its booking."""
    now = now or timezone.now()
    with write_transaction():
        entry = WAITLIST.load_for_update(entry_id)
        if actor is None or actor.pk != entry.user_id:
            require(actor, "waitlist.join")  # 401 for the anonymous
            raise PermissionDenied(_("只能确认自己的候补。"), code="not_your_entry")
        if entry.status == W.OFFERED and entry.offer_expires_at is not None and entry.offer_expires_at <= now:
            raise Conflict(
                _("确认时间已过，该时段已通知下一位候补用户。"),
                code="offer_expired",
                details={"offer_expires_at": entry.offer_expires_at.isoformat()},
            )
        if entry.status != W.OFFERED:
            raise WAITLIST.invalid_state(entry, WAITLIST.transition("claim"))
        booked = booking_create(
            actor=actor,
            instrument_id=entry.instrument_id,
            start=entry.start,
            end=entry.end,
            purpose=entry.purpose,
            account_id=entry.account_id,
            now=now,
        ).booking
        return WAITLIST.run("claim", actor=actor, obj=entry, now=now, booking=booked)


def waitlist_leave(actor: Any, entry_id: int, now: datetime | None = None) -> WaitlistEntry:
    """Leave the queue (the user; or the instrument's staff). Leaving an open offer frees its
    slot for the next in line."""
    now = now or timezone.now()
    with write_transaction():
        entry = WAITLIST.load_for_update(entry_id)
        was_offered = entry.status == W.OFFERED
        entry = WAITLIST.run("leave", actor=actor, obj=entry, now=now)
        if was_offered:
            slot_freed(instrument_id=entry.instrument_id, start=entry.start, end=entry.end, now=now)
    return entry


def waitlist_tick(*, now: datetime | None = None) -> int:
    """The periodic job: expire offers whose claim window lapsed (and offer their slots to the
    next in line) and waiting entries whose slot has begun. Returns how many expired; an entry
    claimed or left meanwhile is left alone."""
    now = now or timezone.now()
    lapsed = WaitlistEntry.objects.filter(status=W.OFFERED, offer_expires_at__lte=now).values_list("pk", flat=True)
    begun = WaitlistEntry.objects.filter(status=W.WAITING, start__lte=now).values_list("pk", flat=True)
    expired = 0
    for pk in list(lapsed[:500]) + list(begun[:500]):
        try:
            with write_transaction():
                entry = WAITLIST.run("expire", actor=None, obj_id=pk, now=now, system=True)
                if entry.offered_at is not None and entry.end > now:
                    slot_freed(instrument_id=entry.instrument_id, start=entry.start, end=entry.end, now=now)
        except (Conflict, NotFound):
            continue
        expired += 1
    return expired
