"""Measure a proposed change to the SQLite search index against the current one, in raw SQL.

    python -m bench.proposals [--sqlite-path var/bench/bench.sqlite3] [--queries 200]

Run it after `python -m bench` has filled the benchmark database. Why: the engine puts its facet
filters in the FTS5 MATCH as phrases ("torganization", "p210000"), whose doclists hold ~100,000
rows each, so every query intersects them with its words' doclists: ~2 ms however rare the words
(the earlier engine also ran bm25(), whose IDF walks every phrase's whole doclist: ~12 ms).

Proposal: give the FTS rows rowid = (partition(doc_type, province) << 32) | searchdocument.id in a
contentless FTS5 table, so a doc type (and province) filter becomes a rowid range, which FTS5 applies
while it walks the words' doclists. City, kind and field filters can stay phrases (their doclists
are far shorter) or become post-filters on core_searchdocument.
"""

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = "bench_fts_partitioned"
DOC_TYPES = {"organization": 1, "person": 2}


def partition_sql() -> str:
    # 8 slots per doc type: the province's first two digits mod 8 (21, 22, 23 → 5, 6, 7; none → 0).
    return (
        "((CASE doc_type WHEN 'organization' THEN 1 ELSE 2 END) * 8 "
        "+ CAST(substr(province_code || '00', 1, 2) AS INTEGER) % 8) * 4294967296 + id"
    )


def province_range(doc_type: str, province: str) -> tuple[int, int]:
    block = (DOC_TYPES[doc_type] * 8 + int(province[:2]) % 8) << 32
    return block, block + (1 << 32) - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.proposals")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench" / "bench.sqlite3"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    os.environ["SQLITE_PATH"] = args.sqlite_path
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from bench.queries import make_queries
    from nesta.core.search.engine import FTS_TABLE, _filters, _fts_match, _fts_quote
    from nesta.core.search.segment import query_tokens

    con = sqlite3.connect(args.sqlite_path)
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [TABLE]).fetchone():
        print(f"building {TABLE} (once)", flush=True)
        con.execute(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5(tokens, filters, content='', "
            "tokenize='unicode61 remove_diacritics 0')"
        )
        con.execute(
            f"INSERT INTO {TABLE}(rowid, tokens, filters) SELECT {partition_sql()}, tokens, filters "
            "FROM core_searchdocument ORDER BY 1"
        )
        con.commit()

    queries = [(q, query_tokens(q.q)) for q in make_queries(args.queries, args.seed)]
    province_match = lambda q, t: _fts_match(t, _filters("organization", q.province, "", "", ""))  # noqa: E731
    words_only = lambda t: "tokens : (" + " AND ".join(_fts_quote(x) for x in t) + ")"  # noqa: E731
    variants = {
        # The engine's first step (two-step BM25): the matches, shortest first, in a block of 200.
        "current: facets as MATCH phrases": lambda q, t: (
            f"SELECT d.id, d.object_id, d.length FROM {FTS_TABLE} f JOIN core_searchdocument d "
            f"ON d.id = f.rowid WHERE {FTS_TABLE} MATCH ? ORDER BY d.length, d.id LIMIT 200",
            [province_match(q, t)],
        ),
        "proposal: facets as a rowid range": lambda q, t: (
            f"SELECT d.id, d.object_id, d.length FROM {TABLE} f JOIN core_searchdocument d "
            f"ON d.id = (f.rowid & 4294967295) WHERE {TABLE} MATCH ? AND f.rowid BETWEEN ? AND ? "
            "ORDER BY d.length, d.id LIMIT 200",
            [words_only(t), *province_range("organization", q.province)],
        ),
        "(old engine: bm25() over the facet phrases)": lambda q, t: (
            f"SELECT d.object_id, f.rank FROM {FTS_TABLE} f JOIN core_searchdocument d ON d.id = f.rowid "
            f"WHERE {FTS_TABLE} MATCH ? AND f.rank MATCH 'bm25(1.0, 0.0)' ORDER BY f.rank LIMIT 21",
            [province_match(q, t)],
        ),
        "(the match alone, current)": lambda q, t: (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?",
            [province_match(q, t)],
        ),
        "(the match alone, proposal)": lambda q, t: (
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ? AND rowid BETWEEN ? AND ?",
            [words_only(t), *province_range("organization", q.province)],
        ),
    }
    for label, build in variants.items():
        times = []
        for q, tokens in queries[:10] + queries:  # the first ten warm up
            sql, params = build(q, tokens)
            t0 = time.perf_counter()
            con.execute(sql, params).fetchall()
            times.append((time.perf_counter() - t0) * 1000)
        times = sorted(times[10:])
        p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
        print(f"{label:45s} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   max {times[-1]:6.1f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
