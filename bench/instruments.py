"""Instrument benchmark, one backend per process (settings read SQLITE_PATH / DATABASE_URL).

    python -m bench.instruments --out result.json [--instruments 50000 --per-instrument 100]

Data: `--instruments` instruments ("bench-inst-NNNNNN", owned by the directory's organisations)
with `--per-instrument` past bookings each (2 h, every 3.65 days over the last year, so none
overlap; 1 in 20 cancelled, 1 in 25 no-show, the rest completed), a usage session and a charge per
completed booking. Bookings are written with executemany (SQLite) or COPY (PostgreSQL) while the
no-overlap trigger / exclusion constraint is dropped, then the guard is re-created (PostgreSQL
validates every row when it does). A database already holding that data is reused.

Timed: instrument search (instrument_list with q and a province), a week's availability of one
instrument, booking throughput with `--clients` concurrent clients for `--seconds` s at the
service level (threads calling booking_create) and over HTTP (gunicorn nesta.wsgi, 3 workers, prod
settings, the same database; POST /api/v1/instruments/{id}/bookings with Bearer tokens), beside a
naive check-then-insert baseline (autocommit ORM check then create, no lock, the guard dropped
for that run only); overlaps are counted afterwards with a self-join; the region's openness for
the year. The bench clients' bookings are deleted at the end, so every run starts the same.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from bench import finding
from bench.finding import http_runs
from bench.http_load import pct, run_burst, run_threads
from bench.inst_data import (
    bench_clients,
    bench_instrument_ids,
    delete_client_bookings,
    drop_guard,
    generate,
    restore_guard,
)

ROOT = Path(__file__).resolve().parent.parent
BENCH_KEY = "bench-inst-{:06d}"
CLIENT = "bench-client-{:02d}"
ACTIVE = "('pending', 'confirmed', 'in_use', 'completed', 'no_show')"
SEARCH_TERMS = [
    "扫描电镜",
    "透射电子显微镜",
    "核磁共振",
    "质谱",
    "液相色谱",
    "X射线衍射",
    "光电子能谱",
    "激光共聚焦",
    "五轴 数控",
    "材料试验机",
    "疲劳试验",
    "三坐标",
    "红外光谱",
    "热分析",
    "工业CT",
    "日立 电镜",
    "布鲁克",
    "高性能计算",
]
PROVINCES = ["210000", "220000", "230000"]


def say(line: str) -> None:
    print(line, flush=True)


def summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50": round(pct(ms, 50), 2), "p95": round(pct(ms, 95), 2), "max": round(max(ms), 2)}


OVERLAP_SQL = f"""
SELECT COUNT(*) FROM instruments_booking a JOIN instruments_booking b
  ON a.instrument_id = b.instrument_id AND a.id < b.id AND a.start < b."end" AND b.start < a."end"
WHERE a.status IN {ACTIVE} AND b.status IN {ACTIVE} AND a.instrument_id IN ({{ids}})
"""


SPREAD_DAYS = (2, 45)  # the throughput runs book anywhere in these days (the policy allows 60)
BURST_DAY = 50  # the contested bursts fight over slots on this day, which nothing else books
BURST_SLOTS = 10


def slot(rng: random.Random, today: date):
    from nesta.demo.instruments import LOCAL

    day = today + timedelta(days=rng.randint(*SPREAD_DAYS))
    start = datetime(day.year, day.month, day.day, tzinfo=LOCAL) + timedelta(minutes=8 * 60 + 30 * rng.randrange(26))
    return start, start + timedelta(minutes=60)


def burst_targets(hot: list[int], today: date) -> list[tuple[int, datetime, datetime]]:
    """BURST_SLOTS contested slots: one per instrument, 10:00–11:00 on BURST_DAY."""
    from nesta.demo.instruments import LOCAL

    day = today + timedelta(days=BURST_DAY)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=LOCAL)
    return [(iid, start, start + timedelta(hours=1)) for iid in hot[:BURST_SLOTS]]


def overlaps(connection, ids: list[int]) -> int:
    with connection.cursor() as cur:
        cur.execute(OVERLAP_SQL.format(ids=",".join(str(i) for i in ids)))
        return cur.fetchone()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instruments", type=int, default=50_000)
    parser.add_argument("--per-instrument", type=int, default=100)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--hot", type=int, default=50, help="instruments each throughput run books on")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--http-clients", default="8,32", help="HTTP runs: client counts, comma-separated")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.worker import machine
    from nesta.core.errors import Conflict, ServiceUnavailable
    from nesta.demo.instruments import LOCAL
    from nesta.instruments.models import Booking, Instrument
    from nesta.instruments.selectors.availability import availability
    from nesta.instruments.selectors.openness import instruments_openness
    from nesta.instruments.selectors.registry import InstrumentFilters, instrument_list
    from nesta.instruments.services.booking import booking_create

    backend = connection.vendor
    say(f"[{backend}] database {connection.settings_dict['NAME']}: migrating")
    call_command("migrate", interactive=False, verbosity=0)
    delete_client_bookings(connection)
    restore_guard(connection)
    ids = bench_instrument_ids()
    expected = args.instruments * args.per_instrument
    reused = False
    generation_s = 0.0
    if len(ids) == args.instruments:
        with connection.cursor() as cur:
            cur.execute(f"SELECT COUNT(*) FROM instruments_booking WHERE instrument_id >= {ids[0]}")
            complete = cur.fetchone()[0] == expected
            # the last step of generating: every bench instrument has its search document
            cur.execute(
                "SELECT COUNT(*) FROM core_searchdocument WHERE doc_type = 'instrument' "
                f"AND object_id >= {ids[0]} AND object_id <= {ids[-1]}"
            )
            reused = complete and cur.fetchone()[0] == len(ids)
    if not reused:
        say(f"[{backend}] generating {args.instruments} instruments × {args.per_instrument} bookings")
        generation_s = generate(args, connection)
        ids = bench_instrument_ids()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE")
        cur.execute("SELECT COUNT(*) FROM instruments_booking")
        bookings_total = cur.fetchone()[0]
    instruments_total = Instrument.objects.count()
    say(f"[{backend}] {instruments_total} instruments, {bookings_total} bookings (reused={reused})")
    report: dict = {
        "backend": backend,
        "machine": machine(connection),
        "instruments": instruments_total,
        "bookings": bookings_total,
        "reused": reused,
        "generation_s": round(generation_s),
    }
    rng = random.Random(args.seed)

    # search
    queries = [(rng.choice(SEARCH_TERMS), rng.choice(PROVINCES)) for _ in range(args.queries)]
    for q, p in queries[:10]:
        list(instrument_list(filters=InstrumentFilters(q=q, province=p), limit=20).items)
    times = []
    for q, p in queries:
        t0 = time.perf_counter()
        page = instrument_list(filters=InstrumentFilters(q=q, province=p), limit=20)
        [i.owner.name for i in page.items]
        times.append((time.perf_counter() - t0) * 1000)
    report["search"] = summary(times)
    say(f"[{backend}] search {report['search']}")

    # availability over a week, in the generated year
    now = timezone.now()
    times = []
    for _ in range(args.queries):
        pk = rng.choice(ids)
        start = (now - timedelta(days=rng.randint(8, 350))).astimezone(LOCAL).replace(hour=0, minute=0, second=0)
        t0 = time.perf_counter()
        inst = Instrument.objects.select_related("policy").get(pk=pk)
        result = availability(inst, start, start + timedelta(days=7), now=now)
        result.free  # noqa: B018
        times.append((time.perf_counter() - t0) * 1000)
    report["availability"] = summary(times)
    say(f"[{backend}] availability {report['availability']}")

    owner_org = Instrument.objects.get(pk=ids[0]).owner_id
    clients = bench_clients(connection, args.clients, owner_org)
    report.update(finding.time_finding(args, rng, ids, clients[0], now))

    # booking throughput: the clients belong to one organisation, the hot instruments to others
    pool = ids[1000:]
    hot_service, hot_naive, hot_http = (pool[k * args.hot : (k + 1) * args.hot] for k in range(3))
    today = now.astimezone(LOCAL).date()

    # queries per booking
    counts = []
    qrng = random.Random(1)
    for _ in range(20):
        start, end = slot(qrng, today)
        with CaptureQueriesContext(connection) as ctx:
            try:
                booking_create(actor=clients[0], instrument_id=ids[999], start=start, end=end)
            except Conflict:
                continue
        counts.append(len(ctx.captured_queries))
    report["queries_per_booking"] = round(statistics.fmean(counts), 1) if counts else None
    say(f"[{backend}] SQL queries per booking: {report['queries_per_booking']}")

    def pick(r, hot, target):
        if target is not None:
            return target
        return (r.choice(hot), *slot(r, today))

    def service_work(k, r, target=None):
        iid, start, end = pick(r, hot_service, target)
        try:
            booking_create(actor=clients[k], instrument_id=iid, start=start, end=end)
            return "ok"
        except Conflict:
            return "conflict"
        except ServiceUnavailable:
            return "error"

    say(f"[{backend}] service level: {args.clients} clients, {args.seconds:.0f}s")
    report["service"] = run_threads(args.clients, args.seconds, service_work)
    report["service"]["burst"] = run_burst(args.clients, burst_targets(hot_service, today), service_work)
    report["service"]["overlaps"] = overlaps(connection, hot_service)
    say(f"[{backend}] service {report['service']}")

    # HTTP against gunicorn, as `make run` serves: both paths, then creates mixed with moves
    report["http_runs"] = http_runs(args, connection, clients, hot_http, pick, today)

    # the naive baseline last: dropping and re-creating the guard (a 5 M-row index build on
    # PostgreSQL) leaves the machine busy and the caches cold for whatever would follow
    def naive_work(k, r, target=None):
        iid, start, end = pick(r, hot_naive, target)
        try:
            clash = Booking.objects.filter(
                instrument_id=iid, status__in=Booking.ACTIVE, start__lt=end, end__gt=start
            ).exists()
            if clash:
                return "conflict"
            Booking.objects.create(
                instrument_id=iid, user=clients[k], organization_id=clients[k].organization_id, start=start, end=end
            )
            return "ok"
        except Exception:
            return "error"

    say(f"[{backend}] naive check-then-insert baseline (guard dropped for this run)")
    drop_guard(connection)
    try:
        report["naive"] = run_threads(args.clients, args.seconds, naive_work)
        report["naive"]["burst"] = run_burst(args.clients, burst_targets(hot_naive, today), naive_work)
        report["naive"]["overlaps"] = overlaps(connection, hot_naive)
        with connection.cursor() as cur:  # the guard cannot come back over double bookings
            cur.execute(
                f"DELETE FROM instruments_booking WHERE instrument_id IN ({','.join(map(str, hot_naive))}) "
                "AND user_id IN (SELECT id FROM accounts_user WHERE username LIKE 'bench-client-%')"
            )
    finally:
        restore_guard(connection)
    say(f"[{backend}] naive {report['naive']}")

    # openness of the whole region for the year
    t0 = time.perf_counter()
    figures = instruments_openness(year=now.astimezone(LOCAL).year, now=now)
    report["openness"] = {
        "seconds": round(time.perf_counter() - t0, 2),
        "instruments": len(figures),
        "with_hours": sum(1 for f in figures if f.effective_hours > 0),
    }
    say(f"[{backend}] openness {report['openness']}")
    delete_client_bookings(connection)
    with open(args.out, "w") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
