"""Benchmark of the funding selection: 5,000 applications within a budget.

    python -m bench.programmes.selection [--applications 5000] [--seed 2026] [--time-limit 8] [--no-report]

No database: the selection is numerics over the candidates (what services.selection hands to
numerics.selection.select after reading the scores). The instance is generated with a fixed seed:
5,000 applications in the three provinces and eight priority areas, about 30 % from private tech
enterprises; requested amounts 50万–300万 元 in 百元; each reviewed by 5 of 2,000 experts with a
leniency of their own (σ 6 points) and noise (σ 5), true quality 40–95. The reviews are calibrated
first (numerics.calibration: z-scores and the least-squares model over the 25,000 reviews), timed
apart; the selection uses the model's quality. Budget: 20 % of all requests.

Timed, each scenario once: the integer programme (LP reduced-cost fixing, then CP-SAT on the core,
one worker) beside rank-until-budget with the stop and the skip rule, (a) plain, (b) with the tilt
(40 % reserved for private tech enterprises, who ask for about 30 % of the money) and a province share (黑龙江 ≥ 40 %, about a third of the requests), (c) plain with
the lottery at the cut-off (±0.5 point). Target: ≤ 10 s each, never over budget.
"""

import argparse
import json
import platform
import random
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from nesta.programmes.numerics.calibration import Rating, calibrate
from nesta.programmes.numerics.selection import Candidate, MinShare, rank_until_budget, select

ROOT = Path(__file__).resolve().parents[2]
TARGET_S = 10.0
PROVINCES = ("210000", "220000", "230000")
FIELDS = tuple(f"area{k}" for k in range(8))


def instance(n: int, seed: int, experts: int = 2000, k: int = 5) -> tuple[list[Rating], dict[int, dict]]:
    rng = random.Random(seed)
    leniency = [rng.gauss(0, 6) for _ in range(experts)]
    apps: dict[int, dict] = {}
    ratings: list[Rating] = []
    for a in range(1, n + 1):
        quality = rng.uniform(40, 95)
        apps[a] = {
            "quality": quality,
            "cost": Decimal(rng.randrange(5000, 30001)) * 100,
            "province": rng.choice(PROVINCES),
            "field": rng.choice(FIELDS),
            "tilt": "1" if rng.random() < 0.3 else "0",
        }
        for j in rng.sample(range(experts), k):
            score = min(100.0, max(0.0, quality + leniency[j] + rng.gauss(0, 5)))
            ratings.append(Rating(a, j, round(score, 2)))
    return ratings, apps


def _rank_total(cands: list[Candidate], budget: Decimal, rule: str) -> tuple[float, Decimal, int]:
    ids = set(rank_until_budget(cands, budget, rule))
    chosen = [c for c in cands if c.id in ids]
    return round(sum(c.score for c in chosen), 2), sum((c.cost for c in chosen), Decimal("0")), len(chosen)


def measure(n: int, seed: int, time_limit: float) -> dict:
    ratings, apps = instance(n, seed)
    t0 = time.perf_counter()
    cal = calibrate(ratings)
    calibration_s = time.perf_counter() - t0
    print(f"[selection] calibration of {len(ratings):,} reviews: {calibration_s:.2f} s", flush=True)
    true_order = sorted(apps, key=lambda a: -apps[a]["quality"])
    truth_rank = {a: k for k, a in enumerate(true_order)}

    def spearman(order: list[int]) -> float:
        d2 = sum((k - truth_rank[a]) ** 2 for k, a in enumerate(order))
        return 1 - 6 * d2 / (n * (n * n - 1))

    cands = [
        Candidate(a, round(cal.applications[a].quality, 2), v["cost"], {k: v[k] for k in ("province", "field", "tilt")})
        for a, v in apps.items()
    ]
    budget = (sum(c.cost for c in cands) * Decimal("0.2")).quantize(Decimal("100"))
    scenarios = {
        "plain": {"shares": []},
        "shares": {"shares": [MinShare("tilt", "1", 0.4), MinShare("province", "230000", 0.4)]},
        "lottery": {"shares": [], "lottery_seed": 2026},
    }
    out: dict = {
        "applications": n,
        "reviews": len(ratings),
        "experts": len(cal.reviewers),
        "budget": str(budget),
        "requested": str(sum(c.cost for c in cands)),
        "calibration_s": round(calibration_s, 3),
        "spearman": {k: round(spearman(cal.ranking(k)), 4) for k in ("raw", "z", "quality")},
        "scenarios": {},
    }
    for name, sc in scenarios.items():
        t0 = time.perf_counter()
        result = select(
            cands,
            budget,
            sc["shares"],
            rank_rule="stop",
            time_limit=time_limit,
            workers=1,
            lottery_seed=sc.get("lottery_seed"),
            tolerance=0.5,
        )
        wall = time.perf_counter() - t0
        assert result.optimal.total_cost <= budget, "over budget"
        stop = _rank_total(cands, budget, "stop")
        skip = _rank_total(cands, budget, "skip")
        out["scenarios"][name] = {
            "status": result.status,
            "seconds": round(wall, 3),
            "selected": len(result.optimal.selected),
            "total_score": result.optimal.total_score,
            "total_cost": str(result.optimal.total_cost),
            "bound": round(result.objective_bound, 2) if result.objective_bound is not None else None,
            "shares_met": all(s.met for s in result.optimal.shares),
            "rank_stop": {"total_score": stop[0], "total_cost": str(stop[1]), "selected": stop[2]},
            "rank_skip": {"total_score": skip[0], "total_cost": str(skip[1]), "selected": skip[2]},
            "rank_stop_shares_met": all(s.met for s in result.rank.shares),
            "differ": len(result.only_optimal) + len(result.only_rank),
            "tied": len((result.lottery or {}).get("tied", [])),
            "drawn": len((result.lottery or {}).get("drawn", [])),
        }
        print(f"[selection] {name}: {out['scenarios'][name]}", flush=True)
    return out


def _wan(value: str) -> str:
    return f"{Decimal(value) / 10000:,.0f} 万元"


def report(results: list[dict], command: str) -> list[str]:
    r = results[0]
    lines = [
        f"### Funding selection, {r['applications']:,} applications",
        "",
        f"Command: `{command}`. Machine: {platform.machine()}, Python {platform.python_version()}; "
        "no database (the selection's numerics, as services.selection calls them); one CP-SAT worker. "
        "See docs/programmes-review-selection.md.",
        "",
        f"{r['applications']:,} applications, {r['reviews']:,} reviews by {r['experts']:,} experts "
        f"(leniency σ 6, noise σ 5); budget {_wan(r['budget'])} of {_wan(r['requested'])} requested (20 %). "
        f"Calibration of all reviews: {r['calibration_s']} s; Spearman ρ with the true quality — raw "
        f"{r['spearman']['raw']}, z {r['spearman']['z']}, model {r['spearman']['quality']}.",
        "",
        "| scenario | status | time (s) | optimised: n / total score / cost | bound | rank, stop: n / score / cost "
        "| rank, skip: n / score / cost | shares met (opt / stop) | differ |",
        "|---|---|---:|---|---:|---|---|---|---:|",
    ]
    for name, s in r["scenarios"].items():
        label = {"plain": "plain", "shares": "tilt ≥ 40 % + 黑龙江 ≥ 40 %", "lottery": "plain + lottery ±0.5"}[name]
        if s["tied"]:
            label += f" (tied {s['tied']}, drawn {s['drawn']})"
        lines.append(
            f"| {label} | {s['status']} | {s['seconds']} | {s['selected']} / {s['total_score']:,.2f} / "
            f"{_wan(s['total_cost'])} | {s['bound']:,.2f} | {s['rank_stop']['selected']} / "
            f"{s['rank_stop']['total_score']:,.2f} / {_wan(s['rank_stop']['total_cost'])} | "
            f"{s['rank_skip']['selected']} / {s['rank_skip']['total_score']:,.2f} / "
            f"{_wan(s['rank_skip']['total_cost'])} | {'yes' if s['shares_met'] else 'no'} / "
            f"{'yes' if s['rank_stop_shares_met'] else 'no'} | {s['differ']} |"
        )
    worst = max(s["seconds"] for s in r["scenarios"].values())
    lines += ["", f"Target ≤ {TARGET_S:g} s: {'met' if worst <= TARGET_S else 'NOT met'} (slowest {worst} s).", ""]
    return lines


def run_backend(backend: str, env: dict, args) -> dict | None:
    """The dispatcher's hook (bench/programmes): the selection needs no database, so any backend
    runs the same measurement once."""
    return measure(getattr(args, "applications", 5000), getattr(args, "seed", 2026), 8.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.programmes.selection", description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--time-limit", type=float, default=8.0)
    parser.add_argument("--report", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    result = measure(args.applications, args.seed, args.time_limit)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.no_report:
        command = "python -m bench.programmes.selection" + (
            f" --applications {args.applications}" if args.applications != 5000 else ""
        )
        stamp = f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — key projects and funds: funding selection"
        with open(args.report, "a", encoding="utf-8") as f:
            f.write("\n" + stamp + "\n\n" + "\n".join(report([result], command)))
        print(f"results appended to {args.report}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
