"""The instruments and booking suites' drivers (one process per backend) and their sections of
docs/benchmarks.md."""

import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BURST_SLOTS = 10
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def say(line: str) -> None:
    print(line, flush=True)


def _run(module: str, backend: str, env: dict, extra: list[str]) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    try:
        if subprocess.run([sys.executable, "-m", module, "--out", out, *extra], cwd=ROOT, env=env).returncode != 0:
            say(f"[{backend}] {module} FAILED")
            return None
        with open(out) as f:
            return json.load(f)
    finally:
        os.unlink(out)


def run_backend(backend: str, env: dict, args) -> dict | None:
    extra = ["--instruments", str(args.instruments), "--per-instrument", str(args.per_instrument)]
    extra += ["--clients", str(args.clients), "--seconds", str(args.seconds), "--seed", str(args.seed)]
    extra += ["--http-clients", args.http_clients, "--workers", str(args.workers or 0)]
    return _run("bench.instruments", backend, env, extra)


def run_booking_backend(backend: str, env: dict, args) -> dict | None:
    extra = ["--data", args.data, "--clients", args.http_clients, "--seconds", str(args.seconds)]
    if args.workers:
        extra += ["--workers", str(args.workers)]
    if args.threads:
        extra += ["--threads", str(args.threads)]
    return _run("bench.booking", backend, env, extra)


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def _machine_line(results: list[dict]) -> str:
    facts = results[0]["machine"]
    versions = ", ".join(
        f"PostgreSQL {r['machine']['postgresql']}"
        if r["backend"] == "postgresql"
        else f"SQLite {r['machine']['sqlite']}"
        for r in results
    )
    return (
        f"Machine: {facts.get('cpu', '')}, nproc {facts['nproc']}, {facts.get('memory', '')} RAM, {facts['os']}; "
        f"Python {facts['python']}, {versions}. Load generator on the same machine."
    )


def _run_rows(row, runs_of) -> None:
    """One block of rows per HTTP run (path × clients)."""
    keys = []
    for runs in runs_of:
        for r in runs:
            key = (r["path"], r["clients"])
            if key not in keys:
                keys.append(key)

    def find(runs, key):
        return next((r for r in runs if (r["path"], r["clients"]) == key), None)

    for path, clients in keys:
        label = f"HTTP {path}, {clients} clients"
        row(
            f"{label}: bookings/s (p50 / p95 ms)",
            [
                f"{x['bookings_per_s']} ({x['p50_ms']} / {x['p95_ms']})" if x else "—"
                for x in (find(runs, (path, clients)) for runs in runs_of)
            ],
        )
        if path == "api create+move":
            row(
                f"{label}: moves/s (create p95 / move p95 ms)",
                [
                    f"{x.get('moves_per_s')} ({x.get('create_p95_ms')} / {x.get('move_p95_ms')})" if x else "—"
                    for x in (find(runs, (path, clients)) for runs in runs_of)
                ],
            )
        row(
            f"{label}: server CPU per booking",
            [
                f"{x['cpu_ms_per_booking']} ms" if x and x.get("cpu_ms_per_booking") else "—"
                for x in (find(runs, (path, clients)) for runs in runs_of)
            ],
        )
        row(
            f"{label}: booked / taken / refused / errors",
            [
                f"{x['booked']} / {x['conflicts']} / {x.get('refused', 0)} / {x['errors']}" if x else "—"
                for x in (find(runs, (path, clients)) for runs in runs_of)
            ],
        )
        row(
            f"{label}: overlapping pairs afterwards · burst winners per slot",
            [
                f"**{x['overlaps']}** · " + " ".join(str(w) for w in x["burst"]["winners_per_slot"])
                if x and "burst" in x
                else (f"**{x['overlaps']}**" if x and "overlaps" in x else "—")
                for x in (find(runs, (path, clients)) for runs in runs_of)
            ],
        )


def report_markdown(results: list[dict]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    r0 = results[0]
    lines = [
        f"## {stamp} — instruments, {r0['instruments']:,} instruments, {r0['bookings']:,} bookings",
        "",
        _machine_line(results),
        "",
        "| | " + " | ".join(NAMES[r["backend"]] for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]

    def row(label, cells):
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    def each(fn):
        return [fn(r) for r in results]

    row("data", each(lambda r: "reused" if r["reused"] else f"generated in {r['generation_s']} s"))
    row("search p95 (≤ 50 ms)", each(lambda r: f"{r['search']['p95']} ms {_mark(r['search']['p95'] <= 50)}"))
    row(
        "week availability p95 (≤ 20 ms)",
        each(lambda r: f"{r['availability']['p95']} ms {_mark(r['availability']['p95'] <= 20)}"),
    )
    row(
        "free between, rule-aware, p95 (≤ 50 ms)",
        each(
            lambda r: (
                f"{r['free_between']['p95']} ms {_mark(r['free_between']['p95'] <= 50)} "
                f"(p50 {r['free_between']['p50']})"
                if "free_between" in r
                else "—"
            )
        ),
    )
    row(
        "next free slot p95 (≤ 20 ms)",
        each(
            lambda r: (
                f"{r['next_free']['p95']} ms {_mark(r['next_free']['p95'] <= 20)} (p50 {r['next_free']['p50']})"
                if "next_free" in r
                else "—"
            )
        ),
    )
    row("SQL queries per booking (service)", each(lambda r: str(r["queries_per_booking"])))
    for key, label in (("service", "service level"), ("naive", "naive check-then-insert baseline")):
        row(
            f"{label}: bookings/s (p50 / p95 ms)",
            each(lambda r, k=key: f"{r[k]['bookings_per_s']} ({r[k]['p50_ms']} / {r[k]['p95_ms']})" if k in r else "—"),
        )
        row(
            f"{label}: overlapping pairs afterwards · burst winners per slot",
            each(
                lambda r, k=key: (
                    f"**{r[k]['overlaps']}** · " + " ".join(str(w) for w in r[k]["burst"]["winners_per_slot"])
                    if k in r
                    else "—"
                )
            ),
        )
    row("HTTP: gunicorn workers", each(lambda r: str(r.get("http_runs", {}).get("workers", "—"))))
    _run_rows(row, [r.get("http_runs", {}).get("runs", []) for r in results])
    row(
        "openness, whole region, one year (≤ 10 s)",
        each(lambda r: f"{r['openness']['seconds']} s {_mark(r['openness']['seconds'] <= 10)}"),
    )
    return "\n".join(lines) + "\n"


def booking_markdown(results: list[dict], command: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    r0 = results[0]
    data = "`make run`'s demo database" if r0["data"] == "demo" else "the generated database"
    lines = [
        f"## {stamp} — booking over HTTP, both paths, {data}",
        "",
        _machine_line(results),
        f" gunicorn {r0['gunicorn']['workers']} workers (threads: {r0['gunicorn']['threads']}); "
        f"{r0['members']} member accounts booking on {r0['instruments']} instruments.",
        "",
        f"Command: `{command}`",
        "",
        "| | " + " | ".join(NAMES[r["backend"]] for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]

    def row(label, cells):
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    _run_rows(row, [[x for x in r["runs"] if x["path"] != "healthz"] for r in results])
    for n in sorted({x["clients"] for r in results for x in r["runs"] if x["path"] == "healthz"}):
        row(
            f"baseline GET /healthz, {n} clients: requests/s (server CPU per request)",
            [
                next(
                    (
                        f"{x['requests_per_s']} ({x['cpu_ms_per_request']} ms)"
                        for x in r["runs"]
                        if x["path"] == "healthz" and x["clients"] == n
                    ),
                    "—",
                )
                for r in results
            ],
        )
    return "\n".join(lines) + "\n"


def append_report(path: Path, results: list[dict]) -> None:
    with open(path, "a") as f:
        f.write("\n" + report_markdown(results))


def append_booking_report(path: Path, results: list[dict], command: str) -> None:
    with open(path, "a") as f:
        f.write("\n" + booking_markdown(results, command))
