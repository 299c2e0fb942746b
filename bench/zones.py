"""Benchmark of the pages issue 11 times at scale: the zones comparison page, a zone's page and a
base's page with its derived indicators — with 5,000 bases × 10 years of reports, the instrument
network's 5,000,000 bookings and 300,000 registered technology contracts in the same database.

    python -m bench.zones [--only sqlite|postgres] [--instruments 50000 --per-instrument 100]
    python -m bench.zones --worker --out /tmp/r.json     # one backend, chosen by the environment

Generates (reused when present): the bases of bench.bases; the instruments and bookings of the
instruments suite (bench.inst_data), a tenth of them moved to the bases' host organisations so a
base page's derived hours read real usage; registered contracts (bench.market.stats), a third of
them sold by the zones' firms; per zone 3,000 firms in the directory (60 % private), ten years of
figures, four targets, ten incubators with 40 tenants each. Measured over HTTP through Django's
test client (the whole view and template), p50/p95: `/zones/comparison/?year=`, each zone's page,
50 bases' pages (the office, who sees the derived figures), and beside them — the baseline, in the
same run on the same database — the directory's zone list `/directory/zones/` (one small query).
Target: each page ≤ 200 ms.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 200
FIRMS_PER_ZONE = 3000
FIRM_KEY = "zbench-firm-{:06d}"
YEARS = list(range(2016, 2026))


def say(line: str) -> None:
    print(line, flush=True)


def _pct(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, int(len(ordered) * pct / 100 + 0.5) - 1))], 1)


def _timed(client, url: str, repeat: int) -> dict:
    client.get(url)  # warm: templates compiled, the URL resolver and caches as a running server has them
    times, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)  # this process only: the view and template, not the database
        assert r.status_code == 200, (url, r.status_code)
    return {"p50": _pct(times, 50), "p95": _pct(times, 95), "n": repeat, "cpu_p50": _pct(cpu, 50)}


def _sql_work(client, url: str) -> float | None:
    """PostgreSQL: the summed EXPLAIN ANALYZE execution time of the page's SELECTs (the database's
    own work, without the round trips a loaded machine stretches); None on SQLite."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        return None
    with CaptureQueriesContext(connection) as q:
        client.get(url)
    total = 0.0
    with connection.cursor() as cur:
        for sql in (x["sql"] for x in q.captured_queries if x["sql"].lstrip().upper().startswith("SELECT")):
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cur.fetchone()[0]
            total += (json.loads(plan) if isinstance(plan, str) else plan)[0]["Execution Time"]
    return round(total, 1)


def _merge(samples: list[dict]) -> dict:
    # per-URL summaries of one page kind: the worst p50/p95 is what a user can meet
    return {
        "p50": max(s["p50"] for s in samples),
        "p95": max(s["p95"] for s in samples),
        "n": sum(s["n"] for s in samples),
        "cpu_p50": max(s["cpu_p50"] for s in samples),
    }


def _zones_data(rng: random.Random, connection) -> None:
    from django.db import transaction

    from nesta.directory.models import Organization
    from nesta.market.models import TechContract
    from nesta.zones.models import Incubator, Tenant, ZoneTarget, ZoneYear

    zones = list(Organization.objects.filter(kind="high_tech_zone").order_by("pk"))
    if ZoneYear.objects.filter(year=YEARS[-1]).count() == len(zones) and Organization.objects.filter(
        reference_key__startswith="zbench-firm-"
    ).count() == FIRMS_PER_ZONE * len(zones):
        say("  reusing the zones' bench data")
        return
    t0 = time.perf_counter()
    with transaction.atomic():
        Tenant.objects.filter(incubator__organization__reference_key__startswith="zbench-").delete()
        Incubator.objects.filter(organization__reference_key__startswith="zbench-").delete()
        ZoneTarget.objects.filter(zone__in=zones).delete()
        ZoneYear.objects.filter(zone__in=zones).delete()
        TechContract.objects.filter(seller_organization__reference_key__startswith="zbench-").update(
            seller_organization=None
        )
        Organization.objects.filter(reference_key__startswith="zbench-").delete()
        firms = []
        for zi, zone in enumerate(zones):
            for i in range(FIRMS_PER_ZONE):
                firms.append(
                    Organization(
                        name=f"基准园区企业{zi}-{i}",
                        kind="enterprise",
                        province_id=zone.province_id,
                        city_id=zone.city_id,
                        zone=zone,
                        is_private_tech_enterprise=rng.random() < 0.6,
                        reference_key=FIRM_KEY.format(zi * FIRMS_PER_ZONE + i),
                    )
                )
        Organization.objects.bulk_create(firms, batch_size=2000)
        rows = []
        for zi, zone in enumerate(zones):
            size = 1.0 if zi in (0, 1, 3) else 0.4
            for k, year in enumerate(YEARS):
                g = 1.07**k * size
                enterprises = int(3000 * g)
                employees = int(200_000 * g)
                revenue = Decimal(int(2.0e11 * g))
                rows.append(
                    ZoneYear(
                        zone=zone,
                        year=year,
                        planned_area=Decimal("120.50"),
                        built_area=Decimal("80.25") + k,
                        enterprises=enterprises,
                        high_tech_enterprises=enterprises // 4,
                        private_tech_enterprises=enterprises // 2,
                        revenue=revenue,
                        industrial_output=revenue * Decimal("0.8"),
                        net_profit=revenue * Decimal("0.06"),
                        taxes=revenue * Decimal("0.05"),
                        exports_usd=Decimal(int(3e9 * g)),
                        employees=employees,
                        rd_staff=employees // 10,
                        rd_spend=revenue * Decimal("0.03"),
                        invention_patents=int(1500 * g),
                        incubators=10,
                        incubator_tenants=400,
                        incubator_graduates=40,
                    )
                )
        ZoneYear.objects.bulk_create(rows, batch_size=500)
        targets = [
            ZoneTarget(
                zone=zone,
                indicator=key,
                baseline_year=2020,
                baseline_value=Decimal(1000),
                target_year=2027,
                target_value=Decimal(3000),
            )
            for zone in zones
            for key in ("revenue", "high_tech_enterprises", "rd_spend", "invention_patents")
        ]
        ZoneTarget.objects.bulk_create(targets)
        incubator_orgs = Organization.objects.bulk_create(
            [
                Organization(
                    name=f"基准孵化器{zi}-{i}",
                    kind="incubator",
                    province_id=zone.province_id,
                    city_id=zone.city_id,
                    zone=zone,
                    reference_key=f"zbench-inc-{zi:02d}-{i:02d}",
                )
                for zi, zone in enumerate(zones)
                for i in range(10)
            ]
        )
        incubator_orgs = list(Organization.objects.filter(reference_key__startswith="zbench-inc-").order_by("pk"))
        incubators = Incubator.objects.bulk_create(
            [
                Incubator(
                    organization=org,
                    kind="business_center",
                    zone_id=org.zone_id,
                    established_on=date(2010, 1, 1),
                    space_m2=30000,
                )
                for org in incubator_orgs
            ]
        )
        incubators = list(Incubator.objects.filter(organization__in=incubator_orgs))
        Tenant.objects.bulk_create(
            [
                Tenant(
                    incubator=inc,
                    name=f"基准在孵企业{inc.pk}-{i}",
                    founded_on=date(2018, 1, 1),
                    entered_on=date(2019 + i % 6, 3, 1),
                    graduated_on=date(2024, 6, 1) if i % 5 == 0 else None,
                    is_private_tech=i % 4 != 0,
                    employees=10 + i,
                    revenue=Decimal(1_000_000 + i * 10_000),
                )
                for inc in incubators
                for i in range(40)
            ],
            batch_size=2000,
        )
    # a third of the contracts sold by the zones' firms (driver-level, one statement)
    first, last = (
        Organization.objects.filter(reference_key__startswith="zbench-firm-")
        .order_by("pk")
        .values_list("pk", flat=True)[0],
        Organization.objects.filter(reference_key__startswith="zbench-firm-")
        .order_by("-pk")
        .values_list("pk", flat=True)[0],
    )
    span = last - first + 1
    rand = "abs(random())" if connection.vendor == "sqlite" else "floor(random() * 2147483647)::bigint"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"UPDATE market_techcontract SET seller_organization_id = %s + ({rand} %% %s) "
            "WHERE reference_key LIKE %s AND id %% 3 = 0",
            [first, span, "bench-ctr-%"],
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    say(
        f"  zones: {len(firms)} firms, {len(rows)} zone-years, {len(incubators)} incubators in {time.perf_counter() - t0:.1f} s"
    )


def _instruments_to_hosts(connection) -> None:
    """A tenth of the bench instruments (and their bookings, sessions, charges) belong to the
    bases' hosts, so the base page's derived hours read a host's real usage."""
    from nesta.directory.models import Organization

    hosts = list(
        Organization.objects.filter(reference_key__startswith="bench-host-").order_by("pk").values_list("pk", flat=True)
    )
    if not hosts or hosts[-1] - hosts[0] + 1 != len(hosts):
        say("  the bases' hosts are not contiguous: instruments left with their owners")
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM instruments_instrument WHERE reference_key LIKE %s AND owner_id IN "
            "(SELECT id FROM directory_organization WHERE reference_key LIKE %s)",
            ["bench-inst-%", "bench-host-%"],
        )
        if cur.fetchone()[0]:
            return
        # the hosts were bulk-created in one statement: their ids are contiguous
        cur.execute(
            "UPDATE instruments_instrument SET owner_id = %s + (id %% %s) WHERE reference_key LIKE %s AND id %% 10 = 0",
            [hosts[0], len(hosts), "bench-inst-%"],
        )


def _counters_checked(backend: str) -> dict:
    """The zones' counters equal the records (a bulk load with triggers off is repaired here)."""
    from nesta.zones.selectors.private import zone_counters_drift
    from nesta.zones.services.zones import zone_counters_rebuild

    drift = zone_counters_drift()
    rebuilt = None
    if drift:
        t = time.perf_counter()
        rows = zone_counters_rebuild()
        rebuilt = round(time.perf_counter() - t, 2)
        say(f"[{backend}] zone counters: {len(drift)} keys drifted, rebuilt {rows} rows in {rebuilt} s")
        drift = zone_counters_drift()
    assert not drift, drift[:5]
    return {"rebuild_s": rebuilt}


def _records_shares(year: int, ids: list[int]) -> None:
    """What the private shares read before the counters: the year's contracts and awards of the
    zones' organisations, aggregated from the records (the query shape of 2026-12-03 08:04)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.db.models import Count, Q, Sum

    from nesta.directory.models import Organization
    from nesta.market.models import TechContract
    from nesta.programmes.models import Application
    from nesta.zones.selectors.private import AWARDED

    tz = ZoneInfo("Asia/Shanghai")
    start, end = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    private_seller = Q(seller_organization__is_private_tech_enterprise=True)
    list(
        TechContract.objects.filter(
            status=TechContract.Status.REGISTERED,
            registered_at__gte=start,
            registered_at__lt=end,
            seller_organization_id__in=Organization.objects.filter(zone_id__in=ids).values("id"),
            seller_organization__zone_id__in=ids,
        )
        .values("seller_organization__zone_id")
        .annotate(
            n=Count("id"),
            p=Count("id", filter=private_seller),
            amount=Sum("contract_amount"),
            p_amount=Sum("contract_amount", filter=private_seller),
        )
        .order_by()
    )
    list(
        Application.objects.filter(
            status__in=AWARDED, decided_at__gte=start, decided_at__lt=end, organization__zone_id__in=ids
        )
        .values("organization__zone_id")
        .annotate(amount=Sum("awarded_amount"), p_amount=Sum("awarded_amount", filter=Q(is_private_tech=True)))
        .order_by()
    )


def _timed_call(fn, repeat: int) -> dict:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"p50": _pct(times, 50), "p95": _pct(times, 95), "n": repeat}


def measure(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    import bench.bases as bases_bench
    from bench import inst_data
    from bench.market.stats import ensure_contracts
    from nesta.accounts.models import User
    from nesta.bases.models import Base
    from nesta.core.transactions import write_transaction
    from nesta.directory.models import Organization
    from nesta.instruments.models import Booking
    from tests.factories import grant

    backend = connection.vendor
    say(f"[{backend}] migrating")
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    rng = random.Random(args.seed)
    with write_transaction():
        bases_bench._generate(args.bases, YEARS, rng)
    bookings = Booking.objects.filter(instrument__reference_key__startswith="bench-inst-").count()
    wanted = args.instruments * args.per_instrument
    if bookings != wanted:
        say(f"[{backend}] generating {wanted:,} bookings (found {bookings:,})")
        inst_data.generate(args, connection)
        bookings = wanted
    else:
        say(f"[{backend}] reusing {bookings:,} bookings")
    _instruments_to_hosts(connection)
    ensure_contracts(args.contracts, args.seed, backend)
    _zones_data(rng, connection)
    counters = _counters_checked(backend)
    office = User.objects.filter(username="bench_office").first() or grant(
        User.objects.create_user(username="bench_office", password="bench-2026-x"), "office"
    )
    anonymous, client = Client(), Client()
    client.force_login(office)
    year = YEARS[-1]
    zones = list(Organization.objects.filter(kind="high_tech_zone").order_by("pk").values_list("pk", flat=True))
    hosts_with_instruments = set(
        Organization.objects.filter(reference_key__startswith="bench-host-", instruments__isnull=False).values_list(
            "pk", flat=True
        )
    )
    base_ids = [
        pk
        for pk, host in Base.objects.filter(organization__reference_key__startswith="bench-base-")
        .order_by("pk")
        .values_list("pk", "host_id")
        if host in hosts_with_instruments
    ][:: max(1, args.bases // 100)][:50]
    baseline = _timed(anonymous, "/directory/zones/", args.repeat)
    comparison = _timed(anonymous, f"/zones/comparison/?year={year}", args.repeat)
    comparison_office = _timed(client, f"/zones/comparison/?year={year}", args.repeat)
    zone_pages = _merge([_timed(anonymous, f"/zones/{pk}/", max(3, args.repeat // 5)) for pk in zones])
    base_pages = _merge([_timed(client, f"/bases/{pk}/", 3) for pk in base_ids])
    sql = {
        "comparison": _sql_work(anonymous, f"/zones/comparison/?year={year}"),
        "zone": max((_sql_work(anonymous, f"/zones/{pk}/") or 0) for pk in zones),
        "base": max((_sql_work(client, f"/bases/{pk}/") or 0) for pk in base_ids),
    }
    from nesta.zones.selectors.private import private_shares

    shares = _timed_call(lambda: private_shares(year=year, zone_ids=zones), args.repeat)
    records = _timed_call(lambda: _records_shares(year, zones), max(5, args.repeat // 3))
    return {
        "backend": backend,
        "bookings": bookings,
        "contracts": args.contracts,
        "bases": args.bases,
        "years": len(YEARS),
        "zone_firms": FIRMS_PER_ZONE * len(zones),
        "baseline_ms": baseline,
        "comparison_ms": comparison,
        "comparison_office_ms": comparison_office,
        "zone_page_ms": zone_pages,
        "base_page_ms": base_pages,
        "base_pages": len(base_ids),
        "shares_ms": shares,
        "records_ms": records,
        "counters_rebuild_s": counters["rebuild_s"],
        "sql_ms": sql,
        "load": os.getloadavg()[0],
    }


def _env(backend: str, pg_url: str) -> dict | None:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if backend == "sqlite":
        env.pop("DATABASE_URL", None)
        path = ROOT / "var" / "bench" / "zones.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        env["SQLITE_PATH"] = str(path)
        return env
    from bench.__main__ import ensure_postgres_database

    url = pg_url.rpartition("/")[0] + "/nesta_bench_zones"
    problem = ensure_postgres_database(url)
    if problem:
        say(f"[postgresql] SKIPPED: {problem}")
        return None
    env["DATABASE_URL"] = url
    return env


def report(results: list[dict]) -> list[str]:
    lines = [
        "### Zones and bases pages at scale (issue 11)",
        "",
        "`python -m bench.zones` (`--only sqlite|postgres`). One database holding 5,000 bases × 10 years of reports, "
        "the instrument network's bookings (a tenth of the instruments owned by the bases' hosts), registered "
        "contracts (a third sold by zone firms), 3,000 directory firms per zone, ten years of each zone's figures, "
        "targets, 70 incubators × 40 tenants. Pages over Django's test client (view + template), p50 / p95 ms; "
        "the zone and base pages: the worst of their URLs. Baseline in the same run: the directory's zone list "
        f"`/directory/zones/`. Target: ≤ {TARGET_MS} ms. The private shares of the seven zones read the zones' "
        "counters (zones migration 0002, kept by triggers; checked equal to the records, rebuilt if a bulk load "
        "bypassed them); beside them, the contracts' and awards' aggregates they replaced, timed alone. In "
        "brackets: the page's Python CPU time p50 (view and template, without the database's), which the load "
        "average moves far less than the wall time. PostgreSQL: the database's execution time of each page's "
        "queries (EXPLAIN ANALYZE, summed; the zone and base pages: the worst).",
        "",
        "| backend | bookings | contracts | comparison (anonymous) | comparison (office) | zone page | base page (office) | baseline | comparison ÷ baseline (p95) | private shares (counters) | contracts + awards from the records | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if r.get("sql_ms", {}).get("comparison") is not None:
            q = r["sql_ms"]
            lines.insert(
                -2,
                f"{r['backend']}: EXPLAIN ANALYZE execution summed — comparison {q['comparison']} ms, "
                f"zone page {q['zone']} ms, base page {q['base']} ms.\n",
            )

        def cell(key: str, r: dict = r) -> str:
            cpu = f" ({r[key]['cpu_p50']})" if "cpu_p50" in r[key] else ""
            return f"{r[key]['p50']} / {r[key]['p95']}{cpu}"

        ratio = r["comparison_ms"]["p95"] / r["baseline_ms"]["p95"] if r["baseline_ms"]["p95"] else 0
        lines.append(
            f"| {r['backend']} | {r['bookings']:,} | {r['contracts']:,} | {cell('comparison_ms')} | "
            f"{cell('comparison_office_ms')} | {cell('zone_page_ms')} | {cell('base_page_ms')} ({r['base_pages']} bases) | "
            f"{cell('baseline_ms')} | {ratio:.1f}× | {cell('shares_ms')} | {cell('records_ms')} | {r['load']:.1f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.zones")
    parser.add_argument("--bases", type=int, default=5000)
    parser.add_argument("--instruments", type=int, default=50_000)
    parser.add_argument("--per-instrument", type=int, default=100)
    parser.add_argument("--contracts", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/nesta_bench")
    )
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    if args.worker:
        result = measure(args)
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, indent=1)
        return 0
    results = []
    for backend in [args.only] if args.only else ["sqlite", "postgres"]:
        env = _env(backend, args.pg_url)
        if env is None:
            continue
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
            out = tmp.name
        cmd = [sys.executable, "-m", "bench.zones", "--worker", "--out", out]
        for flag in ("bases", "instruments", "per_instrument", "contracts", "repeat", "seed"):
            cmd += [f"--{flag.replace('_', '-')}", str(getattr(args, flag))]
        if subprocess.run(cmd, cwd=ROOT, env=env).returncode != 0:
            say(f"[{backend}] FAILED")
            continue
        with open(out, encoding="utf-8") as f:
            results.append(json.load(f))
        os.unlink(out)
    for line in report(results):
        say(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
