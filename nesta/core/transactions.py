"""The one write transaction of every service.

`write_transaction()` is `transaction.atomic()` that takes the write lock before anything is
checked: on SQLite it queues at the write gate (core/write_gate.py) and begins IMMEDIATE
(settings: transaction_mode); on PostgreSQL it bounds lock waits with `SET LOCAL lock_timeout`.
A caller that waited too long gets ServiceUnavailable (503 + Retry-After), never a 500 and never
a silent loss. Nested calls join the outer transaction (a savepoint, no second gate entry).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction

from nesta.core.errors import ServiceUnavailable
from nesta.core.write_gate import GateTimeout, sqlite_write_gate

RETRY_AFTER_SECONDS = 1

_LOCK_WORDS = ("locked", "busy", "lock timeout", "lock_timeout", "could not obtain lock")


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and any(w in str(exc).lower() for w in _LOCK_WORDS)


@contextmanager
def write_transaction() -> Iterator[None]:
    timeout_ms = int(settings.BOOKING_LOCK_TIMEOUT_MS)
    try:
        with sqlite_write_gate(timeout_ms / 1000), transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute(f"SET LOCAL lock_timeout = '{timeout_ms}ms'")
            yield
    except GateTimeout as exc:
        raise ServiceUnavailable(details={"retry_after": RETRY_AFTER_SECONDS}) from exc
    except OperationalError as exc:
        if is_lock_error(exc):
            raise ServiceUnavailable(details={"retry_after": RETRY_AFTER_SECONDS}) from exc
        raise
