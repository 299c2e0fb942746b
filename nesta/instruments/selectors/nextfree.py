"""The earliest slot of a given length THIS user could book on one instrument ("最早可约").

    next_free_slot(instrument, user, duration: timedelta, *, after=None, now=None) -> Interval | None
    next_free_verdict(...)  -> freetime.Verdict (the slot, needs_approval, and why not when None)

Every rule of selectors.freetime applies (opening days and hours, blackouts of every kind, other
bookings widened by the gap, minimum notice, the advance window, minimum and maximum duration,
training, status, openness to outsiders, suspension, waiting-list holds for others); `user` None or anonymous gets the rules
that do not depend on a person. A duration below the policy's minimum asks for the minimum. The
slot starts on a quarter hour when it can, in local time (Asia/Shanghai).

Scanning: the next CHUNK_DAYS first (bookings and blackouts: one query each), then, only if
nothing was free there, the rest of the advance window in one more pair of queries; logged in,
two more for the user's qualifications and offences. `instrument.policy` should be loaded.
"""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from nesta.instruments.models import Instrument
from nesta.instruments.policy import bounded
from nesta.instruments.selectors import freetime
from nesta.instruments.selectors.availability import Interval, policy_of

CHUNK_DAYS = 14
MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(days=7)


def next_free_verdict(
    instrument: Instrument,
    user: Any,
    duration: timedelta,
    *,
    after: datetime | None = None,
    now: datetime | None = None,
) -> freetime.Verdict:
    now = now or timezone.now()
    start = max(after, now) if after is not None else now
    policy = policy_of(instrument)
    length = freetime.slot_length(policy, duration)
    # a slot must start by now + advance_days; its end may run past that by its length
    horizon = now + timedelta(days=bounded("advance_days", policy.advance_days)) + length
    person = freetime.person_of(user, [instrument], now=now)
    if start >= horizon:
        return freetime.Verdict(None, reason=freetime.NO_SLOT)
    first_end = min(start + timedelta(days=CHUNK_DAYS), horizon)
    verdict = _scan(instrument, person, start, first_end, now, duration)
    if verdict.free or verdict.reason != freetime.NO_SLOT or first_end >= horizon:
        return verdict
    # a slot straddling the first chunk's end starts less than `length` before it
    return _scan(instrument, person, first_end - length, horizon, now, duration)


def _scan(instrument, person, start, end, now, duration) -> freetime.Verdict:
    blocks = freetime.load_blocks([instrument], start, end, now=now)
    return freetime.judge(instrument, person, blocks, start, end, now=now, duration=duration)


def next_free_slot(
    instrument: Instrument,
    user: Any,
    duration: timedelta,
    *,
    after: datetime | None = None,
    now: datetime | None = None,
) -> Interval | None:
    """The earliest bookable [start, end) of `duration` (at least the policy's minimum) from
    `after` (default now) within the advance window, or None."""
    return next_free_verdict(instrument, user, duration, after=after, now=now).slot
