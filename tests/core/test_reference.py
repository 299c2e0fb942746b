"""The Action's reference data, as `manage.py load_reference` loads it."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from nesta.core import search
from nesta.core.models import Platform, Region, SearchDocument, TaxonomyNode
from nesta.core.search import query_tokens
from nesta.directory.models import Organization
from nesta.programmes.models import FundingPlanLine, Programme

YI = Decimal(100_000_000)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Region, TaxonomyNode, Platform, Organization, Programme, FundingPlanLine, SearchDocument)
    }


def test_load_reference_is_idempotent(reference):
    first = _counts()
    zone_ids = sorted(Organization.objects.filter(kind="high_tech_zone").values_list("pk", flat=True))
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    call_command("load_reference", stdout=out)
    assert _counts() == first
    assert sorted(Organization.objects.filter(kind="high_tech_zone").values_list("pk", flat=True)) == zone_ids
    assert first["Region"] == 3 + 36 + 1
    assert first["Platform"] == 4
    assert first["Organization"] == 7
    assert first["SearchDocument"] == 7
    assert first["FundingPlanLine"] == 5


def test_three_provinces(reference):
    provinces = Region.objects.filter(level="province").order_by("code")
    assert [(r.code, r.name, r.parent_id) for r in provinces] == [
        ("210000", "辽宁省", None),
        ("220000", "吉林省", None),
        ("230000", "黑龙江省", None),
    ]


@pytest.mark.parametrize(
    "code,name,level,parent",
    [
        ("210100", "沈阳市", "city", "210000"),
        ("210200", "大连市", "city", "210000"),
        ("210300", "鞍山市", "city", "210000"),
        ("210900", "阜新市", "city", "210000"),
        ("220100", "长春市", "city", "220000"),
        ("220200", "吉林市", "city", "220000"),
        ("220500", "通化市", "city", "220000"),
        ("230100", "哈尔滨市", "city", "230000"),
        ("230600", "大庆市", "city", "230000"),
        ("210213", "金州区", "district", "210200"),  # 大连金州: the 国家农业科技园 of 三.2③
    ],
)
def test_the_places_the_seed_names(reference, code, name, level, parent):
    region = Region.objects.select_related("parent").get(code=code)
    assert (region.name, region.level, region.parent.code) == (name, level, parent)


def test_every_city_sits_in_the_province_its_code_names(reference):
    for city in Region.objects.filter(level="city").select_related("parent"):
        assert city.parent.code == city.province_code, city.code
        assert city.parent.level == "province"


def test_the_seven_national_high_tech_zones(reference):
    zones = Organization.objects.filter(kind="high_tech_zone").select_related("province", "city")
    assert sorted((z.city.name, z.province.name) for z in zones) == sorted(
        [
            ("沈阳市", "辽宁省"),
            ("大连市", "辽宁省"),
            ("鞍山市", "辽宁省"),
            ("长春市", "吉林省"),
            ("吉林市", "吉林省"),
            ("哈尔滨市", "黑龙江省"),
            ("大庆市", "黑龙江省"),
        ]
    )
    assert all(z.established_year in (1991, 1992) for z in zones)
    assert {z.reference_key for z in zones} == {
        "zone-shenyang",
        "zone-dalian",
        "zone-anshan",
        "zone-changchun",
        "zone-jilin",
        "zone-harbin",
        "zone-daqing",
    }


def test_zones_are_searchable(reference):
    hits = search.search("organization", "高新区", kind="high_tech_zone", with_total=True)
    assert hits.total == 7
    heilongjiang = search.search("organization", "高新区", province="230000")
    harbin_daqing = Organization.objects.filter(reference_key__in=["zone-harbin", "zone-daqing"])
    assert sorted(heilongjiang.ids) == sorted(harbin_daqing.values_list("pk", flat=True))


def _path(code: str) -> list[str]:
    node = TaxonomyNode.objects.get(code=code)
    names = []
    while node is not None:
        names.append(node.name)
        node = node.parent
    return names


def test_taxonomy_roots(reference):
    roots = TaxonomyNode.objects.filter(parent=None).order_by("sort_order")
    assert [(r.name, r.depth) for r in roots] == [
        ("高新技术产业", 0),
        ("高新技术改造传统产业", 0),
        ("现代农业", 0),
        ("现代服务业", 0),
    ]


@pytest.mark.parametrize(
    "code,path",
    [
        ("superalloys", ["高温合金", "新材料", "高新技术产业"]),
        ("rare-earth-magnets", ["稀土永磁", "新材料", "高新技术产业"]),
        ("wind-energy", ["风能", "新能源及环保", "高新技术产业"]),
        ("networked-manufacturing", ["网络化制造", "制造业信息化", "高新技术改造传统产业"]),
        ("agri-parks", ["农业科技园区", "现代农业"]),
        ("st-consulting", ["科技咨询", "现代服务业"]),
    ],
)
def test_taxonomy_paths(reference, code, path):
    assert _path(code) == path
    assert TaxonomyNode.objects.get(code=code).depth == len(path) - 1


def test_taxonomy_order_is_depth_first(reference):
    nodes = list(TaxonomyNode.objects.order_by("sort_order"))
    assert len({n.sort_order for n in nodes}) == len(nodes)
    for node in nodes:
        if node.parent_id:
            parent = next(n for n in nodes if n.pk == node.parent_id)
            assert parent.sort_order < node.sort_order
            assert node.depth == parent.depth + 1


@pytest.mark.parametrize("term", ["高温合金", "稀土永磁", "镁质材料", "网络化制造", "道地药材规范化种植"])
def test_taxonomy_terms_stay_whole_words(reference, term):
    assert query_tokens(term) == [term]


def test_four_platforms(reference):
    assert [(p.code, p.name) for p in Platform.objects.order_by("sort_order")] == [
        ("innovation", "科技创新平台"),
        ("transformation", "科技转化平台"),
        ("conditions", "科技条件平台"),
        ("cooperation", "科技合作平台"),
    ]


def test_programmes_the_seed_names(reference):
    names = set(Programme.objects.values_list("name", flat=True))
    assert {"863计划", "科技型中小企业技术创新基金", "农业科技成果转化资金", "振兴东北科技行动专项资金"} <= names
    p863 = Programme.objects.get(code="program-863")
    assert p863.platform.code == "transformation"
    assert list(p863.fields.values_list("code", flat=True)) == ["high-tech"]


def test_funding_plan(reference):
    lines = FundingPlanLine.objects.filter(programme=None, province=None).order_by("year")
    assert [line.year for line in lines] == [2004, 2005, 2006, 2007, 2008]
    totals = lines.aggregate(baseline=Sum("baseline_amount"), additional=Sum("additional_amount"))
    assert totals["baseline"] == 20 * YI  # about 4亿元 a year kept for five years
    assert totals["additional"] == 5 * YI  # about 5亿元 added over the five years
    assert all(line.total == 5 * YI for line in lines)
