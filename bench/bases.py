"""Benchmark of the bases' evaluation (issue 11): 5,000 bases × 30 indicators × 10 years.

    python -m bench.bases [--bases 5000] [--years 10] [--only sqlite|postgres]
    python -m bench.bases --worker --out /tmp/r.json     # one backend, chosen by the environment

Generates (bulk, reused when the database already holds them) the organisations, N bases of both
types and levels, and an accepted report per base and year for Y years; one scheme per year with
all 30 indicators (typed, derived, computed; mixed normalisations, minimums, national thresholds).
Measured: `evaluation_run` — read the year's reports, score, rank, rule, freeze every result —
for each of the Y years (the target: all of them ≤ 2 s), in wall seconds, this process's CPU and
(PostgreSQL on the same host) the server backend's CPU, split into stages (read · score · rule and
pack · write · the rest); the results are then read back and checked. For the last year, the
arithmetic alone (core.evaluation.score_cohort) beside a baseline in the same run — the same
arithmetic in plain Python (no numpy) on the same figures; and the base page (with its evaluation
history) p50/p95 over 50 bases. Target for the page: ≤ 200 ms.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-base-{:06d}"
PROVINCES = ("210000", "220000", "230000")
TARGET_S = 2.0
PAGE_TARGET_MS = 200


def say(line: str) -> None:
    print(line, flush=True)


def _generate(n: int, years: list[int], rng: random.Random) -> None:
    from nesta.bases.models import Base, BaseReport
    from nesta.core.models import Region, TaxonomyNode
    from nesta.directory.models import Organization

    if Base.objects.filter(
        organization__reference_key__startswith="bench-base-"
    ).count() == n and BaseReport.objects.count() == n * len(years):
        say(f"  reusing {n} bases × {len(years)} years")
        return
    from nesta.bases.models import EvaluationResult

    EvaluationResult.objects.filter(base__organization__reference_key__startswith="bench-base-").delete()
    BaseReport.objects.filter(base__organization__reference_key__startswith="bench-base-").delete()
    Base.objects.filter(organization__reference_key__startswith="bench-base-").delete()
    Organization.objects.filter(reference_key__startswith="bench-").delete()
    provinces = {r.code: r for r in Region.objects.filter(code__in=PROVINCES)}
    fields = list(TaxonomyNode.objects.filter(depth=2))
    t0 = time.perf_counter()
    hosts = Organization.objects.bulk_create(
        [
            Organization(
                name=f"基准依托大学{i}",
                kind="university",
                province=provinces[PROVINCES[i % 3]],
                reference_key=f"bench-host-{i:05d}",
            )
            for i in range(max(1, n // 10))
        ],
        batch_size=2000,
    )
    labs = Organization.objects.bulk_create(
        [
            Organization(
                name=f"基准基地{i}",
                kind="key_laboratory" if i % 2 else "engineering_center",
                province=provinces[PROVINCES[i % 3]],
                reference_key=KEY.format(i),
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    hosts = list(Organization.objects.filter(reference_key__startswith="bench-host-").order_by("pk"))
    labs = list(Organization.objects.filter(reference_key__startswith="bench-base-").order_by("pk"))
    Base.objects.bulk_create(
        [
            Base(
                organization=lab,
                host=hosts[i % len(hosts)],
                base_type=lab.kind,
                level="national" if i % 4 == 0 else "provincial",
                field=fields[i % len(fields)],
                established_on=date(2000 + i % 20, 1 + i % 12, 1),
                status="operating",
            )
            for i, lab in enumerate(labs)
        ],
        batch_size=2000,
    )
    bases = list(Base.objects.filter(organization__in=labs).only("id", "level"))
    reports = []
    for b in bases:
        scale = 1.0 if b.level == "national" else 0.35
        for y in years:
            staff = int(rng.uniform(30, 200) * scale) + 5
            reports.append(
                BaseReport(
                    base_id=b.pk,
                    year=y,
                    status="accepted",
                    fixed_staff=staff,
                    senior_staff=staff // 2,
                    doctorate_staff=staff // 2,
                    rd_spend=Decimal(int(rng.uniform(1e6, 1.5e8) * scale)),
                    projects=int(rng.uniform(5, 150) * scale),
                    funding_national=Decimal(int(rng.uniform(1e6, 1e8) * scale)),
                    funding_local=Decimal(int(rng.uniform(1e5, 2e7) * scale)),
                    funding_enterprise=Decimal(int(rng.uniform(0, 3e7) * scale)),
                    funding_other=Decimal(int(rng.uniform(0, 5e6))),
                    patents_applied=int(rng.uniform(0, 120) * scale),
                    patents_granted=int(rng.uniform(0, 80) * scale),
                    standards=rng.randint(0, 8),
                    papers=int(rng.uniform(5, 400) * scale),
                    transfers=int(rng.uniform(0, 30) * scale),
                    transfer_income=Decimal(int(rng.uniform(0, 5e7) * scale)),
                    open_projects=rng.randint(0, 40),
                    trainees=rng.randint(0, 1000),
                    instrument_hours=Decimal(rng.randint(0, 20000)),
                    external_service_hours=Decimal(rng.randint(0, 8000)),
                    contracts=rng.randint(0, 40),
                    contract_amount=Decimal(rng.randint(0, 50_000_000)),
                    funding_awarded=Decimal(rng.randint(0, 30_000_000)),
                )  # fmt: skip
            )
    BaseReport.objects.bulk_create(reports, batch_size=2000)
    say(f"  generated {n} bases, {len(reports)} reports in {time.perf_counter() - t0:.1f} s")


def _schemes(years: list[int], office) -> list:
    from nesta.bases.indicators import ALL
    from nesta.bases.models import EvaluationScheme, SchemeCriterion

    norms = ("minmax", "zscore", "median_ratio")
    schemes = []
    for y, base_type in ((y, t) for y in years for t in ("key_laboratory", "engineering_center")):
        scheme, created = EvaluationScheme.objects.get_or_create(
            base_type=base_type, year=y, name=f"基准评估{y}", defaults={"created_by": office}
        )
        if created:
            SchemeCriterion.objects.bulk_create(
                SchemeCriterion(
                    scheme=scheme,
                    indicator=ind.key,
                    weight=Decimal(1 + j % 3),
                    normalisation=norms[j % 3],
                    sort_order=j,
                    minimum=Decimal(1) if ind.key == "papers" else None,
                    national_threshold=Decimal(100) if ind.key == "papers" else None,
                )  # fmt: skip
                for j, ind in enumerate(ALL)
            )
        schemes.append(scheme)
    return schemes


def _compute_only(scheme) -> tuple[float, float]:
    """The arithmetic alone on one year's figures (read once, outside the timing): core.evaluation's
    score_cohort (numpy, what evaluation_run calls) and the baseline — the same min-max / z / median
    ratio, weighted sum, competition ranks and ±10 % sensitivity in plain Python."""
    from nesta.bases.selectors.evaluation import read_figures
    from nesta.core.evaluation import Criterion, score_cohort

    criteria = list(scheme.criteria.all())
    figures = read_figures(scheme.year, scheme.base_type, [c.indicator for c in criteria])
    engine = [Criterion(c.indicator, float(c.weight), c.normalisation) for c in criteria]
    t0 = time.perf_counter()
    score_cohort(engine, figures.raw, figures.fields)
    numpy_s = time.perf_counter() - t0
    table = [[0.0 if v != v else v for v in row] for row in figures.raw.tolist()]  # NaN → 0 (rare)
    n = len(table)
    t0 = time.perf_counter()
    cols = []
    for j, c in enumerate(criteria):
        vals = [row[j] for row in table]
        if c.normalisation == "minmax":
            lo, hi = min(vals), max(vals)
            cols.append([(v - lo) / (hi - lo) if hi > lo else 1.0 for v in vals])
        elif c.normalisation == "zscore":
            mean, sd = statistics.fmean(vals), statistics.pstdev(vals)
            cols.append([(v - mean) / sd if sd else 0.0 for v in vals])
        else:
            med = statistics.median(vals)
            cols.append([v / med if med else 1.0 for v in vals])
    weights = [float(c.weight) for c in criteria]

    def ranks(w: list[float]) -> list[int]:
        total = sum(w)
        scores = [sum(cols[j][i] * w[j] for j in range(len(w))) / total for i in range(n)]
        ordered = sorted(scores, reverse=True)
        first = {}
        for position, s in enumerate(ordered):
            first.setdefault(s, position + 1)
        return [first[s] for s in scores]

    ranks(weights)
    for j in range(len(weights)):
        for f in (0.9, 1.1):
            moved = list(weights)
            moved[j] *= f
            ranks(moved)
    return numpy_s, time.perf_counter() - t0


class _Stages:
    """Wall and CPU seconds per stage of evaluation_run, summed over the runs: the figures' read,
    the arithmetic (core.evaluation's score_cohort), ruling (the rest of evaluate_cohort) and
    packing (the rest of saving), the results' write, and what remains (the scheme's read, the run
    row, the audit row, the commit)."""

    def __init__(self) -> None:
        from nesta.bases.services import evaluation
        from nesta.core.evaluation import schemes

        self.seconds, self.cpu, self.saved = {}, {}, []
        for module, name, stage in ((evaluation, "read_figures", "read"), (evaluation, "evaluate_cohort", "evaluate"),
                                    (schemes, "score_cohort", "score"), (evaluation, "_save_results", "save"),
                                    (evaluation, "insert_results", "write")):  # fmt: skip
            original = getattr(module, name)
            self.saved.append((module, name, original))
            setattr(module, name, self._timed(stage, original))

    def _timed(self, stage: str, f):
        def timed(*args, **kwargs):
            t, c = time.perf_counter(), time.process_time()
            try:
                return f(*args, **kwargs)
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t
                self.cpu[stage] = self.cpu.get(stage, 0.0) + time.process_time() - c

        return timed

    def restore(self) -> None:
        for module, name, f in self.saved:
            setattr(module, name, f)

    def summary(self, total: float, cpu: bool = False) -> dict:
        s = {k: round(v, 3) for k, v in (self.cpu if cpu else self.seconds).items()}
        rule = s.pop("evaluate", 0.0) - s.get("score", 0.0)
        s["rule+pack"] = round(rule + s.pop("save", 0.0) - s.get("write", 0.0), 3)
        s["other"] = round(total - s["read"] - s["score"] - s["rule+pack"] - s["write"], 3)
        return s


def _server_cpu(connection) -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far (same host; None otherwise)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _check_results(schemes, evaluated: int) -> None:
    """The frozen results read back: one per base, every reason and shift present and consistent."""
    from nesta.bases.models import EvaluationResult, EvaluationRun

    run = EvaluationRun.objects.filter(scheme=schemes[-1]).order_by("-pk").first()
    results = list(EvaluationResult.objects.filter(run=run).select_related("run").order_by("rank")[:50])
    assert 0 < run.base_count < evaluated, (run.base_count, evaluated)  # one type of the year's two
    assert EvaluationResult.objects.filter(run=run).count() == run.base_count
    for r in results:
        reasons, shifts = r.reasons, r.sensitivity
        assert len(reasons) == len(shifts) == len(run.criteria_snapshot)
        assert abs(sum(x["contribution"] for x in reasons) - r.score) < 1e-4, (r.pk, r.score)


def measure(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from nesta.accounts.models import User
    from nesta.bases.models import Base, EvaluationResult
    from nesta.bases.services.evaluation import evaluation_run
    from nesta.core.transactions import write_transaction
    from tests.factories import grant

    backend = connection.vendor
    say(f"[{backend}] migrating")
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    years = list(range(2025 - args.years + 1, 2026))
    rng = random.Random(args.seed)
    with write_transaction():
        _generate(args.bases, years, rng)
        office = User.objects.filter(username="bench_office").first() or grant(
            User.objects.create_user(username="bench_office", password="bench-2026-x"), "office"
        )
        schemes = _schemes(years, office)
    reverse("bases:detail", args=[1])  # a cold URL resolver is not what a running server pays
    if backend == "postgresql":  # the last run's results known to the planner (else the delete plans for none)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {EvaluationResult._meta.db_table}")
    EvaluationResult.objects.filter(run__scheme__in=schemes).delete()
    if backend == "postgresql":  # fresh bulk data has no planner statistics yet (autovacuum would add them)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    per_year = []
    stages = _Stages()
    server0 = _server_cpu(connection)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    evaluated = 0
    for i in range(0, len(schemes), 2):  # a year: both types
        t = time.perf_counter()
        evaluated = sum(evaluation_run(actor=office, scheme_id=s.pk).base_count for s in schemes[i : i + 2])
        per_year.append(round(time.perf_counter() - t, 3))
    total = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    server1 = _server_cpu(connection)
    stages.restore()
    _check_results(schemes, evaluated)
    engine_s, python_s = 0.0, 0.0
    for scheme in schemes[-2:]:
        a, b = _compute_only(scheme)
        engine_s, python_s = engine_s + a, python_s + b
    client = Client()
    client.force_login(office)
    ids = list(
        Base.objects.filter(base_type="key_laboratory")
        .order_by("pk")
        .values_list("pk", flat=True)[:: max(1, args.bases // 100)][:50]
    )
    client.get(f"/bases/{ids[0]}/")
    page_ms = []
    for pk in ids:
        t = time.perf_counter()
        r = client.get(f"/bases/{pk}/")
        page_ms.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    page_ms.sort()
    return {
        "backend": backend,
        "bases": args.bases,
        "evaluated_per_year": evaluated,
        "years": len(years),
        "indicators": schemes[-1].criteria.count(),
        "total_s": round(total, 3),
        "cpu_s": round(cpu, 3),
        "server_cpu_s": None if server0 is None or server1 is None else round(server1 - server0, 2),
        "stages": stages.summary(total),
        "stages_cpu": stages.summary(cpu, cpu=True),
        "per_year_s": per_year,
        "engine_s": round(engine_s, 4),
        "baseline_s": round(python_s, 4),
        "page_p50_ms": round(page_ms[len(page_ms) // 2], 1),
        "page_p95_ms": round(page_ms[int(len(page_ms) * 0.95) - 1], 1),
        "load": os.getloadavg()[0],
    }


def _env(backend: str, pg_url: str) -> dict | None:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if backend == "sqlite":
        env.pop("DATABASE_URL", None)
        path = ROOT / "var" / "bench" / "bases.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        env["SQLITE_PATH"] = str(path)
        return env
    from bench.__main__ import ensure_postgres_database

    url = pg_url.rpartition("/")[0] + "/nesta_bench_bases"
    problem = ensure_postgres_database(url)
    if problem:
        say(f"[postgresql] SKIPPED: {problem}")
        return None
    env["DATABASE_URL"] = url
    return env


def report(results: list[dict]) -> list[str]:
    lines = [
        "### Innovation bases: the evaluation, 5,000 bases × 30 indicators × 10 years",
        "",
        "`python -m bench.bases` (`--only sqlite|postgres`). `evaluation_run` for each of the years (a run per "
        "scheme: both base types, 2,500 bases each) — read the year's accepted reports, score with core.evaluation "
        "(30 criteria, mixed normalisations, ±10 % sensitivity), rule, freeze every result with its reasons, "
        "shifts and grounds — wall seconds with this process's CPU and, on PostgreSQL, the server backend's CPU; "
        "the wall and this process's CPU split into stages (read · score · rule and pack · write · the rest: "
        "scheme, run row, audit, commit); for the last year, core.evaluation's arithmetic beside the same in plain Python on the same "
        "figures; the base page with its evaluation history over 50 bases. Targets: all the "
        f"years ≤ {TARGET_S:g} s; the page ≤ {PAGE_TARGET_MS} ms.",
        "",
        "| backend | bases (evaluated per year) × indicators × years | all years end to end | CPU: client / server | per year | stages: read · score · rule+pack · write · other (wall) | the same, client CPU | one year's arithmetic: engine / plain Python | ratio | base page p50 / p95 | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = r["baseline_s"] / r["engine_s"] if r["engine_s"] else 0
        st = r.get("stages", {})
        stages = " · ".join(str(st.get(k, "–")) for k in ("read", "score", "rule+pack", "write", "other"))
        sc = r.get("stages_cpu", {})
        stages_cpu = " · ".join(str(sc.get(k, "–")) for k in ("read", "score", "rule+pack", "write", "other"))
        server = "–" if r.get("server_cpu_s") is None else f"{r['server_cpu_s']} s"
        lines.append(
            f"| {r['backend']} | {r['bases']:,} ({r['evaluated_per_year']:,}) × {r['indicators']} × {r['years']} | "
            f"**{r['total_s']} s** | {r['cpu_s']} s / {server} | {min(r['per_year_s'])}–{max(r['per_year_s'])} s | "
            f"{stages} s | {stages_cpu} s | {r['engine_s']} s / {r['baseline_s']} s | {ratio:.1f}× | "
            f"{r['page_p50_ms']} / {r['page_p95_ms']} ms | {r['load']:.1f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bases")
    parser.add_argument("--bases", type=int, default=5000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/nesta_bench")
    )
    parser.add_argument("--report", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-report", action="store_true")
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
        cmd = [sys.executable, "-m", "bench.bases", "--worker", "--out", out, "--bases", str(args.bases)]
        cmd += ["--years", str(args.years), "--seed", str(args.seed)]
        if subprocess.run(cmd, cwd=ROOT, env=env).returncode == 0:
            with open(out, encoding="utf-8") as f:
                results.append(json.load(f))
        os.unlink(out)
    lines = report(results)
    if results and not args.no_report:
        from datetime import UTC, datetime

        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        with Path(args.report).open("a", encoding="utf-8") as f:
            f.write("\n" + "\n".join([lines[0] + f" — {stamp}", *lines[1:]]) + "\n")
    for line in lines:
        say(line)
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
