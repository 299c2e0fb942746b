"""The reviewer-assignment solve of an earlier revision beside the working tree's, on the bench's
instance, in one process, alternating (so both see the same load):

    SQLITE_PATH=var/bench/H4-assignment-5000x2000.sqlite3 python -m bench.programmes.assignment_ab \\
        --rev 95fe5d9 [--repeat 3] [--fair]

The database is one `bench.programmes.assignment` generated (its pool is read once); the earlier
revision's `nesta/programmes/assignment/*.py` are taken with `git show` into a temporary package
and imported beside the current ones. Prints each run's CPU and wall seconds and figures, then the
minimum of each and the ratio new ÷ old — the comparable figure on a shared machine.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ("flow", "pricing", "candidates", "feasibility", "problem")


def _old_package(rev: str, into: Path) -> None:
    pkg = into / "asg_old"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name in MODULES:
        source = subprocess.run(
            ["git", "show", f"{rev}:nesta/programmes/assignment/{name}.py"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (pkg / f"{name}.py").write_text(source.replace("nesta.programmes.assignment", "asg_old"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.programmes.assignment_ab")
    parser.add_argument("--rev", required=True, help="the earlier revision (git)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fair", action="store_true")
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    import django

    django.setup()
    from bench.programmes.assignment import CODE
    from nesta.programmes.assignment import flow
    from nesta.programmes.assignment.instance import Params, build
    from nesta.programmes.assignment.pool import correspondence_round, load_pool
    from nesta.programmes.assignment.problem import figures
    from nesta.programmes.models import Assignment, Call

    call = Call.objects.get(code=CODE)
    rnd = correspondence_round(call)
    Assignment.objects.filter(round=rnd).delete()
    p = build(load_pool(call, rnd), Params(k=args.k, max_load=20)).problem
    with tempfile.TemporaryDirectory() as tmp:
        _old_package(args.rev, Path(tmp))
        sys.path.insert(0, tmp)
        from asg_old import flow as old_flow  # type: ignore[import-not-found]
        from asg_old import problem as old_problem  # type: ignore[import-not-found]

        old_p = old_problem.Problem(**p.__dict__)
        runs: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
        for _ in range(args.repeat):
            for name, solver, problem in (("old", old_flow, old_p), ("new", flow, p)):
                wall, cpu = time.perf_counter(), time.process_time()
                s = solver.solve(problem, fair=args.fair)
                runs[name].append((time.process_time() - cpu, time.perf_counter() - wall))
                f = figures(s, p.need)
                print(
                    f"{name}: cpu {runs[name][-1][0]:.2f} s, wall {runs[name][-1][1]:.2f} s, arcs {s.arcs:,}, "
                    f"total {f['total_affinity']}, worst-off {f['worst_affinity']}, short {f['short_applications']}, "
                    f"floor {s.threshold}, load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    best = {name: (min(r[0] for r in rs), min(r[1] for r in rs)) for name, rs in runs.items()}
    for name, (cpu, wall) in best.items():
        print(f"{name}: min cpu {cpu:.2f} s, min wall {wall:.2f} s")
    print(f"new ÷ old: cpu {best['new'][0] / best['old'][0]:.2f}, wall {best['new'][1] / best['old'][1]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
