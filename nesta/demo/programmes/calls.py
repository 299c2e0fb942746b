"""The demo's calls and their applications, written in bulk: the call with its criteria and review
round, and per application the team (lead first), the budget table within the 2021 indirect-cost
caps, the stamps of each step it has passed, and (in the review call) the avoid requests and the
experts' own conflict declarations."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from nesta.demo.programmes import texts as T
from nesta.demo.programmes.base import DEMO_KEY, Context, wan
from nesta.demo.timeline import stamps_as_given

CRITERIA = (
    ("innovation", "创新性与先进性", "0.35", "score"),
    ("feasibility", "技术路线可行性", "0.25", "score"),
    ("team", "团队与研究基础", "0.20", "score"),
    ("benefit", "经济社会效益", "0.20", "score"),
)
PROVINCE_ABBR = {"210000": "LN", "220000": "JL", "230000": "HL"}


@dataclass
class CallSpec:
    key: str
    programme: str
    title: str
    summary: str
    year: int
    status: str
    opens_at: datetime
    closes_at: datetime
    budget: Decimal
    max_request: Decimal
    areas: tuple[str, ...]
    tilt: bool = False
    blind: bool = False
    decided_at: datetime | None = None
    round_opens: datetime | None = None
    round_closes: datetime | None = None


def make_call(ctx: Context, spec: CallSpec) -> Any:
    from nesta.programmes.models import Call, Criterion, ReviewRound, RoundKind

    call = Call(
        programme=ctx.programmes[spec.programme],
        code=spec.key.removeprefix(DEMO_KEY)[:40],
        title=spec.title,
        summary=spec.summary,
        year=spec.year,
        status=spec.status,
        opens_at=spec.opens_at,
        closes_at=spec.closes_at,
        budget=spec.budget,
        max_request=spec.max_request,
        blind=spec.blind,
        tilt_group="private_tech" if spec.tilt else "",
        tilt_share=Decimal("0.300") if spec.tilt else None,
        published_at=spec.opens_at - timedelta(days=3),
        closed_at=spec.closes_at if spec.status not in ("open", "draft") else None,
        decided_at=spec.decided_at,
        created_by=ctx.office,
        reference_key=spec.key,
        created_at=spec.opens_at - timedelta(days=10),
        updated_at=spec.decided_at or spec.closes_at if spec.status != "open" else spec.opens_at - timedelta(days=3),
    )
    with stamps_as_given(Call):
        call.save()
    call.fields.set([ctx.nodes[a] for a in spec.areas if a in ctx.nodes])
    call.provinces.set(list(ctx.regions[c] for c in ("210000", "220000", "230000") if c in ctx.regions))
    Criterion.objects.bulk_create(
        [
            Criterion(call=call, code=code, name=name, weight=Decimal(w), scale=scale, max_score=100, sort_order=i)
            for i, (code, name, w, scale) in enumerate(CRITERIA)
        ]
    )
    ReviewRound.objects.create(
        call=call,
        kind=RoundKind.CORRESPONDENCE,
        order=1,
        reviewers_per_application=3,
        min_load=0,
        max_load=6,
        opens_at=spec.round_opens,
        closes_at=spec.round_closes,
    )
    return call


@dataclass
class AppPlan:
    status: str
    submitted: datetime | None = None
    recommended: datetime | None = None
    checked: datetime | None = None
    decided: datetime | None = None
    note: str = ""


def _numbers(ctx: Context, year: int) -> dict[str, int]:
    from nesta.programmes.models import Application

    out: dict[str, int] = {}
    for code, abbr in PROVINCE_ABBR.items():
        prefix = f"{year}-{abbr}-"
        last = (
            Application.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
        ).first()
        out[code] = int(last[len(prefix) :]) if last and last[len(prefix) :].isdigit() else 0
    return out


def _budget(app: Any, requested: Decimal) -> list[Any]:
    from nesta.programmes.models import BudgetItem

    equipment = (requested * Decimal("0.30")).quantize(Decimal("1000"))
    labour = (requested * Decimal("0.15")).quantize(Decimal("1000"))
    indirect = (requested * Decimal("0.15")).quantize(Decimal("1000"))
    business = requested - equipment - labour - indirect
    rows = [
        BudgetItem(application=app, category="equipment", amount=equipment, note="专用试验与检测设备"),
        BudgetItem(application=app, category="business", amount=business, note="材料、测试化验加工、会议差旅"),
        BudgetItem(application=app, category="labour", amount=labour, note="研究生与临时聘用人员劳务"),
        BudgetItem(application=app, category="indirect", amount=indirect, note="依托单位管理费用与绩效支出"),
    ]
    if app.self_funding:
        rows.append(
            BudgetItem(application=app, category="business", from_grant=False, amount=app.self_funding, note="单位自筹")
        )
    return rows


def pick_orgs(ctx: Context, rng: random.Random, n: int, *, conflicted_share: float) -> list[Any]:
    """`n` applicant organisations: about `conflicted_share` where some expert works (a real
    conflict for the solver), the rest elsewhere; enterprises favoured."""
    with_experts = [o for o in ctx.orgs if o.pk in ctx.expert_orgs]
    others = [o for o in ctx.orgs if o.pk not in ctx.expert_orgs] or ctx.orgs
    out = []
    for _ in range(n):
        pool = with_experts if with_experts and rng.random() < conflicted_share else others
        out.append(pool[rng.randrange(len(pool))])
    return out


def make_applications(
    ctx: Context,
    call: Any,
    plans: list[AppPlan],
    areas: tuple[str, ...],
    rng: random.Random,
    *,
    conflicted_share: float = 0.35,
    colleague_share: float = 0.25,
) -> list[Any]:
    """The applications of `call` as planned, with teams and budgets (bulk)."""
    from nesta.directory.models import Person
    from nesta.programmes.models import Application, BudgetItem, TeamMember

    orgs = pick_orgs(ctx, rng, len(plans), conflicted_share=conflicted_share)
    numbers = _numbers(ctx, call.year)
    pool = [(area, t) for area in areas for t in T.PROJECTS.get(area, [])]
    rng.shuffle(pool)
    apps = []
    for i, (plan, org) in enumerate(zip(plans, orgs, strict=True)):
        area, (title, keywords, summary) = pool[i % len(pool)]
        if i >= len(pool):
            title = f"{title}（{org.city.name if org.city_id else org.province.name}示范）"
        step = [10, 20, 30, 40, 50, 60, 80, 100, 120, 150]
        requested = min(call.max_request, wan(rng.choice(step[: 6 + (call.max_request > wan(150)) * 4])))
        number = None
        if plan.submitted is not None:
            numbers[org.province.code] = numbers.get(org.province.code, 0) + 1
            abbr = PROVINCE_ABBR.get(org.province.code, org.province.code[:2])
            number = f"{call.year}-{abbr}-{numbers[org.province.code]:06d}"
        start = date(call.year, 7, 1) if call.year >= ctx.today.year - 1 else date(call.year, 9, 1)
        created = (plan.submitted or ctx.now) - timedelta(days=rng.randint(3, 12), minutes=rng.randint(0, 300))
        created = max(created, call.opens_at + timedelta(hours=rng.randint(1, 48)))
        if plan.submitted is None:
            created = min(created, ctx.now - timedelta(hours=rng.randint(2, 200)))
        last = max(s for s in (created, plan.submitted, plan.recommended, plan.checked, plan.decided) if s)
        apps.append(
            Application(
                call=call,
                number=number,
                organization=org,
                province=org.province,
                applicant=ctx.users_by_org.get(org.pk),
                title=title,
                summary=f"{summary}项目依托{org.name}的研究基础，实施期三年。",
                keywords=keywords.replace(",", "，"),
                field=ctx.nodes[area],
                requested_amount=requested,
                self_funding=(requested * Decimal(rng.choice(("0", "0.5", "1", "1.5")))).quantize(Decimal("1000")),
                start_date=start,
                end_date=date(start.year + 3, start.month, 1) - timedelta(days=1),
                form_data={"basis": "已完成前期关键技术验证，形成发明专利2项。", "targets": "形成样机/示范线1套"},
                is_private_tech=org.is_private_tech_enterprise,
                status=plan.status,
                status_note=plan.note,
                formal_check=_checked(plan) if plan.checked else {},
                submitted_at=plan.submitted,
                recommended_at=plan.recommended,
                checked_at=plan.checked,
                decided_at=plan.decided,
                reference_key=f"{call.reference_key}-{i:03d}"[:40],
                created_at=created,
                updated_at=last,
            )
        )
    with stamps_as_given(Application):
        Application.objects.bulk_create(apps, batch_size=500)
    apps = list(Application.objects.filter(call=call).select_related("organization", "province").order_by("pk"))
    # teams: the lead and two or three members, some of them colleagues of an expert
    lead_people: dict[int, list[Any]] = {}
    for p in Person.objects.filter(organization_id__in={a.organization_id for a in apps}, expert_profile__isnull=True):
        lead_people.setdefault(p.organization_id, []).append(p)
    expert_people = [e for e in ctx.experts if e.organization_id]
    team: list[Any] = []
    budget: list[Any] = []
    for app in apps:
        candidates = lead_people.get(app.organization_id, [])
        lead = candidates[rng.randrange(len(candidates))] if candidates else None
        team.append(
            TeamMember(
                application=app,
                person=lead,
                name=lead.name if lead else "王建国",
                organization=app.organization,
                title=(lead.title if lead and lead.title else "研究员"),
                role="项目负责人，总体方案",
                is_lead=True,
                months=24,
                sort_order=0,
            )
        )
        for j, (name, role) in enumerate((("李明", "关键技术攻关"), ("张伟", "试验与测试"))):
            team.append(
                TeamMember(
                    application=app,
                    name=name,
                    organization=app.organization,
                    organization_name=app.organization.name,
                    title="副研究员" if j == 0 else "工程师",
                    role=role,
                    months=18,
                    sort_order=j + 1,
                )
            )
        if expert_people and rng.random() < colleague_share:
            # a partner from an expert's organisation: that expert's colleagues may not review it
            partner = expert_people[rng.randrange(len(expert_people))]
            if partner.organization_id != app.organization_id:
                team.append(
                    TeamMember(
                        application=app,
                        name="刘洋",
                        organization_id=partner.organization_id,
                        organization_name=partner.organization.name,
                        title="教授",
                        role="合作单位负责人",
                        months=12,
                        sort_order=3,
                    )
                )
        budget += _budget(app, app.requested_amount)
    TeamMember.objects.bulk_create(team, batch_size=1000)
    BudgetItem.objects.bulk_create(budget, batch_size=1000)
    return apps


def _checked(plan: AppPlan) -> dict[str, Any]:
    from nesta.programmes.services.applications import CHECKLIST

    assert plan.checked is not None
    return {
        "items": {code: {"ok": True, "reason": ""} for code in CHECKLIST},
        "result": "passed",
        "by": None,
        "at": plan.checked.isoformat(),
    }


def avoid_and_declare(ctx: Context, apps: list[Any], rng: random.Random) -> tuple[int, int]:
    """Some applicants ask to avoid up to three experts (their competitors); some experts declare
    a conflict with an application (a former student's project, a recent joint paper)."""
    from nesta.programmes.models import AvoidRequest, ConflictDeclaration

    if not ctx.experts:
        return 0, 0
    avoid, declared = [], []
    reasons = ("与本单位存在竞争关系", "曾与项目团队存在学术争议", "为同类项目的竞争单位负责人")
    for app in apps:
        if rng.random() < 0.3:
            for e in rng.sample(ctx.experts, k=min(len(ctx.experts), rng.randint(1, 3))):
                avoid.append(AvoidRequest(application=app, expert=e, reason=rng.choice(reasons)))
        if rng.random() < 0.1:
            e = ctx.experts[rng.randrange(len(ctx.experts))]
            declared.append(
                ConflictDeclaration(application=app, expert=e, reason="项目负责人为本人近三年合作者，申请回避")
            )
    AvoidRequest.objects.bulk_create(avoid, ignore_conflicts=True)
    ConflictDeclaration.objects.bulk_create(declared, ignore_conflicts=True)
    return len(avoid), len(declared)
