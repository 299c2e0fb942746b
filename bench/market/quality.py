"""Match quality on the labelled set: recall@10, MRR and nDCG@10 of plain BM25 and of the hybrid.

    python -m bench --suite market --market-parts quality [--only sqlite|postgres]

Each backend runs `python -m bench.market.quality --out result.json` in its own process and its
own database (SQLite var/bench/market_quality.sqlite3, PostgreSQL nesta_bench_market_quality), so
the figures do not depend on what the other market benchmarks loaded. The worker loads the
reference data, a small demo directory, background listings of the demo corpus as noise (the
generated achievements, demands, capacities, services… without the matching cases), then the
labelled set of bench/market/labelled/ as published listings: every achievement, and every
demand as the query. For each demand it asks the matching engine for its ten best achievements
(`top_matches(listing, limit=10, method=…, candidates_kinds=("achievement",))`) and scores the
ranking against the judgments:

- recall@10: the share of the demand's grade-2 achievements (solves it) in the first ten;
- MRR: 1 / the rank of the first grade-2 achievement (0 when none in the first ten);
- nDCG@10: graded gains 2^grade − 1 (grade 2 → 3, grade 1 → 1, unjudged and 0 → 0), ideal order
  from the judgments.
Averaged over all demands and over the low-overlap demands (docs/market-match-quality.md).
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
LABELLED = Path(__file__).resolve().parent / "labelled"
METHODS = ("bm25", "hybrid")
K = 10
KEY = "bench-q-{}-{}"  # a / d, id in the labelled set
NOISE_SCALE = 400  # demo listing_count(400) = 3,200 background listings
DIRECTORY_SCALE = 100


# --- the metrics ---------------------------------------------------------------------------------


def recall_at(ranked: Sequence[str], relevant: set[str], k: int = K) -> float:
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & relevant) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str], k: int = K) -> float:
    for i, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            return 1.0 / i
    return 0.0


def ndcg_at(ranked: Sequence[str], grades: dict[str, int], k: int = K) -> float:
    def dcg(gains: Sequence[float]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(gains))

    actual = dcg([2 ** grades.get(item, 0) - 1 for item in ranked[:k]])
    ideal = dcg(sorted((2**g - 1 for g in grades.values()), reverse=True)[:k])
    return actual / ideal if ideal else 0.0


def evaluate(rankings: dict[str, list[str]], grades: dict[str, dict[str, int]], k: int = K) -> dict[str, float]:
    """Mean recall@k, MRR and nDCG@k of `rankings` (demand → ranked achievement ids) against
    `grades` (demand → achievement → 0/1/2); grade 2 is relevant for recall and MRR."""
    rows = []
    for demand, ranked in rankings.items():
        g = grades.get(demand, {})
        relevant = {a for a, grade in g.items() if grade == 2}
        rows.append((recall_at(ranked, relevant, k), reciprocal_rank(ranked, relevant, k), ndcg_at(ranked, g, k)))
    if not rows:
        return {"recall": 0.0, "mrr": 0.0, "ndcg": 0.0, "demands": 0}
    return {
        "recall": round(statistics.fmean(r[0] for r in rows), 4),
        "mrr": round(statistics.fmean(r[1] for r in rows), 4),
        "ndcg": round(statistics.fmean(r[2] for r in rows), 4),
        "demands": len(rows),
    }


def read_set(directory: Path = LABELLED) -> tuple[list[dict], list[dict], list[dict]]:
    def read(name: str) -> list[dict]:
        with open(directory / f"{name}.jsonl", encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    return read("demands"), read("achievements"), read("judgments")


def grades_of(judgments: list[dict]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for j in judgments:
        out.setdefault(j["demand"], {})[j["achievement"]] = int(j["grade"])
    return out


# --- loading the set as listings -----------------------------------------------------------------


def load_set(demands: list[dict], achievements: list[dict], say=print) -> dict[str, int]:
    """The labelled set as published listings (replacing an earlier load); returns id → pk of
    demands and achievements under the keys "d:<id>" / "a:<id>"."""
    import random

    from django.db import transaction
    from django.utils import timezone

    from nesta.core.models import SearchDocument, TaxonomyNode
    from nesta.demo.market import listings as demo
    from nesta.directory.models import Organization
    from nesta.market.kinds import validate_details
    from nesta.market.models import Listing

    old = Listing.objects.filter(reference_key__startswith="bench-q-")
    SearchDocument.objects.filter(doc_type="listing", object_id__in=old.values("pk")).delete()
    old.delete()
    fields = dict(TaxonomyNode.objects.values_list("code", "id"))
    orgs = list(Organization.objects.order_by("id").values_list("id", "kind", "province_id", "city_id"))
    academic = [o for o in orgs if o[1] in demo.OWNER_KINDS["achievement"][:4]] or orgs
    enterprises = [o for o in orgs if o[1] == "enterprise"] or orgs
    now = timezone.now()
    rows = []
    for kind, items, pool in (("achievement", achievements, academic), ("demand", demands, enterprises)):
        for item in items:
            rng = random.Random(f"bench-quality:{kind}:{item['id']}")
            org = pool[rng.randrange(len(pool))]
            if kind == "achievement":
                content = demo._achievement_listing(
                    rng,
                    item["field"],
                    item["title"],
                    item["summary"],
                    item["keywords"],
                    item["maturity"],
                    item["ip_type"],
                )
            else:
                content = demo._demand_listing(rng, item["field"], item["title"], item["problem"], item["indicators"])
            details = validate_details(kind, content.pop("details"))
            content.pop("field")
            rows.append(
                Listing(
                    kind=kind,
                    status="published",
                    organization_id=org[0],
                    field_id=fields[item["field"]],
                    province_id=org[2],
                    city_id=org[3],
                    contact_name="联系人",
                    contact_phone="024-23456789",
                    published_at=now,
                    valid_until=timezone.localdate() + timedelta_days(365),
                    details=details,
                    reference_key=KEY.format(kind[0], item["id"]),
                    **content,
                )
            )
    with transaction.atomic():
        Listing.objects.bulk_create(rows, batch_size=1000)
    demo._index(rows)
    say(f"labelled set loaded: {len(achievements)} achievements, {len(demands)} demands")
    return {f"{x.kind[0]}:{x.reference_key.split('-', 3)[3]}": x.pk for x in rows}


def timedelta_days(days: int):
    from datetime import timedelta

    return timedelta(days=days)


def rank_all(
    demands: list[dict], ids: dict[str, int], method: str, kinds: tuple[str, ...] | None = ("achievement",)
) -> tuple[dict[str, list[str]], list[float]]:
    """Each demand's first K matches as ids of the set ("noise:<pk>" for other listings); `kinds`
    None = every complementary kind, as GET …/matches answers."""
    from nesta.market.matching.engine import top_matches
    from nesta.market.models import Listing

    by_pk = {pk: key.split(":", 1)[1] for key, pk in ids.items() if key.startswith("a:")}
    listings = Listing.objects.select_related("province", "city", "field").in_bulk(
        [ids[f"d:{d['id']}"] for d in demands]
    )
    rankings, times = {}, []
    for d in demands:
        listing = listings[ids[f"d:{d['id']}"]]
        t0 = time.perf_counter()
        matches = top_matches(listing, limit=K, method=method, candidates_kinds=kinds)
        times.append((time.perf_counter() - t0) * 1000)
        rankings[d["id"]] = [by_pk.get(m.listing_id, f"noise:{m.listing_id}") for m in matches]
    return rankings, times


def _roots() -> dict[str, str]:
    """Taxonomy code → the name of its first-level area."""
    from nesta.core.models import TaxonomyNode

    nodes = {n.pk: n for n in TaxonomyNode.objects.all()}
    out = {}
    for n in nodes.values():
        top = n
        while top.parent_id in nodes:
            top = nodes[top.parent_id]
        out[n.code] = top.name
    return out


def distractors_above(rankings: dict[str, list[str]], judgments: list[dict]) -> dict[str, list[int]]:
    """Per distractor type: [how many judged, how many ranked above the demand's first grade-2
    achievement (anywhere in the first ten when no answer made it)]."""
    first: dict[str, int] = {}
    for j in judgments:
        if j["grade"] == 2 and j["achievement"] in rankings.get(j["demand"], [])[:K]:
            rank = rankings[j["demand"]].index(j["achievement"])
            first[j["demand"]] = min(rank, first.get(j["demand"], K))
    out: dict[str, list[int]] = {}
    for j in judgments:
        if j["grade"] == 0:
            row = out.setdefault(j["distractor"], [0, 0])
            row[0] += 1
            ranked = rankings.get(j["demand"], [])[: first.get(j["demand"], K)]
            row[1] += j["achievement"] in ranked
    return out


def measure(say=print) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from bench.worker import machine
    from nesta.demo.loader import Loader
    from nesta.demo.market import listings as demo
    from nesta.market.matching.engine import reset_caches
    from nesta.market.models import Listing

    backend = connection.vendor
    say(f"[{backend}] quality: migrating, reference data, demo directory ({DIRECTORY_SCALE})")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    Loader(DIRECTORY_SCALE, 2026, say=lambda line: None).run()
    t0 = time.monotonic()
    demo.load(NOISE_SCALE, 2026, lambda line: say(f"[{backend}] {line.strip()}"), with_cases=False)
    demands, achievements, judgments = read_set()
    ids = load_set(demands, achievements, say=lambda line: say(f"[{backend}] {line}"))
    load_s = round(time.monotonic() - t0, 1)
    reset_caches()
    grades = grades_of(judgments)
    low = {d["id"] for d in demands if d["low_overlap"]}
    result: dict = {
        "backend": backend,
        "machine": machine(connection),
        "demands": len(demands),
        "low_overlap_demands": len(low),
        "achievements": len(achievements),
        "judgments": len(judgments),
        "grades": {str(g): sum(j["grade"] == g for j in judgments) for g in (0, 1, 2)},
        "background_listings": Listing.objects.filter(
            reference_key__startswith="demo-mkt-", status="published"
        ).count(),
        "load_s": load_s,
        "methods": {},
    }
    rank_cache: dict[str, dict[str, list[str]]] = {}
    for method in METHODS:
        rank_all(demands[:5], ids, method)  # warm caches
        rankings, times = rank_all(demands, ids, method)
        rank_cache[method] = rankings
        result["methods"][method] = {
            "all": evaluate(rankings, grades),
            "low_overlap": evaluate({k: v for k, v in rankings.items() if k in low}, grades),
            "distractors_above_answer": distractors_above(rankings, judgments),
            # demands with no grade-2 achievement in their first ten (what to look at first)
            "misses": sorted(
                k for k, r in rankings.items() if not {a for a, g in grades[k].items() if g == 2} & set(r)
            ),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(statistics.quantiles(times, n=20)[18], 1) if len(times) > 1 else round(times[0], 1),
        }
        say(
            f"[{backend}] {method}: {result['methods'][method]['all']} low-overlap {result['methods'][method]['low_overlap']}"
        )
    # per area of the taxonomy (its first level), for both methods
    roots = _roots()
    areas: dict[str, set[str]] = {}
    for d in demands:
        areas.setdefault(roots.get(d["field"], "?"), set()).add(d["id"])
    result["areas"] = {
        area: {
            method: evaluate({k: v for k, v in rank_cache[method].items() if k in members}, grades)
            for method in METHODS
        }
        for area, members in sorted(areas.items())
    }
    # as GET …/matches answers a demand: capacities and services compete for the ten places too
    rankings, _ = rank_all(demands, ids, "hybrid", kinds=None)
    result["hybrid_all_kinds"] = {
        "all": evaluate(rankings, grades),
        "low_overlap": evaluate({k: v for k, v in rankings.items() if k in low}, grades),
        "other_kinds_in_top10": round(
            statistics.fmean(sum(x.startswith("noise:") for x in r) for r in rankings.values()), 2
        ),
    }
    return result


# --- the suite's interface -------------------------------------------------------------------------


def _own_env(backend: str, env: dict) -> dict | None:
    env = dict(env)
    if backend == "sqlite":
        env["SQLITE_PATH"] = str(Path(env["SQLITE_PATH"]).with_name("market_quality.sqlite3"))
        return env
    from bench.__main__ import ensure_postgres_database

    url = env["DATABASE_URL"].rpartition("/")[0] + "/nesta_bench_market_quality"
    problem = ensure_postgres_database(url)
    if problem:
        print(f"[postgresql] quality SKIPPED: {problem}", flush=True)
        return None
    env["DATABASE_URL"] = url
    return env


def run_backend(backend: str, env: dict, args) -> dict | None:
    env = _own_env(backend, env)
    if env is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    try:
        done = subprocess.run([sys.executable, "-m", "bench.market.quality", "--out", out], cwd=ROOT, env=env)
        if done.returncode != 0:
            print(f"[{backend}] quality FAILED (exit {done.returncode})", flush=True)
            return None
        with open(out, encoding="utf-8") as f:
            return json.load(f)
    finally:
        os.unlink(out)


def _diff(new: float, old: float) -> str:
    rel = f"{(new - old) / old * 100:+.0f} %" if old else "n/a"
    return f"{new - old:+.3f} ({rel})"


def report(results: list[dict]) -> list[str]:
    lines = ["### Match quality on the labelled set (bench/market/quality.py)", ""]
    for r in results:
        lines += [
            f"**{r['backend']}**: {r['demands']} demands ({r['low_overlap_demands']} low-overlap), "
            f"{r['achievements']} achievements, {r['judgments']} judgments "
            f"(grade 2/1/0: {r['grades']['2']}/{r['grades']['1']}/{r['grades']['0']}), "
            f"{r['background_listings']} published background listings; top {K} achievements per demand.",
            "",
            "| demands | method | recall@10 | MRR | nDCG@10 | p50 / p95 ms |",
            "|---|---|---:|---:|---:|---:|",
        ]
        m = r["methods"]
        for subset, label in (("all", "all"), ("low_overlap", "low-overlap")):
            for method in METHODS:
                s = m[method][subset]
                timing = f"{m[method]['p50_ms']} / {m[method]['p95_ms']}" if subset == "all" else ""
                lines.append(
                    f"| {label} | {method} | {s['recall']:.3f} | {s['mrr']:.3f} | {s['ndcg']:.3f} | {timing} |"
                )
        wide = r.get("hybrid_all_kinds")
        if wide:
            for subset, label in (("all", "all"), ("low_overlap", "low-overlap")):
                s = wide[subset]
                lines.append(
                    f"| {label} | hybrid, every complementary kind | {s['recall']:.3f} | {s['mrr']:.3f} | {s['ndcg']:.3f} | |"
                )
        lines.append("")
        if wide:
            lines.append(
                "- every complementary kind (achievements, capacities, services: what GET …/matches returns): "
                f"on average {wide['other_kinds_in_top10']} of the ten are not listings of the set"
            )
        for subset, label in (("all", "whole set"), ("low_overlap", "low-overlap demands")):
            h, b = m["hybrid"][subset], m["bm25"][subset]
            lines.append(
                f"- hybrid − BM25, {label}: recall@10 {_diff(h['recall'], b['recall'])}, "
                f"MRR {_diff(h['mrr'], b['mrr'])}, nDCG@10 {_diff(h['ndcg'], b['ndcg'])}"
            )
        above = {method: m[method]["distractors_above_answer"] for method in METHODS}
        parts = [
            f"{k} {above['bm25'][k][1]}→{above['hybrid'][k][1]} of {above['hybrid'][k][0]}"
            for k in sorted(above["hybrid"])
        ]
        lines.append(f"- grade-0 distractors ranked above the first answer (BM25→hybrid): {', '.join(parts)}")
        if r.get("areas"):
            parts = [
                f"{area} ({scores['hybrid']['demands']}): {scores['bm25']['ndcg']:.3f} → {scores['hybrid']['ndcg']:.3f}"
                for area, scores in r["areas"].items()
            ]
            lines.append(f"- nDCG@10 per area, BM25 → hybrid: {'; '.join(parts)}")
        for method in METHODS:
            misses = m[method].get("misses", [])
            lines.append(f"- {method}: no answer in the top 10 for {len(misses)} demands: {', '.join(misses) or '—'}")
        lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    import django

    django.setup()
    result = measure(say=lambda line: print(line, flush=True))
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
