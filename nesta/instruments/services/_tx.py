"""The write transaction of the booking paths: the lock is taken before anything is checked."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction

from nesta.core.errors import ServiceUnavailable
from nesta.core.write_gate import GateTimeout, sqlite_write_gate

RETRY_AFTER_SECONDS = 1


@contextmanager
def locked_write() -> Iterator[None]:
    """atomic() that, on SQLite, queues at the write gate and begins IMMEDIATE (settings:
    transaction_mode), so the write lock is held before the overlap check; on PostgreSQL it bounds
    lock waits. A client that waited too long gets ServiceUnavailable (503 + Retry-After), never a
    500 and never a silent loss."""
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
        text = str(exc).lower()
        if "locked" in text or "busy" in text or "lock timeout" in text or "lock_timeout" in text:
            raise ServiceUnavailable(details={"retry_after": RETRY_AFTER_SECONDS}) from exc
        raise
