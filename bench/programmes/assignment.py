"""Benchmark of reviewer assignment: 5,000 applications × 2,000 experts, k = 5.

    python -m bench --suite programmes --programmes-parts assignment [--only sqlite|postgres]
    python -m bench.programmes.assignment [--applications 5000] [--experts 2000] [--only sqlite] [--no-report]

Generates (once; a database holding exactly this instance is reused) one call in 专家评审 with N
applications from 1,200 organisations in the three provinces, on twelve priority areas with a
skewed demand (the first areas draw far more applications), each with title, keywords, summary and
a team of three; E experts (users with the expert role) whose profiles name terms of one area —
one in ten a broad profile over three areas, so a few experts suit very many applications (skewed
popularity) — and whose yearly caps make the total capacity ≈ 1.05 × demand. Conflicts: a quarter
of the experts work at an applicant organisation, a third have a past job at one (ending
2019–2025, so the three-year window matters), team members from the experts' organisations, and
one application in five asks to avoid one to three (popular) experts.

Measured in one run: end to end `services.assignment.assignment_run(save=True)` — the pool read
(constant queries), the affinity (segmentation, BM25-weighted vectors, sparse products, field
closeness), the min-cost flow, the greedy baseline and the save (25,000 Assignment rows, one audit
row, one notification per expert); then the solve alone (wall and CPU seconds), the greedy alone,
the fair solve. Targets: end to end ≤ 20 s, solve ≤ 2 s.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = "bench-asg"
TARGET_E2E_S = 20.0
TARGET_SOLVE_S = 2.0
ALL_PAIRS_MAX = 1_000_000  # eligible pairs up to which the all-pairs optimum is measured beside
PROVINCES = ("210000", "220000", "230000")

# (taxonomy code, terms of the area)
AREAS = [
    ("machinery", "数控机床 加工中心 铸造 锻压 焊接 精密加工 液压 轴承 齿轮 刀具 热处理 装备"),
    ("automotive", "汽车 发动机 变速器 底盘 车身 电动汽车 动力电池 轻量化 制动 转向 整车 传感器"),
    ("electronic-equipment", "集成电路 芯片 传感器 光电子 射频 嵌入式 通信 雷达 显示 封装 电路 信号处理"),
    ("crops", "玉米 大豆 水稻 小麦 栽培 施肥 病虫害 黑土 秸秆 耕作 节水 灌溉"),
    ("breeding", "育种 种质资源 杂交 分子标记 基因 转基因 制种 品种 抗病 高产 遗传 选育"),
    ("livestock", "奶牛 生猪 肉牛 饲料 兽药 疫病 养殖 繁育 胚胎 乳品 屠宰 防疫"),
    ("power-equipment", "发电机 变压器 汽轮机 水轮机 电网 输电 风电 核电 锅炉 开关 继电保护 储能"),
    ("petroleum", "油田 采油 钻井 油藏 驱油 稠油 压裂 管道 炼化 天然气 测井 聚合物"),
    ("coal", "煤矿 采煤 瓦斯 煤化工 洗选 矿井 通风 支护 煤层 液化 气化 安全监测"),
    ("aerospace", "飞机 航空发动机 复合材料 航天 机翼 起落架 导航 飞控 钛合金 涡轮 叶片 风洞"),
    ("scientific-instruments", "色谱 光谱 质谱 显微镜 检测 计量 分析仪器 传感 标定 精密测量 电镜 无损检测"),
    ("agri-deep-processing", "农产品 精深加工 淀粉 食品 发酵 大豆蛋白 保鲜 冷链 深加工 乳制品 酶制剂 提取"),
]
FILLER = "研究 开发 关键技术 应用 示范 提升 优化 产业化 集成 工艺 系统 方法"


def say(line: str) -> None:
    print(line, flush=True)


def _pick(rng: random.Random, words: list[str], n: int) -> list[str]:
    return rng.sample(words, min(n, len(words)))


def _demand_weights() -> list[float]:
    return [1 / (1 + 0.35 * i) ** 1.6 for i in range(len(AREAS))]


def ensure_data(n_apps: int, n_experts: int, seed: int, backend: str) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from nesta.accounts.models import RoleAssignment, User
    from nesta.core.models import Region, TaxonomyNode
    from nesta.directory.models import Affiliation, ExpertProfile, Organization, Person
    from nesta.programmes.models import (
        Application,
        Assignment,
        AvoidRequest,
        Call,
        Programme,
        ReviewRound,
        RoundKind,
        TeamMember,
    )

    call = Call.objects.filter(code=CODE).first()
    experts_now = Person.objects.filter(reference_key__startswith="bench-asg-e-").count()
    if call and call.applications.count() == n_apps and experts_now == n_experts:
        say(f"[{backend}] reusing {n_apps} applications and {n_experts} experts")
        return {"generated": False, "insert_s": None, "call_id": call.pk}
    if call or experts_now:
        say(f"[{backend}] removing the assignment bench records of another size")
        Assignment.objects.filter(round__call__code=CODE).delete()
        Application.objects.filter(call__code=CODE).delete()
        Call.objects.filter(code=CODE).delete()
        Person.objects.filter(reference_key__startswith="bench-asg-e-").delete()
        User.objects.filter(username__startswith="bench-asg-").delete()
        Organization.objects.filter(reference_key__startswith="bench-asg-o-").delete()
    rng = random.Random(seed)
    started = time.monotonic()
    provinces = [Region.objects.get(code=c) for c in PROVINCES]
    nodes = {n.code: n for n in TaxonomyNode.objects.filter(code__in=[a for a, _ in AREAS])}
    fallback = TaxonomyNode.objects.filter(parent__isnull=False).first()
    areas = [(nodes.get(code, fallback), terms.split()) for code, terms in AREAS]
    filler = FILLER.split()
    now = timezone.now()
    with transaction.atomic():
        orgs = Organization.objects.bulk_create(
            [
                Organization(
                    name=f"基准测试单位{i:04d}",
                    kind="research_institute" if i % 3 else "enterprise",
                    province=provinces[i % 3],
                    reference_key=f"bench-asg-o-{i}",
                )
                for i in range(1200)
            ],
            batch_size=1000,
        )
        applicant_orgs, expert_orgs = orgs[:900], orgs[600:]
        programme = Programme.objects.order_by("sort_order").first()
        call = Call.objects.create(
            programme=programme,
            code=CODE,
            title="基准测试：重点项目通讯评审",
            year=2026,
            status="reviewing",
            opens_at=now - timedelta(days=60),
            closes_at=now - timedelta(days=10),
            budget=Decimal("2000000000"),
            max_request=Decimal("3000000"),
        )
        ReviewRound.objects.create(
            call=call, kind=RoundKind.CORRESPONDENCE, order=1, reviewers_per_application=5, max_load=20
        )
        weights = _demand_weights()
        apps = []
        for i in range(n_apps):
            a = rng.choices(range(len(AREAS)), weights)[0]
            node, terms = areas[a]
            other = areas[rng.randrange(len(AREAS))][1]
            org = applicant_orgs[rng.randrange(len(applicant_orgs))]
            kw = _pick(rng, terms, 4)
            title = "".join(_pick(rng, terms, 2)) + rng.choice(["关键技术研究", "工艺开发与示范", "集成应用"])
            summary = "，".join(
                ["".join(_pick(rng, terms, 2)) for _ in range(4)] + ["".join(_pick(rng, other + filler, 2))]
            )
            apps.append(
                Application(
                    call=call,
                    number=f"BA{i:06d}",
                    organization=org,
                    province=org.province,
                    title=title,
                    summary=summary + "。",
                    keywords=",".join(kw),
                    field=node,
                    requested_amount=Decimal(rng.randrange(50, 300)) * 10000,
                    status="in_review",
                    submitted_at=now - timedelta(days=20),
                    reference_key=f"bench-asg-a-{i}",
                )
            )
        apps = Application.objects.bulk_create(apps, batch_size=1000)
        users = User.objects.bulk_create(
            [User(username=f"bench-asg-{j}", display_name=f"专家{j}", password="!") for j in range(n_experts)],
            batch_size=1000,
        )
        RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role="expert") for u in users], batch_size=1000)
        persons, profiles, jobs, fields = [], [], [], []
        # yearly caps: heterogeneous (6–20), scaled so that their sum ≈ 1.05 × demand
        raw = [rng.uniform(6, 20) for _ in range(n_experts)]
        scale = 1.05 * n_apps * 5 / sum(raw)
        caps = [max(1, round(r * scale)) for r in raw]
        expert_areas = []
        for j in range(n_experts):
            own = rng.randrange(len(AREAS))
            broad = rng.random() < 0.1
            mine = [own] + ([0, 1] if broad else [])  # broad profiles lean to the busiest areas
            expert_areas.append(mine)
            terms = [t for a in mine for t in areas[a][1]]
            at_applicant = rng.random() < 0.25
            org = (
                applicant_orgs[rng.randrange(len(applicant_orgs))]
                if at_applicant
                else expert_orgs[j % len(expert_orgs)]
            )
            persons.append(
                Person(
                    name=f"专家{j:04d}",
                    organization=org,
                    keywords=" ".join(_pick(rng, terms, 6 if broad else 4)),
                    bio="长期从事" + "、".join(_pick(rng, terms, 3)) + "研究。",
                    user=users[j],
                    reference_key=f"bench-asg-e-{j}",
                )
            )
        persons = Person.objects.bulk_create(persons, batch_size=1000)
        for j, p in enumerate(persons):
            terms = [t for a in expert_areas[j] for t in areas[a][1]]
            profiles.append(
                ExpertProfile(person=p, expertise="、".join(_pick(rng, terms, 4)), max_reviews_per_year=caps[j])
            )
            jobs.append(Affiliation(person=p, organization=p.organization, start_year=2015))
            if rng.random() < 0.33:
                past = applicant_orgs[rng.randrange(len(applicant_orgs))]
                end = rng.randrange(2019, 2026)
                jobs.append(Affiliation(person=p, organization=past, start_year=end - 6, end_year=end))
            for a in expert_areas[j]:
                fields.append(Person.fields.through(person_id=p.pk, taxonomynode_id=areas[a][0].pk))
        ExpertProfile.objects.bulk_create(profiles, batch_size=1000)
        Affiliation.objects.bulk_create(jobs, batch_size=1000)
        Person.fields.through.objects.bulk_create(fields, batch_size=1000, ignore_conflicts=True)
        popular = [p for j, p in enumerate(persons) if len(expert_areas[j]) > 1]
        team, avoid = [], []
        for i, app in enumerate(apps):
            for m in range(3):
                colleague = rng.random() < 0.1 and m == 2
                org = expert_orgs[rng.randrange(len(expert_orgs))] if colleague else app.organization
                team.append(TeamMember(application=app, name=f"成员{i}-{m}", organization=org, is_lead=m == 0))
            if popular and rng.random() < 0.2:
                for p in rng.sample(popular, min(len(popular), rng.randint(1, 3))):
                    avoid.append(AvoidRequest(application=app, expert=p))
        TeamMember.objects.bulk_create(team, batch_size=2000)
        AvoidRequest.objects.bulk_create(avoid, batch_size=2000, ignore_conflicts=True)
    insert_s = round(time.monotonic() - started, 1)
    say(f"[{backend}] generated {n_apps} applications and {n_experts} experts in {insert_s} s")
    return {"generated": True, "insert_s": insert_s, "call_id": call.pk}


def measure(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from nesta.accounts.models import RoleAssignment, User
    from nesta.core.models import Notification
    from nesta.programmes.assignment import flow
    from nesta.programmes.assignment.candidates import candidates
    from nesta.programmes.assignment.greedy import greedy
    from nesta.programmes.assignment.instance import Params, build
    from nesta.programmes.assignment.pool import correspondence_round, load_pool
    from nesta.programmes.assignment.problem import figures
    from nesta.programmes.models import Assignment, Call
    from nesta.programmes.services.assignment import assignment_run

    backend = connection.vendor
    say(f"[{backend}] database {connection.settings_dict['NAME']}: migrating")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    data = ensure_data(args.applications, args.experts, args.seed, backend)
    office, created = User.objects.get_or_create(username="bench-asg-office")
    if created:
        RoleAssignment.objects.create(user=office, role="office")
    call = Call.objects.get(pk=data["call_id"])
    rnd = correspondence_round(call)
    Assignment.objects.filter(round=rnd).delete()
    Notification.objects.filter(kind="review_invitation", user__username__startswith="bench-asg-").delete()
    params = {"k": args.k, "min_load": 0, "max_load": 20, "out_of_province": True, "one_per_org": True}

    # end to end, as POST /calls/{id}/assignment with save=true runs it — in a web process whose
    # URLconf is loaded (the save reverses one URL; the first reverse imports every app's views)
    from django.urls import reverse

    reverse("programmes:my_invitations")
    t = time.perf_counter()
    result = assignment_run(actor=office, call_id=call.pk, data=params, save=True)
    e2e_s = time.perf_counter() - t
    seats = Assignment.objects.filter(round=rnd).count()
    assert seats == result.saved == result.figures["pairs"], (seats, result.saved)

    # the parts alone, on the same pool (seats cleared again)
    Assignment.objects.filter(round=rnd).delete()
    pool = load_pool(call, rnd)
    built = build(pool, Params(k=args.k, max_load=20))
    p = built.problem
    w, c = time.perf_counter(), time.process_time()
    plain = flow.solve(p)
    solve_wall, solve_cpu = time.perf_counter() - w, time.process_time() - c
    w = time.perf_counter()
    base = greedy(p)
    greedy_s = time.perf_counter() - w
    w, c = time.perf_counter(), time.process_time()
    fair = flow.solve(p, fair=True)
    fair_wall, fair_cpu = time.perf_counter() - w, time.process_time() - c
    usable = p.eligible & (p.capacity > 0)[None, :]
    every = None
    if int(usable.sum()) <= ALL_PAIRS_MAX:  # the optimum over every eligible pair, where affordable
        w, c = time.perf_counter(), time.process_time()
        found = flow._solve(p, candidates(p, None))
        if found is not None:
            every = {
                **figures(found, p.need),
                "wall_s": round(time.perf_counter() - w, 2),
                "cpu_s": round(time.process_time() - c, 2),
                "arcs": found.arcs,
            }
    report = {
        "backend": backend,
        "applications": len(pool.apps),
        "experts": len(pool.experts),
        "k": args.k,
        "demand": int(p.need.sum()),
        "capacity": int(p.capacity.sum()),
        "excluded_pairs": len(pool.exclusions),
        "eligible_pairs": int(usable.sum()),
        "arcs": plain.arcs,
        "grow_rounds": plain.grow_rounds,
        "price_rounds": plain.price_rounds,
        "priced_out": plain.priced_out,
        "all_pairs": every,
        "insert_s": data["insert_s"],
        "e2e_s": round(e2e_s, 2),
        "e2e_parts": result.seconds,
        "saved": result.saved,
        "solve_wall_s": round(solve_wall, 2),
        "solve_cpu_s": round(solve_cpu, 2),
        "greedy_s": round(greedy_s, 2),
        "fair_wall_s": round(fair_wall, 2),
        "fair_cpu_s": round(fair_cpu, 2),
        "flow": figures(plain, p.need),
        "fair": {**figures(fair, p.need), "floor": fair.threshold},
        "greedy": figures(base, p.need),
        "load": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
    }
    say(f"[{backend}] {json.dumps(report, ensure_ascii=False)}")
    return report


def own_env(env: dict, args: argparse.Namespace) -> dict | None:
    """Its own database per size (var/bench/assignment-5000x2000.sqlite3,
    nesta_bench_assignment_5000x2000; BENCH_HELPER=A prefixes both): the budget part writes a
    million payments into the shared one, and SQLite has one writer."""
    env = dict(env)
    size = f"{args.applications}x{args.experts}"
    helper = os.environ.get("BENCH_HELPER", "").strip()
    if env.get("DATABASE_URL"):
        from bench.__main__ import ensure_postgres_database

        name = f"nesta_bench_{helper.lower() + '_' if helper else ''}assignment_{size}"
        url = env["DATABASE_URL"].rpartition("/")[0] + "/" + name
        if ensure_postgres_database(url):
            return None
        env["DATABASE_URL"] = url
    else:
        path = ROOT / "var" / "bench" / f"{helper + '-' if helper else ''}assignment-{size}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        env["SQLITE_PATH"] = str(path)
    return env


def run_backend(backend: str, env: dict, args) -> dict | None:
    env = own_env(env, args)
    if env is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    try:
        cmd = [sys.executable, "-m", "bench.programmes.assignment", "--worker", "--out", out]
        cmd += ["--applications", str(args.applications), "--experts", str(args.experts), "--seed", str(args.seed)]
        cmd += ["--k", str(getattr(args, "k", 5))]
        result = subprocess.run(cmd, cwd=ROOT, env=env)
        if result.returncode != 0:
            say(f"[{backend}] assignment FAILED (exit {result.returncode})")
            return None
        with open(out, encoding="utf-8") as f:
            return json.load(f)
    finally:
        os.unlink(out)


def report(results: list[dict]) -> list[str]:
    lines = [
        "### Programmes: reviewer assignment (min-cost flow beside greedy)",
        "",
        "`python -m bench --suite programmes --programmes-parts assignment` (or `python -m bench.programmes.assignment`). "
        "One call, k = 5, side rules on (≥ 1 reviewer from outside the applicant's province, ≤ 1 per organisation), "
        "max load 20 and each expert's yearly cap (total capacity ≈ 1.05 × demand), skewed demand and expert "
        "popularity, conflicts from work history (3-year window), teams and avoid requests. End to end = "
        "`assignment_run(save=True)`: pool read, affinity, flow, greedy, save. The flow grows the pruned candidate "
        "graph where a maximum flow falls short, then adds the pairs of negative reduced cost (column generation); "
        "where every pair is affordable its optimum is shown beside. Solve alone in wall and CPU "
        f"seconds (the machine is shared). Targets: end to end ≤ {TARGET_E2E_S:g} s, solve ≤ {TARGET_SOLVE_S:g} s.",
        "",
        "| backend | apps × experts | demand / capacity | excluded pairs | arcs (grow · price rounds) | end to end (load · affinity · solve · greedy · save) | solve wall / CPU | fair wall / CPU | load avg |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        e = r["e2e_parts"]
        lines.append(
            f"| {r['backend']} | {r['applications']:,} × {r['experts']:,} | {r['demand']:,} / {r['capacity']:,} | "
            f"{r['excluded_pairs']:,} | {r['arcs']:,} ({r.get('grow_rounds')} · {r.get('price_rounds')}) | **{r['e2e_s']} s** ({e.get('load')} · {e.get('affinity')} · "
            f"{e.get('solve')} · {e.get('greedy')} · {e.get('save')}) | **{r['solve_wall_s']} / {r['solve_cpu_s']} s** | "
            f"{r['fair_wall_s']} / {r['fair_cpu_s']} s | {r['load']} on {r['cpus']} CPUs |"
        )
    lines += [
        "",
        "| backend | method | seats | total affinity | worst-off application (mean) | short-handed applications | missing seats |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        rows = [("min-cost flow", r["flow"]), ("flow, fair", r["fair"]), ("greedy", r["greedy"])]
        if r.get("all_pairs"):
            a = r["all_pairs"]
            rows.insert(1, (f"flow on every pair ({a['arcs']:,} arcs, {a['wall_s']} / {a['cpu_s']} s)", a))
        for name, f in rows:
            lines.append(
                f"| {r['backend']} | {name} | {f['pairs']:,} | {f['total_affinity']} | {f['worst_affinity']} | "
                f"{f['short_applications']} | {f['missing_seats']} |"
            )
    lines.append("")
    return lines


def _env(backend: str, pg_url: str) -> dict:
    """The environment of the worker; its database is chosen by own_env (one per size)."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if backend == "postgres":
        env["DATABASE_URL"] = pg_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.programmes.assignment")
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--experts", type=int, default=2000)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/nesta_bench")
    )
    parser.add_argument("--report", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--worker", action="store_true", help="measure on the database of the environment")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    if args.worker:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
        result = measure(args)
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, indent=1)
        return 0
    results = []
    for backend in [args.only] if args.only else ["sqlite", "postgres"]:
        result = run_backend(backend, _env(backend, args.pg_url), args)
        if result:
            results.append(result)
    lines = report(results) if results else []
    if results and not args.no_report:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        with open(args.report, "a", encoding="utf-8") as f:
            f.write("\n" + "\n".join([lines[0] + f" — {stamp}", *lines[1:]]) + "\n")
    for line in lines:
        say(line)
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
