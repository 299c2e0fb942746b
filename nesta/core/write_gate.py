"""A queue in front of SQLite's single write lock.

SQLite lets one writer in at a time and makes the others wait in its busy handler, which sleeps
1, 2, 5, 10 … 100 ms between tries: under load most of a waiter's time is spent asleep while the
lock is already free. Contended write paths (bookings) pass this gate first — a thread lock inside
the process, an flock(2) on a file beside the database across processes — so writers queue and
follow each other within a fraction of a millisecond. The gate only orders writers; SQLite's own
lock (BEGIN IMMEDIATE) still guarantees correctness for anything that does not pass it.
On PostgreSQL and in-memory databases the gate does nothing.
"""

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

POLL_SECONDS = 0.0002


class GateTimeout(Exception):
    """The gate was not free within the timeout."""


_thread_lock = threading.Lock()
_local = threading.local()
_files: dict[tuple[int, str], int] = {}


def _lock_fd(path: str) -> int:
    # One descriptor per process and database: flock belongs to the open file description,
    # which a forked child would otherwise share with its parent.
    key = (os.getpid(), path)
    fd = _files.get(key)
    if fd is None:
        fd = os.open(path + ".write-gate", os.O_RDWR | os.O_CREAT, 0o644)
        _files[key] = fd
    return fd


def _database_file() -> str | None:
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return name


@contextmanager
def sqlite_write_gate(timeout: float) -> Iterator[None]:
    """Hold the gate for the block (nested use in one thread passes through). Raises GateTimeout."""
    path = _database_file()
    depth = getattr(_local, "depth", 0)
    if path is None or depth:
        _local.depth = depth + 1
        try:
            yield
        finally:
            _local.depth = depth
        return
    deadline = time.monotonic() + timeout
    if not _thread_lock.acquire(timeout=timeout):
        raise GateTimeout()
    try:
        fd = _lock_fd(path)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise GateTimeout() from None
                time.sleep(POLL_SECONDS)
        _local.depth = 1
        try:
            yield
        finally:
            _local.depth = 0
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _thread_lock.release()
