"""The demo's incubators (issue 11 item 8, seed 三.3): every demo directory organisation of kind
创业中心/孵化器 or 大学科技园 registered as an incubator (大学科技园 → science park; a 留学人员创业园
— or, if the directory has none, the first one or two incubators — a 海外学子创业园), in its own zone
or the reference zone of its city; 10–40 tenant firms each (60–80 % private tech firms, some of
them directory enterprises of the same city), with entries, graduations and departures over the
years; the incubator's administrator account (incubator01 …, unless the organisation has an administrator
already); three years of annual reports (the last at every stage, mostly accepted), their derived
figures frozen from the tenant records as the service does; and last year's evaluation of every
kind together, run by the office through the service. Deterministic (seeded), idempotent."""

import random
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from nesta.core.transactions import write_transaction
from nesta.demo import names as N
from nesta.demo.bases import stage_report
from nesta.demo.generator import demo_password, person_name
from nesta.demo.timeline import stamps_as_given
from nesta.demo.zones.accounts import ZonesContext

SERVICE_KEYS = (
    "space", "shared_lab", "mentoring", "financing", "ip", "policy", "training", "market", "legal_finance",
)  # fmt: skip
TRADES = ("智能科技", "新材料", "生物技术", "软件", "光电", "精密机械", "环保科技", "数控技术", "医疗器械", "信息技术",
          "新能源", "机器人", "检测技术", "农业科技", "半导体")  # fmt: skip
SUFFIXES = ("有限公司", "科技有限公司", "技术有限公司", "股份有限公司")
# last year's evaluation: (indicator, weight, minimum, national threshold)
CRITERIA = (
    ("occupancy", "1.5", "30", "75"),
    ("graduates_per_10", "2.0", None, "1.5"),
    ("revenue_per_tenant", "1.0", None, None),
    ("investment_per_tenant", "1.0", None, None),
    ("private_share", "0.5", None, None),
    ("service_events", "0.5", None, None),
    ("tenant_patents", "1.0", None, None),
)
WAN = Decimal(10000)


def incubator_username(index: int) -> str:
    return f"incubator{index + 1:02d}"


def _wan(rng: random.Random, lo: float, hi: float) -> Decimal:
    return (Decimal(str(round(rng.uniform(lo, hi), 1))) * WAN).quantize(Decimal("1"))


def _kind(org: Any) -> str:
    if org.kind == "university_science_park":
        return "science_park"
    if "留学" in org.name or "海外" in org.name:
        return "returnee_park"
    return "other" if "专业孵化器" in org.name else "business_center"


def _tenant_rows(rng: random.Random, incubator: Any, city: str, today: date, firms: list[Any]) -> list[dict[str, Any]]:
    rows = []
    opened = incubator.established_on
    private_share = rng.uniform(0.6, 0.8)
    used: set[str] = set()
    for k in range(rng.randint(10, 40)):
        firm = firms[k] if k < len(firms) else None
        if firm is not None:
            name = firm.name
        else:
            brand = "".join(c for c, _py in rng.sample(N.BRAND_CHARS, 2))
            name = f"{city}{brand}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
        if name in used:
            continue
        used.add(name)
        first = max(opened, today - timedelta(days=365 * 9))
        entered = first + timedelta(days=rng.randint(0, max(1, (today - first).days - 30)))
        founded = entered - timedelta(days=rng.randint(0, 900))
        graduated = left = None
        roll = rng.random()
        tenure = (today - entered).days
        if roll < 0.35 and tenure > 500:
            graduated = entered + timedelta(days=rng.randint(365, min(tenure, 365 * 4)))
        elif roll < 0.45 and tenure > 200:
            left = entered + timedelta(days=rng.randint(120, min(tenure, 365 * 3)))
        rows.append(
            {
                "name": name[:120],
                "organization": firm,
                "founded_on": founded,
                "is_private_tech": firm.is_private_tech_enterprise
                if firm is not None
                else rng.random() < private_share,
                "employees": rng.randint(3, 80),
                "revenue": _wan(rng, 0, 3000),
                "space_m2": rng.randint(60, 900),
                "entered_on": entered,
                "graduated_on": graduated,
                "left_on": left,
            }
        )
    return rows


def _account(i: int, org: Any) -> Any:
    """The organisation's existing 机构管理员, else incubatorNN as its 机构管理员 (another role's
    account — a member, a manager — is not promoted: the demo accounts keep the roles they list)."""
    from nesta.accounts.models import RoleAssignment, User

    user = (
        User.objects.filter(role_assignments__role="org_admin", role_assignments__organization=org)
        .order_by("pk")
        .first()
    )
    if user is None:
        username = incubator_username(i)
        user = User.objects.filter(username=username).first() or User.objects.create(
            username=username,
            password=make_password(demo_password()),
            display_name=f"{org.short_name or org.name[:10]}管理员",
            email=f"{username}@incubators.example.cn",
            organization=org,
        )
    if not RoleAssignment.objects.filter(user=user, role="org_admin", organization=org).exists():
        RoleAssignment.objects.create(user=user, role="org_admin", organization=org)
    return user


def load(ctx: ZonesContext, say: Any) -> dict[str, Any]:
    from nesta.directory.models import Organization
    from nesta.zones.models import Incubator, IncubatorCriterion, IncubatorReport, IncubatorScheme, Tenant
    from nesta.zones.selectors.incubators import tenant_figures
    from nesta.zones.services.incubator_evaluation import incubator_evaluation_run

    if Incubator.objects.filter(organization__reference_key__startswith="demo-org-").exists():
        say("zones: demo incubators present, nothing to do")
        return {"incubators": 0}
    orgs = list(
        Organization.objects.filter(
            reference_key__startswith="demo-org-", kind__in=("incubator", "university_science_park")
        )
        .select_related("city", "province", "zone")
        .order_by("reference_key")
    )
    if not orgs:
        say("zones: no demo incubators in the directory")
        return {"incubators": 0}
    t0 = time.perf_counter()
    rng = random.Random(f"{ctx.seed}:zones:incubators")
    today = timezone.localdate()
    now = timezone.now()
    last = today.year - 1
    zones_by_city = {z.city_id: z for z in ctx.zones if z.city_id}
    zone_ids = {z.pk for z in ctx.zones}
    universities = list(
        Organization.objects.filter(reference_key__startswith="demo-org-", kind="university").order_by("reference_key")
    )
    enterprises: dict[int | None, list[Any]] = {}
    for e in Organization.objects.filter(reference_key__startswith="demo-org-", kind="enterprise").order_by(
        "reference_key"
    )[:5000]:
        enterprises.setdefault(e.city_id, []).append(e)

    with write_transaction():
        incubators = []
        kinds = [_kind(o) for o in orgs]
        if "returnee_park" not in kinds:  # the seed's 海外学子创业园: one or two of the incubators
            plain = [k for k, o in enumerate(orgs) if kinds[k] == "business_center"]
            for k in plain[: 2 if len(plain) > 4 else 1]:
                kinds[k] = "returnee_park"
        for k, org in enumerate(orgs):
            zone = (
                org.zone if org.zone_id in zone_ids else zones_by_city.get(org.city_id) if rng.random() < 0.8 else None
            )
            host = next((u for u in universities if org.name.startswith(u.name)), None)
            if host is None and kinds[k] == "science_park" and universities:
                host = rng.choice([u for u in universities if u.province_id == org.province_id] or universities)
            established = date(org.established_year or rng.randint(1995, 2018), rng.randint(1, 12), 1)
            incubators.append(
                Incubator(
                    organization=org,
                    kind=kinds[k],
                    level="national" if "国家" in org.name or rng.random() < 0.3 else "provincial",
                    zone=zone,
                    host=host,
                    established_on=min(max(established, date(1988, 1, 1)), today - timedelta(days=400)),
                    space_m2=rng.randrange(5000, 60000, 500),
                    services=sorted(rng.sample(SERVICE_KEYS, rng.randint(3, 7)), key=SERVICE_KEYS.index),
                    manager_name=person_name(rng)[0],
                )
            )
        Incubator.objects.bulk_create(incubators)
        incubators = list(
            Incubator.objects.filter(organization__in=orgs).select_related(
                "organization__city", "organization__province"
            )
        )
        incubators.sort(key=lambda i: i.organization.reference_key)
        tenants = []
        for inc in incubators:
            city = (inc.organization.city.name if inc.organization.city_id else "")[:2]
            near = enterprises.get(inc.organization.city_id, [])
            firms = rng.sample(near, min(len(near), rng.randint(0, 3)))
            for row in _tenant_rows(rng, inc, city, today, firms):
                tenants.append(Tenant(incubator=inc, **row))
        with stamps_as_given(Tenant):
            for t in tenants:
                t.created_at = t.updated_at = now
            Tenant.objects.bulk_create(tenants, batch_size=500)

        fillers = {inc.pk: _account(k, inc.organization) for k, inc in enumerate(incubators)}
        # one provincial incubator per province works at a national level (the 推荐认定国家级 case)
        rising = {
            next((i.pk for i in incubators if i.level == "provincial" and i.organization.province.code == code), None)
            for code in ("210000", "220000", "230000")
        }
        stages = ["accepted"] * 7 + ["checked", "submitted", "draft", "returned"]
        reports = []
        for inc in incubators:
            for year in range(max(last - 2, inc.established_on.year), last + 1):
                status = "accepted" if year < last or inc.pk in rising else stages[rng.randrange(len(stages))]
                scale = 1.6 if inc.pk in rising else 1.0
                r = IncubatorReport(
                    incubator=inc, year=year, status=status, created_by=fillers[inc.pk],
                    summary=f"{year}年度，{inc.organization.name}围绕区域主导产业开展孵化服务，举办创业辅导、投融资对接等活动。",
                    space_occupied_m2=int(inc.space_m2 * min(0.98, rng.uniform(0.45, 0.85) * (1.15 if scale > 1 else 1))),
                    staff=rng.randint(6, 40), mentors=rng.randint(3, 30), service_events=int(rng.randint(10, 120) * scale),
                    investment_raised=_wan(rng, 200 * scale, 8000 * scale), seed_fund=_wan(rng, 0, 2000),
                    tenant_patents=int(rng.randint(5, 120) * scale), income=_wan(rng, 50, 1500),
                )  # fmt: skip
                stage_report(
                    r, rng, now=now, note="在孵企业使用面积与场地台账不一致，请核实后重新提交。",
                    derived=lambda rep: tenant_figures(incubator_id=rep.incubator_id, year=rep.year).as_fields(),
                )  # fmt: skip
                reports.append(r)
        with stamps_as_given(IncubatorReport):
            for r in reports:
                r.created_at = r.updated_at = r.submitted_at or now
            IncubatorReport.objects.bulk_create(reports, batch_size=500)

        runs = 0
        scheme = IncubatorScheme.objects.create(
            year=last, kind="", name=f"{last}年度孵化器运行评估", created_by=ctx.office,
            top_share=Decimal("0.2"), bottom_share=Decimal("0.1"),
        )  # fmt: skip
        IncubatorCriterion.objects.bulk_create(
            IncubatorCriterion(
                scheme=scheme,
                indicator=key,
                weight=Decimal(w),
                sort_order=i,
                minimum=None if lo is None else Decimal(lo),
                national_threshold=None if hi is None else Decimal(hi),
            )  # fmt: skip
            for i, (key, w, lo, hi) in enumerate(CRITERIA)
        )
        if ctx.office is not None and any(r.year == last and r.status == "accepted" for r in reports):
            incubator_evaluation_run(actor=ctx.office, scheme_id=scheme.pk)
            runs = 1
    say(
        f"zones: {len(incubators)} incubators ({kinds.count('returnee_park')} returnee parks), {len(tenants)} tenants, "
        f"{len(reports)} annual reports, {runs} evaluation run for {last} in {time.perf_counter() - t0:.1f}s"
    )
    return {"incubators": len(incubators), "tenants": len(tenants), "incubator_reports": len(reports)}
