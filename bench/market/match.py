"""Top-20 matches of a listing: p95 of the hybrid engine beside plain BM25, on generated listings.

    python -m bench --suite market --market-parts match [--listings 1000000] [--queries 200]

Each backend runs `python -m bench.market.match --listings N --out result.json` in its own
process against the market database (SQLite var/bench/market.sqlite3, PostgreSQL
nesta_bench_market): the listings of bench/market/data.py (shared with the search benchmark),
then the matcher's index of every on-market one (built here with `index.rebuild`: the generator
writes rows with bulk_create, which sends no signals; PostgreSQL reuses the SQLite run's tokens
with --documents-from, by reference key). Queries are on-market listings of every kind, drawn
with a fixed seed; for each, after a warm-up pass, one timed call of each method:

- hybrid: `top_matches(listing, limit=20)` — what GET …/matches runs;
- bm25: `top_matches(listing, limit=20, method="bm25")` — the plain BM25 baseline (same candidate
  kinds and statuses, the listing's own words, BM25 only);
- and, for the first --exact-queries queries, the exhaustive top 20 (every posting of every word,
  every listing holding one scored exactly; timed as "exhaustive"), and how many of it the bm25
  and the hybrid methods return (the exact recall of the candidate draw).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TARGET_MS = 100
CHUNK = 5000


def say(line: str) -> None:
    print(line, flush=True)


def _summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None, "mean": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "n": len(values),
        "p50": round(statistics.median(ordered), 1),
        "p95": round(p95, 1),
        "max": round(ordered[-1], 1),
        "mean": round(statistics.fmean(ordered), 1),
    }


_POOL = None
WORKERS = 3


def _tokenize(batch: list[tuple[int, str, str]]) -> list[tuple[int, str, list[str]]]:
    """In a worker process (forked before any connection was opened; it opens its own)."""
    from nesta.market.matching.index import text_tokens
    from nesta.market.matching.thesaurus import current

    th = current()
    return [(pk, kind, text_tokens(text, th)) for pk, kind, text in batch]


def _parallel_documents(qs, progress=say, skip: frozenset[int] = frozenset()):
    """The on-market listings of `qs` as documents, tokenized by WORKERS processes (the
    segmentation and the thesaurus detection are most of a 1,000,000-listing build)."""
    from nesta.market.matching.candidates import ON_MARKET, listing_text

    def batches():
        last = 0
        while True:
            rows = list(qs.filter(pk__gt=last, status__in=ON_MARKET).order_by("pk")[:2000])
            if not rows:
                return
            last = rows[-1].pk
            yield [(x.pk, x.kind, listing_text(x)) for x in rows if x.pk not in skip]

    if _POOL is None:
        from nesta.market.matching.thesaurus import current

        th = current()
        from nesta.market.matching.index import text_tokens

        for batch in batches():
            yield from ((pk, kind, text_tokens(text, th)) for pk, kind, text in batch)
        return
    for docs in _POOL.imap(_tokenize, batches()):
        yield from docs


def _documents_from(source: str, progress=say):
    """The matcher documents of another database holding the same bench listings (the other
    backend's, generated with the same seed), mapped by reference key: tokenizing 1,000,000
    listings once is enough for both backends. Listings it lacks are tokenized here."""
    import sqlite3

    from nesta.market.matching import index as I
    from nesta.market.matching.candidates import ON_MARKET
    from nesta.market.matching.thesaurus import current
    from nesta.market.models import Listing

    local = dict(
        Listing.objects.filter(reference_key__startswith="bench-lst-", status__in=ON_MARKET).values_list(
            "reference_key", "pk"
        )
    )
    kinds = dict(Listing.objects.filter(reference_key__startswith="bench-lst-").values_list("reference_key", "kind"))
    db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT l.reference_key, d.kind, d.tokens FROM market_matchdocument d "
        "JOIN market_listing l ON l.id = d.listing_id WHERE l.reference_key LIKE 'bench-lst-%'"
    )
    seen = set()
    for key, kind, tokens in rows:
        if key in local and kinds.get(key) == kind:
            seen.add(key)
            yield (local[key], kind, tokens.split(" ") if tokens else [])
    db.close()
    rest = [pk for key, pk in local.items() if key not in seen]
    progress(f"  {len(seen)} documents from {source}, {len(rest)} to tokenize")
    th = current()
    if len(rest) > 20_000:
        done = frozenset(local[key] for key in seen)
        bench = Listing.objects.filter(reference_key__startswith="bench-lst-")
        yield from _parallel_documents(bench.select_related("province", "city", "field"), progress, done)
    else:
        for i in range(0, len(rest), 2000):
            qs = Listing.objects.filter(pk__in=rest[i : i + 2000]).select_related("province", "city", "field")
            yield from I.documents(qs, th)
    others = Listing.objects.filter(status__in=ON_MARKET).exclude(reference_key__startswith="bench-lst-")
    yield from I.documents(others.select_related("province", "city", "field"), th)


def ensure_match_documents(progress=say, source: str | None = None) -> dict:
    """Build the matcher's index of the public listings unless every one is there (`source`: a
    SQLite database whose matcher documents to reuse, see _documents_from)."""
    from nesta.market.matching import index as I
    from nesta.market.matching.candidates import ON_MARKET
    from nesta.market.models import Listing, MatchDocument

    want = Listing.objects.filter(status__in=ON_MARKET).count()
    have = MatchDocument.objects.count()
    if have == want:
        return {"documents": want, "built_s": 0.0}
    started = time.monotonic()
    progress(f"building the matcher's index of {want} listings (it holds {have})")

    def step(n: int) -> None:
        if n % 100_000 < I.BATCH:
            progress(f"  {n}/{want} matcher documents ({time.monotonic() - started:.0f}s)")

    if source:
        docs = _documents_from(source, progress)
    else:
        docs = _parallel_documents(Listing.objects.select_related("province", "city", "field"), progress)
    done = I.rebuild(docs, step)
    return {"documents": done, "built_s": round(time.monotonic() - started, 1), "from": source}


def _exhaustive(listing, method: str = "bm25") -> list[int]:
    """The exhaustive BM25 top 20: every posting of every word drawn, every candidate scored
    (the naive OR over the same index — exact, and it pays for every posting)."""
    from nesta.market.matching import weights as W
    from nesta.market.matching.engine import top_matches

    saved = (W.MAX_QUERY_TERMS, W.POSTING_BUDGET, W.TERM_CAP, W.CANDIDATES, W.MERGE_TWINS, W.PRUNE)
    W.MAX_QUERY_TERMS, W.POSTING_BUDGET, W.TERM_CAP, W.CANDIDATES, W.MERGE_TWINS = 10_000, 10**12, 10**12, 10**9, False
    W.PRUNE = False
    try:
        return [m.listing.pk for m in top_matches(listing, limit=20, method=method)]
    finally:
        W.MAX_QUERY_TERMS, W.POSTING_BUDGET, W.TERM_CAP, W.CANDIDATES, W.MERGE_TWINS, W.PRUNE = saved


class TantivyIndex:
    """Option (b) of docs/market-matching.md, for the comparison only: the same documents in an
    embedded tantivy index (BM25, block-max WAND over a disjunction), built in a temporary folder."""

    def __init__(self, progress=say):
        import tantivy

        from nesta.market.models import MatchDocument

        self.tantivy = tantivy
        started = time.monotonic()
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("tokens", stored=False, tokenizer_name="whitespace")
        builder.add_text_field("kind", stored=False, tokenizer_name="raw")
        builder.add_integer_field("oid", stored=True, indexed=False)
        self.schema = builder.build()
        self.folder = tempfile.mkdtemp(prefix="match-tantivy-")
        self.index = tantivy.Index(self.schema, path=self.folder)
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        qs = MatchDocument.objects.values_list("listing_id", "kind", "tokens")
        n = 0
        for oid, kind, tokens in qs.iterator(chunk_size=5000):
            writer.add_document(tantivy.Document(tokens=tokens, kind=kind, oid=oid))
            n += 1
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.build_s = round(time.monotonic() - started, 1)
        progress(f"tantivy: {n} documents indexed in {self.build_s} s")

    def top(self, listing, k: int = 20) -> list[int]:
        from nesta.market.matching import candidates as C
        from nesta.market.matching.scoring import build_query
        from nesta.market.matching.thesaurus import current

        Q, Occur = self.tantivy.Query, self.tantivy.Occur
        query, _c, _e = build_query(listing, current(), hybrid=False)
        kinds = list(C.complement_kinds(listing.kind))
        if not query or not kinds:
            return []
        should = [(Occur.Should, Q.boost_query(Q.term_query(self.schema, "tokens", t), w)) for t, w in query.items()]
        q = Q.boolean_query([*should, (Occur.Must, Q.term_set_query(self.schema, "kind", kinds))])
        found = self.searcher.search(q, k + 1).hits
        ids = [self.searcher.doc(addr)["oid"][0] for _score, addr in found]
        return [i for i in ids if i != listing.pk][:k]


def measure(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    global _POOL
    if args.workers > 1:
        import multiprocessing

        _POOL = multiprocessing.get_context("fork").Pool(args.workers)  # before any connection
    from django.core.management import call_command
    from django.db import connection

    from bench.market.data import ensure_listings
    from nesta.market.matching.candidates import ON_MARKET
    from nesta.market.matching.engine import top_matches
    from nesta.market.models import Listing

    backend = connection.vendor
    say(f"[{backend}] database {connection.settings_dict['NAME']}: migrating")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    listings = ensure_listings(args.listings, args.seed)
    docs = ensure_match_documents(source=args.documents_from)
    say(f"[{backend}] {listings} {docs}")

    ids = list(
        Listing.objects.filter(reference_key__startswith="bench-lst-", status__in=ON_MARKET).values_list(
            "pk", flat=True
        )
    )
    rng = random.Random(args.seed)
    chosen = rng.sample(ids, min(len(ids), args.queries + args.warmup))
    related = ("province", "city", "field")
    queries = {x.pk: x for x in Listing.objects.filter(pk__in=chosen).select_related(*related)}
    warm, timed = chosen[: args.warmup], chosen[args.warmup :]
    for pk in warm:
        top_matches(queries[pk], limit=20)
        top_matches(queries[pk], limit=20, method="bm25")
    tv = None
    if args.tantivy:
        try:
            tv = TantivyIndex()
        except ImportError:
            say("tantivy is not installed: its comparison is skipped")
    from nesta.market.matching import pruning as P
    from nesta.market.matching import weights as W

    times: dict[str, list[float]] = {"hybrid": [], "bm25": [], "naive_or": [], "tantivy": [], "hybrid_sql": []}
    cpu: dict[str, list[float]] = {"hybrid": [], "hybrid_sql": []}
    read: list[float] = []
    same_as_sql = 0
    overlap: list[float] = []
    by_kind: dict[str, list[float]] = {}
    recalls: list[float] = []
    hybrid_recalls: list[float] = []
    empty = 0
    for pk in timed:
        listing = queries[pk]
        P.LAST.clear()
        t, c = time.perf_counter(), time.process_time()
        found = top_matches(listing, limit=20)
        ms = (time.perf_counter() - t) * 1000
        cpu["hybrid"].append((time.process_time() - c) * 1000)
        times["hybrid"].append(ms)
        read.append(P.LAST.get("postings", 0.0))
        if args.compare_sql:  # the previous read (SQL sums the posting rows), same query, same run
            W.PRUNE_BLOCKS = False
            try:
                t, c = time.perf_counter(), time.process_time()
                old = top_matches(listing, limit=20)
                times["hybrid_sql"].append((time.perf_counter() - t) * 1000)
                cpu["hybrid_sql"].append((time.process_time() - c) * 1000)
            finally:
                W.PRUNE_BLOCKS = True
            same_as_sql += [(m.listing.pk, m.score) for m in old] == [(m.listing.pk, m.score) for m in found]
        by_kind.setdefault(listing.kind, []).append(ms)
        empty += not found
        t = time.perf_counter()
        plain = top_matches(listing, limit=20, method="bm25")
        times["bm25"].append((time.perf_counter() - t) * 1000)
        if tv is not None:
            t = time.perf_counter()
            tv_ids = tv.top(listing)
            times["tantivy"].append((time.perf_counter() - t) * 1000)
            mine = [m.listing.pk for m in plain]
            if mine:
                overlap.append(len(set(mine) & set(tv_ids)) / len(mine))
        if len(recalls) < args.exact_queries:
            t = time.perf_counter()
            exact = _exhaustive(listing)
            times["naive_or"].append((time.perf_counter() - t) * 1000)
            recalls.append(len(set(exact) & {m.listing.pk for m in plain}) / len(exact) if exact else 1.0)
            exact = _exhaustive(listing, "hybrid")
            hybrid_recalls.append(len(set(exact) & {m.listing.pk for m in found}) / len(exact) if exact else 1.0)
    report = {
        "backend": backend,
        "listings": args.listings,
        "documents": docs["documents"],
        "generation_s": listings.get("generation_s"),
        "documents_s": docs["built_s"],
        "queries": len(timed),
        "empty": empty,
        "hybrid_ms": _summary(times["hybrid"]),
        "bm25_ms": _summary(times["bm25"]),
        "hybrid_sql_ms": _summary(times["hybrid_sql"]),
        "hybrid_cpu_ms": _summary(cpu["hybrid"]),
        "hybrid_sql_cpu_ms": _summary(cpu["hybrid_sql"]),
        "same_as_sql": same_as_sql if args.compare_sql else None,
        "block_postings_mean": round(statistics.fmean(read)) if read else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "naive_or_ms": _summary(times["naive_or"]),
        "tantivy_ms": _summary(times["tantivy"]),
        "tantivy_build_s": tv.build_s if tv else None,
        "tantivy_overlap_bm25": round(statistics.fmean(overlap), 3) if overlap else None,
        "by_kind_p95": {k: _summary(v)["p95"] for k, v in sorted(by_kind.items())},
        "exact_recall": round(statistics.fmean(recalls), 3) if recalls else None,
        "exact_queries": len(recalls),
        "hybrid_exact_recall": round(statistics.fmean(hybrid_recalls), 3) if hybrid_recalls else None,
    }
    say(f"[{backend}] {json.dumps(report, ensure_ascii=False)}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.market.match")
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--exact-queries", type=int, default=30)
    parser.add_argument("--tantivy", action="store_true", help="also time option (b): an embedded tantivy index")
    parser.add_argument("--documents-from", help="a SQLite database with the same bench listings' matcher documents")
    parser.add_argument(
        "--compare-sql",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the hybrid with the previous read (weights.PRUNE_BLOCKS = False)",
    )
    parser.add_argument("--workers", type=int, default=WORKERS, help="processes tokenizing an index build")
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
        cmd = [sys.executable, "-m", "bench.market.match", "--listings", str(args.listings), "--out", out]
        cmd += ["--seed", str(args.seed), "--queries", str(args.queries)]
        cmd += ["--exact-queries", "30" if args.listings <= 200_000 else "10"]  # exhaustive: seconds each at 1M
        sqlite_db = Path(args.sqlite_path).with_name("market.sqlite3")
        if backend == "postgres" and sqlite_db.exists():
            cmd += ["--documents-from", str(sqlite_db)]  # tokenized once, by the SQLite run
        result = subprocess.run(cmd, cwd=ROOT, env=env)
        if result.returncode != 0:
            say(f"[{backend}] match FAILED (exit {result.returncode})")
            return None
        with open(out, encoding="utf-8") as f:
            return json.load(f)
    finally:
        os.unlink(out)


def report(results: list[dict]) -> list[str]:
    lines = [
        "### Matching (top 20 for a listing, generated listings)",
        "",
        "`python -m bench --suite market --market-parts match`; queries are on-market listings of every kind; one "
        "timed call per query and method after a warm-up pass. hybrid = `top_matches` (GET …/matches); bm25 = the "
        "plain BM25 baseline over the same index; exhaustive = every posting of every word, every candidate scored. "
        f"Target: hybrid p95 ≤ {TARGET_MS} ms. Exact recall = share of the exhaustive top 20 that the bounded "
        "draw returns (bm25 / hybrid).",
        "",
        "| backend | listings | queries | hybrid p50 / p95 / max | bm25 p50 / p95 | hybrid ÷ bm25 p95 | exhaustive p50 / p95 | "
        "tantivy ids p50 / p95 (overlap with bm25) | exact recall bm25 / hybrid | p95 by kind (ms) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        h, b, n = r["hybrid_ms"], r["bm25_ms"], r["naive_or_ms"]
        kinds = ", ".join(f"{k} {v}" for k, v in r["by_kind_p95"].items())
        recall = (
            f"{r['exact_recall']} / {r.get('hybrid_exact_recall')} ({r['exact_queries']} q)"
            if r["exact_recall"] is not None
            else "—"
        )
        naive = f"{n['p50']} / {n['p95']} ms" if n["n"] else "—"
        tv = r.get("tantivy_ms") or {"n": 0}
        tantivy = f"{tv['p50']} / {tv['p95']} ms ({r.get('tantivy_overlap_bm25')})" if tv["n"] else "not installed"
        ratio = f"{h['p95'] / b['p95']:.2f}" if b["p95"] else "—"
        lines.append(
            f"| {r['backend']} | {r['listings']:,} | {r['queries']} | {h['p50']} / {h['p95']} / {h['max']} ms | "
            f"{b['p50']} / {b['p95']} ms | {ratio} | {naive} | {tantivy} | {recall} | {kinds} |"
        )
    lines.append("")
    return lines


if __name__ == "__main__":
    sys.exit(main())
