"""The booking path's hot reads as plain SQL.

Every booking asks the same few questions (an earlier request with this idempotency key? a
blackout in the slot? the booker's recent no-shows? and, under the write lock, what else holds
the slot?). Built through the ORM, compiling those queries cost about as much as the rest of the
booking; here each is one prepared statement, and the under-lock questions are one round trip.
The models stay the truth: the tables and columns come from their `_meta`, and the tests of the
booking rules run through these functions.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from django.db import connection
from django.utils.dateparse import parse_datetime

from nesta.instruments.models import Blackout, Booking, IdempotencyRecord, WaitlistEntry

OFFENCES = ("no_show", "late_cancelled")
NEAR_LIMIT = 20  # the neighbours within the gap a booking needs to see (one is enough to refuse)


def _param(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _when(value: Any) -> datetime | None:
    """A timestamp read back by a raw cursor: PostgreSQL gives aware datetimes, SQLite text in UTC."""
    if value is None or isinstance(value, datetime) and value.tzinfo is not None:
        return value
    parsed = parse_datetime(value) if isinstance(value, str) else value
    return parsed.replace(tzinfo=UTC) if parsed is not None and parsed.tzinfo is None else parsed


def _fetch(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


@cache
def _statements() -> dict[str, str]:
    q = connection.ops.quote_name
    booking, blackout = q(Booking._meta.db_table), q(Blackout._meta.db_table)
    waitlist, records = q(WaitlistEntry._meta.db_table), q(IdempotencyRecord._meta.db_table)
    start, end = q("start"), q("end")
    active = ", ".join(f"'{s}'" for s in Booking.ACTIVE)
    offences = ", ".join(f"'{s}'" for s in OFFENCES)
    return {
        "replay": f"SELECT request_hash, body FROM {records} WHERE user_id = %s AND {q('key')} = %s AND scope = %s",
        "blackout": (
            f"SELECT kind, reason FROM {blackout} WHERE instrument_id = %s AND {start} < %s AND {end} > %s "
            f"ORDER BY {start}, id LIMIT 1"
        ),
        "offences": (
            f"SELECT COUNT(*), MAX({start}) FROM {booking} WHERE instrument_id = %s AND user_id = %s "
            f"AND status IN ({offences}) AND {start} >= %s"
        ),
        # Under the write lock, one round trip: the active bookings within the gap (1), an open
        # waiting-list offer held for someone else (2), a blackout (3). `id <> %s` leaves out the
        # booking being moved (0 when none: ids start at 1). Every branch selects typed columns
        # (PostgreSQL will not unite a bare NULL with a timestamp).
        "slot": (
            f"SELECT * FROM (SELECT 1, {start}, {end}, '' FROM {booking} WHERE instrument_id = %s "
            f"AND status IN ({active}) AND {start} < %s AND {end} > %s AND id <> %s LIMIT {NEAR_LIMIT}) AS near "
            f"UNION ALL SELECT * FROM (SELECT 2, offer_expires_at, offer_expires_at, '' FROM {waitlist} "
            f"WHERE instrument_id = %s AND status = 'offered' AND offer_expires_at > %s AND {start} < %s "
            f"AND {end} > %s AND user_id <> %s ORDER BY offer_expires_at LIMIT 1) AS held "
            f"UNION ALL SELECT * FROM (SELECT 3, {start}, {end}, kind || '|' || reason FROM {blackout} "
            f"WHERE instrument_id = %s AND {start} < %s AND {end} > %s ORDER BY {start}, id LIMIT 1) AS blackout"
        ),
    }


def blackout_text(kind: str, reason: str) -> str:
    return reason or str(dict(Blackout.Kind.choices).get(kind, kind))


def blackout_reason(instrument_id: int, start: datetime, end: datetime) -> str | None:
    """The first blackout of the instrument overlapping [start, end), as the user reads it."""
    rows = _fetch(_statements()["blackout"], [instrument_id, _param(end), _param(start)])
    return blackout_text(*rows[0]) if rows else None


def offences_since(instrument_id: int, user_id: int, since: datetime) -> tuple[int, datetime | None]:
    """The user's no-shows and late cancellations on the instrument since `since`, and the latest."""
    count, latest = _fetch(_statements()["offences"], [instrument_id, user_id, _param(since)])[0]
    return int(count or 0), _when(latest)


def earlier_request(user_id: int, key: str, scope: str) -> tuple[str, dict] | None:
    """The request hash and stored body of an earlier request with this idempotency key."""
    rows = _fetch(_statements()["replay"], [user_id, key, scope])
    if not rows:
        return None
    request_hash, body = rows[0]
    return request_hash or "", json.loads(body) if isinstance(body, str | bytes) else body


@dataclass
class SlotState:
    """What holds [start, end) under the lock: the nearest active bookings within the gap, the
    deadline of a waiting-list offer held for someone else, a blackout's text."""

    near: list[tuple[datetime, datetime]]
    held_until: datetime | None
    blackout: str | None

    def clash(self, start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
        return next(((s, e) for s, e in self.near if s < end and e > start), None)


def slot_state(
    *,
    instrument_id: int,
    start: datetime,
    end: datetime,
    gap_minutes: int,
    exclude_id: int | None,
    user_id: int | None,
    now: datetime,
) -> SlotState:
    margin = timedelta(minutes=gap_minutes)
    s, e = _param(start), _param(end)
    params = [instrument_id, _param(end + margin), _param(start - margin), exclude_id or 0]
    params += [instrument_id, _param(now), e, s, user_id or 0]
    params += [instrument_id, e, s]
    near: list[tuple[datetime, datetime]] = []
    held_until = blackout = None
    for kind, a, b, text in _fetch(_statements()["slot"], params):
        if kind == 1:
            a_, b_ = _when(a), _when(b)
            if a_ is not None and b_ is not None:  # active bookings always have both
                near.append((a_, b_))
        elif kind == 2:
            held_until = _when(b)
        else:
            blackout = blackout_text(*text.split("|", 1))
    return SlotState(near, held_until, blackout)
