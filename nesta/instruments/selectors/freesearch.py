"""Rule-aware "free between X and Y" for the instrument search (web `?free_from=&free_to=`, API
`available_from`/`available_to`): an instrument is listed when THIS user could book a slot of at
least the policy's minimum (or the requested duration, `free_minutes`, when longer) inside the
window — the rules are those of selectors.freetime (opening days and hours, blackouts, notice,
advance window, duration, gap, training, status, openness, suspension; approval is shown, not
hidden).

Two stages, so that it scales (target: p95 ≤ 50 ms at 50,000 instruments, 5,000,000 bookings):

1. SQL prefilter (`prefilter_q`), necessary conditions only: status in use; some covered weekday
   is an opening day whose hours can hold the slot (the window's part of each local day compared
   with open_from/open_until as times); min_notice and advance_days against the window; min/max
   duration; the user's organisation for closed instruments; training (an unexpired
   Qualification); no single active booking or blackout that leaves less than the asked length
   on both of its sides.
2. Python (`freetime.judge`) on a page of candidates, with the candidates' bookings and
   blackouts in one query each: the exact answer, and the earliest bookable slot.

Entry point (stable, for the web, the API and bench/): `selectors.registry.instrument_list(
filters=InstrumentFilters(available_from=…, available_to=…, free_minutes=None, …), cursor=None,
limit=20, viewer=user_or_None, now=None)` → Page of instruments, each with `free_slot` (the
earliest bookable slot, an availability.Interval in local time) and `needs_approval`.

Paging: candidates are scanned in id order (or rank order with a query) in batches until the
page is full or MAX_SCAN candidates were looked at; the cursor resumes after the last one looked
at, so a page may come back shorter than asked while more follow. No total is counted. With
words (`free_ranked_page`), the search index ranks the best FIRST_RANKED_HITS matches first and up
to MAX_RANKED_HITS only when those run out before the page is full (selectors.registry): ranking
costs per hit returned, and the short ranking is a prefix of the long one, so the offsets agree.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from nesta.core.pagination import Page, decode_cursor, encode_cursor
from nesta.instruments.models import Blackout, Booking, BookingPolicy, Instrument, PolicyShape, Qualification
from nesta.instruments.models.freeindex import SHAPE_FIELDS
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors import freetime
from nesta.instruments.selectors.availability import _as_time

MAX_SCAN = 600  # candidates judged per page at most
MAX_BATCH = 200
DAY_MINUTES = 24 * 60


def _t(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _day_parts(start: datetime, end: datetime) -> list[tuple[set[str], int, int]]:
    """[start, end) as (weekday digits, from minute, to minute) per local day; full days share one entry."""
    parts: dict[tuple[int, int], set[str]] = {}
    a = start.astimezone(LOCAL)
    b = end.astimezone(LOCAL)
    day = a.date()
    while day <= (b - timedelta(microseconds=1)).date():
        lo = a.hour * 60 + a.minute if day == a.date() else 0
        hi = b.hour * 60 + b.minute + (1 if b.second or b.microsecond else 0) if day == b.date() else DAY_MINUTES
        parts.setdefault((lo, hi), set()).add(str(day.isoweekday()))
        day += timedelta(days=1)
        if (day - a.date()).days > 8:  # every weekday seen at least once as a whole day
            break
    return [(digits, lo, hi) for (lo, hi), digits in parts.items()]


@dataclass(frozen=True)
class Terms:
    """The policy conditions of one window: rendered as SQL on the policy rows (`q`) and checked
    in Python on the free-time index's shapes (`fits`) — one source, so both say the same."""

    length: int  # minutes a slot needs (at least 1)
    window: int  # minutes of the window from max(start, now)
    notice_room: int  # the largest min_notice that still leaves a slot
    parts: tuple[tuple[frozenset[str], int, int], ...]  # (weekdays, from, to minute) a slot fits in
    digits: frozenset[str]  # every weekday the window touches
    advance: int | None  # the smallest advance_days that reaches the start (None: starts now)
    max_needed: int | None  # max_minutes must allow the asked duration

    def q(self, prefix: str = "policy__") -> Q:
        def f(name: str) -> str:
            return prefix + name

        def weekday(digits) -> Q:
            out = Q()
            for d in sorted(digits):
                out |= Q(**{f("weekdays__contains"): d})
            return out

        hours = Q(**{f("open_from"): F(f("open_until"))}) & weekday(self.digits)  # round the clock
        for digits, lo, hi in self.parts:
            hours |= (
                weekday(digits)
                & Q(**{f("open_from__lt"): F(f("open_until"))})
                & Q(**{f("open_from__lte"): _t(hi - self.length)})
                & Q(**{f("open_until__gte"): _t(lo + self.length)})
            )
        q = Q(**{f("min_notice_minutes__lte"): self.notice_room, f("min_minutes__lte"): self.window}) & hours
        if self.advance is not None:
            q &= Q(**{f("advance_days__gte"): self.advance})
        if self.max_needed is not None:
            q &= Q(**{f("max_minutes__gte"): self.max_needed})
        return q

    def fits(self, shape: Any) -> bool:
        """The same conditions on one shape (a PolicyShape, a BookingPolicy)."""
        if shape.min_notice_minutes > self.notice_room or shape.min_minutes > self.window:
            return False
        if self.advance is not None and shape.advance_days < self.advance:
            return False
        if self.max_needed is not None and shape.max_minutes < self.max_needed:
            return False
        a, b, days = _as_time(shape.open_from), _as_time(shape.open_until), shape.weekdays or ""
        if a == b:
            return any(d in days for d in self.digits)
        return a < b and any(
            any(d in days for d in digits) and a <= _t(hi - self.length) and b >= _t(lo + self.length)
            for digits, lo, hi in self.parts
        )


def terms(*, start: datetime, end: datetime, duration: timedelta | None, now: datetime) -> Terms | None:
    """The window's policy conditions (None: no policy can hold a slot in it)."""
    length = max(int(duration.total_seconds() // 60) if duration else 1, 1)
    from_ = max(start, now)
    window = int((end - from_).total_seconds() // 60)
    notice_room = int((end - timedelta(minutes=length) - now).total_seconds() // 60)
    if notice_room < 0 or window < length:
        return None
    day_parts = _day_parts(from_, end)
    parts = tuple(
        (frozenset(digits), lo, hi) for digits, lo, hi in day_parts if hi - lo >= length and lo + length < DAY_MINUTES
    )
    advance = None
    if start > now:
        ahead = start - now
        advance = ahead.days + (1 if ahead % timedelta(days=1) else 0)
    return Terms(
        length=length,
        window=window,
        notice_room=notice_room,
        parts=parts,
        digits=frozenset().union(*(p[0] for p in day_parts)),
        advance=advance,
        max_needed=length if duration is not None else None,
    )


def fitting_shapes(t: Terms) -> tuple[bool, bool]:
    """(some stored policy may fit, the default policy fits) — one small query on the free-time
    index instead of a scan of every policy."""
    shapes = PolicyShape.objects.filter(policies__gt=0).only(*SHAPE_FIELDS)
    return any(t.fits(s) for s in shapes), t.fits(BookingPolicy())


def prefilter_q(*, start: datetime, end: datetime, duration: timedelta | None, user: Any, now: datetime) -> Q | None:
    """The SQL conditions every free instrument meets (None: none can be free)."""
    t = terms(start=start, end=end, duration=duration, now=now)
    if t is None:
        return None
    stored, default = fitting_shapes(t)
    if not stored and not default:
        return None  # no opening shape holds the window: answered from the index alone
    length = t.length
    from_ = max(start, now)
    policy = t.q()
    if freetime.needs_person_query(user):
        trained = Qualification.objects.filter(instrument=OuterRef("pk"), user_id=user.pk).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gte=from_ + timedelta(minutes=length))
        )
        policy &= Q(policy__requires_training=False) | Q(Exists(trained))
    if not stored:
        rules = Q(policy__isnull=True)
    elif default:
        rules = Q(policy__isnull=True) | policy
    else:
        rules = Q(policy__isnull=False) & policy
    q = Q(status=Instrument.Status.IN_USE) & rules & freetime.person_q(user)
    # One booking or blackout that leaves less than `length` on both of its sides leaves no room
    # anywhere in the window (the index range: it starts before from_ + length, at most the
    # longest booking before from_).
    room = timedelta(minutes=length)
    # Correlated on the policy row (not the instrument's): the database then checks them only
    # for the rows whose policy passed the cheap conditions above (SQLite's plan otherwise runs
    # them first, for every instrument). Only instruments without a policy left: on their own id.
    outer = "policy__instrument_id" if stored else "pk"
    covering = Booking.objects.filter(
        instrument_id=OuterRef(outer),
        status__in=Booking.ACTIVE,
        start__lt=from_ + room,
        start__gt=from_ - freetime.LONGEST,
        end__gt=end - room,
    )
    closed = Blackout.objects.filter(instrument_id=OuterRef(outer), start__lt=from_ + room, end__gt=end - room)
    return q & ~Exists(covering) & ~Exists(closed)


def _judge_batch(batch: list[Instrument], *, start, end, duration, user, now) -> list[Instrument]:
    person = freetime.person_of(user, batch, now=now)
    blocks = freetime.load_blocks(batch, start, end, now=now)
    free = []
    for i in batch:
        verdict = freetime.judge(i, person, blocks, start, end, now=now, duration=duration)
        if verdict.free:
            i.free_slot = verdict.slot  # type: ignore[attr-defined]
            i.needs_approval = verdict.needs_approval  # type: ignore[attr-defined]
            free.append(i)
    return free


def free_keyset_page(
    qs: QuerySet[Instrument],
    *,
    start: datetime,
    end: datetime,
    duration: timedelta | None,
    user: Any,
    cursor: str | None,
    limit: int,
    now: datetime | None = None,
) -> Page[Instrument]:
    """One page of the free instruments among `qs` (already filtered, not yet by time), by id."""
    now = now or timezone.now()
    q = prefilter_q(start=start, end=end, duration=duration, user=user, now=now)
    if q is None:
        return Page(items=[])
    after = decode_cursor(cursor).get("after") or 0
    candidates = qs.filter(q).select_related("policy").order_by("pk")
    # Most candidates that pass the prefilter are free: the first batch is a little more than a
    # page, later ones (many were not) double, up to MAX_BATCH.
    batch_size = limit + limit // 4 + 1
    found: list[Instrument] = []
    scanned, last, exhausted = 0, after, False
    while len(found) < limit and scanned < MAX_SCAN:
        batch = list(candidates.filter(pk__gt=last)[:batch_size])
        if batch:
            last = batch[-1].pk
            scanned += len(batch)
            found += _judge_batch(batch, start=start, end=end, duration=duration, user=user, now=now)
        if len(batch) < batch_size:
            exhausted = True
            break
        batch_size = min(batch_size * 2, MAX_BATCH)
    items = found[:limit]
    if len(found) > limit:
        next_cursor = encode_cursor({"after": items[-1].pk})
    elif not exhausted:
        next_cursor = encode_cursor({"after": last})
    else:
        next_cursor = None
    return Page(items=items, next_cursor=next_cursor)


def free_ranked_page(
    ranked_ids: list[int],
    qs: QuerySet[Instrument],
    *,
    start: datetime,
    end: datetime,
    duration: timedelta | None,
    user: Any,
    offset: int,
    limit: int,
    now: datetime | None = None,
    partial: bool = False,
) -> Page[Instrument] | None:
    """One page of the free instruments among search hits `ranked_ids` (best first): one query
    prefilters them all, then batches in rank order are judged. The cursor is an offset into the
    prefiltered ranking. `partial`: the hits are only the best of more; None when they ran out
    before the page was full (the caller asks again with more hits)."""
    now = now or timezone.now()
    q = prefilter_q(start=start, end=end, duration=duration, user=user, now=now)
    if q is None:
        return Page(items=[])
    if not ranked_ids:
        return None if partial else Page(items=[])
    passing = set(Instrument.objects.filter(q, pk__in=ranked_ids).values_list("pk", flat=True))
    ranked = [i for i in ranked_ids if i in passing]
    batch_size = limit + limit // 4 + 1
    found: list[Instrument] = []
    position = offset
    while len(found) < limit and position < len(ranked) and position - offset < MAX_SCAN:
        ids = ranked[position : position + batch_size]
        batch_size = min(batch_size * 2, MAX_BATCH)
        by_id = {i.pk: i for i in qs.select_related("policy").filter(pk__in=ids)}
        batch = [by_id[i] for i in ids if i in by_id]
        free = {i.pk for i in _judge_batch(batch, start=start, end=end, duration=duration, user=user, now=now)}
        for pk in ids:
            position += 1
            if pk in free:
                found.append(by_id[pk])
                if len(found) == limit:
                    break
    ran_out = position >= len(ranked)
    if partial and ran_out and len(found) < limit:
        return None
    more = not ran_out or partial
    return Page(items=found, next_cursor=encode_cursor({"offset": position}) if more else None)


def free_among(
    instruments: list[Instrument],
    *,
    start: datetime,
    end: datetime,
    duration: timedelta | None,
    user: Any,
    now: datetime | None = None,
    batch_size: int = 200,
) -> list[Instrument]:
    """The free ones of `instruments` (already prefiltered), in their order: for exports."""
    now = now or timezone.now()
    out: list[Instrument] = []
    for n in range(0, len(instruments), batch_size):
        batch = instruments[n : n + batch_size]
        out += _judge_batch(batch, start=start, end=end, duration=duration, user=user, now=now)
    return out
