"""An instrument's booking calendar: the grid its page shows (calendar_grid), and the iCalendar
(RFC 5545) feeds: one per instrument (public: only that a slot is taken, never by
whom) and one per user (their own bookings, with instrument, place and status).

Events carry stable UIDs (booking-<id>@nesta, blackout-<id>@nesta), times in UTC, DTSTAMP from the
record's last change, and STATUS CONFIRMED / TENTATIVE (awaiting approval) / CANCELLED, so a
subscribed calendar app updates in place. A feed covers 90 days back to 400 days ahead.

Calendar apps cannot log in, so a user's feed can also be fetched with a personal feed token:
an HMAC of the user's id and password hash — read-only, for the feed alone, and void as soon as
the password changes.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from nesta.core.templatetags.nesta import cn_date
from nesta.instruments.models import Blackout, Booking, BookingPolicy, Instrument
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors import availability as availability_selectors
from nesta.instruments.selectors.bookers import booker_text, bookings_with_bookers
from nesta.instruments.selectors.bookings import own_bookings
from nesta.instruments.selectors.rules import WEEKDAY_NAMES, hhmm

PRODID = "-//东北振兴科技行动平台//NESTA Instruments 1.0//ZH"
UID_DOMAIN = "nesta"
FEED_PAST = timedelta(days=90)
FEED_FUTURE = timedelta(days=400)
MAX_EVENTS = 5000
TENTATIVE = {Booking.Status.PENDING}
CANCELLED = {Booking.Status.CANCELLED, Booking.Status.LATE_CANCELLED, Booking.Status.REJECTED}
CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def ical_status(status: str) -> str:
    if status in TENTATIVE:
        return "TENTATIVE"
    if status in CANCELLED:
        return "CANCELLED"
    return "CONFIRMED"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal


def _event(*, uid: str, start: datetime, end: datetime, stamp: datetime, summary: str, status: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(start))
    event.add("dtend", _utc(end))
    event.add("summary", summary)
    event.add("status", status)
    event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    return event


def _location(instrument: Instrument) -> str:
    return " ".join(filter(None, [instrument.owner.name, instrument.address]))


def _window(now: datetime | None) -> tuple[datetime, datetime]:
    now = now or timezone.now()
    return now - FEED_PAST, now + FEED_FUTURE


def instrument_calendar(instrument: Instrument, *, now: datetime | None = None) -> bytes:
    """The public feed of one instrument: its active bookings ("已预约") and blackouts.
    `instrument.owner` should be loaded."""
    since, until = _window(now)
    cal = _calendar(_("%(name)s · 预约日历") % {"name": instrument.name})
    location = _location(instrument)
    bookings = (
        Booking.objects.filter(
            instrument_id=instrument.pk, status__in=Booking.ACTIVE, start__gte=since, start__lt=until
        )
        .order_by("start")
        .values_list("pk", "start", "end", "status", "updated_at")[:MAX_EVENTS]
    )
    for pk, start, end, status, updated in bookings:
        summary = _("已预约（待审批）") if status == Booking.Status.PENDING else _("已预约")
        event = _event(
            uid=f"booking-{pk}@{UID_DOMAIN}",
            start=start,
            end=end,
            stamp=updated,
            summary=summary,
            status=ical_status(status),
        )
        if location:
            event.add("location", location)
        cal.add_component(event)
    blackouts = Blackout.objects.filter(instrument_id=instrument.pk, end__gt=since, start__lt=until).order_by("start")
    for b in blackouts[:MAX_EVENTS]:
        label = str(b.get_kind_display())
        event = _event(
            uid=f"blackout-{b.pk}@{UID_DOMAIN}",
            start=b.start,
            end=b.end,
            stamp=b.start,
            summary=f"{label}：{b.reason}" if b.reason else label,
            status="CONFIRMED",
        )
        cal.add_component(event)
    return cal.to_ical()


def user_calendar(user: Any, *, now: datetime | None = None) -> bytes:
    """A user's own bookings (every status; cancelled ones as STATUS:CANCELLED)."""
    since, until = _window(now)
    cal = _calendar(_("%(name)s 的仪器预约") % {"name": str(user)})
    bookings = (
        Booking.objects.filter(user_id=user.pk, start__gte=since, start__lt=until)
        .select_related("instrument__owner")
        .order_by("start")[:MAX_EVENTS]
    )
    for b in bookings:
        instrument = b.instrument
        event = _event(
            uid=f"booking-{b.pk}@{UID_DOMAIN}",
            start=b.start,
            end=b.end,
            stamp=b.updated_at,
            summary=instrument.name,
            status=ical_status(b.status),
        )
        location = _location(instrument)
        if location:
            event.add("location", location)
        lines = [_("状态：%(s)s") % {"s": b.get_status_display()}]
        if b.purpose:
            lines.append(_("用途：%(p)s") % {"p": b.purpose})
        event.add("description", "\n".join(lines))
        event.add("url", f"/instruments/{instrument.pk}/")
        event.add("created", _utc(b.created_at))
        event.add("last-modified", _utc(b.updated_at))
        cal.add_component(event)
    return cal.to_ical()


# --- personal feed tokens --------------------------------------------------------------------

_TOKEN_SALT = "nesta.instruments.calendar-feed"


def calendar_feed_token(user: Any) -> str:
    """The user's read-only feed token; it changes (and the old one stops working) with the password."""
    digest = salted_hmac(_TOKEN_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[:40]
    return f"{user.pk}.{digest}"


def calendar_feed_user(token: str) -> Any | None:
    """The active user whose feed token this is, else None."""
    pk, _sep, digest = (token or "").partition(".")
    if not (pk.isascii() and pk.isdigit()) or len(pk) > 10 or not digest or int(pk) >= 2**31:
        return None
    user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    if user is None or not constant_time_compare(calendar_feed_token(user), token):
        return None
    return user


# --- the grid of an instrument's page --------------------------------------------------------------

SLOT_MINUTES = 30


@dataclass
class Cell:
    start: datetime
    end: datetime
    state: str  # free, mine, busy, blackout, closed, past, beyond
    key: str = ""
    label: str = ""
    detail: str = ""
    span: int = 1
    covered: bool = False
    info: str = ""  # managers only: who booked, purpose, contact, payer (the cell's tooltip)

    @property
    def selectable(self) -> bool:
        return self.state == "free"


@dataclass
class CalendarGrid:
    view: str
    anchor: date
    days: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    prev_date: date
    next_date: date
    today: date
    title: str
    notice: str = ""
    mine: list[Booking] = field(default_factory=list)
    show_bookers: bool = False
    bookers: list[Booking] = field(default_factory=list)  # managers only: the range's bookings


def _local(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL) + timedelta(minutes=minutes)


def when_text(start: datetime, end: datetime) -> str:
    return f"{cn_date(timezone.localtime(start, LOCAL))} {span_text(start, end)}"


def span_text(start: datetime, end: datetime) -> str:
    a, b = timezone.localtime(start, LOCAL), timezone.localtime(end, LOCAL)
    return f"{a:%H:%M}–{b:%H:%M}" if a.date() == b.date() else f"{a:%m-%d %H:%M}–{b:%m-%d %H:%M}"


def _opening_minutes(policy: BookingPolicy) -> tuple[int, int]:
    def minutes(value: Any) -> int:
        h, m = hhmm(value).split(":")
        return int(h) * 60 + int(m)

    a, b = minutes(policy.open_from), minutes(policy.open_until)
    if a == b:
        return 0, 24 * 60
    return a, b if b > a else 24 * 60


def calendar_grid(
    *,
    instrument: Instrument,
    policy: BookingPolicy,
    user: Any,
    anchor: date,
    view: str,
    now: datetime,
    show_bookers: bool = False,
) -> CalendarGrid:
    """The week (or one day) around `anchor` as a grid of 30-minute cells: bookable, taken (only
    "已预约" — never who), the user's own bookings, blackouts, closed hours. With `show_bookers`
    (the caller has checked `instrument.manage` on the instrument) a taken cell names who booked,
    and the grid lists the range's bookings with purpose, contact and payer (one more query)."""
    if view == "day":
        days = [anchor]
        prev_date, next_date = anchor - timedelta(days=1), anchor + timedelta(days=1)
    else:
        monday = anchor - timedelta(days=anchor.weekday())
        days = [monday + timedelta(days=i) for i in range(7)]
        prev_date, next_date = monday - timedelta(days=7), monday + timedelta(days=7)
    open_a, open_b = _opening_minutes(policy)
    first = open_a // SLOT_MINUTES * SLOT_MINUTES
    last = -(-open_b // SLOT_MINUTES) * SLOT_MINUTES
    range_start, range_end = _local(days[0], 0), _local(days[-1], 24 * 60)
    # Who booked is never shown: the availability selector knows only that a slot is taken; the
    # user's own bookings come from a query of their own.
    viewer_id = user.pk if getattr(user, "is_authenticated", False) else None
    avail = availability_selectors.availability(instrument, range_start, range_end, now=now, viewer_id=viewer_id)
    free = avail.free
    mine = own_bookings(instrument=instrument, user=user, start=range_start, end=range_end)
    bookers = bookings_with_bookers(instrument=instrument, start=range_start, end=range_end) if show_bookers else []
    earliest = now + timedelta(minutes=policy.min_notice_minutes)
    latest = now + timedelta(days=policy.advance_days)
    unavailable = not avail.bookable
    columns: list[list[Cell]] = []
    for day in days:
        open_day = str(day.isoweekday()) in policy.weekdays
        column = []
        for m in range(first, last, SLOT_MINUTES):
            s, e = _local(day, m), _local(day, m + SLOT_MINUTES)
            cell = Cell(start=s, end=e, state="free")
            own = next((b for b in mine if b.start < e and b.end > s), None)
            busy = next((b for b in avail.busy if b.start < e and b.end > s), None)
            if own is not None:
                cell.state, cell.key = "mine", f"m{own.pk}"
                cell.label = _("我的预约") + ("（" + _("待审批") + "）" if own.status == "pending" else "")
                cell.detail = span_text(own.start, own.end)
            elif busy is not None and busy.kind in ("booked", "pending"):
                cell.state, cell.key, cell.label = "busy", f"b{busy.start.isoformat()}", _("已预约")
                cell.detail = span_text(busy.start, busy.end)
                whose = next((b for b in bookers if b.start < e and b.end > s), None)
                if whose is not None:  # a manager's view: who booked
                    cell.label = str(whose.user) + ("（" + _("待审批") + "）" if whose.status == "pending" else "")
                    cell.info = booker_text(whose)
                    if whose.organization is not None:
                        cell.detail = f"{cell.detail} {whose.organization.name}"
            elif busy is not None and busy.kind == "held":  # offered to the first on the waiting list
                cell.state, cell.key, cell.label = "busy", f"h{busy.start.isoformat()}", _("候补保留")
                cell.detail = _("该时段已留给候补用户确认") + " " + span_text(busy.start, busy.end)
            elif busy is not None:
                cell.state, cell.key = "blackout", f"x{busy.start.isoformat()}"
                cell.label = str(Blackout.Kind(busy.kind).label) if busy.kind in Blackout.Kind.values else _("停机维护")
                cell.detail = busy.label or span_text(busy.start, busy.end)
            elif unavailable or not open_day or m < open_a or m + SLOT_MINUTES > open_b:
                cell.state, cell.key, cell.label = "closed", "closed", _("不开放")
            elif s < earliest:
                cell.state = "past"
            elif s > latest:
                cell.state = "beyond"
            elif not any(w.start <= s and e <= w.end for w in free):
                cell.state = "blocked"
                cell.detail = _("不可预约：与相邻预约需留出间隔，或空档短于单次最短时长")
            column.append(cell)
        # one block per booking / blackout / closed stretch (a rowspan), the first cell carries it
        i = 0
        while i < len(column):
            j = i + 1
            if column[i].key:
                while j < len(column) and column[j].key == column[i].key:
                    column[j].covered = True
                    j += 1
            column[i].span = j - i
            i = j
        columns.append(column)
    rows = [
        {
            "time": f"{m // 60:02d}:{m % 60:02d}",
            "hour": m % 60 == 0,
            "cells": [col[r] for col in columns],
        }
        for r, m in enumerate(range(first, last, SLOT_MINUTES))
    ]
    today = timezone.localtime(now, LOCAL).date()
    day_rows = [
        {
            "date": d,
            "weekday": WEEKDAY_NAMES[d.weekday()],
            "label": f"{d.month}/{d.day}",
            "today": d == today,
            "open": str(d.isoweekday()) in policy.weekdays,
        }
        for d in days
    ]
    if view == "day":
        title = f"{cn_date(days[0])} {WEEKDAY_NAMES[days[0].weekday()]}"
    else:
        title = f"{cn_date(days[0])} – {cn_date(days[-1])}"
    notice = ""
    if unavailable:
        notice = _("该仪器当前状态为“%(s)s”，暂停预约。") % {"s": instrument.get_status_display()}
    return CalendarGrid(
        view=view,
        anchor=anchor,
        days=day_rows,
        rows=rows,
        prev_date=prev_date,
        next_date=next_date,
        today=today,
        title=title,
        notice=notice,
        mine=mine,
        show_bookers=show_bookers,
        bookers=bookers,
    )
