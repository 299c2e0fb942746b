"""When things happened in the demo data: submissions in working hours (weekdays 08:30–17:30
Asia/Shanghai, drawn from the caller's seeded random.Random), nothing that has happened dated
after `now`, and the created/updated stamps of bulk-written rows kept as given (auto_now and
auto_now_add would date a year of history at the load minute)."""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import FieldDoesNotExist

LOCAL = ZoneInfo("Asia/Shanghai")
WORK_FROM, WORK_UNTIL = 8 * 60 + 30, 17 * 60 + 30  # minutes after local midnight


def local_at(day: date, minutes: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL) + timedelta(minutes=minutes)


def working_day(day: date, *, back: bool = True) -> date:
    """`day` if it is a weekday, else the Friday before (or, forward, the Monday after)."""
    while day.isoweekday() > 5:
        day += timedelta(days=-1 if back else 1)
    return day


def working_time(rng: random.Random, day: date, *, not_after: datetime | None = None) -> datetime:
    """A moment in the working hours of `day` (a weekend falls back to the Friday before), never
    after `not_after`: if the day's hours have not begun by then, an earlier working day."""
    day = working_day(day)
    moment = local_at(day, rng.randint(WORK_FROM, WORK_UNTIL))
    if not_after is None:
        return moment
    for _ in range(10):
        if moment <= not_after:
            return moment
        latest = not_after.astimezone(LOCAL)
        if latest.date() == day and latest.hour * 60 + latest.minute > WORK_FROM:
            # today: a moment between the start of work and now
            top = min(WORK_UNTIL, latest.hour * 60 + latest.minute)
            return min(local_at(day, rng.randint(WORK_FROM, top)), not_after)
        day = working_day(day - timedelta(days=1))
        moment = local_at(day, rng.randint(WORK_FROM, WORK_UNTIL))
    return min(moment, not_after)


def after(rng: random.Random, moment: datetime, *, days: tuple[int, int]) -> datetime:
    """The next step of a workflow: a working-hours moment `days` (a range) later, always after
    `moment` (the same day: some minutes to a few hours later)."""
    candidate = working_time(rng, moment.astimezone(LOCAL).date() + timedelta(days=rng.randint(*days)))
    if candidate <= moment:
        candidate = moment + timedelta(minutes=rng.randint(20, 180))
    return candidate


@contextmanager
def stamps_as_given(*models: type) -> Iterator[None]:
    """Within the block, created_at / updated_at of these models keep the values set on the
    objects (bulk_create otherwise overwrites them with the current time)."""
    saved = []
    for model in models:
        for name in ("created_at", "updated_at"):
            try:
                f = model._meta.get_field(name)
            except FieldDoesNotExist:  # e.g. Charge has no updated_at
                continue
            saved.append((f, f.auto_now, f.auto_now_add))
            f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
