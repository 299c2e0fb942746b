"""Benchmark of online bidding: 50 concurrent bidders on one lot, over HTTP.

    python -m bench --suite market --market-parts bidding [--only sqlite|postgres]
    python -m bench.market.bidding --bidders 50 --seconds 20 --out /tmp/bid.json   # one backend, by env

A real gunicorn (gunicorn.conf.py, prod settings, as the booking benchmark drives it,
bench/http_load.py) and 50 clients on threads, one Bearer token each, one qualified bidder
organisation each. Each client bids the next minimum it last heard of
(`POST /api/v1/market/bidding-rounds/{id}/bids`); a 409 `outbid` answer carries the current next
minimum, which the client bids next; `already_highest` (it leads) makes it wait a moment. Phases:

- steady: the round ends in an hour (no extension);
- extension: the round's end is moved to 3 minutes from now (extend 5): every accepted bid
  extends it (延时竞价), the write path with one more field;
- bursts: all clients bid one amount at the same instant (a barrier per amount): exactly one
  must be accepted each time.

Then the round is closed (`bidding_rounds_tick` once its end has passed) and checked: exactly one
winner, the highest bid's organisation; every bid at least the previous + the increment, the first
at least the start price; the round's cached best and count equal the bids'. Figures: requests/s,
accepted bids/s, p50/p95 of all requests and of accepted bids, outcomes by code.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from bench.http_load import Server, pct, request, run_burst

ROOT = Path(__file__).resolve().parents[2]
LOT_KEY = "bench-bid-lot"
USER = "bench-bid-{:02d}"
START = Decimal("5000000.00")
STEP = Decimal("10000.00")
BURSTS = 10


def say(line: str) -> None:
    print(line, flush=True)


# --- the lot and its bidders --------------------------------------------------------------------


def prepare(bidders: int) -> tuple[int, list[str]]:
    """A fresh round open now on the bench lot, `bidders` qualified organisations; their tokens."""
    from django.utils import timezone

    from nesta.accounts.models import RoleAssignment, User
    from nesta.accounts.services import api_token_create
    from nesta.core.models import Region, TaxonomyNode
    from nesta.directory.models import Organization
    from nesta.market.models import Bid, BidderRegistration, BiddingRound, Listing
    from nesta.market.services import bidding as services

    ln = Region.objects.get(code="210000")
    city = Region.objects.filter(parent=ln, level="city").order_by("code").first()

    def org(name: str) -> Organization:
        found = Organization.objects.filter(name=name).first()
        return found or Organization.objects.create(name=name, kind="enterprise", province=ln, city=city)

    seller = org("压测产权出让方")
    listing = Listing.objects.filter(reference_key=LOT_KEY).first()
    if listing is None:
        listing = Listing.objects.create(
            reference_key=LOT_KEY,
            kind="property_right",
            status="published",
            organization=seller,
            title="压测标的：某公司40%股权",
            summary="网络竞价压测用标的。",
            field=TaxonomyNode.objects.order_by("id").first(),
            province=ln,
            city=city,
            price_low=START,
            published_at=timezone.now() - timedelta(days=30),
            details={"asset": "某公司40%股权", "asset_type": "equity", "appraised_value": str(START)},
        )
    rounds = BiddingRound.objects.filter(listing=listing)
    Bid.objects.filter(round__in=rounds).delete()
    BidderRegistration.objects.filter(round__in=rounds).delete()
    rounds.delete()
    Listing.objects.filter(pk=listing.pk).update(status="published")

    office = User.objects.filter(username="bench-bid-office").first()
    if office is None:
        office = User.objects.create_user("bench-bid-office", password=None)
        RoleAssignment.objects.create(user=office, role="office")
    users = []
    for k in range(bidders):
        name = USER.format(k)
        user = User.objects.filter(username=name).first()
        if user is None:
            user = User.objects.create_user(name, password=None, organization=org(f"压测竞买单位{k:02d}"))
            RoleAssignment.objects.create(user=user, role="member", organization=user.organization)
        users.append(user)

    created = timezone.now() - timedelta(hours=1)
    data = services.RoundInput(
        registration_deadline=created + timedelta(minutes=10),
        starts_at=created + timedelta(minutes=30),
        ends_at=created + timedelta(hours=2),
        start_price=START,
        min_increment=STEP,
        extend_minutes=5,
    )
    rnd = services.round_create(actor=office, listing_id=listing.pk, data=data, now=created)
    for user in users:
        reg = services.registration_create(actor=user, round_id=rnd.pk, now=created)
        services.registration_qualify(actor=office, registration_id=reg.pk, now=created)
    services.round_start_due(rnd.pk)
    return rnd.pk, [api_token_create(user=u) for u in users]


def check(round_id: int) -> dict:
    """Close the round and check it: one winner, the highest; strictly ascending by the step."""
    from django.utils import timezone

    from nesta.market.models import Bid, BiddingRound
    from nesta.market.services import bidding as services

    BiddingRound.objects.filter(pk=round_id).update(ends_at=timezone.now() - timedelta(seconds=1))
    services.bidding_rounds_tick()
    rnd = BiddingRound.objects.get(pk=round_id)
    bids = list(Bid.objects.filter(round_id=round_id).select_related("registration").order_by("created_at", "id"))
    below = sum(1 for b in bids if b.amount < rnd.start_price)
    steps_broken = sum(1 for a, b in zip(bids, bids[1:], strict=False) if b.amount < a.amount + rnd.min_increment)
    best = max(bids, key=lambda b: b.amount) if bids else None
    return {
        "status": rnd.status,
        "outcome": rnd.outcome,
        "bids": len(bids),
        "winners": 1 if rnd.winner_id is not None else 0,
        "winner_is_highest": best is not None and rnd.winner_id == best.registration.organization_id,
        "final_amount": str(rnd.final_amount),
        "cache_agrees": rnd.bid_count == len(bids) and (best is None or rnd.best_amount == best.amount),
        "below_start": below,
        "steps_broken": steps_broken,
    }


# --- the clients ---------------------------------------------------------------------------------


class Bidder:
    def __init__(self, base: str, token: str, round_id: int):
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.path = f"/api/v1/market/bidding-rounds/{round_id}/bids"
        self.next = START

    def bid(self, amount: Decimal | None = None) -> str:
        body = json.dumps({"amount": str(amount if amount is not None else self.next)}).encode()
        status, raw, _headers = request(self.base, "POST", self.path, body, self.headers)
        if status == 201:
            self.next = Decimal(json.loads(raw)["round"]["next_minimum"])
            return "ok"
        if status in (409, 503):
            try:
                data = json.loads(raw)
            except ValueError:
                return "error"
            nxt = (data.get("details") or {}).get("next_minimum")
            if nxt:
                self.next = Decimal(nxt)
            return data.get("code") or "error"
        return "error"


def timed(clients: list[Bidder], seconds: float) -> dict:
    results: list[tuple[str, float]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))
    deadline = time.monotonic() + seconds

    def loop(k: int) -> None:
        mine = []
        rng = random.Random(k)
        barrier.wait()
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                outcome = clients[k].bid()
            except OSError:
                outcome = "error"
            mine.append((outcome, (time.perf_counter() - t0) * 1000))
            if outcome == "already_highest":
                time.sleep(rng.uniform(0.05, 0.15))
        with lock:
            results.extend(mine)

    t0 = time.monotonic()
    threads = [threading.Thread(target=loop, args=(k,)) for k in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    every = [ms for _o, ms in results]
    ok = [ms for o, ms in results if o == "ok"]
    codes: dict[str, int] = {}
    for o, _ms in results:
        codes[o] = codes.get(o, 0) + 1
    return {
        "clients": len(clients),
        "seconds": round(elapsed, 1),
        "requests": len(results),
        "requests_per_s": round(len(results) / elapsed, 1),
        "bids": len(ok),
        "bids_per_s": round(len(ok) / elapsed, 1),
        "p50_ms": round(pct(every, 50), 1),
        "p95_ms": round(pct(every, 95), 1),
        "bid_p95_ms": round(pct(ok, 95), 1) if ok else None,
        "outcomes": codes,
    }


def service_level(round_id: int, bidders: int, seconds: float) -> dict:
    from django.db import connection

    from nesta.accounts.models import User
    from nesta.core.errors import DomainError
    from nesta.market.services import bidding as services

    users = list(User.objects.filter(username__startswith="bench-bid-").exclude(username="bench-bid-office"))
    users = sorted(users, key=lambda u: u.username)[:bidders]
    nexts = [START] * len(users)
    results: list[tuple[str, float]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(users))
    deadline = time.monotonic() + seconds

    def loop(k: int) -> None:
        mine = []
        try:
            barrier.wait()
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                try:
                    result = services.bid_place(actor=users[k], round_id=round_id, amount=nexts[k])
                    nexts[k] = services.next_minimum(result.round)
                    outcome = "ok"
                except DomainError as exc:
                    outcome = exc.code
                    nxt = (exc.details or {}).get("next_minimum") if isinstance(exc.details, dict) else None
                    if nxt:
                        nexts[k] = Decimal(nxt)
                mine.append((outcome, (time.perf_counter() - t0) * 1000))
                if outcome == "already_highest":
                    time.sleep(0.05)
        finally:
            connection.close()
            with lock:
                results.extend(mine)

    t0 = time.monotonic()
    threads = [threading.Thread(target=loop, args=(k,)) for k in range(len(users))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    every = [ms for _o, ms in results]
    ok = [ms for o, ms in results if o == "ok"]
    codes: dict[str, int] = {}
    for o, _ms in results:
        codes[o] = codes.get(o, 0) + 1
    return {
        "clients": len(users),
        "seconds": round(elapsed, 1),
        "calls_per_s": round(len(results) / elapsed, 1),
        "bids_per_s": round(len(ok) / elapsed, 1),
        "p95_ms": round(pct(every, 95), 1),
        "bid_p95_ms": round(pct(ok, 95), 1) if ok else None,
        "outcomes": codes,
    }


def measure(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.worker import machine
    from nesta.market.models import BiddingRound

    backend = connection.vendor
    say(f"[{backend}] database {connection.settings_dict['NAME']}: migrating")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    round_id, tokens = prepare(args.bidders)
    say(f"[{backend}] round {round_id}: {len(tokens)} qualified bidders")
    report: dict = {"backend": backend, "machine": machine(connection), "bidders": len(tokens), "phases": {}}
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "nesta.settings.prod"))
    with Server(env, workers=args.workers) as server:
        report["gunicorn_workers"] = server.worker_count()
        clients = [Bidder(server.base, t, round_id) for t in tokens]
        report["phases"]["steady"] = timed(clients, args.seconds)
        say(f"[{backend}] steady: {json.dumps(report['phases']['steady'], ensure_ascii=False)}")
        # the last minutes: every accepted bid extends the end
        BiddingRound.objects.filter(pk=round_id).update(ends_at=timezone.now() + timedelta(minutes=3))
        extension = timed(clients, args.seconds / 2)
        rnd = BiddingRound.objects.get(pk=round_id)
        extension["ends_after_s"] = round((rnd.ends_at - timezone.now()).total_seconds())
        report["phases"]["extension"] = extension
        say(f"[{backend}] extension: {json.dumps(extension, ensure_ascii=False)}")

        # bursts: everyone bids the same amount at the same moment
        def work(k, rng, target):
            try:
                return clients[k].bid(target)
            except OSError:
                return "error"

        from nesta.market.services.bidding import next_minimum

        winners = []
        for _ in range(BURSTS):
            amount = next_minimum(BiddingRound.objects.get(pk=round_id))
            burst = run_burst(len(clients), [amount], work)
            winners.append(burst["winners_per_slot"][0])
        report["phases"]["bursts"] = {"bursts": BURSTS, "winners_per_burst": winners}
        say(f"[{backend}] bursts: winners per burst {winners}")
    report["after_close"] = check(round_id)
    say(f"[{backend}] after close: {json.dumps(report['after_close'], ensure_ascii=False)}")
    # the same contest at the service level (threads in this process, a connection each): what
    # the lock path itself takes, without HTTP, gunicorn and JSON
    round_id, _tokens = prepare(args.bidders)
    report["service"] = service_level(round_id, args.bidders, args.seconds / 2)
    say(f"[{backend}] service level: {json.dumps(report['service'], ensure_ascii=False)}")
    report["service_after_close"] = check(round_id)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.market.bidding")
    parser.add_argument("--bidders", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    report = measure(args)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    a = report["after_close"]
    ok = a["winners"] == 1 and a["winner_is_highest"] and not a["below_start"] and not a["steps_broken"]
    ok = ok and all(w == 1 for w in report["phases"]["bursts"]["winners_per_burst"]) and a["cache_agrees"]
    s = report["service_after_close"]
    ok = ok and s["winners"] == 1 and s["winner_is_highest"] and not s["below_start"] and not s["steps_broken"]
    return 0 if ok else 2


# --- the suite's interface (bench/market/__init__.py) ---------------------------------------


def run_backend(backend: str, env: dict, args) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    try:
        cmd = [sys.executable, "-m", "bench.market.bidding", "--out", out]
        # the suite's --seconds (each throughput run) and --workers apply here too
        cmd += ["--bidders", str(getattr(args, "bidders", 50) or 50)]
        cmd += ["--seconds", str(getattr(args, "seconds", 20) or 20)]
        if getattr(args, "workers", 0):
            cmd += ["--workers", str(args.workers)]
        result = subprocess.run(cmd, cwd=ROOT, env=env)
        if result.returncode not in (0, 2):
            say(f"[{backend}] bidding FAILED (exit {result.returncode})")
            return None
        with open(out, encoding="utf-8") as f:
            data = json.load(f)
        if result.returncode == 2:
            say(f"[{backend}] bidding: a check FAILED — {data.get('after_close')}")
        return data
    finally:
        os.unlink(out)


def report(results: list[dict]) -> list[str]:
    lines = [
        "### Online bidding (50 concurrent bidders on one lot, over HTTP)",
        "",
        "`python -m bench --suite market --market-parts bidding`; a real gunicorn (gunicorn.conf.py, prod settings), "
        "one Bearer token and one qualified bidder organisation per client; each bids the next minimum it last heard "
        "of (a 409 `outbid` carries the current one). Steady: the end an hour away; extension: the end 3 minutes away, "
        "so every accepted bid extends it; bursts: everyone bids one amount at the same instant. Then the round is "
        "closed by the minute job and checked.",
        "",
        "| backend | workers | phase | requests/s | bids/s | p50 / p95 (all) | p95 (accepted) | outcomes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for name in ("steady", "extension"):
            p = r["phases"][name]
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(p["outcomes"].items()))
            lines.append(
                f"| {r['backend']} | {r.get('gunicorn_workers')} | {name} | {p['requests_per_s']} | {p['bids_per_s']} | "
                f"{p['p50_ms']} / {p['p95_ms']} ms | {p['bid_p95_ms']} ms | {outcomes} |"
            )
    lines += [
        "",
        "| backend | bursts (winners each) | bids | winners | winner = highest | below start | steps broken |",
    ]
    lines.append("|---|---|---|---|---|---|---|")
    for r in results:
        a, b = r["after_close"], r["phases"]["bursts"]
        lines.append(
            f"| {r['backend']} | {b['winners_per_burst']} | {a['bids']} | {a['winners']} | {a['winner_is_highest']} | "
            f"{a['below_start']} | {a['steps_broken']} |"
        )
    lines.append("")
    return lines


if __name__ == "__main__":
    sys.exit(main())
