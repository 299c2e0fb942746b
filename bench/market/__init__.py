"""The technology market's benchmarks (`python -m bench --suite market [--market-parts …]`).

One module per part, each owned by that part of the market:

    search   bench/market/search.py    search p95 beside an icontains baseline, 1,000,000 listings
    match    bench/market/match.py     top-20 matches p95 beside plain BM25, 1,000,000 listings
    quality  bench/market/quality.py   recall@10, MRR, nDCG@10 of BM25 and the hybrid on the labelled set
    stats    bench/market/stats.py     a year's statistics over 1,000,000 contracts
    bidding  bench/market/bidding.py   50 concurrent bidders on one lot: bids/s, exactly one winner

Each part module has `run_backend(backend: str, env: dict, args) -> dict | None` (it runs its
measuring process with `env`, which selects the backend's database, and returns the results as
JSON-ready data) and `report(results: list[dict]) -> list[str]` (its section of
docs/benchmarks.md, Markdown lines). The databases: SQLite in var/bench/market.sqlite3,
PostgreSQL in the `nesta_bench_market` database of the server of --pg-url.
"""

import importlib
from datetime import UTC, datetime
from pathlib import Path

PARTS = ("search", "match", "quality", "stats", "bidding")


def market_env(env: dict, backend: str, args) -> dict:
    env = dict(env)
    if backend == "sqlite":
        path = Path(args.sqlite_path).with_name("market.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        env["SQLITE_PATH"] = str(path)
    else:
        env["DATABASE_URL"] = env["DATABASE_URL"].rpartition("/")[0] + "/nesta_bench_market"
    return env


def run(backends: list[str], args, backend_env) -> int:
    parts = [p.strip() for p in (args.market_parts or ",".join(PARTS)).split(",") if p.strip()]
    status = 0
    sections: list[str] = []
    for part in parts:
        module = importlib.import_module(f"bench.market.{part}")
        results = []
        for backend in backends:
            env = backend_env(backend, args)
            if env is None:
                status = 1
                continue
            if backend == "postgres":
                from bench.__main__ import ensure_postgres_database

                url = env["DATABASE_URL"].rpartition("/")[0] + "/nesta_bench_market"
                if ensure_postgres_database(url):
                    status = 1
                    continue
            result = module.run_backend(backend, market_env(env, backend, args), args)
            if result is None:
                status = 1
            else:
                results.append(result)
        if results:
            sections += module.report(results)
    if sections and not args.no_report:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        with open(args.report, "a", encoding="utf-8") as f:
            f.write(f"\n## Technology market ({stamp})\n\n" + "\n".join(sections) + "\n")
        print(f"results appended to {args.report}", flush=True)
    return status
