"""Benchmark of the technology-contract statistics: a year over 1,000,000 registered contracts.

    python -m bench --suite market --market-parts stats [--contracts N] [--only sqlite|postgres]
    python -m bench.market.stats --contracts 50000 --out /tmp/stats.json   # one backend, by env

Generates N registered `TechContract` rows over three years (driver-level insert, realistic shares:
技术服务 and 技术开发 most, log-normal amounts with a median near 40万元 and a long tail, buyers
mostly in the seller's province, some in the other north-east provinces, the rest of China and
abroad), then the statistics cells with `rebuild_statistics` (timed), then `record_registration`
and its inverse one contract at a time (timed). Measured: `year_statistics` (the page's and the
API's selector) for each year × {all, each province}, p50/p95, beside a baseline computed in the
same run — the same figures by GROUP BY over `TechContract` directly — whose totals must agree.
A database already holding exactly N bench contracts is reused.
"""

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "bench-ctr-{:07d}"
ORG_KEY = "bench-ctr-org-{}"
YEARS = (2023, 2024, 2025)
GROWTH = 1.12  # each year ≈ 12 % more contracts than the one before
CHUNK = 10_000
TARGET_MS = 200

# (code, weight): shares in the order of the region's published figures
TYPES = [
    ("dev_commissioned", 24),
    ("dev_cooperative", 8),
    ("transfer_patent", 4),
    ("transfer_application", 1),
    ("transfer_secret", 4),
    ("license_exclusive", 1),
    ("license_sole", 1),
    ("license_ordinary", 2),
    ("license_secret", 1),
    ("consulting", 9),
    ("service", 38),
    ("service_training", 3),
    ("service_brokerage", 4),
]
NATURES = [
    ("41", 55),
    ("21", 12),
    ("22", 14),
    ("23", 3),
    ("42", 3),
    ("43", 4),
    ("10", 2),
    ("30", 1),
    ("50", 4),
    ("60", 2),
]
BUYER_NATURES = [("41", 70), ("10", 8), ("21", 5), ("22", 4), ("23", 3), ("42", 3), ("43", 4), ("50", 1), ("60", 2)]
FIELDS = [
    ("01", 22),
    ("02", 20),
    ("03", 4),
    ("04", 6),
    ("05", 9),
    ("06", 10),
    ("07", 8),
    ("08", 9),
    ("09", 5),
    ("10", 6),
    ("11", 1),
]
IP = [
    ("none", 35),
    ("trade_secret", 25),
    ("invention_patent", 15),
    ("utility_model", 8),
    ("software", 10),
    ("design", 1),
    ("ic_layout", 1),
    ("plant_variety", 1),
    ("biomedicine", 1),
    ("other", 3),
]
PLANS = [("enterprise", 70), ("national", 6), ("ministerial", 8), ("municipal", 6), ("other", 10)]
OBJECTIVES = [f"{i:02d}" for i in range(1, 13)]
# buyers: within the seller's province, another north-east province, the rest of China, abroad
BUYER_BANDS = [("within", 52), ("northeast", 9), ("china", 35), ("abroad", 4)]
CHINA_ELSEWHERE = ["110105", "310115", "440305", "320102", "330106", "370102", "420106", "510107", "120101", "610113"]
ABROAD = ["840", "392", "276", "410", "250", "826", "702", "344", "158"]
NORTHEAST_CITIES = {
    "210000": ["210100", "210200", "210300", "210400", "210600", "210700", "210800"],
    "220000": ["220100", "220200", "220300", "220500", "220700"],
    "230000": ["230100", "230200", "230600", "230800"],
}
# registration points: (city, share of the contracts) — 大连 and 沈阳 register the most
POINTS = [
    ("210100", 18),
    ("210200", 24),
    ("210300", 4),
    ("210700", 3),
    ("220100", 14),
    ("220200", 4),
    ("230100", 15),
    ("230200", 3),
    ("230600", 5),
]


def _picker(rng: random.Random, pairs: list[tuple[str, int]]):
    values = [v for v, _w in pairs]
    cum = []
    total = 0
    for _v, w in pairs:
        total += w
        cum.append(total)

    def pick() -> str:
        return rng.choices(values, cum_weights=cum)[0]

    return pick


def _percentile(values: list[float], pct: int) -> float:
    import statistics

    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1] if len(values) > 1 else values[0]


def _summary(times_ms: list[float]) -> dict[str, float]:
    return {
        "n": len(times_ms),
        "p50": round(_percentile(times_ms, 50), 2),
        "p95": round(_percentile(times_ms, 95), 2),
        "max": round(max(times_ms), 2),
    }


def say(line: str) -> None:
    print(line, flush=True)


# --- inside the measuring process ----------------------------------------------------------


def _points():
    from nesta.core.models import Region
    from nesta.directory.models import Organization
    from nesta.market.models import RegistrationPoint

    points = []
    for i, (city_code, weight) in enumerate(POINTS):
        city = Region.objects.get(code=city_code)
        org, _ = Organization.objects.get_or_create(
            reference_key=ORG_KEY.format(i),
            defaults={
                "name": f"{city.name}技术市场（基准）",
                "kind": "technology_market",
                "province": city.parent,
                "city": city,
            },
        )
        point, _ = RegistrationPoint.objects.get_or_create(
            reference_key=ORG_KEY.format(i),
            defaults={
                "organization": org,
                "name": f"{city.name}技术合同登记点（基准）",
                "province": city.parent,
                "city": city,
                "point_code": f"{90 + i:02d}",
            },
        )
        points.append((point, weight))
    return points


def _year_counts(n: int) -> list[int]:
    weights = [GROWTH**i for i in range(len(YEARS))]
    counts = [int(n * w / sum(weights)) for w in weights]
    counts[-1] += n - sum(counts)
    return counts


def ensure_contracts(n: int, seed: int, backend: str) -> dict:
    """N registered bench contracts (reused when the database holds exactly N)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.market.data import _drop_indexes, _load_session, write_values
    from nesta.market.models import TechContract

    bench = TechContract.objects.filter(reference_key__startswith="bench-ctr-")
    have = bench.count()
    if have == n:
        say(f"[{backend}] reusing {n} bench contracts")
        return {"generated": False, "insert_s": None}
    if have:
        say(f"[{backend}] removing {have} bench contracts of another run")
        bench._raw_delete(bench.db)
    rng = random.Random(seed)
    points = _points()
    pick_point = _picker(rng, [(str(i), w) for i, (_p, w) in enumerate(points)])
    pick = {
        "type": _picker(rng, TYPES),
        "seller_nature": _picker(rng, NATURES),
        "buyer_nature": _picker(rng, BUYER_NATURES),
        "field": _picker(rng, FIELDS),
        "ip": _picker(rng, IP),
        "plan": _picker(rng, PLANS),
        "band": _picker(rng, BUYER_BANDS),
    }
    serials: dict[tuple[int, int], int] = {}
    started = time.monotonic()
    # straight through the driver, foreign keys unchecked and the indexes built after (data.py)
    _load_session(connection, True)
    indexes = _drop_indexes(connection, ["market_techcontract"])
    made = 0
    for year, count in zip(YEARS, _year_counts(n), strict=True):
        start = timezone.make_aware(datetime(year, 1, 1))
        seconds = int((timezone.make_aware(datetime(year + 1, 1, 1)) - start).total_seconds())
        batch = []
        for _i in range(count):
            point_index = int(pick_point())
            point = points[point_index][0]
            province = point.province.code
            registered_at = start + timedelta(seconds=rng.randrange(seconds))
            serial = serials.get((point_index, year), 0) + 1
            serials[(point_index, year)] = serial
            # the seller is on the point's side (a few registered elsewhere)
            seller_region = rng.choice(NORTHEAST_CITIES[province])[:4] + "02"
            band = pick["band"]()
            buyer_country, buyer_region = "156", ""
            if band == "within":
                buyer_region = rng.choice(NORTHEAST_CITIES[province])[:4] + "03"
            elif band == "northeast":
                other = rng.choice([p for p in NORTHEAST_CITIES if p != province])
                buyer_region = rng.choice(NORTHEAST_CITIES[other])
            elif band == "china":
                buyer_region = rng.choice(CHINA_ELSEWHERE)
            else:
                buyer_country = rng.choice(ABROAD)
            amount = (
                Decimal(min(int(math.exp(rng.gauss(12.9, 1.5))), 5_000_000_000)) + Decimal(rng.randrange(100)) / 100
            )
            technology = (amount * Decimal(rng.choice((100, 100, 100, 95, 90, 80, 60))) / 100).quantize(Decimal("0.01"))
            signed = (registered_at - timedelta(days=rng.randrange(5, 60))).date()
            made += 1
            batch.append(
                dict(
                    point_id=point.pk,
                    status="registered",
                    number=f"{year % 100:02d}{point.number_prefix}{serial:06d}",
                    serial=serial,
                    name=f"基准技术合同{made}",
                    contract_type=pick["type"](),
                    seller_name="基准卖方单位",
                    seller_nature=pick["seller_nature"](),
                    seller_region=seller_region,
                    seller_country="156",
                    buyer_name="基准买方单位",
                    buyer_nature=pick["buyer_nature"](),
                    buyer_region=buyer_region,
                    buyer_country=buyer_country,
                    signed_on=signed,
                    valid_from=signed,
                    valid_until=signed + timedelta(days=rng.choice((180, 365, 730, 1095))),
                    tech_field=pick["field"](),
                    ip_type=pick["ip"](),
                    objective=rng.choice(OBJECTIVES),
                    plan_source=pick["plan"](),
                    contract_amount=amount,
                    technology_amount=technology,
                    submitted_at=registered_at - timedelta(days=rng.randrange(1, 20)),
                    registered_at=registered_at,
                    reference_key=KEY.format(made),
                )
            )
            if len(batch) >= CHUNK:
                with transaction.atomic():
                    write_values(TechContract, batch, connection)
                batch = []
                if made % 100_000 == 0:
                    say(f"[{backend}] {made} contracts ({time.monotonic() - started:.0f} s)")
        if batch:
            with transaction.atomic():
                write_values(TechContract, batch, connection)
    say(f"[{backend}] building {len(indexes)} indexes ({time.monotonic() - started:.0f} s)")
    with connection.cursor() as cur:
        for sql in indexes:
            cur.execute(sql)
    _load_session(connection, False)
    insert_s = round(time.monotonic() - started, 1)
    say(f"[{backend}] {n} contracts inserted in {insert_s} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE market_techcontract")
    return {"generated": True, "insert_s": insert_s}


def baseline_statistics(year: int, province: str | None) -> dict:
    """The same figures as `year_statistics` by GROUP BY over the contracts themselves: the year
    and the previous year, each breakdown, the months and the flows' area pairs."""
    from django.db.models import Count, Sum
    from django.db.models.functions import ExtractMonth, ExtractYear
    from django.utils import timezone

    from nesta.market.models import TechContract

    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime(year - 1, 1, 1))
    until = timezone.make_aware(datetime(year + 1, 1, 1))
    rows = TechContract.objects.filter(status="registered", registered_at__gte=since, registered_at__lt=until)
    scoped = rows.filter(point__province__code=province) if province else rows
    sums = {"n": Count("id"), "ca": Sum("contract_amount"), "ta": Sum("technology_amount")}
    result = {}
    for name, column in (
        ("type", "contract_type"),
        ("field", "tech_field"),
        ("ip", "ip_type"),
        ("seller_nature", "seller_nature"),
        ("buyer_nature", "buyer_nature"),
        ("plan", "plan_source"),
    ):
        result[name] = list(
            scoped.annotate(y=ExtractYear("registered_at", tzinfo=tz)).values("y", column).annotate(**sums).order_by()
        )
    result["month"] = list(
        scoped.annotate(y=ExtractYear("registered_at", tzinfo=tz), m=ExtractMonth("registered_at", tzinfo=tz))
        .values("y", "m")
        .annotate(**sums)
        .order_by()
    )
    result["flow"] = list(
        rows.annotate(y=ExtractYear("registered_at", tzinfo=tz))
        .values("y", "seller_region", "seller_country", "buyer_region", "buyer_country")
        .annotate(**sums)
        .order_by()
    )
    return result


def _baseline_total(result: dict, year: int) -> tuple[int, Decimal]:
    lines = [r for r in result["type"] if r["y"] == year]
    return sum(r["n"] for r in lines), sum((Decimal(r["ca"] or 0) for r in lines), Decimal(0))


def measure(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from nesta.market.models import ContractStat, TechContract
    from nesta.market.selectors.statistics import year_statistics
    from nesta.market.services.statistics import rebuild_statistics, record_registration, unrecord_registration

    backend = connection.vendor
    say(f"[{backend}] database {connection.settings_dict['NAME']}: migrating")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    data = ensure_contracts(args.contracts, args.seed, backend)

    started = time.monotonic()
    cells = rebuild_statistics()
    rebuild_s = round(time.monotonic() - started, 1)
    say(f"[{backend}] rebuild_statistics: {cells} cells in {rebuild_s} s")

    # one registration at a time, as the registration service does, then taken out again
    sample = list(
        TechContract.objects.filter(reference_key__startswith="bench-ctr-")
        .select_related("point__province")
        .order_by("id")[:: max(1, args.contracts // args.upserts)][: args.upserts]
    )
    record_ms, unrecord_ms = [], []
    for contract in sample:
        t = time.perf_counter()
        record_registration(contract)
        record_ms.append((time.perf_counter() - t) * 1000)
    for contract in sample:
        t = time.perf_counter()
        unrecord_registration(contract)
        unrecord_ms.append((time.perf_counter() - t) * 1000)
    stored = sum(ContractStat.objects.filter(dimension="type").values_list("contracts", flat=True))
    assert stored == args.contracts, (stored, args.contracts)  # the inverse restored every cell

    cases = [(year, province) for year in YEARS for province in (None, "210000", "220000", "230000")]
    selector_ms, baseline_ms, checks = [], [], []
    worst_drift = Decimal(0)
    for _r in range(args.repeat):
        for year, province in cases:
            t = time.perf_counter()
            year_statistics(year, province)
            selector_ms.append((time.perf_counter() - t) * 1000)
    # the baseline scans a million rows per case: the last year's cases only
    baseline_cases = [case for case in cases if case[0] == YEARS[-1]]
    for _r in range(args.baseline_repeat):
        for year, province in baseline_cases:
            t = time.perf_counter()
            result = baseline_statistics(year, province)
            baseline_ms.append((time.perf_counter() - t) * 1000)
            if _r == 0:
                stats = year_statistics(year, province)
                n, amount = _baseline_total(result, year)
                # SQLite sums the baseline's decimals as REAL: compare to the cent, report the drift
                drift = abs(amount.quantize(Decimal("0.01")) - stats.total.contract_amount)
                checks.append(n == stats.total.contracts and drift <= 1)
                worst_drift = max(worst_drift, drift)
    assert all(checks), checks
    year_n = TechContract.objects.filter(reference_key__startswith="bench-ctr-", registered_at__year=YEARS[-1]).count()
    report = {
        "backend": backend,
        "contracts": args.contracts,
        "contracts_last_year": year_n,
        "cells": cells,
        "insert_s": data["insert_s"],
        "generated": data["generated"],
        "rebuild_s": rebuild_s,
        "record_ms": _summary(record_ms),
        "unrecord_ms": _summary(unrecord_ms),
        "selector_ms": _summary(selector_ms),
        "baseline_ms": _summary(baseline_ms),
        "cases": len(cases),
        "baseline_cases": len(baseline_cases),
        "agree": all(checks),
        "baseline_drift_yuan": str(worst_drift),
    }
    say(f"[{backend}] {json.dumps(report, ensure_ascii=False)}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.market.stats")
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=20, help="selector runs per case")
    parser.add_argument("--baseline-repeat", type=int, default=2, help="baseline runs per case")
    parser.add_argument("--upserts", type=int, default=2000, help="single registrations timed")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    report = measure(args)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    return 0


# --- the suite's interface (bench/market/__init__.py) ---------------------------------------


def run_backend(backend: str, env: dict, args) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    try:
        cmd = [sys.executable, "-m", "bench.market.stats", "--contracts", str(args.contracts), "--out", out]
        cmd += ["--seed", str(args.seed)]
        result = subprocess.run(cmd, cwd=ROOT, env=env)
        if result.returncode != 0:
            say(f"[{backend}] stats FAILED (exit {result.returncode})")
            return None
        with open(out, encoding="utf-8") as f:
            return json.load(f)
    finally:
        os.unlink(out)


def report(results: list[dict]) -> list[str]:
    lines = [
        "### Contract statistics (a year over generated registered contracts)",
        "",
        f"`python -m bench --suite market --market-parts stats`; {YEARS[0]}–{YEARS[-1]}, each year ≈ 12 % over the "
        "last; the selector `year_statistics` (what the page and `GET /api/v1/market/statistics` read) for each "
        "year × {all, 辽宁, 吉林, 黑龙江}, beside the baseline — the same figures by GROUP BY over `TechContract`, "
        f"the last year's four cases — whose totals agreed in every case. Target: ≤ {TARGET_MS} ms.",
        "",
        "| backend | contracts | cells | insert | rebuild | selector p50 / p95 | baseline p50 / p95 | "
        "record_registration p50 / p95 | inverse p50 / p95 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s, b, rec, un = r["selector_ms"], r["baseline_ms"], r["record_ms"], r["unrecord_ms"]
        insert = f"{r['insert_s']} s" if r["insert_s"] is not None else "reused"
        lines.append(
            f"| {r['backend']} | {r['contracts']:,} | {r['cells']:,} | {insert} | {r['rebuild_s']} s | "
            f"{s['p50']} / {s['p95']} ms | {b['p50']} / {b['p95']} ms | {rec['p50']} / {rec['p95']} ms | "
            f"{un['p50']} / {un['p95']} ms |"
        )
    lines.append("")
    return lines


if __name__ == "__main__":
    sys.exit(main())
