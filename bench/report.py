"""Markdown for docs/benchmarks.md: a header once, then one dated section per run."""

from datetime import UTC, datetime
from pathlib import Path

HEADER = """# Benchmarks

Reproduce with `make bench` (`python -m bench`; `BENCH_ARGS="--scale 20000 --only sqlite"` for a
quicker run). Each run appends a dated section below; older sections stay as the record.

## Directory search

**Data.** `python -m bench` fills a database of its own with the demo directory of
`manage.py demo_data` at `--scale` organisations (default 100,000, plus the 7 reference
high-tech zones; about 1.5 people per organisation are indexed beside them): SQLite in
`var/bench/bench.sqlite3`, PostgreSQL in the database `nesta_bench`. A database already holding
that scale is reused (re-indexed first if a sample of its search documents differs from what
the current indexer builds). `ANALYZE` (SQLite) or `VACUUM ANALYZE` (PostgreSQL) runs before timing, as
`PRAGMA optimize` or autovacuum would in service (right after a bulk load, PostgreSQL still holds
the GIN pending list and unset hint bits; searches timed then were up to 2× slower).

**Queries.** 200 queries (`--queries`), drawn with a fixed seed from the generator's vocabulary:
1–3 words of one priority field (e.g. `稀土永磁 钕铁硼`, `数控机床 焊接`, sometimes with an
instrument such as `扫描电镜`), each restricted to one province.

**Timed.** *Search*: the directory's list service,
`organization_list(filters=OrganizationFilters(q=..., province=...), limit=20)`, with the page
materialised (organisations with province, city, zone and fields) — Chinese segmentation of the
query, the FTS5 (SQLite) or tsvector/GIN (PostgreSQL) match, BM25 / `ts_rank` ranking and the
page load. *Baseline*: what the ORM does without an index,
`Organization.objects.filter(province__code=...)` with every word `icontains` in name or
description, ordered by id, first 20 rows. All run in the same process on the same queries after
10 warm-up queries. Each query runs `--repeat` times (3; in whole passes over the 200) and its
fastest run counts, so that other work on a shared machine blurs the figures less; p50/p95 are
over the queries. *Ratio* = baseline ÷ search. *Index only*
times `search.search(...)` alone (the ranked ids of the page, nothing loaded), to show which part
of the service's time the index takes. Match counts are taken afterwards, untimed, to show that
both return results (they differ by design: the index also covers address, city, kind and
fields, and matches segmented words, not substrings).

**Targets.** Search p95 ≤ 30 ms on SQLite, and ≥ 50× faster than the baseline.
"""


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _section(r: dict) -> str:
    s, x, b, m = r["search"], r["index"], r["baseline"], r["matches"]
    name = {"sqlite": "SQLite (FTS5)", "postgresql": "PostgreSQL (tsvector + GIN)"}[r["backend"]]
    facts = r["machine"]
    version = f"SQLite {facts['sqlite']}" if r["backend"] == "sqlite" else f"PostgreSQL {facts.get('postgresql')}"
    p95_ok = s["p95"] <= 30
    ratio50, ratio95 = b["p50"] / s["p50"], b["p95"] / s["p95"]
    generation = "reused" if r["reused"] else f"generated in {r['generation_s']:.0f} s"
    if r.get("reindexed"):
        generation += ", re-indexed with the current indexer"
    lines = [
        f"### {name}",
        "",
        f"{r['organizations']:,} organisations, {r['documents']:,} search documents ({generation}); "
        f"{r['queries']} queries × {r.get('repeat', 1)} runs (fastest counts); {version}.",
        "",
        "| | search (service, page of 20) | of which: index only | baseline (`icontains`) | ratio baseline ÷ search |",
        "|---|---:|---:|---:|---:|",
        f"| p50 (ms) | {_ms(s['p50'])} | {_ms(x['p50'])} | {_ms(b['p50'])} | {ratio50:.1f}× |",
        f"| p95 (ms) | {_ms(s['p95'])} | {_ms(x['p95'])} | {_ms(b['p95'])} | {ratio95:.1f}× |",
        f"| mean (ms) | {_ms(s['mean'])} | {_ms(x['mean'])} | {_ms(b['mean'])} | {b['mean'] / s['mean']:.1f}× |",
        f"| max (ms) | {_ms(s['max'])} | {_ms(x['max'])} | {_ms(b['max'])} | |",
        f"| queries with results | {m['search_nonempty']}/{r['queries']} | | "
        f"{m['baseline_nonempty']}/{r['queries']} | |",
        f"| matches per query, median (mean) | {m['search_median']:g} ({m['search_mean']:g}) | "
        f"| {m['baseline_median']:g} ({m['baseline_mean']:g}) | |",
        f"| full pages of 20 | {m['pages_full_search']} | | {m['pages_full_baseline']} | |",
        "",
        f"Targets: p95 ≤ 30 ms — {'met' if p95_ok else 'missed'}"
        + ("" if r["backend"] == "sqlite" else " (the target is set for SQLite)")
        + f"; ≥ 50× the baseline — p50 {'met' if ratio50 >= 50 else 'missed'}, "
        f"p95 {'met' if ratio95 >= 50 else 'missed'}.",
        "",
        "Slowest search queries: "
        + "; ".join(
            f"`{q['q']}` ({q['province']}) {_ms(q['search_ms'])} ms (index {_ms(q['index_ms'])} ms), "
            f"{q['search_matches']} matches"
            for q in r["slowest"][:5]
        )
        + ".",
        "",
    ]
    return "\n".join(lines)


def render(results: list[dict], when: datetime | None = None) -> str:
    when = when or datetime.now(UTC)
    facts = results[0]["machine"]
    machine = (
        f"{facts.get('cpu') or 'CPU'}, nproc {facts['nproc']}, {facts.get('memory', '?')} RAM, {facts['os']}; "
        f"Python {facts['python']}, SQLite {facts['sqlite']}"
    )
    pg = next((r["machine"].get("postgresql") for r in results if r["backend"] == "postgresql"), None)
    if pg:
        machine += f", PostgreSQL {pg}"
    scale = results[0]["scale"]
    out = [
        f"## {when:%Y-%m-%d %H:%M} UTC — directory search, {scale:,} organisations",
        "",
        f"Machine: {machine}.",
        "",
    ]
    out += [_section(r) for r in results]
    return "\n".join(out)


def append_report(path: Path, results: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text() if path.exists() else HEADER
    path.write_text(text.rstrip("\n") + "\n\n" + render(results))
