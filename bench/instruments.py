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
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

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


def pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50": round(pct(ms, 50), 2), "p95": round(pct(ms, 95), 2), "max": round(max(ms), 2)}


OVERLAP_SQL = f"""
SELECT COUNT(*) FROM instruments_booking a JOIN instruments_booking b
  ON a.instrument_id = b.instrument_id AND a.id < b.id AND a.start < b."end" AND b.start < a."end"
WHERE a.status IN {ACTIVE} AND b.status IN {ACTIVE} AND a.instrument_id IN ({{ids}})
"""


# --- the no-overlap guard ------------------------------------------------------------------


def drop_guard(connection) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE instruments_booking DROP CONSTRAINT IF EXISTS booking_no_overlap")
        else:
            cur.execute("DROP TRIGGER IF EXISTS booking_no_overlap_insert")
            cur.execute("DROP TRIGGER IF EXISTS booking_no_overlap_update")


def restore_guard(connection) -> None:
    import importlib

    migration = importlib.import_module("nesta.instruments.migrations.0002_booking_no_overlap")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT 1 FROM pg_constraint WHERE conname = 'booking_no_overlap'",
            )
            if cur.fetchone() is None:
                for sql in migration.POSTGRES:
                    cur.execute(sql)
        else:
            cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'booking_no_overlap_insert'")
            if cur.fetchone() is None:
                for sql in migration.SQLITE:
                    cur.execute(sql)


# --- data ------------------------------------------------------------------------------------


def bench_instrument_ids() -> list[int]:
    from nesta.instruments.models import Instrument

    return list(
        Instrument.objects.filter(reference_key__startswith="bench-inst-").order_by("id").values_list("id", flat=True)
    )


def wipe_bench_data(connection) -> None:
    sub = "SELECT id FROM instruments_instrument WHERE reference_key LIKE 'bench-inst-%'"
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM instruments_charge WHERE instrument_id IN ({sub})")
        cur.execute(f"DELETE FROM instruments_usagesession WHERE instrument_id IN ({sub})")
        cur.execute(f"DELETE FROM instruments_booking WHERE instrument_id IN ({sub})")
        cur.execute(f"DELETE FROM instruments_bookingpolicy WHERE instrument_id IN ({sub})")
        cur.execute(f"DELETE FROM core_searchdocument WHERE doc_type = 'instrument' AND object_id IN ({sub})")
        cur.execute("DELETE FROM instruments_instrument WHERE reference_key LIKE 'bench-inst-%'")


def generate(args, connection) -> float:
    from django.db import transaction

    from nesta.accounts.models import User
    from nesta.demo.generator import DEFAULT_SEED
    from nesta.demo.instrument_templates import TEMPLATES
    from nesta.demo.instruments import OWNER_KINDS
    from nesta.demo.loader import Loader
    from nesta.directory.models import Organization
    from nesta.instruments.models import BookingPolicy, Instrument, InstrumentCategory
    from nesta.instruments.reference import load_instruments_reference
    from nesta.instruments.services.indexing import instruments_reindex

    started = time.monotonic()
    backend = connection.vendor
    load_instruments_reference()
    if not Organization.objects.filter(reference_key__startswith="demo-org-").exists():
        say(f"[{backend}] no demo directory: generating 2000 organisations")
        Loader(2000, DEFAULT_SEED, say=lambda s: say(f"[{backend}] {s.strip()}")).run()
    say(f"[{backend}] removing partial benchmark instruments, if any")
    drop_guard(connection)
    with transaction.atomic():
        wipe_bench_data(connection)
    owners = list(
        Organization.objects.filter(kind__in=OWNER_KINDS, reference_key__startswith="demo-org-")
        .order_by("id")
        .values_list("id", "province_id", "city_id")[:20000]
    )
    categories = {c.code: c.pk for c in InstrumentCategory.objects.all()}
    users = list(User.objects.exclude(organization=None).values_list("id", "organization_id")[:2000])
    rng = random.Random(args.seed)
    instruments = []
    for i in range(args.instruments):
        owner, province, city = rng.choice(owners)
        t = rng.choice(TEMPLATES)
        model, maker, country = rng.choice(t.models)
        rate = rng.randint(*t.rate) // 10 * 10
        instruments.append(
            Instrument(
                owner_id=owner,
                name=t.name,
                name_en=t.name_en,
                category_id=categories[t.category],
                model_number=model,
                manufacturer=maker,
                country_of_origin=country,
                original_value=rng.randint(*t.value) * 10_000,
                purchase_date=date(2010, 1, 1) + timedelta(days=rng.randrange(5000)),
                techniques=t.techniques,
                sample_requirements=t.samples,
                province_id=province,
                city_id=city,
                is_specialised=t.specialised,
                internal_hourly_rate=rate,
                external_hourly_rate=rate * 2,
                reference_key=BENCH_KEY.format(i),
            )
        )
    with transaction.atomic():
        Instrument.objects.bulk_create(instruments, batch_size=2000)
        BookingPolicy.objects.bulk_create(
            [
                BookingPolicy(
                    instrument=inst, weekdays="1234567", open_from="08:00", open_until="22:00", advance_days=60
                )
                for inst in instruments
            ],
            batch_size=2000,
        )
    say(f"[{backend}] {len(instruments)} instruments and policies ({time.monotonic() - started:.0f}s)")

    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    first = now - timedelta(days=366)
    step = timedelta(days=365) / args.per_instrument
    owner_of = {inst.pk: inst.owner_id for inst in instruments}
    cols = (
        'created_at, updated_at, instrument_id, user_id, organization_id, start, "end", purpose, status, '
        "is_external, series, decided_by_id, cancelled_at"
    )
    is_pg = backend == "postgresql"

    def fmt(moment: datetime):
        return moment if is_pg else moment.strftime("%Y-%m-%d %H:%M:%S")

    stamp = fmt(now)

    def rows(chunk):
        for pk in chunk:
            base = first + timedelta(hours=pk % 12)
            owner = owner_of[pk]
            for k in range(args.per_instrument):
                user, org = users[(pk * 7 + k) % len(users)]
                start = base + step * k
                status = "cancelled" if k % 20 == 0 else "no_show" if k % 25 == 1 else "completed"
                yield (
                    stamp,
                    stamp,
                    pk,
                    user,
                    org,
                    fmt(start),
                    fmt(start + timedelta(hours=2)),
                    "",
                    status,
                    org != owner,
                    None,
                    None,
                    fmt(start - timedelta(days=2)) if status == "cancelled" else None,
                )

    ids = [inst.pk for inst in instruments]
    total = len(ids) * args.per_instrument
    done = 0
    t0 = time.monotonic()
    for c in range(0, len(ids), 2000):
        chunk = ids[c : c + 2000]
        with transaction.atomic(), connection.cursor() as cur:
            if is_pg:
                raw = connection.connection.cursor()
                with raw.copy(f"COPY instruments_booking ({cols}) FROM STDIN") as copy:
                    for row in rows(chunk):
                        copy.write_row(row)
            else:
                cur.executemany(
                    f"INSERT INTO instruments_booking ({cols}) VALUES ({', '.join(['%s'] * 13)})", rows(chunk)
                )
        done += len(chunk) * args.per_instrument
        if (c // 2000) % 5 == 0 or done == total:
            say(f"[{backend}] bookings {done}/{total} ({time.monotonic() - t0:.0f}s)")
    bench = "SELECT id FROM instruments_instrument WHERE reference_key LIKE 'bench-inst-%'"
    with connection.cursor() as cur:  # statistics of the fresh rows, or the planner walks 4 M bookings per instrument
        cur.execute("ANALYZE instruments_booking" if is_pg else "ANALYZE")
        cur.execute("ANALYZE instruments_instrument" if is_pg else "SELECT 1")
    with transaction.atomic(), connection.cursor() as cur:
        if is_pg:
            # The rows are derived from bookings just written, so their foreign keys hold; checking
            # them (a trigger per row and key) made this load take longer than the whole benchmark.
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute(
            "INSERT INTO instruments_usagesession (created_at, updated_at, instrument_id, booking_id, user_id, "
            "organization_id, operator, started_at, ended_at, samples, notes, is_external, recorded_by_id) "
            "SELECT b.created_at, b.updated_at, b.instrument_id, b.id, b.user_id, b.organization_id, '', b.start, "
            f"b.\"end\", 0, '', b.is_external, NULL FROM instruments_booking b WHERE b.instrument_id IN ({bench}) "
            "AND b.status = 'completed'"
        )
        say(f"[{backend}] usage sessions ({time.monotonic() - t0:.0f}s)")
        rate = "CASE WHEN s.is_external THEN i.external_hourly_rate ELSE i.internal_hourly_rate END"
        cur.execute(
            "INSERT INTO instruments_charge (instrument_id, organization_id, user_id, usage_session_id, order_id, "
            "kind, is_external, occurred_at, description, quantity, unit, rate, amount, created_at) "
            f"SELECT s.instrument_id, s.organization_id, s.user_id, s.id, NULL, 'usage_hours', s.is_external, "
            f"s.started_at, '', 2, 'hour', {rate}, 2 * {rate}, s.created_at FROM instruments_usagesession s "
            f"JOIN instruments_instrument i ON i.id = s.instrument_id WHERE i.reference_key LIKE 'bench-inst-%'"
        )
        say(f"[{backend}] charges ({time.monotonic() - t0:.0f}s)")
    say(f"[{backend}] re-creating the no-overlap guard")
    restore_guard(connection)
    say(f"[{backend}] search documents")
    instruments_reindex(
        progress=lambda n: say(f"[{backend}] indexed {n}") if n % 10000 < 2000 and n % 10000 >= 0 else None
    )
    return time.monotonic() - started


# --- timed parts -----------------------------------------------------------------------------


def bench_clients(connection, count: int, org_id: int) -> list:
    from nesta.accounts.models import RoleAssignment, User

    clients = []
    for k in range(1, count + 1):
        user, _ = User.objects.get_or_create(
            username=CLIENT.format(k), defaults={"display_name": f"压测用户{k}", "organization_id": org_id}
        )
        RoleAssignment.objects.get_or_create(user=user, role="member", organization_id=org_id, province=None)
        clients.append(user)
    return clients


def delete_client_bookings(connection) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM instruments_booking WHERE user_id IN "
            "(SELECT id FROM accounts_user WHERE username LIKE 'bench-client-%')"
        )


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


def run_burst(count: int, targets: list, work) -> dict:
    """All `count` threads try each target at the same moment (a barrier per slot); how many won."""
    from django.db import connection as conn

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
            conn.close()

    threads = [threading.Thread(target=loop, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o.count("ok") for o in outcomes]
    return {
        "slots": len(targets),
        "clients": count,
        "winners_per_slot": winners,
        "errors": sum(o.count("error") for o in outcomes),
    }


def overlaps(connection, ids: list[int]) -> int:
    with connection.cursor() as cur:
        cur.execute(OVERLAP_SQL.format(ids=",".join(str(i) for i in ids)))
        return cur.fetchone()[0]


def run_threads(count: int, seconds: float, work) -> dict:
    """`count` threads call work(k, rng) until the time is up; it returns 'ok', 'conflict' or 'error'."""
    from django.db import connection as conn

    results: list[tuple[str, float]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    barrier = threading.Barrier(count)

    def loop(k: int) -> None:
        rng = random.Random(k)
        local: list[tuple[str, float]] = []
        barrier.wait()
        try:
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                outcome = work(k, rng)
                local.append((outcome, (time.perf_counter() - t0) * 1000))
        finally:
            conn.close()
            with lock:
                results.extend(local)

    t0 = time.monotonic()
    threads = [threading.Thread(target=loop, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    ok = [ms for outcome, ms in results if outcome == "ok"]
    return {
        "clients": count,
        "seconds": round(elapsed, 1),
        "requests": len(results),
        "booked": len(ok),
        "conflicts": sum(1 for o, _ in results if o == "conflict"),
        "errors": sum(1 for o, _ in results if o == "error"),
        "requests_per_s": round(len(results) / elapsed, 1),
        "bookings_per_s": round(len(ok) / elapsed, 1),
        "p95_ms": round(pct([ms for _, ms in results], 95), 1),
        "p50_ms": round(pct([ms for _, ms in results], 50), 1),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instruments", type=int, default=50_000)
    parser.add_argument("--per-instrument", type=int, default=100)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--hot", type=int, default=50, help="instruments each throughput run books on")
    parser.add_argument("--seed", type=int, default=2026)
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
    from nesta.accounts.services import api_token_create
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

    # booking throughput: the clients belong to one organisation, the hot instruments to others
    owner_org = Instrument.objects.get(pk=ids[0]).owner_id
    clients = bench_clients(connection, args.clients, owner_org)
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

    # HTTP against gunicorn, as `make run` serves
    tokens = [api_token_create(user=c) for c in clients]
    port = free_port()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="nesta.settings.prod")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "nesta.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "3", "--graceful-timeout", "5", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stderr=open(ROOT / "var" / "bench" / "gunicorn.log", "a"),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=30)
                break
            except urllib.error.HTTPError:
                break
            except OSError:  # not listening yet
                time.sleep(0.2)
        for _ in range(12):  # each worker loads the URLconf and the API on its first requests
            urllib.request.urlopen(base + "/api/v1/instruments?q=%E7%94%B5%E9%95%9C&limit=5", timeout=30).read()

        def http_work(k, r, target=None):
            iid, start, end = pick(r, hot_http, target)
            body = json.dumps({"start": start.isoformat(), "end": end.isoformat()}).encode()
            req = urllib.request.Request(
                f"{base}/api/v1/instruments/{iid}/bookings",
                data=body,
                method="POST",
                headers={"Authorization": f"Bearer {tokens[k]}", "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    return "ok" if resp.status == 201 else "error"
            except urllib.error.HTTPError as exc:
                return "conflict" if exc.code == 409 else "error"
            except OSError:
                return "error"

        say(f"[{backend}] HTTP: {args.clients} clients, {args.seconds:.0f}s, gunicorn 3 workers on port {port}")
        report["http"] = run_threads(args.clients, args.seconds, http_work)
        report["http"]["burst"] = run_burst(args.clients, burst_targets(hot_http, today), http_work)
        report["http"]["overlaps"] = overlaps(connection, hot_http)
        say(f"[{backend}] http {report['http']}")
    finally:
        server.terminate()
        server.wait(timeout=30)

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


# --- the suite's driver and report (used by python -m bench) ------------------------------------


def run_backend(backend: str, env: dict, args) -> dict | None:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    try:
        cmd = [sys.executable, "-m", "bench.instruments", "--out", out, "--instruments", str(args.instruments)]
        cmd += ["--per-instrument", str(args.per_instrument), "--clients", str(args.clients)]
        cmd += ["--seconds", str(args.seconds), "--seed", str(args.seed)]
        if subprocess.run(cmd, cwd=ROOT, env=env).returncode != 0:
            say(f"[{backend}] instruments benchmark FAILED")
            return None
        with open(out) as f:
            return json.load(f)
    finally:
        os.unlink(out)


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def report_markdown(results: list[dict]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    r0 = results[0]
    facts = r0["machine"]
    versions = ", ".join(
        f"PostgreSQL {r['machine']['postgresql']}"
        if r["backend"] == "postgresql"
        else f"SQLite {r['machine']['sqlite']}"
        for r in results
    )
    lines = [
        f"## {stamp} — instruments, {r0['instruments']:,} instruments, {r0['bookings']:,} bookings",
        "",
        f"Machine: {facts.get('cpu', '')}, nproc {facts['nproc']}, {facts.get('memory', '')} RAM, {facts['os']}; "
        f"Python {facts['python']}, {versions}. Load generator on the same machine.",
        "",
        "| | " + " | ".join({"sqlite": "SQLite", "postgresql": "PostgreSQL"}[r["backend"]] for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]

    def row(label, fn):
        lines.append(f"| {label} | " + " | ".join(fn(r) for r in results) + " |")

    row("data", lambda r: "reused" if r["reused"] else f"generated in {r['generation_s']} s")
    row(
        "search p95 (≤ 50 ms)",
        lambda r: f"{r['search']['p95']} ms {_mark(r['search']['p95'] <= 50)} (p50 {r['search']['p50']})",
    )
    row(
        "week availability p95 (≤ 20 ms)",
        lambda r: (
            f"{r['availability']['p95']} ms {_mark(r['availability']['p95'] <= 20)} (p50 {r['availability']['p50']})"
        ),
    )
    row("SQL queries per booking (service)", lambda r: str(r["queries_per_booking"]))
    for key, label in (
        ("service", "service level"),
        ("http", "HTTP (gunicorn, 3 workers)"),
        ("naive", "naive baseline"),
    ):
        row(
            f"{label}: bookings/s · requests/s",
            lambda r, k=key: f"{r[k]['bookings_per_s']} · {r[k]['requests_per_s']}" if k in r else "—",
        )
        row(
            f"{label}: p50 / p95 latency",
            lambda r, k=key: f"{r[k]['p50_ms']} / {r[k]['p95_ms']} ms" if k in r else "—",
        )
        row(
            f"{label}: booked / 409 / errors",
            lambda r, k=key: f"{r[k]['booked']} / {r[k]['conflicts']} / {r[k]['errors']}" if k in r else "—",
        )
        row(
            f"{label}: burst, {BURST_SLOTS} slots × all clients at once: winners per slot",
            lambda r, k=key: (
                " ".join(str(w) for w in r[k]["burst"]["winners_per_slot"]) if "burst" in r.get(k, {}) else "—"
            ),
        )
        row(
            f"{label}: overlapping pairs afterwards",
            lambda r, k=key: f"**{r[k]['overlaps']}**" if k in r else "—",
        )
    row(
        "HTTP bookings/s against the target (≥ 200)",
        lambda r: f"{r['http']['bookings_per_s']} {_mark(r['http']['bookings_per_s'] >= 200)}" if "http" in r else "—",
    )
    row(
        "bookings/s ÷ naive baseline's (service · HTTP)",
        lambda r: (
            f"{r['service']['bookings_per_s'] / r['naive']['bookings_per_s']:.2f}× · "
            f"{r['http']['bookings_per_s'] / r['naive']['bookings_per_s']:.2f}×"
            if "naive" in r and r["naive"]["bookings_per_s"] and "http" in r
            else "—"
        ),
    )
    row(
        "openness, whole region, one year (≤ 10 s)",
        lambda r: (
            f"{r['openness']['seconds']} s {_mark(r['openness']['seconds'] <= 10)} "
            f"({r['openness']['instruments']:,} instruments)"
        ),
    )
    return "\n".join(lines) + "\n"


def append_report(path: Path, results: list[dict]) -> None:
    with open(path, "a") as f:
        f.write("\n" + report_markdown(results))


if __name__ == "__main__":
    sys.exit(main())
