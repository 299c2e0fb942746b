"""Benchmarks on SQLite and PostgreSQL; each appends its results to docs/benchmarks.md.

    python -m bench [--suite directory|instruments|booking|market|programmes|bases|zones|all] [--only sqlite|postgres] ...

directory: the directory search at --scale organisations. instruments: --instruments instruments
with --per-instrument bookings each (search, availability, free-between, next free slot, booking
at the service level and over HTTP on both paths, creates mixed with moves, the naive baseline,
openness). booking: both booking paths over HTTP on `make run`'s demo database (--data demo, a
copy of var/nesta.sqlite3 or generated as `make data` does) or on the instruments suite's
(--data generated), at each of --http-clients, with GET /healthz as the baseline of the run.

Each backend runs in its own process (bench.worker) with its database chosen by environment:
SQLite in var/bench/bench.sqlite3, PostgreSQL in the database of --pg-url (created if missing).
A database already holding the demo directory at that scale is reused.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.report import append_report
from bench.worker import LARGER_SCALE

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/nesta_bench"


def ensure_postgres_database(url: str) -> str | None:
    """None when the database is ready (created if absent), else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(base + "/postgres", connect_timeout=3, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
                print(f"[postgresql] created database {name}", flush=True)
    except psycopg.Error as exc:
        return str(exc).strip()
    return None


def reset_database(backend: str, args: argparse.Namespace) -> None:
    """Empty the benchmark's database (it holds another scale)."""
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(args.sqlite_path + suffix).unlink(missing_ok=True)
        return
    import psycopg

    base, _, name = args.pg_url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_backend(backend: str, args: argparse.Namespace) -> dict | None:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if backend == "sqlite":
        env.pop("DATABASE_URL", None)
        path = Path(args.sqlite_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        env["SQLITE_PATH"] = str(path)
    else:
        problem = ensure_postgres_database(args.pg_url)
        if problem:
            print(f"[postgresql] SKIPPED: {args.pg_url} not reachable: {problem}", flush=True)
            return None
        env["DATABASE_URL"] = args.pg_url
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    try:
        cmd = [sys.executable, "-m", "bench.worker", "--scale", str(args.scale), "--queries", str(args.queries)]
        cmd += ["--seed", str(args.seed), "--repeat", str(args.repeat), "--out", out]
        result = subprocess.run(cmd, cwd=ROOT, env=env)
        if result.returncode == LARGER_SCALE:
            print(f"[{backend}] emptying the benchmark database and generating again", flush=True)
            reset_database(backend, args)
            result = subprocess.run(cmd, cwd=ROOT, env=env)
        if result.returncode != 0:
            print(f"[{backend}] FAILED (exit {result.returncode})", flush=True)
            return None
        with open(out) as f:
            return json.load(f)
    finally:
        os.unlink(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=100_000, help="organisations (default 100000)")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run one backend only")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; the fastest counts")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench" / "bench.sqlite3"))
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--report", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-report", action="store_true", help="print only; do not touch docs/benchmarks.md")
    parser.add_argument("--json", help="also write the raw results (per-query times) to this file")
    parser.add_argument(
        "--suite",
        choices=["directory", "instruments", "booking", "market", "programmes", "bases", "zones", "all"],
        default="all",
    )
    parser.add_argument("--instruments", type=int, default=50_000, help="instruments suite: instruments")
    parser.add_argument("--per-instrument", type=int, default=100, help="instruments suite: bookings each")
    parser.add_argument("--clients", type=int, default=32, help="instruments suite: concurrent clients")
    parser.add_argument("--seconds", type=float, default=20, help="instruments suite: each throughput run")
    parser.add_argument("--http-clients", default="8,32", help="HTTP runs: client counts, comma-separated")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, default=0, help="booking suite: gunicorn threads per worker")
    parser.add_argument("--data", choices=["demo", "generated"], default="demo", help="booking suite: which data")
    parser.add_argument(
        "--demo-sqlite", default=str(ROOT / "var" / "nesta.sqlite3"), help="booking suite: make run's database"
    )
    parser.add_argument("--market-parts", default="", help="market suite: parts, comma-separated (default all)")
    parser.add_argument("--listings", type=int, default=1_000_000, help="market suite: generated listings")
    parser.add_argument("--contracts", type=int, default=1_000_000, help="market suite: generated contracts")
    parser.add_argument("--programmes-parts", default="", help="programmes suite: parts, comma-separated (default all)")
    parser.add_argument("--assignment-applications", type=int, default=5000, help="programmes assignment: applications")
    parser.add_argument("--assignment-experts", type=int, default=2000, help="programmes assignment: experts")
    args = parser.parse_args(argv)

    backends = [args.only] if args.only else ["sqlite", "postgres"]
    status = 0
    if args.suite in {"directory", "all"}:
        status = run_directory(backends, args)
    if args.suite in {"instruments", "all"}:
        status = run_instruments(backends, args) or status
    if args.suite == "booking":
        status = run_booking(backends, args, argv) or status
    if args.suite == "market":
        from bench import market

        status = market.run(backends, args, backend_env) or status
    if args.suite == "programmes":
        from bench import programmes

        status = programmes.run(backends, args, backend_env) or status
    if args.suite in {"bases", "zones"}:
        # issue 11's own benchmarks, each with its own databases (var/bench/<suite>.sqlite3, nesta_bench_<suite>)
        import importlib

        only = ["--only", args.only] if args.only else []
        status = importlib.import_module(f"bench.{args.suite}").main(only) or status
    return status


def backend_env(backend: str, args: argparse.Namespace) -> dict | None:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if backend == "sqlite":
        env.pop("DATABASE_URL", None)
        Path(args.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
        env["SQLITE_PATH"] = str(args.sqlite_path)
        return env
    problem = ensure_postgres_database(args.pg_url)
    if problem:
        print(f"[postgresql] SKIPPED: {args.pg_url} not reachable: {problem}", flush=True)
        return None
    env["DATABASE_URL"] = args.pg_url
    return env


def run_instruments(backends: list[str], args: argparse.Namespace) -> int:
    from bench import inst_report

    results = []
    for backend in backends:
        env = backend_env(backend, args)
        result = inst_report.run_backend(backend, env, args) if env else None
        if result:
            results.append(result)
    if results and not args.no_report:
        inst_report.append_report(Path(args.report), results)
        print(f"results appended to {args.report}", flush=True)
    return 0 if len(results) == len(backends) else 1


def _has_demo_members(path: Path) -> bool:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute("SELECT 1 FROM accounts_user WHERE username = 'member01'").fetchone() is not None
    except sqlite3.Error:
        return False


def demo_env(backend: str, args: argparse.Namespace) -> dict | None:
    """The booking suite's demo database: a copy of `make run`'s SQLite database (bench bookings
    never touch the real one), or one generated as `make data` does; on PostgreSQL its own
    database (--pg-url's name + _demo), generated once."""
    import sqlite3

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    manage = [sys.executable, "manage.py"]
    if backend == "sqlite":
        env.pop("DATABASE_URL", None)
        target = Path(args.sqlite_path).with_name("demo.sqlite3")
        target.parent.mkdir(parents=True, exist_ok=True)
        env["SQLITE_PATH"] = str(target)
        source = Path(args.demo_sqlite)
        if source.exists() and _has_demo_members(source):
            print(f"[sqlite] copying {source} to {target}", flush=True)
            with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
                src.backup(dst)
            subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
            return env
    else:
        url = args.pg_url + "_demo"
        problem = ensure_postgres_database(url)
        if problem:
            print(f"[postgresql] SKIPPED: {url} not reachable: {problem}", flush=True)
            return None
        env["DATABASE_URL"] = url
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "load_reference"], cwd=ROOT, env=env, check=True)
    scale = os.environ.get("DEMO_SCALE", "400")
    subprocess.run([*manage, "demo_data", "--scale", scale, "--seed", str(args.seed)], cwd=ROOT, env=env, check=True)
    return env


def run_booking(backends: list[str], args: argparse.Namespace, argv: list[str] | None) -> int:
    from bench import inst_report

    results = []
    for backend in backends:
        env = demo_env(backend, args) if args.data == "demo" else backend_env(backend, args)
        result = inst_report.run_booking_backend(backend, env, args) if env else None
        if result:
            results.append(result)
    if results and not args.no_report:
        command = 'make bench BENCH_ARGS="' + " ".join(argv if argv is not None else sys.argv[1:]) + '"'
        inst_report.append_booking_report(Path(args.report), results, command)
        print(f"results appended to {args.report}", flush=True)
    return 0 if len(results) == len(backends) else 1


def run_directory(backends: list[str], args: argparse.Namespace) -> int:
    results = [r for r in (run_backend(b, args) for b in backends) if r]
    if not results:
        return 1
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)
    if not args.no_report:
        append_report(Path(args.report), results)
        print(f"results appended to {args.report}", flush=True)
    return 0 if len(results) == len(backends) else 1


if __name__ == "__main__":
    sys.exit(main())
