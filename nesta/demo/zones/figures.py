"""The demo's zone figures: the last three full years of every reference zone, filled in by its
management committee through the service, in plausible magnitudes for the region (沈阳, 大连 and
长春 the large ones, 哈尔滨 mid, 鞍山, 吉林 and 大庆 smaller; growth 3–10 % a year; net profit
5–8 % and taxes about 5 % of revenue; exports in US dollars), and the office's second-venture
targets for each zone (营业收入, 高新技术企业, 研发经费支出, 发明专利授权 by next year), set from
the first year's figures — some zones on track, some behind. Deterministic, idempotent."""

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from nesta.demo.zones.accounts import ZonesContext

YI = Decimal(100_000_000)
USD_CNY = Decimal("7.1")
# reference key → (planned km², built km², enterprises, high-tech firms, 营业收入 in 亿元, employees)
PROFILES = {
    "zone-shenyang": (60.0, 45.0, 6500, 1600, 3200, 230_000),
    "zone-dalian": (153.0, 95.0, 7800, 1900, 4100, 260_000),
    "zone-anshan": (60.0, 38.0, 2300, 420, 950, 90_000),
    "zone-changchun": (109.0, 82.0, 6200, 1500, 5200, 220_000),
    "zone-jilin": (100.0, 51.0, 1900, 360, 820, 80_000),
    "zone-harbin": (34.0, 28.0, 4200, 1100, 2300, 160_000),
    "zone-daqing": (246.0, 130.0, 2100, 450, 1400, 95_000),
}
TARGETS = ("revenue", "high_tech_enterprises", "rd_spend", "invention_patents")


def _yuan(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


# each zone's ratios (drawn once, so its series are smooth): low–high
RATIOS = {
    "output": (0.75, 0.85),  # 工业总产值 / 营业收入
    "profit": (0.05, 0.08),  # 净利润 / 营业收入
    "taxes": (0.045, 0.055),
    "exports": (0.06, 0.12),  # 出口创汇 (元) / 营业收入
    "rd_staff": (0.12, 0.18),  # 研发人员 / 从业人员
    "rd_spend": (0.025, 0.04),  # 研发经费 / 营业收入
    "patents": (1.2, 2.0),  # 发明专利授权 / 高新技术企业
    "private": (0.55, 0.7),  # 民营科技企业 / 入区企业
    "tenants": (40, 60),  # 在孵企业 / 孵化器
    "graduates": (0.08, 0.12),  # 毕业 / 在孵
}


def _ratios(rng: random.Random) -> dict[str, float]:
    return {k: rng.uniform(lo, hi) for k, (lo, hi) in RATIOS.items()}


def _year(
    rng: random.Random, profile: tuple[Any, ...], growth: float, step: int, r: dict[str, float]
) -> dict[str, Any]:
    planned, built, firms, high_tech, revenue_yi, employees = profile
    g = growth**step

    def ratio(key: str) -> float:  # the zone's ratio, ±2 % from year to year
        return r[key] * rng.uniform(0.98, 1.02)

    revenue = revenue_yi * float(YI) * g
    enterprises = int(firms * g)
    staff = int(employees * (1 + (growth - 1) * 0.6) ** step)
    incubators = max(6, firms // 180 + step)
    tenants = int(incubators * ratio("tenants"))
    return {
        "planned_area": Decimal(str(planned)),
        "built_area": Decimal(str(round(min(planned, built * (1 + 0.02 * step)), 2))),
        "enterprises": enterprises,
        "high_tech_enterprises": min(enterprises, int(high_tech * g * rng.uniform(1.0, 1.02))),
        "private_tech_enterprises": int(enterprises * ratio("private")),
        "revenue": _yuan(revenue),
        "industrial_output": _yuan(revenue * ratio("output")),
        "net_profit": _yuan(revenue * ratio("profit")),
        "taxes": _yuan(revenue * ratio("taxes")),
        "exports_usd": _yuan(revenue * ratio("exports") / float(USD_CNY)),
        "employees": staff,
        "rd_staff": int(staff * ratio("rd_staff")),
        "rd_spend": _yuan(revenue * ratio("rd_spend")),
        "invention_patents": int(high_tech * g * ratio("patents")),
        "incubators": incubators,
        "incubator_tenants": tenants,
        "incubator_graduates": int(tenants * ratio("graduates")),
    }


def load(ctx: ZonesContext, say: Any) -> dict[str, Any]:
    from nesta.zones.models import ZoneTarget, ZoneYear
    from nesta.zones.services.zones import target_set, zone_year_save

    if ZoneYear.objects.filter(zone__in=ctx.zones).exists():
        say("zones: figures present, nothing to do")
        return {"zone_years": 0, "zone_targets": 0}
    rng = random.Random(f"{ctx.seed}:zones:figures")
    this_year = timezone.localdate().year
    years = [this_year - 3, this_year - 2, this_year - 1]
    made = targets = 0
    for zone in ctx.zones:
        profile = PROFILES.get(zone.reference_key or "")
        actor = ctx.committee.get(zone.pk) or ctx.provinces.get(zone.province.code) or ctx.office
        if profile is None or actor is None:
            continue
        growth = 1 + rng.uniform(0.03, 0.10)
        ratios = _ratios(rng)
        for step, year in enumerate(years):
            data = _year(rng, profile, growth, step, ratios)
            zone_year_save(actor=actor, zone_id=zone.pk, year=year, data=data)
            made += 1
        if ctx.office is None:
            continue
        base = ZoneYear.objects.get(zone=zone, year=years[0])
        for key in TARGETS:
            # four years from the baseline at 6–12 % a year: the faster zones keep up, others fall behind
            ambition = Decimal(str(round((1 + rng.uniform(0.06, 0.12)) ** (this_year + 1 - years[0]), 4)))
            value = (Decimal(getattr(base, key)) * ambition).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
            target_set(
                actor=ctx.office,
                zone_id=zone.pk,
                data={
                    "indicator": key,
                    "baseline_year": years[0],
                    "target_year": this_year + 1,
                    "target_value": value,
                    "note": "二次创业目标（演示数据）",
                },
            )
            targets += 1
    say(f"zones: {made} zone years ({years[0]}–{years[-1]}), {targets} second-venture targets")
    return {"zone_years": made, "zone_targets": ZoneTarget.objects.filter(zone__in=ctx.zones).count()}
