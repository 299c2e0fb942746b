"""The multi-instrument planner ("排期总览") and an instrument's month view.

    planner(*, user, day, view="day"|"week", category="", province="", city="", now=None) -> Planner
    month_view(*, instrument, user, month: date, now=None) -> Month

Both show, for THIS user, where a slot could be booked (selectors.freetime: every booking rule;
anonymous: the rules that do not depend on a person) and where the instruments are busy — only
that a slot is taken, never by whom. A constant number of queries: the instruments (planner), all
their bookings in the range (one query), all their blackouts (one), and, logged in, the user's
qualifications and offences (one each).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from nesta.instruments.models import Instrument
from nesta.instruments.policy import LOCAL, bounded
from nesta.instruments.selectors import freetime
from nesta.instruments.selectors.availability import Interval, opening_hours, policy_of
from nesta.instruments.selectors.rules import WEEKDAY_NAMES

MAX_INSTRUMENTS = 30
SLOT = timedelta(minutes=30)
REASONS = {
    freetime.UNAVAILABLE: "维修或停用，暂停预约",
    freetime.NOT_OPEN: "暂不对外单位开放",
    freetime.TRAINING: "需先通过上机培训",
    freetime.SUSPENDED: "您的预约资格已暂停",
    freetime.TOO_LONG: "超出单次最长时长",
}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL)


@dataclass
class Cell:
    start: datetime
    end: datetime
    state: str  # free, busy, blackout, closed, past, beyond, blocked, unavailable
    book_end: datetime | None = None  # a free cell links to booking [start, book_end)


@dataclass
class DayCell:
    date: date
    state: str  # free, full, closed, past, unavailable
    free: list[Interval] = field(default_factory=list)
    free_minutes: int = 0
    busy: int = 0  # bookings and blackouts touching the day

    @property
    def hours(self) -> str:
        """The bookable hours as people write them: 6, 6.5."""
        return f"{self.free_minutes / 60:.1f}".removesuffix(".0")


@dataclass
class Row:
    instrument: Instrument
    reason: str = ""  # why this user cannot book it at all
    needs_approval: bool = False
    cells: list[Cell] = field(default_factory=list)  # day view
    days: list[DayCell] = field(default_factory=list)  # week view / month view
    windows: list[Interval] = field(default_factory=list)  # where a slot of the minimum fits


@dataclass
class Planner:
    view: str
    day: date
    days: list[dict[str, Any]]
    times: list[str]  # day view: the column heads
    rows: list[Row]
    prev_date: date
    next_date: date
    truncated: bool


def _judge_rows(instruments, user, start, end, now) -> tuple[list[Row], freetime.Blocks]:
    person = freetime.person_of(user, instruments, now=now)
    blocks = freetime.load_blocks(instruments, start, end, with_rows=True, now=now)
    rows = []
    for i in instruments:
        verdict = freetime.judge(i, person, blocks, start, end, now=now, with_windows=True)
        row = Row(instrument=i, needs_approval=verdict.needs_approval)
        if verdict.reason in REASONS:
            row.reason = REASONS[verdict.reason]
        row.windows = verdict.windows
        rows.append(row)
    return rows, blocks


def _busy_of(blocks: freetime.Blocks, user: Any) -> dict[int, list[tuple[datetime, datetime, str]]]:
    out: dict[int, list[tuple[datetime, datetime, str]]] = {}
    for instrument_id, s, e, _status in blocks.rows:
        out.setdefault(instrument_id, []).append((s, e, "busy"))
    # a slot held for the first in line of the waiting list is taken for everyone else
    viewer = user.pk if getattr(user, "is_authenticated", False) else None
    for instrument_id, holds in blocks.holds.items():
        for s, e, holder in holds:
            if holder != viewer:
                out.setdefault(instrument_id, []).append((s, e, "busy"))
    for instrument_id, s, e, _kind, _reason in blocks.blackout_rows:
        out.setdefault(instrument_id, []).append((s, e, "blackout"))
    return out


def _day_cells(row: Row, busy: list, day: date, first: int, last: int, now: datetime) -> list[Cell]:
    instrument = row.instrument
    policy = policy_of(instrument)
    hours = opening_hours(policy, day)
    earliest = now + timedelta(minutes=bounded("min_notice_minutes", policy.min_notice_minutes))
    latest = now + timedelta(days=bounded("advance_days", policy.advance_days))
    minimum = freetime.slot_length(policy, None)
    windows = row.windows
    cells = []
    for m in range(first, last, 30):
        s = _midnight(day) + timedelta(minutes=m)
        e = s + SLOT
        cell = Cell(s, e, "closed")
        taken = next((kind for bs, be, kind in busy if bs < e and be > s), None)
        if taken:
            cell.state = taken
        elif hours is None or s < hours.start or e > hours.end:
            cell.state = "closed"
        elif row.reason:
            cell.state = "unavailable"
        elif s < earliest:
            cell.state = "past"
        elif s > latest:
            cell.state = "beyond"
        else:
            w = next((w for w in windows if w.start <= s and e <= w.end), None)
            if w is not None and s + minimum <= w.end:
                cell.state, cell.book_end = "free", min(w.end, s + max(minimum, SLOT))
            else:
                cell.state = "blocked"  # open, but too short a gap or next to a booking's gap
        cells.append(cell)
    return cells


def _day_summary(row: Row, busy: list, day: date, now: datetime) -> DayCell:
    policy = policy_of(row.instrument)
    a, b = _midnight(day), _midnight(day + timedelta(days=1))
    windows = [Interval(max(w.start, a), min(w.end, b)) for w in row.windows if w.start < b and w.end > a]
    minimum = freetime.slot_length(policy, None)
    windows = [w for w in windows if w.end - w.start >= minimum]
    cell = DayCell(date=day, state="free", free=windows)
    cell.free_minutes = sum(w.minutes for w in windows)
    cell.busy = sum(1 for s, e, _k in busy if s < b and e > a)
    if opening_hours(policy, day) is None:
        cell.state = "closed"
    elif row.reason:
        cell.state = "unavailable"
    elif b <= now:
        cell.state = "past"
    elif not windows:
        cell.state = "full"
    return cell


def planner_instruments(*, category: str = "", province: str = "", city: str = "") -> list[Instrument]:
    """The instruments the planner shows (in use first, then by id), at most MAX_INSTRUMENTS + 1."""
    qs = Instrument.objects.select_related("owner", "city", "province", "category", "policy").exclude(
        status=Instrument.Status.RETIRED
    )
    if category:
        qs = qs.filter(Q(category__code=category) | Q(category__parent__code=category))
    if province:
        qs = qs.filter(province__code=province)
    if city:
        qs = qs.filter(city__code=city)
    return list(qs.order_by("status", "pk")[: MAX_INSTRUMENTS + 1])


def planner(
    *,
    user: Any,
    day: date,
    view: str = "day",
    category: str = "",
    province: str = "",
    city: str = "",
    now: datetime | None = None,
) -> Planner:
    """Several instruments side by side for one day (30-minute cells) or one week (free windows per day)."""
    now = now or timezone.now()
    view = "week" if view == "week" else "day"
    instruments = planner_instruments(category=category, province=province, city=city)
    truncated = len(instruments) > MAX_INSTRUMENTS
    instruments = instruments[:MAX_INSTRUMENTS]
    if view == "week":
        days = [day - timedelta(days=day.weekday()) + timedelta(days=n) for n in range(7)]
        step = timedelta(days=7)
    else:
        days, step = [day], timedelta(days=1)
    start, end = _midnight(days[0]), _midnight(days[-1] + timedelta(days=1))
    rows, blocks = _judge_rows(instruments, user, start, end, now)
    busy = _busy_of(blocks, user)
    times: list[str] = []
    if view == "day":
        first, last = _span(instruments, day)
        times = [f"{m // 60:02d}:{m % 60:02d}" for m in range(first, last, 30)]
        for row in rows:
            row.cells = _day_cells(row, busy.get(row.instrument.pk, []), day, first, last, now)
    else:
        for row in rows:
            row.days = [_day_summary(row, busy.get(row.instrument.pk, []), d, now) for d in days]
    today = timezone.localtime(now, LOCAL).date()
    return Planner(
        view=view,
        day=day,
        days=[{"date": d, "weekday": WEEKDAY_NAMES[d.weekday()], "today": d == today} for d in days],
        times=times,
        rows=rows,
        prev_date=day - step,
        next_date=day + step,
        truncated=truncated,
    )


def _span(instruments: list[Instrument], day: date) -> tuple[int, int]:
    """The day view's columns: from the earliest opening to the latest closing (08:00–20:00 if none)."""
    first, last = 24 * 60, 0
    for i in instruments:
        hours = opening_hours(policy_of(i), day)
        if hours is None or hours.end <= hours.start:
            continue
        a = int((hours.start - _midnight(day)).total_seconds() // 60)
        b = int((hours.end - _midnight(day)).total_seconds() // 60)
        first, last = min(first, a // 30 * 30), max(last, -(-b // 30) * 30)
    return (first, last) if first < last else (8 * 60, 20 * 60)


@dataclass
class Month:
    instrument: Instrument
    month: date  # the first of the month
    weeks: list[list[DayCell | None]]  # Monday-first; None pads days of other months
    row: Row
    prev_month: date
    next_month: date
    heads: list[Any] = field(default_factory=lambda: list(WEEKDAY_NAMES))


def month_view(*, instrument: Instrument, user: Any, month: date, now: datetime | None = None) -> Month:
    """Each day of `month` with the hours this user could book (`instrument.policy` loaded)."""
    now = now or timezone.now()
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    rows, blocks = _judge_rows([instrument], user, _midnight(first), _midnight(following), now)
    row = rows[0]
    busy = _busy_of(blocks, user).get(instrument.pk, [])
    cells: list[DayCell | None] = [None] * first.weekday()
    day = first
    while day < following:
        cells.append(_day_summary(row, busy, day, now))
        day += timedelta(days=1)
    cells += [None] * (-len(cells) % 7)
    weeks = [cells[n : n + 7] for n in range(0, len(cells), 7)]
    return Month(
        instrument=instrument,
        month=first,
        weeks=weeks,
        row=row,
        prev_month=(first - timedelta(days=1)).replace(day=1),
        next_month=following,
    )
