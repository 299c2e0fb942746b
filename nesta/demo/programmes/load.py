"""The programmes' demo providers (registered in nesta/demo/apps.py after the directory).

`load_calls` — a call in every stage: an open call (drafts, submissions, recommendations); a call
in expert review (≥ 60 applications in review at the default scale, the expert pool with real
conflicts, reviewers assigned by the solver, answers and some reviews); a decided call of last
year (reviews, the selection run, funded and not funded) whose projects run with milestones,
reports and payments; and an older call whose projects were accepted and closed. `load_subsidies`
— the zones' interest subsidies. Deterministic (seeded), idempotent (keyed by reference_key)."""

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from nesta.core.transactions import write_transaction
from nesta.demo.programmes import awards, calls, review
from nesta.demo.programmes import subsidies as subsidy_demo
from nesta.demo.programmes import texts as T
from nesta.demo.programmes.base import DEMO_KEY, Context, at, context, wan
from nesta.demo.programmes.calls import AppPlan, CallSpec
from nesta.demo.programmes.experts import expert_accounts


def _sizes(scale: int) -> dict[str, int]:
    big = scale >= 200
    return {
        "open": 14 if big else 8,
        "review": 66 if big else 24,
        "decided": 36 if big else 16,
        "closed": 14 if big else 8,
    }


def _open_call(ctx: Context, n: int) -> dict[str, int]:
    rng = ctx.rng("open")
    year = ctx.today.year
    opens = at(ctx.past(21), rng)
    spec = CallSpec(
        key=f"{DEMO_KEY}{year}-action-open",
        programme="action-special-fund",
        title=f"{year}年度振兴东北科技行动重点项目申报指南（装备制造与新材料）",
        summary="围绕装备制造业振兴和新材料产业发展，支持关键共性技术攻关与成果产业化。申报单位须为东北三省注册的法人单位，每个单位限报2项。",
        year=year,
        status="open",
        opens_at=opens,
        closes_at=at(ctx.today + timedelta(days=28), rng).replace(hour=17, minute=0),
        budget=wan(3000),
        max_request=wan(300),
        areas=T.OPEN_AREAS,
    )
    call = calls.make_call(ctx, spec)
    plans = []
    for i in range(n):
        if i % 3 == 0:
            plans.append(AppPlan("draft"))
            continue
        submitted = ctx.moment(rng.randint(1, 18), rng)
        if i % 3 == 1:
            plans.append(AppPlan("submitted", submitted=submitted))
        else:
            rec = min(submitted + timedelta(days=rng.randint(1, 4), hours=2), ctx.now - timedelta(hours=1))
            plans.append(AppPlan("recommended", submitted=submitted, recommended=max(rec, submitted)))
    apps = calls.make_applications(ctx, call, plans, T.OPEN_AREAS, rng)
    return {"open_applications": len(apps)}


def _review_call(ctx: Context, n: int) -> dict[str, int]:
    rng = ctx.rng("review")
    year = ctx.today.year
    opens = at(ctx.past(110), rng)
    closes = at(ctx.past(62), rng).replace(hour=17, minute=0)
    round_opens = at(ctx.past(18), rng)
    spec = CallSpec(
        key=f"{DEMO_KEY}{year}-863-review",
        programme="program-863",
        title=f"{year}年度863计划东北高技术产业化重点项目（电子信息与生物医药）",
        summary="支持软件、光电子、电子信息装备和生物医药领域的高技术成果产业化，向科技型民营企业倾斜（不低于30%）。",
        year=year,
        status="reviewing",
        opens_at=opens,
        closes_at=closes,
        budget=wan(4000),
        max_request=wan(150),
        areas=T.REVIEW_AREAS,
        tilt=True,
        blind=True,
        round_opens=round_opens,
        round_closes=round_opens + timedelta(days=28),
    )
    call = calls.make_call(ctx, spec)
    plans = []
    extra = max(4, n // 10)
    for i in range(n + extra):
        submitted = at(opens.date() + timedelta(days=rng.randint(5, 45)), rng)
        recommended = at(closes.date() + timedelta(days=rng.randint(3, 15)), rng)
        if i >= n:
            plans.append(
                AppPlan(
                    "not_recommended",
                    submitted=submitted,
                    recommended=recommended,
                    note="不符合本指南支持方向，未予推荐。",
                )
            )
            continue
        checked = at(closes.date() + timedelta(days=rng.randint(20, 35)), rng)
        plans.append(AppPlan("in_review", submitted=submitted, recommended=recommended, checked=checked))
    apps = calls.make_applications(ctx, call, plans, T.REVIEW_AREAS, rng, conflicted_share=0.4, colleague_share=0.3)
    in_review = [a for a in apps if a.status == "in_review"]
    avoided, declared = calls.avoid_and_declare(ctx, in_review, rng)
    _date_declarations(call, round_opens)
    seats = review.assign(ctx, call, k=3, max_load=max(4, -(-3 * n // max(1, len(ctx.experts))) + 2))
    counts = review.answer(
        ctx,
        call,
        rng,
        invited=round_opens,
        accept_share=0.78,
        decline_share=0.08,
        review_share=0.55,
        latest=ctx.now,
    )
    return {"review_applications": len(in_review), "seats": seats, "avoid": avoided, "declared": declared, **counts}


def _date_declarations(call: Any, moment: Any) -> None:
    from nesta.programmes.models import ConflictDeclaration

    ConflictDeclaration.objects.filter(application__call=call).update(declared_at=moment - timedelta(days=2))


def _decided_call(ctx: Context, n: int, *, key: str, year: int, programme: str, title: str, areas, closed: bool):
    rng = ctx.rng(key)
    opens = at(date(year, 3, 1) + timedelta(days=rng.randint(0, 10)), rng)
    closes = at(date(year, 4, 15), rng).replace(hour=17, minute=0)
    round_opens = at(date(year, 5, 12), rng)
    decided = at(date(year, 7, 8) + timedelta(days=rng.randint(0, 6)), rng)
    spec = CallSpec(
        key=key,
        programme=programme,
        title=title,
        summary="支持农业、能源等领域科技成果转化与产业化示范，向科技型民营企业倾斜。",
        year=year,
        status="reviewing",
        opens_at=opens,
        closes_at=closes,
        budget=wan(max(200, 25 * n)),  # about 40 % of what is asked: some are not funded
        max_request=wan(150),
        areas=areas,
        tilt=True,
        round_opens=round_opens,
        round_closes=round_opens + timedelta(days=21),
    )
    call = calls.make_call(ctx, spec)
    plans = []
    for _i in range(n):
        submitted = at(opens.date() + timedelta(days=rng.randint(3, 40)), rng)
        recommended = at(closes.date() + timedelta(days=rng.randint(2, 10)), rng)
        checked = at(closes.date() + timedelta(days=rng.randint(12, 22)), rng)
        plans.append(AppPlan("in_review", submitted=submitted, recommended=recommended, checked=checked))
    calls.make_applications(ctx, call, plans, areas, rng, conflicted_share=0.3)
    review.assign(ctx, call, k=3, max_load=max(4, -(-3 * n // max(1, len(ctx.experts))) + 2))
    counts = review.answer(
        ctx, call, rng, invited=round_opens, accept_share=1.0, decline_share=0.0, review_share=1.0, latest=decided
    )
    decision = awards.decide(ctx, call, decided=decided)
    done = awards.projects(ctx, call, rng, signed_from=decided.date() + timedelta(days=30), closed=closed)
    return {f"{key.removeprefix(DEMO_KEY)}.reviews": counts["submitted"], **decision, **done}


def load_calls(scale: int, seed: int, say: Callable[[str], None]) -> dict[str, Any]:
    from nesta.programmes.models import Call

    if Call.objects.filter(reference_key__startswith=DEMO_KEY).exists():
        say("programmes: demo calls present, nothing to do")
        return {"calls": 0}
    t0 = time.perf_counter()
    with write_transaction():
        experts = expert_accounts()
        ctx = context(scale, seed)
        if ctx is None or not ctx.orgs or not ctx.programmes:
            say("programmes: no demo directory or programmes, no calls")
            return {"calls": 0}
        sizes = _sizes(scale)
        year = ctx.today.year
        stats: dict[str, Any] = {"expert_accounts": experts, "experts": len(ctx.experts)}
        stats.update(
            _decided_call(
                ctx,
                sizes["closed"],
                key=f"{DEMO_KEY}{year - 2}-sme-closed",
                year=year - 2,
                programme="sme-innovation-fund",
                title=f"{year - 2}年度科技型中小企业技术创新基金东北专项（能源与资源型城市转型）",
                areas=T.CLOSED_AREAS,
                closed=True,
            )
        )
        stats.update(
            _decided_call(
                ctx,
                sizes["decided"],
                key=f"{DEMO_KEY}{year - 1}-agri-decided",
                year=year - 1,
                programme="agri-transfer-fund",
                title=f"{year - 1}年度农业科技成果转化资金项目（现代农业）",
                areas=T.DECIDED_AREAS,
                closed=False,
            )
        )
        stats.update(_review_call(ctx, sizes["review"]))
        stats.update(_open_call(ctx, sizes["open"]))
    stats["seconds"] = round(time.perf_counter() - t0, 1)
    say(
        f"  programmes: 4 calls — open ({stats['open_applications']} applications), in review "
        f"({stats['review_applications']} applications, {stats['experts']} experts, {stats['seats']} seats, "
        f"{stats['submitted']} reviews), decided ({stats['funded']} funded), {stats['projects']} projects, "
        f"{stats['payments']} payments in {stats['seconds']}s"
    )
    return stats


def load_subsidies(scale: int, seed: int, say: Callable[[str], None]) -> dict[str, Any]:
    from nesta.programmes.models import SubsidyFund

    if SubsidyFund.objects.filter(zone__reference_key__startswith="zone-").exists():
        say("programmes: demo subsidy funds present, nothing to do")
        return {"funds": 0}
    t0 = time.perf_counter()
    with write_transaction():
        ctx = context(scale, seed)
        if ctx is None:
            return {"funds": 0}
        stats = subsidy_demo.load_subsidies(ctx, say)
    stats["seconds"] = round(time.perf_counter() - t0, 1)
    say(
        f"  programmes: {stats.get('funds', 0)} subsidy funds, {stats.get('loans', 0)} loans, "
        f"{stats.get('statements', 0)} statements, {stats.get('instalments', 0)} instalments in {stats['seconds']}s"
    )
    return stats
