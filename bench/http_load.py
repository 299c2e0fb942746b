"""Load over HTTP as users make it: a real gunicorn (gunicorn.conf.py, prod settings), clients on
threads with one connection each, and both booking paths — the web form (session login, CSRF,
an htmx POST from the calendar) and the API (a Bearer token). Also the thread drivers the
service-level runs share (a timed run, a contested burst) and the server's CPU per request,
read from /proc for the gunicorn master and its workers."""

import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def say(line: str) -> None:
    print(line, flush=True)


def pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the server -------------------------------------------------------------------------------


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return kids


class Server:
    """gunicorn as `make run` starts it (gunicorn.conf.py; WORKERS/THREADS override its counts)."""

    def __init__(self, env: dict, *, workers: int | None = None, threads: int | None = None):
        self.port = free_port()
        self.base = f"127.0.0.1:{self.port}"
        cmd = [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")]
        cmd += ["nesta.wsgi:application", "--bind", self.base, "--log-level", "warning"]
        if workers:
            cmd += ["--workers", str(workers)]
        if threads:
            cmd += ["--threads", str(threads)]
        log = ROOT / "var" / "bench" / "gunicorn.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=open(log, "a"))
        self.workers = workers
        self.threads = threads

    def __enter__(self) -> "Server":
        for _ in range(150):
            try:
                status, _body, _headers = request(self.base, "GET", "/healthz")
                if status < 500:
                    break
            except OSError:
                time.sleep(0.2)
        # each worker loads the URLconf, the API and the templates on its first requests
        for _ in range(6 * max(self.worker_count(), 1)):
            request(self.base, "GET", "/api/v1/instruments?limit=5")
            request(self.base, "GET", "/accounts/login/")
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def worker_count(self) -> int:
        return len(_children(self.proc.pid))

    def cpu_seconds(self) -> float:
        """CPU used so far by the master and its current workers."""
        pids = [self.proc.pid, *_children(self.proc.pid)]
        return sum(_cpu_ticks(p) for p in pids) / CLOCK_TICKS


# --- clients ----------------------------------------------------------------------------------


def request(base: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """One request on a fresh connection (gunicorn's sync workers close each one anyway)."""
    conn = http.client.HTTPConnection(base, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read(), resp.headers
    finally:
        conn.close()


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class WebClient:
    """A signed-in browser: the session and CSRF cookies, and the form's CSRF token."""

    def __init__(self, base: str, username: str, password: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        status, body, headers = request(base, "GET", "/accounts/login/")
        self._keep(headers)
        token = CSRF_INPUT.search(body)
        if not token:
            raise RuntimeError(f"no CSRF token on the login page ({status})")
        form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()})
        status, body, headers = request(base, "POST", "/accounts/login/", form.encode(), self._headers(form=True))
        self._keep(headers)
        if "sessionid" not in self.cookies:
            raise RuntimeError(f"{username} could not sign in ({status})")
        self.csrf = self.cookies.get("csrftoken", "")

    def _keep(self, headers) -> None:
        for line in headers.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def _headers(self, *, form: bool = False, htmx: bool = False) -> dict:
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Referer": f"http://{self.base}/"}
        if form:
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            h.update({"HX-Request": "true", "HX-Current-URL": f"http://{self.base}/", "X-CSRFToken": self.csrf})
        return h

    def book(self, instrument_id: int, start, end, key: str) -> str:
        """The calendar's htmx POST: 'ok', 'conflict' (slot taken), 'refused' (a rule) or 'error'."""
        local = "%Y-%m-%dT%H:%M"
        form = urlencode(
            {
                "csrfmiddlewaretoken": self.csrf,
                "date": start.strftime("%Y-%m-%d"),
                "view": "week",
                "idempotency_key": key,
                "start": start.strftime(local),
                "end": end.strftime(local),
                "purpose": "压测",
            }
        )
        status, body, headers = request(
            self.base, "POST", f"/instruments/{instrument_id}/book/", form.encode(), self._headers(form=True, htmx=True)
        )
        if status == 200:
            return "ok"
        if status == 422:
            return "conflict" if "该时段已被预约".encode() in body else "refused"
        return "error"


class ApiClient:
    def __init__(self, base: str, token: str):
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def book(self, instrument_id: int, start, end, key: str) -> str:
        body = json.dumps({"start": start.isoformat(), "end": end.isoformat(), "purpose": "压测"}).encode()
        status, _body, _headers = request(
            self.base, "POST", f"/api/v1/instruments/{instrument_id}/bookings", body, self.headers
        )
        return {201: "ok", 409: "conflict", 422: "refused"}.get(status, "error")

    def move(self, booking_id: int, start, end) -> str:
        body = json.dumps({"start": start.isoformat(), "end": end.isoformat()}).encode()
        status, _body, _headers = request(self.base, "PATCH", f"/api/v1/bookings/{booking_id}", body, self.headers)
        return {200: "moved", 409: "conflict", 422: "refused"}.get(status, "error")

    def get(self, path: str) -> tuple[int, bytes]:
        status, body, _headers = request(self.base, "GET", path, None, self.headers)
        return status, body


# --- drivers ----------------------------------------------------------------------------------


def run_threads(count: int, seconds: float, work, *, on_exit=None) -> dict:
    """`count` threads call work(k, rng) until the time is up; it returns 'ok', 'conflict',
    'refused' or 'error'. on_exit runs in each thread at its end (to close its DB connection)."""
    results: list[tuple[str, float]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    barrier = threading.Barrier(count)

    def loop(k: int) -> None:
        rng = random.Random(k)
        mine: list[tuple[str, float]] = []
        barrier.wait()
        try:
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                outcome = work(k, rng)
                mine.append((outcome, (time.perf_counter() - t0) * 1000))
        finally:
            if on_exit:
                on_exit()
            with lock:
                results.extend(mine)

    t0 = time.monotonic()
    threads = [threading.Thread(target=loop, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    ok = [ms for outcome, ms in results if outcome == "ok"]
    every = [ms for _, ms in results]
    figures = {
        "clients": count,
        "seconds": round(elapsed, 1),
        "requests": len(results),
        "booked": len(ok),
        "conflicts": sum(1 for o, _ in results if o == "conflict"),
        "refused": sum(1 for o, _ in results if o == "refused"),
        "errors": sum(1 for o, _ in results if o == "error"),
        "requests_per_s": round(len(results) / elapsed, 1),
        "bookings_per_s": round(len(ok) / elapsed, 1),
        "p50_ms": round(pct(every, 50), 1),
        "p95_ms": round(pct(every, 95), 1),
    }
    moved = [ms for outcome, ms in results if outcome == "moved"]
    if moved:  # a mixed load: moves beside creates
        figures.update(
            moved=len(moved),
            moves_per_s=round(len(moved) / elapsed, 1),
            create_p95_ms=round(pct(ok, 95), 1),
            move_p95_ms=round(pct(moved, 95), 1),
        )
    return figures


def run_burst(count: int, targets: list, work, *, on_exit=None) -> dict:
    """All `count` threads try each target at the same moment (a barrier per slot); how many won."""
    outcomes: list[list[str]] = [[] for _ in targets]
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def loop(k: int) -> None:
        rng = random.Random(k)
        try:
            for n, target in enumerate(targets):
                barrier.wait()
                outcome = work(k, rng, target)
                with lock:
                    outcomes[n].append(outcome)
        finally:
            if on_exit:
                on_exit()

    threads = [threading.Thread(target=loop, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "slots": len(targets),
        "clients": count,
        "winners_per_slot": [o.count("ok") for o in outcomes],
        "errors": sum(o.count("error") for o in outcomes),
    }


def timed_on(server: Server, run) -> dict:
    """run() with the server's CPU per booking (and per request) added to its figures."""
    before = server.cpu_seconds()
    figures = run()
    used = server.cpu_seconds() - before
    figures["server_cpu_s"] = round(used, 2)
    figures["cpu_ms_per_request"] = round(1000 * used / figures["requests"], 1) if figures["requests"] else None
    writes = figures["booked"] + figures.get("moved", 0)
    figures["cpu_ms_per_booking"] = round(1000 * used / writes, 1) if writes else None
    return figures
