"""The instruments suite's issue-8 parts: finding time (the rule-aware "free between" search and
the next free slot, timed in-process at the generated scale) and the HTTP runs (both booking
paths, then creates mixed with moves — PATCH /api/v1/bookings/{id} — from the same clients,
beside the create-only figure of the same run)."""

import json
import os
import random
import time
import uuid
from datetime import datetime, timedelta

from bench.http_load import ApiClient, Server, WebClient, pct, request, run_burst, run_threads, say, timed_on

WEB_PASSWORD = "bench-2026"


def summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50": round(pct(ms, 50), 2), "p95": round(pct(ms, 95), 2), "max": round(max(ms), 2)}


def _windows(rng: random.Random, now: datetime, n: int) -> list[tuple[datetime, datetime, int]]:
    """What people ask: a 2–4 h window on a weekday's working hours mostly, some evenings, nights
    and weekends (where the rules must say no), within the next three weeks; 60 or 120 minutes."""
    from nesta.instruments.policy import LOCAL

    out = []
    for _ in range(n):
        day = now.astimezone(LOCAL).date() + timedelta(days=rng.randint(1, 21))
        hour = rng.choice([8, 9, 10, 13, 14, 15, 19, 2])
        start = datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL)
        out.append((start, start + timedelta(hours=rng.choice([2, 3, 4])), rng.choice([60, 120])))
    return out


def time_finding(args, rng: random.Random, ids: list[int], user, now: datetime) -> dict:
    """Free-between search p95 (targets ≤ 50 ms) and next free slot p95 (≤ 20 ms)."""
    from nesta.instruments.models import Instrument
    from nesta.instruments.selectors.registry import InstrumentFilters, instrument_list

    try:
        from nesta.instruments.selectors.nextfree import next_free_slot
    except ImportError:
        next_free_slot = None
    backend_out: dict = {}
    provinces = ["210000", "220000", "230000"]
    words = ["", "", "扫描电镜", "核磁共振", "质谱"]
    queries = [(rng.choice(words), rng.choice(provinces), *w) for w in _windows(rng, now, args.queries)]

    def free_search(q, province, start, end, minutes):
        filters = InstrumentFilters(
            q=q, province=province, available_from=start, available_to=end, free_minutes=minutes
        )
        page = instrument_list(filters=filters, limit=20, viewer=user, now=now)
        return [i.pk for i in page.items]

    try:
        for args_ in queries[:10]:
            free_search(*args_)
        times, empty, none_ms, some_ms, cpu = [], 0, [], [], []
        for args_ in queries:
            t0, c0 = time.perf_counter(), time.process_time()
            found = free_search(*args_)
            ms = (time.perf_counter() - t0) * 1000
            cpu.append((time.process_time() - c0) * 1000)
            times.append(ms)
            empty += not found
            (some_ms if found else none_ms).append(ms)
        # CPU of this process per query (SQLite runs in it; PostgreSQL's server CPU is not in
        # it): what a shared machine's wall-clock figures cannot show
        backend_out["free_between"] = {**summary(times), "empty_pages": empty, "cpu": summary(cpu)}
        # the windows where nothing is free are the ones the free-time index answers alone
        if none_ms:
            backend_out["free_between"]["nothing_free"] = summary(none_ms)
        if some_ms:
            backend_out["free_between"]["something_free"] = summary(some_ms)
        say(f"free between {backend_out['free_between']}")
        backend_out["free_between_unindexed"] = _unindexed_baseline(queries, free_search)
        say(f"free between, the index switched off (baseline) {backend_out['free_between_unindexed']}")
    except TypeError as exc:  # the selector without the rule-aware search
        say(f"free between: not measured ({exc})")
    if next_free_slot is not None:
        times, none, cpu = [], 0, []
        for _ in range(args.queries):
            pk = rng.choice(ids)
            t0, c0 = time.perf_counter(), time.process_time()
            inst = Instrument.objects.select_related("policy").get(pk=pk)
            slot = next_free_slot(inst, user, timedelta(hours=rng.choice([1, 2])), now=now)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            none += slot is None
        backend_out["next_free"] = {**summary(times), "none": none, "cpu": summary(cpu)}
        say(f"next free {backend_out['next_free']}")
    return backend_out


def _unindexed_baseline(queries, free_search) -> dict:
    """The same queries with the free-time index switched off (every window scans the policies,
    as before it existed): the baseline of the same run, on the same machine load."""
    from nesta.instruments.selectors import freesearch

    if not hasattr(freesearch, "fitting_shapes"):
        return {}
    indexed = freesearch.fitting_shapes
    freesearch.fitting_shapes = lambda t: (True, True)
    try:
        times, none_ms, cpu = [], [], []
        for args_ in queries:
            t0, c0 = time.perf_counter(), time.process_time()
            found = free_search(*args_)
            ms = (time.perf_counter() - t0) * 1000
            cpu.append((time.process_time() - c0) * 1000)
            times.append(ms)
            if not found:
                none_ms.append(ms)
    finally:
        freesearch.fitting_shapes = indexed
    return {**summary(times), "cpu": summary(cpu), **({"nothing_free": summary(none_ms)} if none_ms else {})}


def _has_move_endpoint(server: Server) -> bool:
    status, _body, _headers = request(server.base, "PATCH", "/api/v1/bookings/1", b"{}", {})
    return status != 404 and status != 405


def http_runs(args, connection, clients, hot: list[int], pick, today) -> dict:
    """Both paths at each of --http-clients, then the mixed load at the largest count."""
    from bench.instruments import burst_targets, overlaps
    from nesta.accounts.services import api_token_create
    from nesta.instruments.models import Booking

    for c in clients:
        c.set_password(WEB_PASSWORD)
        c.save(update_fields=["password"])
    tokens = [api_token_create(user=c) for c in clients]
    counts = [int(n) for n in str(args.http_clients).split(",") if n]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="nesta.settings.prod")
    out: dict = {"runs": []}

    def forget():
        Booking.objects.filter(instrument_id__in=hot, user__in=clients).delete()

    with Server(env, workers=args.workers or None) as server:
        out["workers"] = server.worker_count()
        say(f"HTTP: gunicorn {out['workers']} workers on {server.base}")
        for path in ("web", "api"):
            for n in counts:
                agents = [
                    WebClient(server.base, clients[k].username, WEB_PASSWORD)
                    if path == "web"
                    else ApiClient(server.base, tokens[k])
                    for k in range(n)
                ]

                def work(k, r, target=None, agents=agents):
                    iid, start, end = pick(r, hot, target)
                    try:
                        return agents[k].book(iid, start, end, uuid.uuid4().hex)
                    except OSError:
                        return "error"

                figures = timed_on(server, lambda n=n, work=work: run_threads(n, args.seconds, work))
                figures["path"] = path
                figures["burst"] = run_burst(n, burst_targets(hot, today), work)
                figures["overlaps"] = overlaps(connection, hot)
                out["runs"].append(figures)
                say(f"HTTP {path} × {n}: {json.dumps(figures, ensure_ascii=False)}")
                forget()
        if not _has_move_endpoint(server):
            say("mixed creates and moves: not measured (no PATCH /api/v1/bookings/{id})")
            return out
        n = max(counts)
        agents = [ApiClient(server.base, tokens[k]) for k in range(n)]
        owned: list[list[tuple[int, int]]] = [[] for _ in range(n)]

        def mixed(k, r, target=None):
            mine = owned[k]
            if mine and r.random() < 0.5:  # move one of mine to another slot of its instrument
                j = r.randrange(len(mine))
                booking_id, iid = mine[j]
                _, start, end = pick(r, [iid], None)
                try:
                    return agents[k].move(booking_id, start, end)
                except OSError:
                    return "error"
            iid, start, end = pick(r, hot, target)
            try:
                body = json.dumps({"start": start.isoformat(), "end": end.isoformat()}).encode()
                status, answer, _h = request(
                    server.base, "POST", f"/api/v1/instruments/{iid}/bookings", body, agents[k].headers
                )
            except OSError:
                return "error"
            if status == 201:
                mine.append((json.loads(answer)["id"], iid))
                return "ok"
            return {409: "conflict", 422: "refused"}.get(status, "error")

        figures = timed_on(server, lambda: run_threads(n, args.seconds, mixed))
        figures["path"] = "api create+move"
        figures["overlaps"] = overlaps(connection, hot)
        out["runs"].append(figures)
        say(f"HTTP mixed × {n}: {json.dumps(figures, ensure_ascii=False)}")
        forget()
    return out
