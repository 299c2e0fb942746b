"""Demo data of technology contract registration: registration points in the three provinces,
two years of registered contracts (last year and this year to date), and the current queue.

Points: 大连, 沈阳, 鞍山 (辽宁), 长春, 吉林 (吉林), 哈尔滨, 大庆 (黑龙江), each run by a demo
technology-market organisation of its city (one of its province if the city has none, else a
generated one), each with a staff account `regpoint01…` (password: the demo password).

Volumes: the region's published figures put Dalian alone at 7,941 contracts worth 210亿元 in
2019 (about 264万元 a contract). The demo keeps the **amounts per contract realistic** (log-normal
per contract type, mean about 250万元, a few contracts of several 亿元) but **scales the counts down
to a tenth** of the published ones at the default scale (400; proportionally at other scales, at
least a few dozen a point), so loading stays quick: about 800 contracts a year at Dalian, 2,700 a
year in all; yearly totals are therefore about a tenth of the published totals too.

Registrations fall on working days (no weekends, no 元旦 or National Day week), 08:30–17:30
Beijing time, more in November and December (the year-end rush), never after now; each was
submitted a few working days before. Numbers are gap-free per point and year (serials given in
registration order, `ContractSerial` set to the last). About 3 % of decisions are refusals
(coded reasons), 1 % withdrawals; each point has a queue of recent submissions, a few of them
past the deadline. Some registered contracts name the demo listings that are 已成交. The
statistics cells are rebuilt from the registered contracts at the end (rebuild_statistics).
Idempotent: nothing is written when the demo contracts exist.
"""

import math
import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from nesta.core.validators import LOCAL

KEY = "demo-ctr-{:06d}"
POINT_KEY = "demo-point-{}-{}"
# (city, point code, name, share of the region's contracts)
POINTS = [
    ("210200", "01", "大连市技术合同认定登记处", 0.30),
    ("210100", "01", "沈阳市技术合同认定登记处", 0.26),
    ("210300", "01", "鞍山市技术合同登记站", 0.05),
    ("220100", "01", "长春市技术合同认定登记处", 0.15),
    ("220200", "01", "吉林市技术合同登记站", 0.04),
    ("230100", "01", "哈尔滨市技术合同认定登记处", 0.14),
    ("230600", "01", "大庆市技术合同登记站", 0.06),
]
# Dalian's 7,941 a year at the default scale, a tenth of it: the region about 2,650 a year.
REGION_PER_YEAR = 2650
DEFAULT_SCALE = 400

# type: (share of contracts, median amount 元)
TYPES = {
    "dev_commissioned": (0.22, 900_000),
    "dev_cooperative": (0.07, 1_200_000),
    "transfer_patent": (0.03, 1_500_000),
    "transfer_application": (0.01, 800_000),
    "transfer_secret": (0.02, 2_000_000),
    "license_exclusive": (0.01, 1_800_000),
    "license_sole": (0.01, 1_200_000),
    "license_ordinary": (0.02, 600_000),
    "license_secret": (0.01, 900_000),
    "consulting": (0.10, 150_000),
    "service": (0.40, 450_000),
    "service_training": (0.05, 80_000),
    "service_brokerage": (0.05, 120_000),
}
# medians ×1.5 bring the mean to about 260万元 a contract, Dalian's published average
MEDIAN_FACTOR = 1.5
SIGMA = 1.45  # log-normal spread: mean ≈ 2.9 × median, a long tail of large contracts
AMOUNT_CAP = 800_000_000
MONTH_WEIGHT = {1: 0.6, 2: 0.5, 3: 0.9, 4: 0.9, 5: 0.9, 6: 1.1, 7: 0.9, 8: 0.8, 9: 1.0, 10: 0.8, 11: 1.3, 12: 2.2}
SELLER_NATURE = {"university": "22", "research_institute": "21", "enterprise": "41", "engineering_center": "23"}
ELSEWHERE = [  # buyers elsewhere in China: (district code, city name)
    ("110108", "北京"), ("310115", "上海"), ("440305", "深圳"), ("320106", "南京"), ("330106", "杭州"),
    ("370212", "青岛"), ("120116", "天津"), ("510107", "成都"), ("420111", "武汉"), ("610113", "西安"),
    ("130102", "石家庄"), ("150102", "呼和浩特"),
]  # fmt: skip
ABROAD = [("392", "日本"), ("410", "韩国"), ("643", "俄罗斯"), ("276", "德国"), ("840", "美国"), ("702", "新加坡")]
BUYER_WORDS = [
    "精密机械",
    "新材料",
    "智能装备",
    "生物科技",
    "汽车零部件",
    "能源科技",
    "电子科技",
    "化工",
    "医疗器械",
    "环保科技",
]
BUYER_SUFFIX = ["有限公司", "股份有限公司", "科技有限公司", "集团有限公司"]
SUBJECTS = {
    "development": ["{f}关键技术研发", "{f}工艺优化与中试", "{f}样机研制", "{f}数字化系统开发"],
    "transfer": ["“{f}”发明专利转让", "{f}专利申请权转让", "{f}技术秘密转让"],
    "license": ["{f}专利实施许可", "{f}技术秘密使用许可"],
    "consulting": ["{f}可行性论证咨询", "{f}技术路线咨询"],
    "service": ["{f}检测分析服务", "{f}技术改造服务", "{f}技术培训", "{f}技术中介服务"],
}
FIELD_WORDS = {
    "01": ["工业互联网平台", "嵌入式控制软件", "机器视觉检测"],
    "02": ["数控机床主轴", "铸造铝合金缩松控制", "焊接机器人工作站", "轴承热处理"],
    "03": ["航空发动机叶片", "无人机飞控"],
    "04": ["轨道车辆转向架", "船舶动力系统"],
    "05": ["高性能镁合金", "碳纤维复合材料", "特种涂层"],
    "06": ["风电齿轮箱", "储能电池管理", "余热回收"],
    "07": ["工业废水处理", "固废资源化", "烟气脱硝"],
    "08": ["人参皂苷提取", "医用影像设备", "疫苗佐剂"],
    "09": ["玉米新品种选育", "寒地水稻栽培", "黑土地保护性耕作"],
    "10": ["智慧社区", "建筑节能改造"],
    "11": ["辐照加工", "核电站仪控"],
}
FIELD_SHARE = {
    "01": 0.22,
    "02": 0.25,
    "03": 0.03,
    "04": 0.06,
    "05": 0.10,
    "06": 0.09,
    "07": 0.07,
    "08": 0.08,
    "09": 0.06,
    "10": 0.03,
    "11": 0.01,
}
IP_BY_FAMILY = {
    "transfer": ["invention_patent", "invention_patent", "utility_model", "trade_secret"],
    "license": ["invention_patent", "utility_model", "trade_secret", "software"],
}
IP_OTHER = ["none", "none", "none", "trade_secret", "software", "invention_patent", "utility_model"]
PLANS = ["enterprise"] * 6 + ["national", "ministerial", "ministerial", "municipal", "other"]
OBJECTIVES = ["10"] * 5 + ["01", "02", "03", "05", "06", "09", "12"]
REASONS = ["not_technology", "subject_unclear", "price_unclear", "parties_unclear", "approval_missing",
           "name_mismatch", "restricts_competition", "seals_missing", "oral_contract"]  # fmt: skip
COSTS = ["equipment", "instruments", "components", "raw_materials"]


def _working_days(start: date, end: date) -> list[date]:
    days = []
    d = start
    while d <= end:
        holiday = (d.month == 1 and d.day <= 1) or (d.month == 10 and d.day <= 7)
        if d.weekday() < 5 and not holiday:
            days.append(d)
        d += timedelta(days=1)
    return days


def _moment(rng: random.Random, day: date) -> datetime:
    minutes = int(rng.triangular(8.5 * 60, 17.5 * 60, 10 * 60))
    if 12 * 60 <= minutes < 13 * 60:  # lunch: pushed into the afternoon
        minutes += 60
    return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, rng.randrange(60), tzinfo=LOCAL)


def _amount(rng: random.Random, median: int) -> Decimal:
    value = min(AMOUNT_CAP, max(5_000, rng.lognormvariate(math.log(median), SIGMA)))
    step = 1000 if value > 100_000 else 100
    return Decimal(int(value / step) * step)


def _pick(rng: random.Random, weights: dict[str, Any]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[w[0] if isinstance(w, tuple) else w for w in weights.values()])[0]


class _Org:
    def __init__(self, row: tuple) -> None:
        self.pk, self.name, self.kind, self.province, self.city = row


def _points(say: Callable[[str], None]) -> list[Any]:
    """The demo registration points (created when missing) with their staff accounts."""
    from nesta.accounts.models import RoleAssignment, User
    from nesta.core.models import Region
    from nesta.demo.generator import demo_password
    from nesta.directory.models import Organization
    from nesta.market.models import RegistrationPoint

    regions = {
        r.code: r for r in Region.objects.filter(code__in=[c for c, *_ in POINTS] + ["210000", "220000", "230000"])
    }
    markets = list(
        Organization.objects.filter(kind="technology_market").select_related("city", "province").order_by("id")
    )
    points = []
    password = make_password(demo_password())
    used: set[int] = set()
    for i, (city_code, code, name, _share) in enumerate(POINTS, start=1):
        key = POINT_KEY.format(city_code, code)
        point = RegistrationPoint.objects.filter(reference_key=key).select_related("province", "city").first()
        if point is None:
            city = regions[city_code]
            province = regions[f"{city_code[:2]}0000"]
            org = next((o for o in markets if o.city_id == city.pk and o.pk not in used), None) or next(
                (o for o in markets if o.province_id == province.pk and o.pk not in used), None
            )
            if org is None:
                org = Organization.objects.create(
                    name=f"{city.name.removesuffix('市')}技术市场", kind="technology_market", province=province, city=city,
                    reference_key=f"demo-tm-{city_code}",
                )  # fmt: skip
            used.add(org.pk)
            point = RegistrationPoint.objects.create(
                organization=org, name=name, province=province, city=city, point_code=code, reference_key=key
            )
        else:
            used.add(point.organization_id)
        username = f"regpoint{i:02d}"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": f"{point.name}工作人员",
                "organization_id": point.organization_id,
                "password": password,
            },
        )
        if created:
            RoleAssignment.objects.create(user=user, role="member", organization_id=point.organization_id)
        points.append(point)
    say(f"  contracts: {len(points)} registration points (staff regpoint01–regpoint{len(points):02d})")
    return points


def _buyer(rng: random.Random, point: Any, enterprises: dict[str, list[_Org]], all_ne: list[_Org]) -> dict[str, Any]:
    roll = rng.random()
    province = point.province.code
    if roll < 0.55 and enterprises.get(province):
        org = rng.choice(enterprises[province])
        return {"buyer_organization_id": org.pk, "buyer_name": org.name, "buyer_nature": "41",
                "buyer_region": org.city or org.province, "buyer_country": "156"}  # fmt: skip
    if roll < 0.70 and all_ne:
        org = rng.choice([o for o in all_ne if o.province != province] or all_ne)
        return {"buyer_organization_id": org.pk, "buyer_name": org.name, "buyer_nature": "41",
                "buyer_region": org.city or org.province, "buyer_country": "156"}  # fmt: skip
    if roll < 0.95:
        code, city = rng.choice(ELSEWHERE)
        name = f"{city}{rng.choice(BUYER_WORDS)}{rng.choice(BUYER_SUFFIX)}"
        nature = rng.choice(["41"] * 8 + ["42", "43", "22"])
        return {"buyer_name": name, "buyer_nature": nature, "buyer_region": code, "buyer_country": "156"}
    country, where = rng.choice(ABROAD)
    return {"buyer_name": f"{where}{rng.choice(BUYER_WORDS)}株式会社" if country == "392" else f"{where}{rng.choice(BUYER_WORDS)}公司",
            "buyer_nature": "43", "buyer_region": "", "buyer_country": country}  # fmt: skip


def _contract(
    rng: random.Random, point: Any, sellers: list[_Org], enterprises: dict[str, list[_Org]], all_ne: list[_Org]
) -> dict[str, Any]:
    from nesta.market.models import CONTRACT_FAMILY

    ctype = _pick(rng, TYPES)
    family = CONTRACT_FAMILY[ctype]
    field = _pick(rng, FIELD_SHARE)
    seller = rng.choice(sellers)
    amount = _amount(rng, round(TYPES[ctype][1] * MEDIAN_FACTOR))
    costs: list[dict[str, str]] = []
    if family in ("development", "service") and rng.random() < 0.35:
        for item in rng.sample(COSTS, rng.randint(1, 2)):
            part = (amount * Decimal(rng.uniform(0.03, 0.18))).quantize(Decimal(1))
            if part > 0:
                costs.append({"item": item, "amount": f"{part}.00", "note": ""})
    technology = amount - sum(Decimal(c["amount"]) for c in costs)
    subject = rng.choice(SUBJECTS[family]).format(f=rng.choice(FIELD_WORDS[field]))
    values = {
        "contract_type": ctype,
        "name": f"{subject}合同",
        "seller_organization_id": seller.pk,
        "seller_name": seller.name,
        "seller_nature": SELLER_NATURE.get(seller.kind, "41"),
        "seller_region": seller.city or seller.province,
        "seller_country": "156",
        "tech_field": field,
        "ip_type": rng.choice(IP_BY_FAMILY.get(family, IP_OTHER)),
        "objective": rng.choice(OBJECTIVES),
        "plan_source": rng.choice(PLANS),
        "contract_amount": amount,
        "technology_amount": technology,
        "non_technical_costs": costs,
        **_buyer(rng, point, enterprises, all_ne),
    }
    if family == "transfer":
        values["expected_investment"] = (amount * Decimal(rng.uniform(2, 8))).quantize(Decimal(1000))
        values["expected_output"] = (amount * Decimal(rng.uniform(5, 25))).quantize(Decimal(1000))
    return values


def _dates(rng: random.Random, submitted: datetime) -> dict[str, Any]:
    signed = submitted.date() - timedelta(days=rng.randint(3, 75))
    return {
        "signed_on": signed,
        "valid_from": signed,
        "valid_until": signed + timedelta(days=rng.choice([180, 365, 730, 1095, 1825])),
    }


def load(scale: int, seed: int, say: Callable[[str], None], now: datetime | None = None) -> dict[str, Any]:
    from nesta.directory.models import Organization
    from nesta.market.models import ContractSerial, Listing, TechContract
    from nesta.market.services.statistics import rebuild_statistics

    started = time.monotonic()
    if TechContract.objects.filter(reference_key__startswith="demo-ctr-").exists():
        say("  contracts: demo contracts already loaded")
        return {"contracts": 0}
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    rng = random.Random(f"{seed}:contracts")
    points = _points(say)
    orgs = [
        _Org(r)
        for r in Organization.objects.filter(reference_key__startswith="demo-org-")
        .values_list("id", "name", "kind", "province__code", "city__code")
        .order_by("id")
    ]
    sellers_by_province: dict[str, list[_Org]] = {}
    enterprises: dict[str, list[_Org]] = {}
    for o in orgs:
        if o.kind in SELLER_NATURE:
            sellers_by_province.setdefault(o.province, []).append(o)
        if o.kind == "enterprise":
            enterprises.setdefault(o.province, []).append(o)
    all_ne = [o for o in orgs if o.kind == "enterprise"]
    per_year = max(60, round(REGION_PER_YEAR * scale / DEFAULT_SCALE))
    days = _working_days(date(today.year - 1, 1, 1), today - timedelta(days=1))
    day_weights = [MONTH_WEIGHT[d.month] for d in days]
    rows: list[TechContract] = []
    S = TechContract.Status

    def build(point: Any, status: str, submitted: datetime, decided: datetime | None, **extra: Any) -> TechContract:
        province = point.province.code
        sellers = (
            [s for s in sellers_by_province.get(province, []) if s.city == point.city.code]
            or sellers_by_province.get(province, [])
            or orgs
        )
        values = _contract(rng, point, sellers, enterprises, all_ne)
        values.update(extra)
        c = TechContract(
            point=point, status=status, submitted_at=submitted,
            decision_due=timezone.localtime(submitted).date() + timedelta(days=point.decision_days),
            reference_key=KEY.format(len(rows) + 1), **_dates(rng, submitted), **values,
        )  # fmt: skip
        if status == S.REGISTERED:
            c.registered_at = decided
        elif status == S.REFUSED:
            c.refused_at = decided
            c.refusal_reasons = sorted(rng.sample(REASONS, rng.choice([1, 1, 2])), key=REASONS.index)
            c.refusal_note = (
                "经审查，合同"
                + {"oral_contract": "未采用书面形式"}.get(c.refusal_reasons[0], "不符合技术合同认定条件")
                + "，请补正后重新申请。"
            )
        elif status == S.WITHDRAWN:
            c.withdrawn_at = decided
        rows.append(c)
        return c

    def submitted_before(decided: datetime, span: int = 12) -> datetime:
        back = rng.randint(1, span)
        day = decided.astimezone(LOCAL).date()
        while back:
            day -= timedelta(days=1)
            if day.weekday() < 5:
                back -= 1
        return min(_moment(rng, day), decided - timedelta(hours=1))

    # decided contracts over the two years
    years = 2
    elapsed = (today - date(today.year - 1, 1, 1)).days / 365
    for point, (_city, _code, _name, share) in zip(points, POINTS, strict=True):
        n = round(per_year * share * elapsed)
        for day in rng.choices(days, weights=day_weights, k=n):
            decided = _moment(rng, day)
            if decided >= now:
                continue
            roll = rng.random()
            status = S.REGISTERED if roll < 0.96 else (S.REFUSED if roll < 0.99 else S.WITHDRAWN)
            build(point, status, submitted_before(decided), decided)
        # the queue: submissions of the last weeks, a few past the point's deadline
        recent = _working_days(today - timedelta(days=28), today)
        for _ in range(max(4, round(n / 250 * 6))):
            submitted = _moment(rng, rng.choice(recent))
            if submitted < now:
                build(point, S.SUBMITTED, submitted, None)
        for _ in range(rng.randint(2, 4)):
            build(
                point, S.SUBMITTED, _moment(rng, today - timedelta(days=point.decision_days + rng.randint(2, 15))), None
            )
    # dealt demo listings: a registered contract names each (the registration closed it)
    by_city = {p.city.code: p for p in points}
    by_province: dict[str, Any] = {}
    for p in points:  # the province's busiest point (listed first)
        by_province.setdefault(p.province.code, p)
    dealt = Listing.objects.filter(
        reference_key__startswith="demo-mkt-",
        status="dealt",
        kind__in=("achievement", "service"),
        dealt_at__isnull=False,
    ).values_list(
        "id",
        "organization_id",
        "organization__name",
        "organization__kind",
        "province__code",
        "organization__city__code",
        "dealt_at",
    )
    linked = 0
    for listing_id, org_id, org_name, org_kind, province, city, dealt_at in dealt:
        point = by_city.get(city or "") or by_province.get(province)
        if point is None or dealt_at >= now:
            continue
        build(
            point, S.REGISTERED, submitted_before(dealt_at), dealt_at, listing_id=listing_id,
            seller_organization_id=org_id, seller_name=org_name, seller_nature=SELLER_NATURE.get(org_kind, "41"),
            seller_region=city or province,
        )  # fmt: skip
        linked += 1
    # numbers: gap-free per point and registration year, in registration order
    serials: dict[tuple[int, int], int] = {}
    for c in sorted((r for r in rows if r.status == S.REGISTERED), key=lambda r: (r.registered_at, r.reference_key)):
        year = c.registered_at.astimezone(LOCAL).year
        key = (c.point.pk, year)
        serials[key] = serials.get(key, 0) + 1
        c.serial = serials[key]
        c.number = f"{year % 100:02d}{c.point.number_prefix}{c.serial:06d}"
    with transaction.atomic():
        TechContract.objects.bulk_create(rows, batch_size=1000)
        for (point_id, year), last in serials.items():
            ContractSerial.objects.update_or_create(point_id=point_id, year=year, defaults={"last": last})
    cells = rebuild_statistics()
    registered = sum(1 for r in rows if r.status == S.REGISTERED)
    total = sum((r.contract_amount for r in rows if r.status == S.REGISTERED), Decimal(0))
    say(
        f"  contracts: {registered} registered over {years} years ({total / 10**8:.1f}亿元), "
        f"{sum(1 for r in rows if r.status == S.SUBMITTED)} waiting, {sum(1 for r in rows if r.status == S.REFUSED)} refused, "
        f"{linked} naming dealt listings; {cells} statistics cells ({time.monotonic() - started:.1f}s)"
    )
    return {"contracts": len(rows), "registered": registered, "points": len(points)}
