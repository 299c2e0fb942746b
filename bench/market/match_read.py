"""The pruned top k's read alone: the SQL sum of the posting rows (weights.PRUNE_BLOCKS = False)
against the packed blocks summed in numpy, on the same plans.

    SQLITE_PATH=var/bench/market200k.sqlite3 python -m bench.market.match_read [--queries 40]

For each query listing (on-market bench listings, fixed seed): the hybrid query, θ from the first
bounded draw (its 80th exact score), MaxScore's plan (pruning.plan), then each read of that plan —
wall and CPU milliseconds, and the postings the blocks returned. Needs the matcher's index built
(bench/market/match.py builds it).
"""

import argparse
import os
import random
import statistics
import time


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.market.match_read")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    import django

    django.setup()
    from nesta.market.matching import candidates as C
    from nesta.market.matching import pruning as P
    from nesta.market.matching import scoring as S
    from nesta.market.matching import thesaurus as T
    from nesta.market.matching import weights as W
    from nesta.market.models import Listing

    public = Listing.objects.filter(reference_key__startswith="bench-lst-", status__in=C.ON_MARKET)
    ids = list(public.values_list("pk", flat=True))
    picked = random.Random(args.seed).sample(ids, min(len(ids), args.queries))
    th = T.current()
    res: dict[str, list[float]] = {"sql": [], "blocks": [], "sql_cpu": [], "blocks_cpu": [], "postings": []}
    for x in Listing.objects.filter(pk__in=picked).select_related("province", "city", "field"):
        kinds = C.complement_kinds(x.kind)
        if not kinds:
            continue
        query, _c, _e = S.build_query(x, th, hybrid=True)
        coll = C.collection(kinds, query.keys())
        m, big = P._ratio(coll)
        saved = W.POSTING_BUDGET, W.CANDIDATES, W.MERGE_TWINS
        W.POSTING_BUDGET, W.CANDIDATES, W.MERGE_TWINS = W.PRUNE_FIRST_BUDGET, W.PRUNE_FIRST_CANDIDATES, False
        try:
            first = C.draw(query, coll, exclude=x.pk)
        finally:
            W.POSTING_BUDGET, W.CANDIDATES, W.MERGE_TWINS = saved
        theta = P._kth([S.bm25(query, c.tokens, coll)[0] for c in first], 80)
        arms, residual = P.plan(query, coll, theta)
        if not arms:
            continue
        for name, read in (("sql", P._read), ("blocks", P._read_blocks)):
            t, c = time.perf_counter(), time.process_time()
            read(arms, residual, theta, m, big)
            res[name].append((time.perf_counter() - t) * 1000)
            res[f"{name}_cpu"].append((time.process_time() - c) * 1000)
        res["postings"].append(P.LAST.get("postings", 0.0))
    for name, values in res.items():
        if values:
            print(f"{name}: n {len(values)} p50 {statistics.median(values):.1f} p95 {_p95(values):.1f}")
    print("load average", [round(v, 2) for v in os.getloadavg()])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
