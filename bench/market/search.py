"""The market search benchmark, one backend per process (settings read SQLITE_PATH / DATABASE_URL).

    python -m bench --suite market --market-parts search [--listings 1000000] [--only sqlite]
    python -m bench.market.search --listings 20000 --out result.json      # one backend, directly
    python -m bench.market.search --listings 20000 --ab-postings --out ab.json  # PostgreSQL: posting lists beside GIN

Data: `--listings` generated listings of every kind (bench/market/data.py, reused when the
database already holds them). Timed, each query `--repeat` times in whole passes (the fastest run
counts): `listing_search` — the list page's and the API's selector — for `--queries` realistic
queries (single words, two words of one domain, the plant-floor phrases demands use; half of them
with a filter: kind, province, field, price band, status), once without facets and once with
them (counts per kind, field, province, status, maturity, IP type and price band, and the total);
beside it, in the same run, the naive baseline on the first `--baseline-queries` of them: an
`icontains` on title, summary and keywords for every word with the same filters, newest first,
20 rows. Also the newest-first pages without a query (facets cold and cached) and the first load
of the in-memory columns.
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

ROOT = Path(__file__).resolve().parents[2]
TARGET_P95_MS = 50.0


def say(line: str) -> None:
    print(line, flush=True)


# --- queries ---------------------------------------------------------------------------------


def make_queries(n: int, seed: int) -> list[dict]:
    """n realistic queries drawn from the generator's vocabularies (bench/market/data.py)."""
    from bench.market.data import DOMAINS

    rng = random.Random(seed + 7)
    parents = {
        "automotive": "equipment-manufacturing",
        "machinery": "equipment-manufacturing",
        "superalloys": "new-materials",
        "rare-earth-magnets": "new-materials",
        "crops": "new-varieties",
        "wind-energy": "new-energy-environment",
        "catalysis": "petrochemicals",
    }
    queries = []
    for i in range(n):
        d = rng.choice(DOMAINS)
        shape = rng.random()
        if shape < 0.4:
            q = rng.choice(d["products"] + d["materials"] + d["processes"] + d["terms"])
        elif shape < 0.75:
            q = f"{rng.choice(d['products'] + d['materials'])} {rng.choice(d['processes'] + d['terms'])}"
        else:
            q = rng.choice(d["defects"])
        filters: dict = {}
        if i % 2:
            pick = rng.choice(["kind", "province", "field", "price_band", "status", "kind_province"])
            if pick in {"kind", "kind_province"}:
                filters["kind"] = rng.choice(["achievement", "demand", "capacity", "service"])
            if pick in {"province", "kind_province"}:
                filters["province"] = rng.choice(["210000", "220000", "230000"])
            if pick == "field":
                code = rng.choice(d["fields"])
                filters["field"] = parents.get(code, code)
            if pick == "price_band":
                filters["price_band"] = rng.choice(["negotiable", "10to50", "100to500", "gte1000"])
            if pick == "status":
                filters["statuses"] = ("dealt",)
        queries.append({"q": q, **filters})
    return queries


def baseline(query: dict) -> list[int]:
    """The naive search: every word a substring of title, summary or keywords; newest first."""
    from django.db.models import Q

    from nesta.core.search.segment import query_tokens
    from nesta.market.models import Listing
    from nesta.market.selectors.search import price_band_q

    qs = Listing.objects.filter(status__in=query.get("statuses", ("published", "negotiating")))
    for word in query_tokens(query["q"]):
        qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(keywords__icontains=word))
    if query.get("kind"):
        qs = qs.filter(kind=query["kind"])
    if query.get("province"):
        qs = qs.filter(province__code=query["province"])
    if query.get("field"):
        f = query["field"]
        qs = qs.filter(Q(field__code=f) | Q(field__parent__code=f) | Q(field__parent__parent__code=f))
    if query.get("price_band"):
        qs = qs.filter(price_band_q(query["price_band"]))
    return list(qs.order_by("-published_at", "-id").values_list("id", flat=True)[:20])


# --- the measuring process -------------------------------------------------------------------


def summary(times: list[float]) -> dict:
    from bench.worker import summary as _summary

    return _summary(times)


# Wall time and this process's CPU time of each call, the fastest of the passes each. On a loaded
# machine the wall time holds the waits for a core; on SQLite the CPU time is the whole cost of
# the query (the database runs in the process), on PostgreSQL the client's side of it only.
CPU_TIMES: dict[str, list[float]] = {}


def timed_passes(label: str, fn, items: list, repeat: int, backend: str) -> tuple[list[float], list]:
    runs: list[list[float]] = [[] for _ in items]
    cpu: list[list[float]] = [[] for _ in items]
    out: list = [None] * len(items)
    for r in range(repeat):
        for i, item in enumerate(items):
            c0 = time.process_time()
            t0 = time.perf_counter()
            out[i] = fn(item)
            runs[i].append((time.perf_counter() - t0) * 1000)
            cpu[i].append((time.process_time() - c0) * 1000)
        best = [min(t) for t in runs]
        say(f"[{backend}] {label}: pass {r + 1}/{repeat}, p50 {statistics.median(best):.2f} ms")
    CPU_TIMES[label] = [min(t) for t in cpu]
    return [min(t) for t in runs], out


def ab_postings(queries: list[dict], repeat: int) -> dict:
    """listing_search with facets through the posting lists (core.search.postings) and through
    the GIN index (the market's _posted_rowids switched off), alternating per query."""
    from nesta.market.selectors import facets
    from nesta.market.selectors.search import ListingFilters, listing_search

    posted = facets._posted_rowids
    sides: dict[str, list[tuple[float, float]]] = {"gin": [], "postings": []}
    agree = 0
    for q in queries[:5]:
        listing_search(filters=ListingFilters(**q))
    for q in queries:
        pages = {}
        for side in sides:
            facets._posted_rowids = posted if side == "postings" else (lambda *a, **k: None)
            best = None
            for _ in range(repeat):
                c, w = time.process_time(), time.perf_counter()
                page = listing_search(filters=ListingFilters(**q))
                run = ((time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000)
                best = run if best is None or run[0] < best[0] else best
            sides[side].append(best)
            pages[side] = ([x.pk for x in page.items], page.total, page.facets)
        agree += pages["gin"] == pages["postings"]
    facets._posted_rowids = posted
    out: dict = {"queries": len(queries), "identical_pages": agree, "load_average": list(os.getloadavg())}
    for side, runs in sides.items():
        out[side] = {"wall": summary([r[0] for r in runs]), "cpu": summary([r[1] for r in runs])}
        say(f"[ab] {side}: wall {out[side]['wall']}, CPU {out[side]['cpu']}")
    say(f"[ab] identical page, total and facets: {agree}/{len(queries)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--baseline-queries", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--ab-postings",
        action="store_true",
        help="PostgreSQL: only time listing_search with facets on --queries queries, the posting lists "
        "beside the GIN index, alternating in this process (best of --repeat), and check both agree",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from bench.market.data import ensure_listings
    from bench.worker import machine
    from nesta.core import search as core_search
    from nesta.core.models import SearchDocument
    from nesta.market.models import Listing
    from nesta.market.selectors.facets import COLUMNS
    from nesta.market.selectors.search import ListingFilters, listing_search

    backend = connection.vendor
    say(f"[{backend}] database {connection.settings_dict['NAME']}: migrating")
    call_command("migrate", interactive=False, verbosity=0)
    data = ensure_listings(args.listings, args.seed, progress=lambda line: say(f"[{backend}] {line}"))
    if data["reused"]:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    listings = Listing.objects.count()
    documents = SearchDocument.objects.filter(doc_type="listing").count()
    say(f"[{backend}] {listings} listings, {documents} listing documents (reused={data['reused']})")

    if args.ab_postings:
        COLUMNS.refresh("listing", wait=True)
        result = ab_postings(make_queries(args.queries, args.seed), args.repeat)
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    t0 = time.perf_counter()
    COLUMNS.refresh("listing", wait=True)
    columns_s = round(time.perf_counter() - t0, 2)
    say(f"[{backend}] columns loaded in {columns_s}s ({len(COLUMNS.combos)} facet combinations)")

    queries = make_queries(args.queries, args.seed)

    def run(query: dict, facets: bool) -> list[int]:
        page = listing_search(filters=ListingFilters(**query), limit=20, with_facets=facets)
        return [x.pk for x in page.items]

    for query in queries[:10]:  # warm caches and connections
        run(query, True)
        run(query, False)
    plain, _ = timed_passes("search", lambda q: run(q, False), queries, args.repeat, backend)
    faceted, _ = timed_passes("search + facets", lambda q: run(q, True), queries, args.repeat, backend)
    subset = queries[: args.baseline_queries]
    base_times, base_pages = timed_passes("icontains baseline", baseline, subset, 1, backend)

    say(f"[{backend}] counting matches (not timed)")
    totals = [listing_search(filters=ListingFilters(**q), limit=1).total or 0 for q in queries]
    agree = 0
    for q, page in zip(subset, base_pages, strict=True):
        mine = set(run(q, False))
        agree += bool(mine) == bool(page)

    # newest first, no query: facets of the whole public market (cold, then cached)
    browse = [{}, {"kind": "demand"}, {"kind": "achievement", "province": "210000"}, {"field": "new-materials"}]
    cold, warm = [], []
    for b in browse:
        cache.clear()
        t = time.perf_counter()
        listing_search(filters=ListingFilters(**b), limit=20)
        cold.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        listing_search(filters=ListingFilters(**b), limit=20)
        warm.append((time.perf_counter() - t) * 1000)

    def by_shape(times: list[float], pred) -> dict:
        chosen = [t for t, q in zip(times, queries, strict=True) if pred(q)]
        return summary(chosen) if chosen else {}

    filtered = lambda q: len(q) > 1  # noqa: E731
    report = {
        "backend": backend,
        "listings": listings,
        "documents": documents,
        "reused": data["reused"],
        "generation_s": data["generation_s"],
        "columns_load_s": columns_s,
        "queries": len(queries),
        "repeat": args.repeat,
        "machine": machine(connection),
        "search": summary(plain),
        "search_facets": summary(faceted),
        "cpu_search": summary(CPU_TIMES["search"]),
        "cpu_search_facets": summary(CPU_TIMES["search + facets"]),
        "cpu_baseline": summary(CPU_TIMES["icontains baseline"]),
        "load_average": os.getloadavg(),
        "search_on_baseline_subset": summary(plain[: len(subset)]),
        "baseline": summary(base_times),
        "baseline_queries": len(subset),
        "search_unfiltered": by_shape(plain, lambda q: not filtered(q)),
        "search_filtered": by_shape(plain, filtered),
        "facets_unfiltered": by_shape(faceted, lambda q: not filtered(q)),
        "facets_filtered": by_shape(faceted, filtered),
        "matches": {
            "mean": round(statistics.fmean(totals), 1),
            "median": statistics.median(totals),
            "max": max(totals),
            "nonempty": sum(1 for t in totals if t),
            "over_200": sum(1 for t in totals if t > core_search.engine.RANK_BLOCK),
        },
        "baseline_agrees_nonempty": agree,
        "browse_cold_ms": [round(t, 1) for t in cold],
        "browse_cached_ms": [round(t, 1) for t in warm],
        "slowest": sorted(
            (
                {"query": q, "search_ms": round(p, 2), "facets_ms": round(f, 2), "matches": n}
                for q, p, f, n in zip(queries, plain, faceted, totals, strict=True)
            ),
            key=lambda row: -row["facets_ms"],
        )[:8],
    }
    with open(args.out, "w") as f:
        json.dump(report, f, ensure_ascii=False, indent=1, default=str)
    s, sf, b = report["search"], report["search_facets"], report["baseline"]
    say(
        f"[{backend}] search p50 {s['p50']} p95 {s['p95']} ms; with facets p50 {sf['p50']} p95 {sf['p95']} ms; "
        f"icontains p50 {b['p50']} p95 {b['p95']} ms"
    )
    return 0


# --- the suite's interface (bench/market/__init__.py) ------------------------------------------


def run_backend(backend: str, env: dict, args) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    cmd = [
        sys.executable,
        "-m",
        "bench.market.search",
        "--listings",
        str(args.listings),
        "--queries",
        str(args.queries),
        "--repeat",
        str(args.repeat),
        "--seed",
        str(args.seed),
        "--out",
        out,
    ]
    try:
        code = subprocess.call(cmd, env=env, cwd=str(ROOT))
        if code != 0:
            say(f"[{backend}] market search benchmark failed (exit {code})")
            return None
        with open(out, encoding="utf-8") as f:
            return json.load(f)
    finally:
        Path(out).unlink(missing_ok=True)


def report(results: list[dict]) -> list[str]:
    lines = [
        "### Search across kinds (`listing_search`, the list page's and the API's selector)",
        "",
        f"{results[0]['listings']:,} listings of eleven kinds (generated, bench/market/data.py); "
        f"{results[0]['queries']} realistic queries, half with a filter, each run {results[0]['repeat']} times "
        "(the fastest counts); the icontains baseline on the first "
        f"{results[0]['baseline_queries']} of them in the same run. Target: p95 ≤ {TARGET_P95_MS:g} ms.",
        "",
        "| backend | search p50 / p95 | + facets p50 / p95 | + facets, CPU p50 / p95 | filtered + facets p95 "
        "| icontains p50 / p95 | icontains ÷ search+facets (p50) | matches median / max | columns load "
        "| browse, facets cold / cached |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s, f, b, m = r["search"], r["search_facets"], r["baseline"], r["matches"]
        cold = max(r["browse_cold_ms"])
        cached = max(r["browse_cached_ms"])
        c = r.get("cpu_search_facets", {})
        ratio = f"{b['p50'] / f['p50']:.0f}×" if f["p50"] else "—"
        lines.append(
            f"| {r['backend']} | {s['p50']} / {s['p95']} ms | {f['p50']} / {f['p95']} ms "
            f"| {c.get('p50', '—')} / {c.get('p95', '—')} ms "
            f"| {r['facets_filtered'].get('p95', '—')} ms | {b['p50']} / {b['p95']} ms | {ratio} "
            f"| {m['median']} / {m['max']:,} | {r['columns_load_s']} s | ≤ {cold:.0f} / ≤ {cached:.0f} ms |"
        )
    for r in results:
        verdict = "meets" if r["search_facets"]["p95"] <= TARGET_P95_MS else "misses"
        lines.append("")
        load = ", ".join(f"{x:.1f}" for x in r.get("load_average", ()))
        lines.append(
            f"- {r['backend']}: with facets p95 {r['search_facets']['p95']} ms {verdict} the target "
            f"(load average at the end {load} on {r['machine'].get('nproc')} cores); "
            f"{r['matches']['over_200']} of {r['queries']} queries match more than 200 listings. Slowest: "
            + "; ".join(f"“{x['query']['q']}” {x['facets_ms']} ms ({x['matches']:,} matches)" for x in r["slowest"][:3])
        )
    lines.append("")
    return lines


if __name__ == "__main__":
    sys.exit(main())
