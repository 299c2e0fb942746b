"""A waiting-list entry's workflow as a transition table (core.lifecycle).

    waitlist:  waiting ─offer→ offered ─claim→ claimed
                  │              │ └(job)─expire→ expired     (the claim window lapsed; the next in line is offered)
                  │(slot begins)─┴─expire→ expired
                  └──── leave ───┴→ cancelled                 (the user leaves the queue)

Joining is services.waitlist.waitlist_join (event waitlist.joined); offering and expiring are the
platform's own steps (system, no button); claiming books the slot through the booking service.
"""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import Conflict, DomainError, PermissionDenied
from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.instruments.models import Instrument, WaitlistEntry
from nesta.instruments.policy import LOCAL, local_minute

W = WaitlistEntry.Status


def open_offers(instrument_id: int, start: datetime, end: datetime, now: datetime):
    """The offers still open on [start, end) of the instrument: each holds its slot for its user."""
    return WaitlistEntry.objects.filter(
        instrument_id=instrument_id, status=W.OFFERED, offer_expires_at__gt=now, start__lt=end, end__gt=start
    )


def hold_for(instrument_id: int, start: datetime, end: datetime, user_id: int | None, now: datetime) -> None:
    """Under the write lock (the booking service, before it inserts): an open waiting-list offer
    holds its slot for its user until the claim deadline, so anyone else is refused with 409
    slot_offered (the offered user books it — by claiming, or by the ordinary form)."""
    held = open_offers(instrument_id, start, end, now).exclude(user_id=user_id)
    until = held.values_list("offer_expires_at", flat=True).first()
    if until is not None:
        raise held_conflict(until)


def held_conflict(until: datetime) -> Conflict:
    """409 slot_offered: the slot is held for a waiting-list user until `until`."""
    return Conflict(
        gettext_now("该时段已留给候补用户确认，截止 %(t)s。") % {"t": local_minute(until)},
        code="slot_offered",
        details={"held_until": until.isoformat()},
    )


def _instrument(entry: WaitlistEntry) -> Instrument:
    return entry.instrument


def my_waitlist_url() -> str:
    return reverse("instruments:my_waitlist")


def slot_text(entry: WaitlistEntry) -> str:
    return f"{local_minute(entry.start)}–{local_minute(entry.end)[-5:]}"


def _offered(entry: WaitlistEntry, actor: Any) -> None:
    deadline = timezone.localtime(entry.offer_expires_at, LOCAL) if entry.offer_expires_at else None
    notify(
        user=entry.user,
        kind="waitlist_offered",
        title=gettext_now("候补时段已空出：%(i)s") % {"i": entry.instrument.name},
        body=gettext_now("%(slot)s 已空出，请在 %(deadline)s 前确认预约，逾期将通知下一位。")
        % {"slot": slot_text(entry), "deadline": f"{deadline:%Y-%m-%d %H:%M}" if deadline else ""},
        url=my_waitlist_url(),
    )


def _expired(entry: WaitlistEntry, actor: Any) -> None:
    if entry.offered_at is None:
        return  # a waiting entry whose slot began: nothing was offered, nothing to tell
    notify(
        user=entry.user,
        kind="waitlist_expired",
        title=gettext_now("候补确认已过期：%(i)s") % {"i": entry.instrument.name},
        body=slot_text(entry),
        url=my_waitlist_url(),
    )


def _own_entry(entry: WaitlistEntry, actor: Any, now: Any) -> DomainError | None:
    """Only the entry's user claims it: the booking is theirs."""
    if actor is None or actor.pk != entry.user_id:
        return PermissionDenied(_("只能确认自己的候补。"), code="not_your_entry")
    return None


WAITLIST = Lifecycle(
    WaitlistEntry,
    [
        Transition(
            "offer",
            sources=(W.WAITING,),
            target=W.OFFERED,
            permission="instrument.manage",
            permission_on=_instrument,
            timestamp="offered_at",
            event="waitlist.offered",
            label=_("候补时段空出，通知排队用户"),
            notify=_offered,
            offered=False,  # the platform offers (services.waitlist.slot_freed)
        ),
        Transition(
            "claim",
            sources=(W.OFFERED,),
            target=W.CLAIMED,
            permission="waitlist.join",
            or_self="user_id",
            guard=_own_entry,
            event="waitlist.claimed",
            label=_("确认候补预约"),
            verb=_("确认预约"),
            style="primary",
            done=_("已为您预约该时段。"),
            summary="确认候补预约（在截止时间前；409 offer_expired）",
        ),
        Transition(
            "leave",
            sources=(W.WAITING, W.OFFERED),
            target=W.CANCELLED,
            permission="instrument.manage",
            permission_on=_instrument,
            or_self="user_id",
            timestamp="cancelled_at",
            event="waitlist.left",
            label=_("退出候补"),
            verb=_("退出"),
            style="outline-danger",
            confirm=_("确定退出候补吗？"),
            done=_("已退出候补。"),
            summary="退出候补",
        ),
        Transition(
            "expire",
            sources=(W.WAITING, W.OFFERED),
            target=W.EXPIRED,
            permission="instrument.manage",
            permission_on=_instrument,
            event="waitlist.expired",
            label=_("候补过期"),
            notify=_expired,
            offered=False,  # the periodic job (services.waitlist.waitlist_tick)
        ),
    ],
    related=("instrument__province", "instrument__policy", "user"),
    invalid_message=_("候补当前状态为“%(s)s”，不能%(a)s。"),
    events={"waitlist.joined": _("加入候补")},
)
