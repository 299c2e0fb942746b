"""iCalendar (RFC 5545) feeds: one per instrument (public: only that a slot is taken, never by
whom) and one per user (their own bookings, with instrument, place and status).

Events carry stable UIDs (booking-<id>@nesta, blackout-<id>@nesta), times in UTC, DTSTAMP from the
record's last change, and STATUS CONFIRMED / TENTATIVE (awaiting approval) / CANCELLED, so a
subscribed calendar app updates in place. A feed covers 90 days back to 400 days ahead.

Calendar apps cannot log in, so a user's feed can also be fetched with a personal feed token:
an HMAC of the user's id and password hash — read-only, for the feed alone, and void as soon as
the password changes.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from nesta.instruments.models import Blackout, Booking, Instrument

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
    if not pk.isdigit() or len(pk) > 10 or not digest or int(pk) >= 2**31:
        return None
    user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    if user is None or not constant_time_compare(calendar_feed_token(user), token):
        return None
    return user
