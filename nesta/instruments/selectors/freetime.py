"""Rule-aware free time: when THIS user could book an instrument (issue 8, "Finding time").

"Free in [start, end)" means: the instrument has a bookable slot of at least `length` inside the
window (`length` is the policy's minimum booking, or the requested duration when that is longer),
for this user, by every rule the booking service checks before the write lock:

- the instrument's status (in use) and, for a user of another organisation, its openness;
- opening days and hours; a slot never crosses midnight unless the instrument is open around the
  clock; blackouts of every kind (maintenance, closed, shutdown);
- other active bookings, widened by the policy's gap;
- waiting-list holds: a slot offered to the first in line (an open, time-limited claim) is not
  free for anyone else until the claim lapses (the booking service refuses them: 409
  slot_offered); for the offered user it is free;
- minimum notice (from `now`) and the advance window (the slot must start by now + advance_days);
- minimum and maximum duration (a requested duration above the maximum is never free);
- training: a user without a valid Qualification is not free; one that expires cuts the window;
- suspension: a user whose no-shows/late cancellations reached the policy's limit is not free.

Approval does not hide an instrument: the verdict says `needs_approval` ("需审批"). Quotas are
not applied (they depend on the user's other bookings and are checked when booking). Anonymous
callers get the rules that do not depend on a person: no openness, training or suspension checks,
and `needs_approval` whenever the policy asks outsiders for approval.

Everything here but `load_person` and `load_blocks` is pure: the callers bring the bookings and
blackouts of many instruments in one query each (`load_blocks`), then judge each instrument in
Python (`judge`, `bookable_windows`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from nesta.instruments.models import Blackout, Booking, BookingPolicy, Instrument, Qualification, WaitlistEntry
from nesta.instruments.policy import LOCAL, WEEK, bounded
from nesta.instruments.selectors.availability import Interval, opening_hours, policy_of

OFFENCES = ("no_show", "late_cancelled")
SLOT_STEP = timedelta(minutes=15)  # a found slot starts on a quarter hour when the window allows
LONGEST = timedelta(minutes=WEEK)  # no booking is longer (POLICY_BOUNDS max_minutes)
NO_EXPIRY = datetime.max.replace(tzinfo=LOCAL)

# Why an instrument is not free for this user (stable codes, as the booking rules name them).
UNAVAILABLE = "instrument_unavailable"
NOT_OPEN = "not_open_to_outside"
TRAINING = "qualification_required"
SUSPENDED = "booking_suspended"
TOO_LONG = "too_long"
NO_SLOT = "no_free_slot"


@dataclass(frozen=True)
class Person:
    """What the rules need to know about the one who would book; `user_id` None is anonymous."""

    user_id: int | None = None
    organization_id: int | None = None
    qualifications: dict[int, datetime | None] = field(default_factory=dict)  # instrument → expiry
    offences: dict[int, list[datetime]] = field(default_factory=dict)  # instrument → starts

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    def is_external(self, instrument: Instrument) -> bool:
        # as the booking service decides it: not a member of the owning organisation
        return not self.anonymous and self.organization_id != instrument.owner_id


ANONYMOUS = Person()


@dataclass(frozen=True)
class Verdict:
    slot: Interval | None  # the earliest bookable slot of the asked length (None: not free)
    needs_approval: bool = False
    reason: str = ""  # why not free (a code above), empty when free
    windows: list[Interval] = field(default_factory=list)  # bookable stretches (when asked)

    @property
    def free(self) -> bool:
        return self.slot is not None


@dataclass
class Blocks:
    """Active bookings and blackouts per instrument, as (start, end) pairs sorted by start."""

    bookings: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=lambda: defaultdict(list))
    blackouts: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=lambda: defaultdict(list))
    # the booking rows themselves, for the planner's busy cells: (instrument, start, end, status)
    rows: list[tuple[int, datetime, datetime, str]] = field(default_factory=list)
    blackout_rows: list[tuple[int, datetime, datetime, str, str]] = field(default_factory=list)
    # open waiting-list offers: (start, end, the offered user) per instrument
    holds: dict[int, list[tuple[datetime, datetime, int]]] = field(default_factory=lambda: defaultdict(list))

    def held(self, instrument_id: int, user_id: int | None) -> list[tuple[datetime, datetime]]:
        """The instrument's slots held for someone other than `user_id` (None: for anyone)."""
        return [(s, e) for s, e, holder in self.holds.get(instrument_id, ()) if holder != user_id]


def person_of(user: Any, instruments: list[Instrument], *, now: datetime) -> Person:
    """The person facts of `user` for these instruments: at most two queries when logged in (the
    qualifications only when one of them requires training), none for anonymous. Offences are
    read back as far as the longest statistics window allows."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    ids = [i.pk for i in instruments]
    trained = [i.pk for i in instruments if policy_of(i).requires_training]
    quals = (
        dict(
            Qualification.objects.filter(user_id=user.pk, instrument_id__in=trained).values_list(
                "instrument_id", "expires_at"
            )
        )
        if trained
        else {}
    )
    since = now - timedelta(days=bounded("no_show_window_days", 3650))
    offences: dict[int, list[datetime]] = defaultdict(list)
    for instrument_id, start in Booking.objects.filter(
        user_id=user.pk, instrument_id__in=ids, status__in=OFFENCES, start__gte=since
    ).values_list("instrument_id", "start"):
        offences[instrument_id].append(start)
    return Person(
        user_id=user.pk,
        organization_id=getattr(user, "organization_id", None),
        qualifications=quals,
        offences=dict(offences),
    )


def load_blocks(
    instruments: list[Instrument],
    start: datetime,
    end: datetime,
    *,
    with_rows: bool = False,
    now: datetime | None = None,
) -> Blocks:
    """Active bookings, blackouts and open waiting-list offers (at `now`) of `instruments`
    touching [start, end): one query each. The booking query reads the (instrument, start) index
    over a bounded range: a booking that overlaps starts after start − gap − the longest booking
    of these policies."""
    out = Blocks()
    if not instruments:
        return out
    ids = [i.pk for i in instruments]
    policies = [policy_of(i) for i in instruments]
    gap = timedelta(minutes=max(bounded("gap_minutes", p.gap_minutes) for p in policies))
    lookback = max(timedelta(minutes=max(bounded("max_minutes", p.max_minutes) for p in policies)), timedelta(days=1))
    rows = (
        Booking.objects.filter(
            instrument_id__in=ids,
            status__in=Booking.ACTIVE,
            start__lt=end + gap,
            start__gt=start - gap - lookback,
            end__gt=start - gap,
        )
        .order_by("instrument_id", "start")
        .values_list("instrument_id", "start", "end", "status")
    )
    for instrument_id, s, e, status in rows:
        out.bookings[instrument_id].append((s, e))
        if with_rows:
            out.rows.append((instrument_id, s, e, status))
    blackouts = (
        Blackout.objects.filter(instrument_id__in=ids, start__lt=end, end__gt=start)
        .order_by("instrument_id", "start")
        .values_list("instrument_id", "start", "end", "kind", "reason")
    )
    for instrument_id, s, e, kind, reason in blackouts:
        out.blackouts[instrument_id].append((s, e))
        if with_rows:
            out.blackout_rows.append((instrument_id, s, e, kind, reason))
    # as services.waitlist's hold: an offer holds exactly its slot (no gap) until its deadline
    offers = WaitlistEntry.objects.filter(
        instrument_id__in=ids,
        status=WaitlistEntry.Status.OFFERED,
        offer_expires_at__gt=now or timezone.now(),
        start__lt=end,
        end__gt=start,
    ).values_list("instrument_id", "start", "end", "user_id")
    for instrument_id, s, e, holder in offers:
        out.holds[instrument_id].append((s, e, holder))
    return out


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _subtract(window: tuple[datetime, datetime], blocked: list[tuple[datetime, datetime]]):
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


def open_stretches(policy: BookingPolicy, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The policy's opening hours inside [start, end), one stretch per local day; consecutive
    round-the-clock days join into one stretch (a slot may cross midnight only there)."""
    out: list[tuple[datetime, datetime]] = []
    day: date = start.astimezone(LOCAL).date()
    last = (end - timedelta(microseconds=1)).astimezone(LOCAL).date()
    while day <= last:
        hours = opening_hours(policy, day)
        if hours is not None:
            a, b = max(hours.start, start), min(hours.end, end)
            if a < b:
                if out and out[-1][1] == a:
                    out[-1] = (out[-1][0], b)
                else:
                    out.append((a, b))
        day += timedelta(days=1)
    return out


def _nice_start(earliest: datetime, latest: datetime) -> datetime:
    """The first quarter hour (else whole minute) at or after `earliest` that is not after `latest`."""
    local = earliest.astimezone(LOCAL)
    floor = local.replace(minute=local.minute // 15 * 15, second=0, microsecond=0)
    quarter = floor if floor == local else floor + SLOT_STEP
    if quarter <= latest:
        return quarter
    minute = local.replace(second=0, microsecond=0)
    minute = minute if minute == local else minute + timedelta(minutes=1)
    return minute if minute <= latest else local


def slot_length(policy: BookingPolicy, duration: timedelta | None) -> timedelta:
    """The length a free slot must have: the requested duration, at least the policy's minimum."""
    minimum = timedelta(minutes=bounded("min_minutes", policy.min_minutes))
    return max(minimum, duration) if duration is not None else minimum


def judge(
    instrument: Instrument,
    person: Person,
    blocks: Blocks,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    duration: timedelta | None = None,
    with_windows: bool = False,
) -> Verdict:
    """Whether `person` could book `instrument` for `duration` (default: the policy's minimum)
    somewhere in [start, end), and the earliest such slot. `blocks` must cover the window."""
    policy = policy_of(instrument)
    approval = bool(policy.external_requires_approval) and (person.anonymous or person.is_external(instrument))
    if instrument.status != Instrument.Status.IN_USE:
        return Verdict(None, approval, UNAVAILABLE)
    if person.is_external(instrument) and not instrument.is_open:
        return Verdict(None, approval, NOT_OPEN)
    length = slot_length(policy, duration)
    if length > timedelta(minutes=bounded("max_minutes", policy.max_minutes)):
        return Verdict(None, approval, TOO_LONG)
    usable_until = NO_EXPIRY
    if not person.anonymous:
        if policy.requires_training:
            if instrument.pk not in person.qualifications:
                return Verdict(None, approval, TRAINING)
            usable_until = person.qualifications[instrument.pk] or NO_EXPIRY
        if _suspended(policy, person.offences.get(instrument.pk, []), now):
            return Verdict(None, approval, SUSPENDED)
    earliest = max(start, now + timedelta(minutes=bounded("min_notice_minutes", policy.min_notice_minutes)))
    latest_start = now + timedelta(days=bounded("advance_days", policy.advance_days))
    gap = timedelta(minutes=bounded("gap_minutes", policy.gap_minutes))
    blocked = _merge(
        [(s - gap, e + gap) for s, e in blocks.bookings.get(instrument.pk, ())]
        + list(blocks.blackouts.get(instrument.pk, ()))
        + blocks.held(instrument.pk, person.user_id)
    )
    first: Interval | None = None
    windows: list[Interval] = []
    hi = min(end, usable_until)
    if earliest < hi:
        for a, b in open_stretches(policy, earliest, hi):
            for x, y in _subtract((a, b), blocked):
                last = min(y - length, latest_start)
                if x > last:
                    continue
                if first is None:
                    s = _nice_start(x, last)
                    first = Interval(s.astimezone(LOCAL), (s + length).astimezone(LOCAL))
                    if not with_windows:
                        return Verdict(first, approval)
                windows.append(Interval(x.astimezone(LOCAL), y.astimezone(LOCAL)))
    return Verdict(first, approval, "" if first else NO_SLOT, windows)


def _suspended(policy: BookingPolicy, offences: list[datetime], now: datetime) -> bool:
    limit = bounded("no_show_limit", policy.no_show_limit)
    if not limit or not offences:
        return False
    since = now - timedelta(days=bounded("no_show_window_days", policy.no_show_window_days))
    recent = [t for t in offences if t >= since]
    return (
        len(recent) >= limit and max(recent) + timedelta(days=bounded("suspension_days", policy.suspension_days)) > now
    )


def needs_person_query(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def person_q(user: Any) -> Q:
    """SQL for the person rules the database can apply (openness to the user's organisation)."""
    if not needs_person_query(user):
        return Q()
    organization_id = getattr(user, "organization_id", None)
    return Q(is_open=True) | Q(owner_id=organization_id) if organization_id else Q(is_open=True)
