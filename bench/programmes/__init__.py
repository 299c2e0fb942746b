"""The programmes' benchmarks (`python -m bench --suite programmes [--programmes-parts …]`).

One module per part, each owned by that part of issue 10:

    assignment  bench/programmes/assignment.py  5,000 applications × 2,000 experts, k = 5: affinity,
                                                min-cost flow, save; beside the greedy baseline
    selection   bench/programmes/selection.py   the funding selection over 5,000 applications
    budget      bench/programmes/budget.py      the budget view, 100,000 applications, 1,000,000 payments

Each part module has `run_backend(backend: str, env: dict, args) -> dict | None` (it measures with
`env`, which selects the backend's database, and returns JSON-ready results) and
`report(results: list[dict]) -> list[str]` (its section of docs/benchmarks.md, Markdown lines;
a part whose report also takes the command gets it). `PART_ARGS` gives each part the arguments it
reads (its own defaults), so parts with the same option names do not collide. Parts in `ONCE` need
no database and run once whatever the backends.
"""

import argparse
import importlib
import inspect
from datetime import UTC, datetime
from pathlib import Path

PARTS = ("assignment", "selection", "budget")
ONCE = {"selection"}


def part_args(part: str, args: argparse.Namespace) -> argparse.Namespace:
    common = {"seed": args.seed, "pg_url": args.pg_url, "sqlite_path": args.sqlite_path}
    own = {
        "assignment": {
            "applications": getattr(args, "assignment_applications", 5000),
            "experts": getattr(args, "assignment_experts", 2000),
            "k": 5,
        },
        "selection": {"applications": 5000},
        "budget": {
            "applications": getattr(args, "budget_applications", 100_000),
            "payments": getattr(args, "payments", 1_000_000),
            "repeat": 10,
            "baseline_repeat": 1,
        },
    }.get(part, {})
    return argparse.Namespace(**common, **own)


def programmes_env(env: dict, backend: str, args: argparse.Namespace) -> dict | None:
    """SQLite in var/bench/programmes.sqlite3, PostgreSQL in nesta_bench_programmes (as the budget
    part's own command uses)."""
    env = dict(env)
    if backend == "sqlite":
        path = Path(args.sqlite_path).with_name("programmes.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        env["SQLITE_PATH"] = str(path)
        return env
    from bench.__main__ import ensure_postgres_database

    url = env["DATABASE_URL"].rpartition("/")[0] + "/nesta_bench_programmes"
    if ensure_postgres_database(url):
        return None
    env["DATABASE_URL"] = url
    return env


def run(backends: list[str], args: argparse.Namespace, backend_env) -> int:
    parts = [p.strip() for p in (getattr(args, "programmes_parts", "") or ",".join(PARTS)).split(",") if p.strip()]
    status = 0
    sections: list[str] = []
    for part in parts:
        module = importlib.import_module(f"bench.programmes.{part}")
        pargs = part_args(part, args)
        results = []
        for backend in backends[:1] if part in ONCE else backends:
            env = backend_env(backend, args)
            env = programmes_env(env, backend, args) if env is not None else None
            if env is None:
                status = 1
                continue
            result = module.run_backend(backend, env, pargs)
            if result is None:
                status = 1
            else:
                results.append(result)
        if results:
            if len(inspect.signature(module.report).parameters) >= 2:
                sections += module.report(results, f"python -m bench --suite programmes --programmes-parts {part}")
            else:
                sections += module.report(results)
    if sections and not args.no_report:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        with open(args.report, "a", encoding="utf-8") as f:
            f.write(f"\n## Key projects and funds ({stamp})\n\n" + "\n".join(sections) + "\n")
        print(f"results appended to {args.report}", flush=True)
    return status
