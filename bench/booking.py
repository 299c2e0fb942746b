"""Booking throughput as users get it, one backend per process (settings read SQLITE_PATH /
DATABASE_URL):

    python -m bench.booking --out result.json [--data demo|generated] [--clients 8,32] [--seconds 15]

Both paths over HTTP against a real gunicorn (gunicorn.conf.py, prod settings): the web form
(each client signs in with a demo account's password and posts the calendar's htmx form with its
CSRF token) and the API (a Bearer token each). `--data demo` books on `make run`'s database (a
copy of var/nesta.sqlite3, or one generated as `make data` does), whose instruments carry their
quotas, approvals and training rules: a slot a rule refuses counts as refused, not booked.
`--data generated` books on the instruments suite's generated database. Each run reports
bookings/s, p50/p95, the server's CPU per booking (gunicorn's master and workers, from /proc) and
the overlapping pairs afterwards; the baseline of the same run is GET /healthz (the HTTP floor of
this machine and load generator). Bench bookings are deleted after each run, so runs start alike.
"""

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import datetime, timedelta

from bench.http_load import ApiClient, Server, WebClient, request, run_burst, run_threads, say, timed_on

PURPOSE = "压测"
ACTIVE = "('pending', 'confirmed', 'in_use', 'completed', 'no_show')"
BURST_SLOTS = 10


def overlaps(connection) -> int:
    """Overlapping pairs of active bookings on the instruments the bench booked."""
    sql = f"""
    SELECT COUNT(*) FROM instruments_booking a JOIN instruments_booking b
      ON a.instrument_id = b.instrument_id AND a.id < b.id AND a.start < b."end" AND b.start < a."end"
    WHERE a.status IN {ACTIVE} AND b.status IN {ACTIVE}
      AND a.instrument_id IN (SELECT DISTINCT instrument_id FROM instruments_booking WHERE purpose = %s)
    """
    with connection.cursor() as cur:
        cur.execute(sql, [PURPOSE])
        return cur.fetchone()[0]


def forget_bench_bookings(connection) -> int:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM instruments_booking WHERE purpose = %s", [PURPOSE])
        return cur.rowcount


class Slots:
    """Slots a member would try: an instrument open to them (no training they lack), a day it
    opens within its advance window, a start on the calendar's 30-minute grid within its hours,
    the instrument's shortest booking (at least an hour)."""

    def __init__(self, instruments, today):
        from nesta.instruments.selectors.availability import policy_of

        self.today = today
        self.choices = []
        for inst in instruments:
            p = policy_of(inst)
            if p.requires_training or inst.status not in ("in_use", "idle"):
                continue
            days = [d for d in range(2, max(3, min(p.advance_days, 45))) if self._weekday(d) in p.weekdays]
            a = p.open_from.hour * 60 + p.open_from.minute
            b = p.open_until.hour * 60 + p.open_until.minute
            if b <= a:
                a, b = 0, 24 * 60
            length = max(60, -(-p.min_minutes // 30) * 30)
            if p.max_minutes and length > p.max_minutes or not days or b - a < length:
                continue
            self.choices.append((inst.pk, days, a, b - length, length))

    def _weekday(self, offset: int) -> str:
        return str((self.today + timedelta(days=offset)).isoweekday())

    def pick(self, rng: random.Random):
        from nesta.instruments.policy import LOCAL

        pk, days, first, last, length = rng.choice(self.choices)
        day = self.today + timedelta(days=rng.choice(days))
        minute = first + 30 * rng.randrange((last - first) // 30 + 1)
        start = datetime(day.year, day.month, day.day, tzinfo=LOCAL) + timedelta(minutes=-(-minute // 30) * 30)
        return pk, start, start + timedelta(minutes=length)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--data", choices=["demo", "generated"], default="demo")
    parser.add_argument("--clients", default="8,32", help="client counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--paths", default="web,api")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, default=None, help="gunicorn threads (default: gunicorn.conf.py)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from bench.worker import machine
    from nesta.accounts.models import User
    from nesta.accounts.services import api_token_create
    from nesta.demo.generator import DEMO_USERNAMES, demo_password
    from nesta.instruments.models import Instrument
    from nesta.instruments.policy import LOCAL

    backend = connection.vendor
    today = timezone.localtime(timezone.now(), LOCAL).date()
    if args.data == "demo":
        members = list(User.objects.filter(username__in=[u for u in DEMO_USERNAMES if u.startswith("member")]))
        instruments = Instrument.objects.select_related("policy").exclude(reference_key__startswith="bench-inst-")
        password = demo_password()
    else:
        from bench.inst_data import bench_clients

        some = Instrument.objects.filter(reference_key__startswith="bench-inst-").order_by("id").first()
        members = bench_clients(connection, 32, some.owner_id)
        for user in members:
            user.set_password("bench-2026")
            user.save(update_fields=["password"])
        password = "bench-2026"
        ids = list(
            Instrument.objects.filter(reference_key__startswith="bench-inst-")
            .order_by("id")
            .values_list("id", flat=True)[1000:1200]
        )
        instruments = Instrument.objects.select_related("policy").filter(pk__in=ids)
    members.sort(key=lambda u: u.username)
    if not members:
        say(f"[{backend}] no member accounts to book with (run `make data`)")
        return 1
    slots = Slots(list(instruments), today)
    say(f"[{backend}] {len(members)} members, {len(slots.choices)} instruments they may book, {args.data} data")
    forget_bench_bookings(connection)
    report: dict = {
        "backend": backend,
        "machine": machine(connection),
        "data": args.data,
        "instruments": len(slots.choices),
        "members": len(members),
        "runs": [],
    }
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="nesta.settings.prod")
    counts = [int(c) for c in args.clients.split(",") if c]
    with Server(env, workers=args.workers, threads=args.threads) as server:
        report["gunicorn"] = {"workers": server.worker_count(), "threads": args.threads or "conf"}
        say(f"[{backend}] gunicorn {server.worker_count()} workers on {server.base}")
        tokens = [api_token_create(user=m) for m in members]
        for path in args.paths.split(","):
            for n in counts:
                clients = [
                    WebClient(server.base, members[k % len(members)].username, password)
                    if path == "web"
                    else ApiClient(server.base, tokens[k % len(members)])
                    for k in range(n)
                ]

                def work(k, rng, target=None, clients=clients):
                    iid, start, end = target or slots.pick(rng)
                    try:
                        return clients[k].book(iid, start, end, uuid.uuid4().hex)
                    except OSError:
                        return "error"

                figures = timed_on(server, lambda n=n, work=work: run_threads(n, args.seconds, work))
                figures["overlaps"] = overlaps(connection)
                figures["path"] = path
                forget_bench_bookings(connection)
                rng = random.Random(args.seed)
                figures["burst"] = run_burst(n, [slots.pick(rng) for _ in range(BURST_SLOTS)], work)
                figures["overlaps_after_burst"] = overlaps(connection)
                report["runs"].append(figures)
                say(f"[{backend}] {path} × {n}: {json.dumps(figures, ensure_ascii=False)}")
                forget_bench_bookings(connection)
                time.sleep(1)

        def floor(k, rng):
            status, _body, _headers = request(server.base, "GET", "/healthz")
            return "ok" if status == 200 else "error"

        for n in counts:
            figures = timed_on(server, lambda n=n: run_threads(n, args.seconds / 2, floor))
            figures["path"] = "healthz"
            report["runs"].append(figures)
            say(f"[{backend}] baseline GET /healthz × {n}: {figures['requests_per_s']} requests/s")
    forget_bench_bookings(connection)
    with open(args.out, "w") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
