"""The programmes the seed names and the funding plan of 四.2."""

from decimal import Decimal

from django.db import transaction

from nesta.core.models import Platform, TaxonomyNode
from nesta.programmes.models import FundingPlanLine, Programme

YI = Decimal("100000000")  # 1亿元

PROGRAMMES = [
    (
        "action-special-fund",
        "振兴东北科技行动专项资金",
        "Special Fund of the Northeast Revitalization S&T Action",
        "四.2",
        None,
        "科技部新增投入，五年约5亿元，支持重点项目、区域公共平台与高新区二次创业。",
    ),
    (
        "program-863",
        "863计划",
        "National High-tech R&D Program (863)",
        "三.1/三.3",
        "transformation",
        "向东北地区科技型民营企业倾斜；在东北建设863高技术产业促进中心。",
    ),
    (
        "sme-innovation-fund",
        "科技型中小企业技术创新基金",
        "Innovation Fund for Technology-based SMEs",
        "三.3",
        None,
        "中小企业创新基金向科技型民营企业倾斜。",
    ),
    (
        "agri-transfer-fund",
        "农业科技成果转化资金",
        "Agricultural S&T Achievements Transfer Fund",
        "三.3",
        None,
        "农业转化资金向科技型民营企业倾斜，支持农业科技成果转化。",
    ),
    (
        "zone-special-support",
        "高新区专项扶持资金与财政贴息",
        "High-tech zone special support fund and interest subsidies",
        "三.3",
        None,
        "重点支持高新区内起带动作用的高新技术项目，给予专门的财政贴息。",
    ),
]

# 五年: the five years after the first three years of the 10th Five-Year Plan (2001–2003).
PLAN_YEARS = range(2004, 2009)


@transaction.atomic
def load_programmes_reference() -> None:
    for i, (code, name, name_en, section, platform, summary) in enumerate(PROGRAMMES):
        Programme.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "seed_section": section,
                "summary": summary,
                "sort_order": i,
                "platform": Platform.objects.get(code=platform) if platform else None,
            },
        )
    for year in PLAN_YEARS:
        FundingPlanLine.objects.update_or_create(
            year=year,
            programme=None,
            province=None,
            defaults={
                "baseline_amount": 4 * YI,
                "additional_amount": YI,
                "note": "保持“十五”前三年平均每年约4亿元的支持力度；五年新增约5亿元，按年均摊估算。",
            },
        )
    high_tech = TaxonomyNode.objects.filter(code="high-tech").first()
    if high_tech:
        Programme.objects.get(code="program-863").fields.set([high_tech])
