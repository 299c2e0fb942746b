"""One backend's run, in its own process (settings read SQLITE_PATH / DATABASE_URL at import).

    python -m bench.worker --scale 100000 --queries 200 --out result.json

Generates the demo directory at that scale (or reuses it), then times the directory search and
the icontains baseline on the same queries and writes the figures as JSON.
"""

import argparse
import json
import os
import platform
import sqlite3
import statistics
import sys
import time

LARGER_SCALE = 3  # exit status: the database must be emptied first


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1] if len(values) > 1 else values[0]


def summary(times_ms: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(times_ms, 50), 2),
        "p95": round(percentile(times_ms, 95), 2),
        "mean": round(statistics.fmean(times_ms), 2),
        "max": round(max(times_ms), 2),
    }


def say(line: str) -> None:
    print(line, flush=True)


def machine(connection) -> dict[str, str]:
    facts = {
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": f"{platform.system()} {platform.release()}",
    }
    try:
        with open("/proc/cpuinfo") as f:
            facts["cpu"] = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
        with open("/proc/meminfo") as f:
            kb = int(next(ln for ln in f if ln.startswith("MemTotal")).split()[1])
            facts["memory"] = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            facts["postgresql"] = cur.fetchone()[0]
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from bench.queries import make_queries
    from nesta.core import search
    from nesta.core.models import SearchDocument
    from nesta.demo.generator import ORG_KEY, people_count
    from nesta.demo.loader import Loader
    from nesta.directory.models import Organization
    from nesta.directory.selectors import OrganizationFilters, organization_list
    from nesta.directory.services import directory_reindex, organization_search_document

    def index_is_stale() -> bool:
        """A reused database keeps the documents of the indexer that wrote them: compare a sample
        with what the current one builds (the segmenter or the document layout may have changed)."""
        sample = list(
            Organization.objects.filter(reference_key__startswith="demo-org-")
            .select_related("province", "city")
            .prefetch_related("fields__parent__parent")
            .order_by("id")[:: max(1, args.scale // 50)]
        )
        stored = {
            d.object_id: d
            for d in SearchDocument.objects.filter(doc_type="organization", object_id__in=[o.pk for o in sample])
        }
        for org in sample:
            fresh, old = organization_search_document(org, list(org.fields.all())), stored.get(org.pk)
            if old is None or (fresh.tokens, fresh.filters, fresh.fields) != (old.tokens, old.filters, old.fields):
                return True
        return False

    backend = connection.vendor
    say(f"[{backend}] database {connection.settings_dict['NAME']}: migrating")
    call_command("migrate", interactive=False, verbosity=0)

    if Organization.objects.filter(reference_key=ORG_KEY.format(args.scale)).exists():
        say(f"[{backend}] the database holds a larger demo directory than --scale {args.scale}")
        return LARGER_SCALE
    loader = Loader(args.scale, args.seed, say=lambda line: say(f"[{backend}] {line.strip()}"))
    started = time.monotonic()
    reused = loader.already_loaded()
    if not reused:
        say(f"[{backend}] generating {args.scale} organisations (seed {args.seed})")
    loader.run()
    generation_s = round(time.monotonic() - started, 1)
    reindexed = False
    if reused and index_is_stale():
        say(f"[{backend}] search documents differ from what the indexer builds now: re-indexing")
        t0 = time.monotonic()
        total = people_count(args.scale) + args.scale

        def progress(done: int) -> None:
            if done % 50_000 < 2000:
                say(f"[{backend}] re-indexed {done}/{total}")

        directory_reindex(batch_size=2000, progress=progress)
        reindexed = True
        say(f"[{backend}] re-indexed in {time.monotonic() - t0:.0f}s")
    with connection.cursor() as cur:  # the steady state autovacuum / `PRAGMA optimize` keep in service
        # On PostgreSQL, VACUUM also sets hint bits and flushes the GIN pending list of the bulk load.
        cur.execute("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE")
    organizations = Organization.objects.count()
    documents = SearchDocument.objects.count()
    say(f"[{backend}] {organizations} organisations, {documents} search documents ({generation_s}s)")

    queries = make_queries(args.queries, args.seed)

    def run_search(query):
        page = organization_list(filters=OrganizationFilters(q=query.q, province=query.province), limit=20)
        return [o.name for o in page.items]

    def run_baseline(query):
        qs = Organization.objects.filter(province__code=query.province)
        for term in query.terms:
            qs = qs.filter(Q(name__icontains=term) | Q(description__icontains=term))
        return [o.name for o in qs.order_by("id")[:20]]

    def run_index(query):  # the search index alone: ranked ids of the page, no organisations loaded
        return search.search("organization", query.q, province=query.province, limit=21).ids[:20]

    for query in queries[:10]:  # warm caches and connections for all three
        run_search(query)
        run_index(query)
        run_baseline(query)

    results = {}
    for label, fn in (("search", run_search), ("index", run_index), ("baseline", run_baseline)):
        # Each query runs --repeat times (whole passes, so a burst of load elsewhere hits one pass,
        # not all of one query's runs); its fastest run counts.
        runs: list[list[float]] = [[] for _ in queries]
        page_sizes = [0] * len(queries)
        for r in range(args.repeat):
            for i, query in enumerate(queries):
                t0 = time.perf_counter()
                rows = fn(query)
                runs[i].append((time.perf_counter() - t0) * 1000)
                page_sizes[i] = len(rows)
            times = [min(t) for t in runs]
            say(
                f"[{backend}] {label}: pass {r + 1}/{args.repeat} of {len(queries)} queries, p50 {percentile(times, 50):.2f} ms"
            )
        results[label] = {"times": times, "page_sizes": page_sizes, **summary(times)}

    say(f"[{backend}] counting matches (not timed)")
    search_totals, baseline_totals = [], []
    for query in queries:
        hits = search.search("organization", query.q, province=query.province, limit=1, with_total=True)
        search_totals.append(hits.total if hits else 0)
        qs = Organization.objects.filter(province__code=query.province)
        for term in query.terms:
            qs = qs.filter(Q(name__icontains=term) | Q(description__icontains=term))
        baseline_totals.append(qs.count())

    slowest = sorted(range(len(queries)), key=lambda i: results["search"]["times"][i], reverse=True)[:8]
    report = {
        "backend": backend,
        "scale": args.scale,
        "seed": args.seed,
        "queries": len(queries),
        "repeat": args.repeat,
        "organizations": organizations,
        "documents": documents,
        "generation_s": generation_s,
        "reused": reused,
        "reindexed": reindexed,
        "machine": machine(connection),
        "search": {k: v for k, v in results["search"].items() if k not in {"times", "page_sizes"}},
        "index": {k: v for k, v in results["index"].items() if k not in {"times", "page_sizes"}},
        "baseline": {k: v for k, v in results["baseline"].items() if k not in {"times", "page_sizes"}},
        "matches": {
            "search_mean": round(statistics.fmean(search_totals), 1),
            "search_median": statistics.median(search_totals),
            "search_nonempty": sum(1 for n in search_totals if n),
            "baseline_mean": round(statistics.fmean(baseline_totals), 1),
            "baseline_median": statistics.median(baseline_totals),
            "baseline_nonempty": sum(1 for n in baseline_totals if n),
            "pages_full_search": sum(1 for n in results["search"]["page_sizes"] if n == 20),
            "pages_full_baseline": sum(1 for n in results["baseline"]["page_sizes"] if n == 20),
        },
        "slowest": [
            {
                "q": queries[i].q,
                "province": queries[i].province,
                "search_ms": round(results["search"]["times"][i], 2),
                "index_ms": round(results["index"]["times"][i], 2),
                "baseline_ms": round(results["baseline"]["times"][i], 2),
                "search_matches": search_totals[i],
                "baseline_matches": baseline_totals[i],
            }
            for i in slowest
        ],
        "per_query": [
            {
                "q": q.q,
                "province": q.province,
                "search_ms": round(results["search"]["times"][i], 3),
                "index_ms": round(results["index"]["times"][i], 3),
                "baseline_ms": round(results["baseline"]["times"][i], 3),
                "search_matches": search_totals[i],
                "baseline_matches": baseline_totals[i],
            }
            for i, q in enumerate(queries)
        ],
    }
    with open(args.out, "w") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    s, b = report["search"], report["baseline"]
    say(
        f"[{backend}] search p50 {s['p50']} ms p95 {s['p95']} ms | baseline p50 {b['p50']} ms p95 {b['p95']} ms"
        f" | ratio p50 {b['p50'] / s['p50']:.1f}x p95 {b['p95'] / s['p95']:.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
