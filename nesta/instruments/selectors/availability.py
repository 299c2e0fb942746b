"""When an instrument can be booked: per local day, the policy's opening hours (weekdays,
open_from–open_until) minus active bookings (widened by the policy's gap) and blackouts, between
the policy's minimum notice and its advance window, keeping windows at least the minimum booking
long; plus the busy intervals themselves — only that they are busy, never who booked them.

A slot an open waiting-list offer holds for someone else (kind "held") is busy for everyone but
the offered user (`viewer_id`) until the claim lapses, as the booking service refuses them.

Three queries whatever the range: one for the bookings, on the (instrument, start) index — a
booking overlaps [a, b) when start < b and end > a, and since no booking is longer than the
look-back, start > a - look-back bounds the index range on both sides — one for blackouts, one
for the open offers.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from nesta.instruments.models import Blackout, Booking, BookingPolicy, Instrument, WaitlistEntry
from nesta.instruments.policy import LOCAL, bounded

MIN_LOOKBACK = timedelta(days=1)


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Busy:
    start: datetime
    end: datetime
    kind: str  # "booked", "pending" (awaiting approval), "held" (a waiting-list offer), or a blackout's kind
    label: str = ""  # a blackout's reason; never anything about a booker


@dataclass
class Day:
    date: date
    open: list[Interval] = field(default_factory=list)  # the policy's hours inside the range
    free: list[Interval] = field(default_factory=list)  # bookable windows


@dataclass
class Availability:
    instrument_id: int
    start: datetime
    end: datetime
    bookable: bool  # the instrument is in use (not under repair or retired)
    gap_minutes: int
    min_minutes: int
    max_minutes: int
    days: list[Day]
    busy: list[Busy]

    @property
    def free(self) -> list[Interval]:
        return [w for d in self.days for w in d.free]


def policy_of(instrument: Instrument) -> BookingPolicy:
    try:
        policy = instrument.policy
    except BookingPolicy.DoesNotExist:
        policy = None
    return policy if policy is not None else BookingPolicy(instrument=instrument)


def _as_time(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def opening_hours(policy: BookingPolicy, day: date) -> Interval | None:
    """The policy's opening interval of one local day (None when the day is closed)."""
    if str(day.isoweekday()) not in (policy.weekdays or ""):
        return None
    open_from, open_until = _as_time(policy.open_from), _as_time(policy.open_until)
    start = datetime.combine(day, open_from, tzinfo=LOCAL)
    if open_from == open_until:  # around the clock
        return Interval(
            datetime.combine(day, time(0), tzinfo=LOCAL),
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL),
        )
    return Interval(start, datetime.combine(day, open_until, tzinfo=LOCAL))


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _subtract(
    window: tuple[datetime, datetime], blocked: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """`window` minus the sorted, merged `blocked` intervals."""
    a, b = window
    out = []
    for x, y in blocked:
        if y <= a:
            continue
        if x >= b:
            break
        if x > a:
            out.append((a, x))
        a = max(a, y)
        if a >= b:
            break
    if a < b:
        out.append((a, b))
    return out


def availability(
    instrument: Instrument,
    start: datetime,
    end: datetime,
    *,
    now: datetime | None = None,
    viewer_id: int | None = None,
) -> Availability:
    """Bookable windows and busy intervals of `instrument` in [start, end) (aware datetimes; the
    caller bounds the range). `instrument.policy` should be loaded (select_related). Times come
    back in local time (Asia/Shanghai), as people read them."""
    policy = policy_of(instrument)
    now = now or timezone.now()
    # Stored rules are read through their bounds: no value can overflow the arithmetic below.
    gap_minutes, max_minutes = bounded("gap_minutes", policy.gap_minutes), bounded("max_minutes", policy.max_minutes)
    min_minutes = bounded("min_minutes", policy.min_minutes)
    gap = timedelta(minutes=gap_minutes)
    lookback = max(timedelta(minutes=max_minutes), MIN_LOOKBACK)
    bookings = list(
        Booking.objects.filter(
            instrument_id=instrument.pk,
            status__in=Booking.ACTIVE,
            start__lt=end + gap,
            start__gt=start - gap - lookback,
            end__gt=start - gap,
        )
        .order_by("start")
        .values_list("start", "end", "status")
    )
    blackouts = list(
        Blackout.objects.filter(instrument_id=instrument.pk, start__lt=end, end__gt=start)
        .order_by("start")
        .values_list("start", "end", "kind", "reason")
    )
    offers = WaitlistEntry.objects.filter(
        instrument_id=instrument.pk,
        status=WaitlistEntry.Status.OFFERED,
        offer_expires_at__gt=now,
        start__lt=end,
        end__gt=start,
    )
    if viewer_id is not None:
        offers = offers.exclude(user_id=viewer_id)
    held = list(offers.values_list("start", "end"))
    busy = [
        Busy(s.astimezone(LOCAL), e.astimezone(LOCAL), "pending" if status == Booking.Status.PENDING else "booked")
        for s, e, status in bookings
        if s < end and e > start  # the gap query looks a little wider than the range
    ]
    busy += [Busy(s.astimezone(LOCAL), e.astimezone(LOCAL), kind, reason) for s, e, kind, reason in blackouts]
    busy += [Busy(s.astimezone(LOCAL), e.astimezone(LOCAL), "held") for s, e in held]
    busy.sort(key=lambda b: (b.start, b.end))
    blocked = _merge([(s - gap, e + gap) for s, e, _status in bookings] + [(s, e) for s, e, _k, _r in blackouts] + held)

    bookable = instrument.status == Instrument.Status.IN_USE
    earliest = max(start, now + timedelta(minutes=bounded("min_notice_minutes", policy.min_notice_minutes)))
    latest_start = now + timedelta(days=bounded("advance_days", policy.advance_days))
    min_length = timedelta(minutes=min_minutes)
    days = []
    day = start.astimezone(LOCAL).date()
    last = (end - timedelta(microseconds=1)).astimezone(LOCAL).date()
    while day <= last:
        entry = Day(date=day)
        hours = opening_hours(policy, day)
        if hours is not None:
            a, b = max(hours.start, start), min(hours.end, end)
            if a < b:
                entry.open.append(Interval(a.astimezone(LOCAL), b.astimezone(LOCAL)))
                if bookable:
                    for x, y in _subtract((max(a, earliest), min(b, latest_start)), blocked):
                        if y - x >= min_length:
                            entry.free.append(Interval(x.astimezone(LOCAL), y.astimezone(LOCAL)))
        days.append(entry)
        day += timedelta(days=1)
    return Availability(
        instrument_id=instrument.pk,
        start=start,
        end=end,
        bookable=bookable,
        gap_minutes=gap_minutes,
        min_minutes=min_minutes,
        max_minutes=max_minutes,
        days=days,
        busy=busy,
    )
