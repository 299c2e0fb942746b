"""Benchmark of the programmes' budget view: the whole Action over 100,000 applications and
1,000,000 payments.

    python -m bench.programmes.budget [--applications N] [--payments M] [--only sqlite|postgres]
    python -m bench.programmes.budget --worker --out /tmp/b.json     # one backend, chosen by env

Generates (straight through the driver, indexes built after): plan lines per year × programme ×
province, 25 calls (2022–2026 × the five programmes), N applications from 300 organisations in the
three provinces (about a third funded and on: funded, in progress, in acceptance, closed, failed),
the projects of those past signing, and M payments spread over them (copies of year, programme and
province, as services/payments writes them). Measured: `budget_view` (what the page and
GET /api/v1/budget read) for the whole Action, each year, each province and each programme, p50/p95,
beside a naive baseline in the same run — every record read into Python and summed
(`naive_budget_totals`) — whose totals must equal the view's. A database already holding exactly
N bench applications and M payments is reused.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "bench-bud-{:07d}"
YEARS = (2022, 2023, 2024, 2025, 2026)
PROVINCES = ("210000", "220000", "230000")
CHUNK = 20_000
TARGET_MS = 200
# status shares of the applications (percent)
STATUSES = [
    ("not_funded", 45),
    ("in_review", 10),
    ("not_recommended", 8),
    ("withdrawn", 4),
    ("funded", 3),
    ("in_progress", 14),
    ("acceptance", 4),
    ("closed", 10),
    ("failed", 2),
]
SIGNED = {"in_progress", "acceptance", "closed", "failed"}
CATEGORIES = [("equipment", 30), ("business", 40), ("labour", 15), ("indirect", 15)]


def say(line: str) -> None:
    print(line, flush=True)


def _summary(ms: list[float]) -> dict[str, float]:
    s = sorted(ms)

    def pct(p: int) -> float:
        return round(s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))], 1)

    return {"p50": pct(50), "p95": pct(95), "max": round(s[-1], 1), "n": len(s)}


def _picker(rng: random.Random, pairs: list[tuple[str, int]]):
    values = [v for v, _w in pairs]
    weights = [w for _v, w in pairs]
    return lambda: rng.choices(values, weights)[0]


def ensure_data(n_apps: int, n_payments: int, seed: int, backend: str) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.market.data import _drop_indexes, _load_session, write_values
    from nesta.core.models import Region, TaxonomyNode
    from nesta.directory.models import Organization
    from nesta.programmes.models import Application, Call, FundingPlanLine, Payment, Programme, Project

    apps = Application.objects.filter(reference_key__startswith="bench-bud-")
    have_apps = apps.count()
    if have_apps == n_apps and Payment.objects.count() == n_payments:
        say(f"[{backend}] reusing {n_apps} applications and {n_payments} payments")
        return {"generated": False, "insert_s": None}
    if have_apps or Payment.objects.exists():
        say(f"[{backend}] removing the bench records of another run")
        for qs in (
            Payment.objects.all(),
            Project.objects.all(),
            apps,
            Call.objects.filter(code__startswith="bench-bud-"),
            FundingPlanLine.objects.filter(note="bench"),
        ):
            qs._raw_delete(qs.db)
    rng = random.Random(seed)
    started = time.monotonic()
    programmes = list(Programme.objects.order_by("sort_order"))
    provinces = {r.code: r for r in Region.objects.filter(code__in=PROVINCES)}
    field = TaxonomyNode.objects.filter(parent=None).first()
    assert field is not None and len(provinces) == 3
    lines = [
        FundingPlanLine(
            year=y,
            programme=p,
            province=provinces[code],
            baseline_amount=Decimal(rng.randrange(200, 900)) * 1_000_000,
            additional_amount=Decimal(rng.randrange(0, 100)) * 1_000_000,
            note="bench",
        )
        for y in YEARS
        for p in programmes
        for code in PROVINCES
    ]
    FundingPlanLine.objects.bulk_create(lines)
    now = timezone.now()
    calls = Call.objects.bulk_create(
        [
            Call(
                programme=p,
                code=f"bench-bud-{y}-{p.code}"[:40],
                title=f"{y}年度{p.name}基准指南",
                year=y,
                status="decided",
                opens_at=now - timedelta(days=400),
                closes_at=now - timedelta(days=300),
                budget=Decimal("2000000000"),
                max_request=Decimal("5000000"),
            )
            for y in YEARS
            for p in programmes
        ]
    )
    calls = list(Call.objects.filter(code__startswith="bench-bud-"))
    orgs = list(Organization.objects.filter(name__startswith="基准预算单位"))
    if len(orgs) < 300:
        Organization.objects.bulk_create(
            [
                Organization(name=f"基准预算单位{i}", kind="enterprise", province=provinces[PROVINCES[i % 3]])
                for i in range(len(orgs), 300)
            ]
        )
        orgs = list(Organization.objects.filter(name__startswith="基准预算单位"))
    pick_status = _picker(rng, STATUSES)
    pick_category = _picker(rng, CATEGORIES)
    _load_session(connection, True)
    indexes = _drop_indexes(connection, ["programmes_application", "programmes_payment", "programmes_project"])
    batch = []
    for i in range(n_apps):
        org = orgs[rng.randrange(len(orgs))]
        call = calls[rng.randrange(len(calls))]
        status = pick_status()
        requested = Decimal(rng.randrange(20, 500)) * 10_000
        awarded = None
        if status in SIGNED or status == "funded":
            awarded = (requested * Decimal(rng.choice((60, 80, 100))) / 100).quantize(Decimal("0.01"))
        batch.append(
            dict(
                call_id=call.pk,
                organization_id=org.pk,
                province_id=org.province_id,
                title=f"基准项目{i}",
                summary="基准",
                field_id=field.pk,
                requested_amount=requested,
                status=status,
                awarded_amount=awarded,
                reference_key=KEY.format(i),
            )
        )
        if len(batch) >= CHUNK:
            with transaction.atomic():
                write_values(Application, batch, connection)
            batch = []
    if batch:
        with transaction.atomic():
            write_values(Application, batch, connection)
    say(f"[{backend}] {n_apps} applications ({time.monotonic() - started:.0f} s)")
    signed = list(
        Application.objects.filter(reference_key__startswith="bench-bud-", status__in=SIGNED).values_list(
            "pk", "awarded_amount", "call__year", "call__programme_id", "province_id"
        )
    )
    with transaction.atomic():
        write_values(
            Project,
            [
                dict(
                    application_id=pk,
                    contract_number=f"BB{pk}",
                    grant_amount=awarded,
                    start_date=date(year, 3, 1),
                    end_date=date(year + 2, 2, 28),
                )
                for pk, awarded, year, _prog, _prov in signed
            ],
            connection,
        )
    project_of = dict(Project.objects.values_list("application_id", "pk"))
    say(f"[{backend}] {len(signed)} projects ({time.monotonic() - started:.0f} s)")
    per_project = n_payments // max(1, len(signed))
    extra = n_payments - per_project * len(signed)
    batch, made = [], 0
    for j, (app_pk, awarded, year, prog, prov) in enumerate(signed):
        count = per_project + (1 if j < extra else 0)
        # tranches that add up to at most the grant
        share = (awarded / max(count, 1) * Decimal("0.9")).quantize(Decimal("0.01"))
        for k in range(count):
            batch.append(
                dict(
                    project_id=project_of[app_pk],
                    category=pick_category(),
                    amount=max(share, Decimal("0.01")),
                    paid_on=date(year, 3, 1) + timedelta(days=k * 7 % 700),
                    programme_id=prog,
                    province_id=prov,
                    year=year,
                )
            )
            made += 1
            if len(batch) >= CHUNK:
                with transaction.atomic():
                    write_values(Payment, batch, connection)
                batch = []
                if made % 200_000 == 0:
                    say(f"[{backend}] {made} payments ({time.monotonic() - started:.0f} s)")
    if batch:
        with transaction.atomic():
            write_values(Payment, batch, connection)
    say(f"[{backend}] building {len(indexes)} indexes ({time.monotonic() - started:.0f} s)")
    with connection.cursor() as cur:
        for sql in indexes:
            cur.execute(sql)
    _load_session(connection, False)
    if connection.vendor == "postgresql":
        from bench.market.data import _reset_sequence

        for model in (Application, Project, Payment):
            _reset_sequence(model, connection)
        with connection.cursor() as cur:
            for table in ("programmes_application", "programmes_project", "programmes_payment", "programmes_call"):
                cur.execute(f"VACUUM ANALYZE {table}")
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    insert_s = round(time.monotonic() - started, 1)
    say(f"[{backend}] {n_apps} applications, {made} payments in {insert_s} s")
    return {"generated": True, "insert_s": insert_s}


def measure(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from nesta.accounts.models import RoleAssignment, User
    from nesta.programmes.models import Payment, Programme
    from nesta.programmes.selectors.budget import budget_view, naive_budget_totals

    backend = connection.vendor
    say(f"[{backend}] database {connection.settings_dict['NAME']}: migrating")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    data = ensure_data(args.applications, args.payments, args.seed, backend)
    from django.db.models import Sum

    from nesta.programmes.selectors.budget import budget_cells_drift
    from nesta.programmes.services.budget_cells import budget_cells_rebuild

    # the cells as the triggers (SQLite's load) or the migration's rebuild left them; the
    # PostgreSQL load writes around the triggers (replica role): rebuilt then, and checked again
    t = time.perf_counter()
    drift_before = budget_cells_drift()
    drift_s = round(time.perf_counter() - t, 1)
    rebuild_s = None
    if drift_before:
        t = time.perf_counter()
        budget_cells_rebuild()
        rebuild_s = round(time.perf_counter() - t, 1)
    drift = budget_cells_drift()
    say(
        f"[{backend}] cells drifting before: {len(drift_before)} (check {drift_s} s), rebuilt in {rebuild_s} s; after: {drift[:3]}"
    )
    office, created = User.objects.get_or_create(username="bench-budget-office")
    if created:
        RoleAssignment.objects.create(user=office, role="office")
    codes = list(Programme.objects.order_by("sort_order").values_list("code", flat=True))
    cases: list[dict] = [{}]
    cases += [{"year": y} for y in YEARS]
    cases += [{"province": p} for p in PROVINCES]
    cases += [{"programme": c} for c in codes]
    whole_ms, filtered_ms, whole_cpu_ms = [], [], []
    by_kind: dict[str, list[float]] = {"year": [], "province": [], "programme": []}
    budget_view(viewer=office)  # warm: the user's grants, the connection
    for _r in range(args.repeat):
        for case in cases:
            t, c = time.perf_counter(), time.process_time()
            budget_view(viewer=office, **case)
            ms = (time.perf_counter() - t) * 1000
            (filtered_ms if case else whole_ms).append(ms)
            for kind in case:
                by_kind[kind].append(ms)
            if not case:
                whole_cpu_ms.append((time.process_time() - c) * 1000)
    view = budget_view(viewer=office)
    # the plain aggregate the cells replace: Σ payments GROUP BY year, programme, province
    plain_ms = []
    for _r in range(3):
        t = time.perf_counter()
        list(Payment.objects.values_list("year", "programme_id", "province_id").annotate(s=Sum("amount")).order_by())
        plain_ms.append((time.perf_counter() - t) * 1000)
    # the reads the award cells replace: the awards grouped over the applications, the failed
    # projects' payments read per project (what the view did before migration 0004)
    from nesta.programmes.models import Application, Project
    from nesta.programmes.selectors.budget import FULL_AWARD, PAID_ONLY

    awards_plain_ms = []
    for _r in range(3):
        t = time.perf_counter()
        list(
            Application.objects.filter(status__in=FULL_AWARD, awarded_amount__gt=0)
            .values_list("call_id", "province_id")
            .annotate(s=Sum("awarded_amount"))
            .order_by()
        )
        failed = list(Project.objects.filter(application__status__in=PAID_ONLY).values_list("pk", flat=True))
        list(
            Payment.objects.filter(project_id__in=failed).values_list("project_id").annotate(s=Sum("amount")).order_by()
        )
        awards_plain_ms.append((time.perf_counter() - t) * 1000)
    baseline_ms = []
    for _r in range(args.baseline_repeat):
        t = time.perf_counter()
        naive = naive_budget_totals()
        baseline_ms.append((time.perf_counter() - t) * 1000)
    agree = (naive["plan"], naive["committed"], naive["paid"]) == (view.plan, view.committed, view.paid)
    report = {
        "backend": backend,
        "applications": args.applications,
        "payments": Payment.objects.count(),
        "rows": len(view.rows),
        "insert_s": data["insert_s"],
        "whole_ms": _summary(whole_ms),
        "filtered_ms": _summary(filtered_ms),
        "by_filter_ms": {k: _summary(v) for k, v in by_kind.items() if v},
        "whole_cpu_ms": _summary(whole_cpu_ms),
        "baseline_ms": _summary(baseline_ms),
        "agree": agree and not drift,
        "drift_before": len(drift_before),
        "rebuild_s": rebuild_s,
        "plain_ms": _summary(plain_ms),
        "awards_plain_ms": _summary(awards_plain_ms),
        "plan": str(view.plan),
        "committed": str(view.committed),
        "paid": str(view.paid),
        "load": os.getloadavg()[0],
    }
    say(f"[{backend}] {json.dumps(report, ensure_ascii=False)}")
    assert agree, (naive, view.plan, view.committed, view.paid)
    return report


def run_backend(backend: str, env: dict, args) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    try:
        cmd = [sys.executable, "-m", "bench.programmes.budget", "--worker", "--out", out]
        cmd += ["--applications", str(args.applications), "--payments", str(args.payments)]
        cmd += ["--seed", str(args.seed), "--repeat", str(args.repeat)]
        result = subprocess.run(cmd, cwd=ROOT, env=env)
        if result.returncode != 0:
            say(f"[{backend}] budget FAILED (exit {result.returncode})")
            return None
        with open(out, encoding="utf-8") as f:
            return json.load(f)
    finally:
        os.unlink(out)


def report(results: list[dict]) -> list[str]:
    lines = [
        "### Programmes: the budget view (plan, committed, paid, remaining — derived from the records)",
        "",
        "`python -m bench.programmes.budget` (both backends; `--only sqlite|postgres`). `budget_view` — what "
        "/projects/budget/ and `GET /api/v1/budget` read: the plan lines, the calls, and three tables of cells the "
        "database's triggers keep (payments per year × programme × province, committed awards per call × province "
        "with failed projects' payments, subsidy instalments) — for the whole Action, each year, each province and "
        "each programme, beside the naive baseline in the same run (every record read into Python and summed), whose "
        "totals equalled the view's, and the plain reads the cells replace (GROUP BY over the payments; the awards "
        "grouped over the applications plus the failed projects' payments). Every cell was checked against the plain "
        "aggregate (after the rebuild where the bulk load bypassed the triggers). "
        f"Target: the whole Action ≤ {TARGET_MS} ms.",
        "",
        "| backend | applications | payments | rows | insert | whole Action p50 / p95 (this process's CPU p50) | "
        "one filter p50 / p95 (year · province · programme p50) | plain GROUP BY payments | plain awards read | "
        "naive baseline | cells drifting before / after | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        w, f, b = r["whole_ms"], r["filtered_ms"], r["baseline_ms"]
        kinds = " · ".join(str(r["by_filter_ms"][k]["p50"]) for k in ("year", "province", "programme"))
        insert = f"{r['insert_s']} s" if r["insert_s"] is not None else "reused"
        rebuilt = f" (rebuilt {r['rebuild_s']} s)" if r["rebuild_s"] is not None else ""
        lines.append(
            f"| {r['backend']} | {r['applications']:,} | {r['payments']:,} | {r['rows']} | {insert} | "
            f"{w['p50']} / {w['p95']} ms ({r['whole_cpu_ms']['p50']} ms) | {f['p50']} / {f['p95']} ms ({kinds}) | "
            f"{r['plain_ms']['p50']} ms | {r['awards_plain_ms']['p50']} ms | {b['p50']} ms | "
            f"{r['drift_before']}{rebuilt} / {0 if r['agree'] else 'DRIFT'} | {r['load']:.1f} |"
        )
    lines.append("")
    return lines


def _env(backend: str, pg_url: str) -> dict | None:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if backend == "sqlite":
        env.pop("DATABASE_URL", None)
        path = ROOT / "var" / "bench" / "B_budget.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        env["SQLITE_PATH"] = str(path)
        return env
    from bench.__main__ import ensure_postgres_database

    url = pg_url.rpartition("/")[0] + "/nesta_bench_b_budget"
    problem = ensure_postgres_database(url)
    if problem:
        say(f"[postgresql] SKIPPED: {problem}")
        return None
    env["DATABASE_URL"] = url
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.programmes.budget")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=10, help="selector runs per case")
    parser.add_argument("--baseline-repeat", type=int, default=1)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/nesta_bench")
    )
    parser.add_argument("--report", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--worker", action="store_true", help="measure on the database of the environment")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    if args.worker:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
        result = measure(args)
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, indent=1)
        return 0
    results = []
    for backend in [args.only] if args.only else ["sqlite", "postgres"]:
        env = _env(backend, args.pg_url)
        result = run_backend(backend, env, args) if env else None
        if result:
            results.append(result)
    if results and not args.no_report:
        _append(Path(args.report), report(results))
    for line in report(results):
        say(line)
    return 0 if results else 1


def _append(path: Path, lines: list[str]) -> None:
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with path.open("a", encoding="utf-8") as f:
        f.write("\n" + "\n".join([lines[0] + f" — {stamp}", *lines[1:]]) + "\n")


if __name__ == "__main__":
    sys.exit(main())
