"""The SQLite write gate: writers queue in order, across threads and processes, and a writer that
waits past its timeout gets GateTimeout (the booking service turns it into 503)."""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

from nesta.core import write_gate
from nesta.core.write_gate import GateTimeout, sqlite_write_gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def sqlite_only():
    """On PostgreSQL the gate must stay out of the way; the SQLite tests below then stop here."""
    if connection.vendor == "sqlite":
        assert write_gate._database_file() is not None
        return True
    assert write_gate._database_file() is None
    held = threading.Event()
    release = threading.Event()

    def holder():
        with sqlite_write_gate(1):
            held.set()
            release.wait(5)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    with sqlite_write_gate(0.01):  # no waiting while another thread is "inside"
        pass
    release.set()
    t.join()
    return False


def test_threads_take_turns(sqlite_only):
    if not sqlite_only:
        return
    inside = 0
    most = 0
    lock = threading.Lock()

    def writer():
        nonlocal inside, most
        for _ in range(20):
            with sqlite_write_gate(5):
                with lock:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.0005)
                with lock:
                    inside -= 1

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1


def test_nested_use_passes_through(sqlite_only):
    if not sqlite_only:
        return
    with sqlite_write_gate(0.05), sqlite_write_gate(0.05):
        assert write_gate._local.depth == 2
    assert write_gate._local.depth == 0


def test_another_thread_waits_then_times_out(sqlite_only):
    if not sqlite_only:
        return
    held = threading.Event()
    release = threading.Event()

    def holder():
        with sqlite_write_gate(1):
            held.set()
            release.wait(5)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    started = time.monotonic()
    with pytest.raises(GateTimeout):
        with sqlite_write_gate(0.1):
            pass  # pragma: no cover
    assert 0.09 <= time.monotonic() - started < 2
    release.set()
    t.join()
    with sqlite_write_gate(0.1):  # free again
        pass


def test_another_process_holding_the_gate_blocks_us(sqlite_only, tmp_path):
    if not sqlite_only:
        return
    path = write_gate._database_file() + ".write-gate"
    ready = tmp_path / "ready"
    script = (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({path!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        f"open({str(ready)!r}, 'w').close()\n"
        "time.sleep(0.6)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(500):
            if ready.exists():
                break
            time.sleep(0.01)
        with pytest.raises(GateTimeout):
            with sqlite_write_gate(0.1):
                pass  # pragma: no cover
        started = time.monotonic()
        with sqlite_write_gate(5):  # the child lets go after 0.6 s; we follow at once
            waited = time.monotonic() - started
        assert waited < 1.5
    finally:
        child.wait(10)


def test_forked_child_gets_its_own_descriptor(sqlite_only):
    if not sqlite_only:
        return
    path = write_gate._database_file()
    fd = write_gate._lock_fd(path)
    assert write_gate._lock_fd(path) == fd
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read)
        child_fd = write_gate._lock_fd(path)
        # a descriptor of its own: an flock the parent holds must block the child
        ok = child_fd != fd
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(pid, 0)
