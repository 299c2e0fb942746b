"""The contents of the demo listings, kind by kind: titles, texts, facets and `details` drawn from
kind_texts (and the matching cases of texts.py), each valid for its kind. `listings.py` picks the
owners, statuses and times and loads them."""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from nesta.demo.market import kind_texts as K
from nesta.demo.market.texts import CASE_ACHIEVEMENTS, CASE_DEMANDS
from nesta.demo.timeline import working_day

CASE_KEY = "demo-mkt-{}-{}"  # a / d, case id
PROVINCES = ("210000", "220000", "230000")


def _rng(seed: int, what: str, i: int | str) -> random.Random:
    return random.Random(f"{seed}:market-listing:{what}:{i}")


def _wan(rng: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(rng.randint(lo, hi) * 10_000)


# --- per-kind content -------------------------------------------------------------------------------


def _achievement(rng: random.Random) -> dict[str, Any]:
    field = rng.choice(list(K.ACHIEVEMENT_TOPICS))
    objects, techniques = K.ACHIEVEMENT_TOPICS[field]
    obj, tech = rng.choice(objects), rng.choice(techniques)
    maturity = rng.choice(["lab", "pilot_small", "pilot", "pilot", "industrial", "industrial"])
    summary = rng.choice(K.ACHIEVEMENT_SUMMARY).format(
        team=rng.choice(K.TEAMS),
        obj=obj,
        tech=tech,
        gain=rng.choice(K.ACHIEVEMENT_GAINS),
        stage={"lab": "实验室", "pilot_small": "小试", "pilot": "中试", "industrial": "产业化"}[maturity],
        where=rng.choice(["装备制造企业", "东北老工业基地", "相关行业", "省内龙头企业"]),
    )
    ip = rng.choice(["invention_patent", "invention_patent", "utility_model", "software", "trade_secret"])
    title = rng.choice(["", "", "新型", "高效", "低成本", "一种"]) + obj + tech
    return _achievement_listing(rng, field, title, summary, f"{obj},{tech}", maturity, ip)


def _achievement_listing(rng, field, title, summary, keywords, maturity, ip) -> dict[str, Any]:
    items = [] if ip == "trade_secret" else [{"type": ip, "number": _patent_number(rng, ip)}]
    negotiable = rng.random() < 0.4
    price = None if negotiable else _wan(rng, 5, 800)
    details = {
        "ip_items": items,
        "transfer_modes": rng.sample(["assignment", "license", "equity", "co_development"], rng.randint(1, 3)),
        "team": f"{rng.choice(K.TEAMS)}（教授{rng.randint(1, 4)}人、博士{rng.randint(2, 9)}人）",
        "application": "可用于"
        + rng.choice(["汽车及零部件", "装备制造", "化工冶金", "农业生产", "医药健康", "能源电力"])
        + "等行业",
    }
    return {
        "field": field,
        "title": title,
        "summary": summary,
        "keywords": keywords,
        "maturity": maturity,
        "ip_type": ip,
        "price_low": price,
        "price_high": price,
        "price_negotiable": negotiable,
        "details": details,
    }


def _patent_number(rng: random.Random, ip: str) -> str:
    if ip == "software":
        return f"{rng.randint(2016, 2025)}SR{rng.randint(100000, 999999)}"
    kind = {"invention_patent": 1, "utility_model": 2, "design": 3}.get(ip, 1)
    return f"ZL{rng.randint(2014, 2024)}{kind}{rng.randint(1000000, 9999999)}.{rng.randint(0, 9)}"


def _demand_listing(rng, field, title, problem, indicators, keywords="") -> dict[str, Any]:
    budget = _wan(rng, 10, 500) if rng.random() < 0.7 else None
    return {
        "field": field,
        "title": title,
        "summary": problem,
        "keywords": keywords,
        "price_high": budget,
        "price_negotiable": budget is None,
        "details": {
            "problem": problem,
            "indicators": indicators,
            "cooperation_modes": rng.sample(["commissioned", "cooperative", "assignment", "license", "consulting"], 2),
        },
    }


def _demand(rng: random.Random) -> dict[str, Any]:
    field = rng.choice(list(K.DEMAND_TOPICS))
    products, troubles = K.DEMAND_TOPICS[field]
    product, trouble = rng.choice(products), rng.choice(troubles)
    problem = K.DEMAND_PROBLEM.format(product=product, trouble=trouble)
    ask = rng.choice(["寻求技术解决方案", "征集解决方案", "求合作攻关", "寻求高校院所合作"])
    return _demand_listing(rng, field, f"{product}{trouble}，{ask}", problem, "", f"{product}")


def _manufacturing(rng: random.Random) -> tuple[str, str, list[str], dict[str, Any]]:
    process = rng.choice(list(K.CAPACITY_LINES))
    label, equipment, materials = K.CAPACITY_LINES[process]
    extra = [p for p in rng.sample(list(K.CAPACITY_LINES), 2) if p != process][:1]
    base = {
        "processes": [process, *extra],
        "materials": materials,
        "max_part_size_mm": rng.choice([300, 500, 800, 1200, 2000, 4000]),
        "certifications": rng.choice(K.CERTIFICATIONS),
    }
    if process in ("cnc", "additive", "testing"):
        base["precision_grade"] = rng.choice(["IT5", "IT6", "IT7", "IT8"])
    return process, label, equipment, base


def _capacity(rng: random.Random, org_name: str) -> dict[str, Any]:
    process, label, equipment, details = _manufacturing(rng)
    machine = rng.choice(equipment)
    details |= {
        "monthly_capacity": f"{rng.choice([500, 1000, 3000, 5000, 20000])} 件/月",
        "lead_time_days": rng.choice([7, 10, 15, 20, 30, 45]),
        "equipment": f"{machine}{rng.randint(2, 12)}台（套）",
    }
    field = "machinery" if process not in ("injection",) else "chemical-materials"
    return {
        "field": field,
        "title": f"{org_name[:40]}{label}能力（{machine}），承接来料与来图加工",
        "summary": f"本公司拥有{machine}等设备，可承接{details['materials']}等材料的{label}业务，质量体系{details['certifications']}。",
        "keywords": f"{label},外协加工",
        "price_negotiable": True,
        "details": details,
    }


def _outsourcing(rng: random.Random) -> dict[str, Any]:
    process, label, _equipment, details = _manufacturing(rng)
    part = rng.choice(K.OUTSOURCING_PARTS)
    budget = _wan(rng, 2, 200)
    details |= {
        "quantity": f"{rng.choice([50, 200, 500, 2000, 10000])} 件",
        "drawing_available": rng.random() < 0.8,
    }
    return {
        "field": "machinery",
        "title": f"{part}{label}外协（{details['quantity']}）" + rng.choice(["，长期合作", "，急单", "", "，按图加工"]),
        "summary": f"现有一批{part}需要{label}，材料{details['materials'].split('、')[0]}，按图加工，要求供应商具备{details['certifications']}认证。",
        "keywords": f"{part},{label}",
        "price_high": budget,
        "details": details,
    }


def _service(rng: random.Random, org_name: str) -> dict[str, Any]:
    service_type = rng.choice(list(K.SERVICES))
    title = rng.choice(K.SERVICES[service_type])
    field = {"consulting": "st-consulting", "evaluation": "st-evaluation"}.get(service_type, "tech-services")
    return {
        "field": field,
        "title": f"{title}（{org_name[:40]}）",
        "summary": f"{org_name}为东北三省企业和高校院所提供{title}，团队具有多年从业经验，响应及时，服务规范。",
        "keywords": title[:8],
        "price_negotiable": True,
        "details": {
            "service_type": service_type,
            "qualifications": rng.choice(
                ["省级技术转移示范机构", "国家级科技企业孵化器", "CMA资质认定", "专利代理机构执业许可"]
            ),
            "pricing": rng.choice(["按项目收费", "按次收费，首次免费咨询", "按成交额比例收取"]),
        },
    }


def _financing(rng: random.Random, org_name: str) -> dict[str, Any]:
    field, who, use = rng.choice(K.FINANCING_TOPICS)
    stage = rng.choice(["seed", "angel", "a", "a", "b", "c", "pre_ipo"])
    low = _wan(rng, 200, 3000)
    return {
        "field": field,
        "title": f"{org_name[:40]}{dict(seed='种子轮', angel='天使轮', a='A轮', b='B轮', c='C轮', pre_ipo='Pre-IPO')[stage]}融资",
        "summary": f"公司是{who}，核心团队来自省内高校，产品已进入客户验证阶段，本轮融资主要用于{use}。",
        "keywords": f"{who[:6]},股权融资",
        "price_low": low,
        "price_high": low + _wan(rng, 0, 2000),
        "details": {
            "stage": stage,
            "use_of_funds": use,
            "equity_offered": str(Decimal(rng.randint(5, 25))),
            "revenue_last_year": str(_wan(rng, 0, 5000)),
        },
    }


def _investor(rng: random.Random, province_code: str, org_name: str) -> dict[str, Any]:
    fund = rng.choice(K.INVESTOR_FUNDS)
    stages = sorted(rng.sample(["seed", "angel", "a", "b", "c", "pre_ipo"], rng.randint(1, 3)))
    field = rng.choice(list(K.ACHIEVEMENT_TOPICS))
    low = _wan(rng, 100, 1000)
    return {
        "field": field,
        "title": f"{org_name[:40]}投资偏好：{rng.choice(['关注东北硬科技项目', '寻找成长期科技企业', '早期项目与成果转化'])}",
        "summary": f"本{fund}重点投资先进制造、新材料、生物医药和现代农业领域的成长期科技企业，可提供投后管理和产业资源对接。",
        "keywords": "股权投资,硬科技",
        "price_low": low,
        "price_high": low + _wan(rng, 500, 5000),
        "details": {
            "stages": stages,
            "fields_text": "先进制造、新材料、生物医药",
            "regions": sorted({province_code, rng.choice(PROVINCES)}),
            "fund_size": str(_wan(rng, 10_000, 200_000)),
        },
    }


def _property_right(rng: random.Random, org_name: str, today: date) -> dict[str, Any]:
    asset_type, pattern = rng.choice(K.PROPERTY_ASSETS)
    share = rng.randint(10, 70)
    asset = pattern.format(
        name=org_name[:30], share=share, n=rng.randint(3, 40) * (100 if asset_type == "real_estate" else 1)
    )
    appraised = _wan(rng, 100, 20_000)
    details: dict[str, Any] = {"asset": asset, "asset_type": asset_type, "appraised_value": str(appraised)}
    if asset_type == "equity":
        details["share_offered"] = str(Decimal(share))
    floor = appraised
    if rng.random() < 0.4:  # state-owned: a disclosure of at least 20 working days
        start = working_day(today - timedelta(days=rng.randint(0, 20)))
        details |= {"state_owned": True, "disclosure_start": start.isoformat()}
        details["disclosure_end"] = (start + timedelta(days=rng.choice([28, 35, 42]))).isoformat()
        if rng.random() < 0.3:  # a re-disclosure below 90 % of the appraisal, with its approval
            floor = (appraised * Decimal("0.85")).quantize(Decimal(1))
            details |= {"relisting": 1, "approval_reference": f"国资产权〔{today.year}〕{rng.randint(10, 99)}号"}
            details["approval_by"] = "省国有资产监督管理委员会"
    else:
        floor = (appraised * Decimal(rng.choice(["0.8", "0.9", "1.0"]))).quantize(Decimal(1))
    return {
        "field": rng.choice(["machinery", "fine-chemicals", "automotive", "successor-industries"]),
        "title": f"{asset}转让" if len(asset) < 100 else "资产转让",
        "summary": f"{org_name}拟公开转让{asset}，评估值{appraised / 10000:.0f}万元，欢迎符合条件的意向受让方报名。",
        "keywords": "产权转让,资产处置",
        "price_low": floor,
        "details": details,
    }


def _agri_variety(rng: random.Random) -> dict[str, Any]:
    product, series, what, regions = rng.choice(K.AGRI_VARIETIES)
    variety = f"{series}{rng.randint(2, 98)}号"
    province = {"黑": "黑", "龙": "黑", "克": "黑", "吉": "吉", "辽": "辽"}.get(series[0], "吉")
    return {
        "field": "breeding",
        "title": f"{what}新品种“{variety}”及配套技术",
        "summary": f"选育的{what}新品种{variety}适宜在{regions}种植，抗逆性强，配套技术成熟，可转让或许可繁育。",
        "keywords": f"{product},新品种,{variety}",
        "price_negotiable": True,
        "details": {
            "product": product,
            "variety": variety,
            "approval_number": f"{province}审{product[0]}{rng.randint(2019, 2025)}{rng.randint(1, 60):04d}",
            "suitable_regions": regions,
            "yield_note": f"区域试验平均增产{rng.randint(5, 15)}%",
        },
    }


def _agri_trade(rng: random.Random, kind: str) -> dict[str, Any]:
    product, variety, origin, season, (p_lo, p_hi), (t_lo, t_hi) = rng.choice(K.AGRI_PRODUCTS)
    tonnes = Decimal(max(t_lo, round(rng.uniform(t_lo, t_hi), -1 if t_hi > 100 else 0)))
    details: dict[str, Any] = {
        "product": product,
        "variety": variety,
        "quantity_tonnes": str(tonnes),
        "grade": rng.choice(["premium", "first", "second", "ungraded"]),
        "origin": origin,
        "season": season,
        "certification": rng.choice(["green", "organic", "geo", "none", "none"]),
    }
    price = Decimal(rng.randint(p_lo // 100, p_hi // 100) * 100)
    if kind == "agri_demand":
        details["delivery_place"] = rng.choice(["大连港", "沈阳", "长春", "哈尔滨", "买方工厂"])
        title = f"收购{product}（{variety}）{tonnes}吨"
        summary = f"{rng.choice(K.BUYERS_NEED)}{product}，要求产地{origin}附近，按质论价。"
    else:
        title = f"供应{origin}{product}（{variety}）{tonnes}吨"
        summary = f"合作社自产{origin}{product}，{season}供货，可提供检测报告，欢迎加工企业采购。"
    return {
        "field": {"鲜人参": "authentic-herbs", "黑木耳": "specialty-resources", "蓝莓": "specialty-resources"}.get(
            product, "crops"
        ),
        "title": title,
        "summary": summary,
        "keywords": f"{product},{variety}",
        "price_low": price,
        "price_high": price,
        "details": details,
    }


# --- specs -------------------------------------------------------------------------------------------


def _case_specs() -> list[tuple[str, str, dict[str, Any]]]:
    """(key, kind, content) of every matching case, achievements first."""
    out = []
    for case, c in CASE_ACHIEVEMENTS.items():
        rng = _rng(0, "case-a", case)
        content = _achievement_listing(rng, c["field"], c["title"], c["summary"], c["keywords"], c["maturity"], c["ip"])
        out.append((CASE_KEY.format("a", case), "achievement", content))
    for case, c in CASE_DEMANDS.items():
        rng = _rng(0, "case-d", case)
        out.append(
            (
                CASE_KEY.format("d", case),
                "demand",
                _demand_listing(rng, c["field"], c["title"], c["problem"], c["indicators"]),
            )
        )
    return out


def _content(kind: str, rng: random.Random, owner: Any, today: date) -> dict[str, Any]:
    if kind == "achievement":
        return _achievement(rng)
    if kind == "demand":
        return _demand(rng)
    if kind == "capacity":
        return _capacity(rng, owner.name)
    if kind == "outsourcing":
        return _outsourcing(rng)
    if kind == "service":
        return _service(rng, owner.name)
    if kind == "financing":
        return _financing(rng, owner.name)
    if kind == "investor":
        return _investor(rng, owner.province_code, owner.name)
    if kind == "property_right":
        return _property_right(rng, owner.name, today)
    if kind == "agri_variety":
        return _agri_variety(rng)
    return _agri_trade(rng, kind)
