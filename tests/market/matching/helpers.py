"""Hand-built listings for the matching tests (reference data and the thesaurus seed loaded)."""

from nesta.core.models import Region
from nesta.market.matching import blocks as B
from nesta.market.models import MatchBlock
from tests.factories import OrganizationFactory
from tests.market.factories import ListingFactory

DEMAND = {"problem": "见标题", "cooperation_modes": ["commissioned"]}


def org(province="210000", city="210100"):
    return OrganizationFactory(province_code=province, city_code=city)


def achievement(title, summary, *, keywords="", field_code="machinery", owner=None, **kw):
    owner = owner or org()
    return ListingFactory(
        title=title, summary=summary, keywords=keywords, field_code=field_code, organization=owner, **kw
    )


def demand(title, summary, *, problem="", field_code="machinery", owner=None, stored=False, **kw):
    owner = owner or org()
    details = {"problem": problem or summary, "cooperation_modes": kw.pop("modes", ["commissioned"])}
    attrs = dict(
        kind="demand",
        title=title,
        summary=summary,
        keywords=kw.pop("keywords", ""),
        field_code=field_code,
        organization=owner,
        details=details,
        maturity="",
        ip_type="",
        price_low=None,
        price_high=kw.pop("budget", None),
        **kw,
    )
    return ListingFactory(**attrs) if stored else ListingFactory.build(**attrs)


def noise(n=12):
    """Unrelated published achievements, so the collection's statistics look like a market's."""
    topics = [
        ("玉米高产密植栽培技术", "寒地玉米密植高产，籽粒机收，水肥一体化。", "crops"),
        ("锂离子电池正极材料", "高镍三元正极材料，循环稳定性好，能量密度高。", "energy-materials"),
        ("工业废水高级氧化处理", "芬顿氧化与生化组合工艺，COD去除率高。", "environmental-protection"),
        ("中药材规范化种植", "人参仿野生栽培，有效成分含量稳定。", "authentic-herbs"),
        ("智能温室环境调控系统", "日光温室补光与温湿度自动控制。", "crops"),
        ("奶牛精准饲喂技术", "青贮饲料配方与精准饲喂，提高产奶量。", "livestock"),
        ("光伏组件清洗机器人", "自动清扫光伏板积雪与灰尘，提高发电量。", "solar-energy"),
        ("缓释片制剂工艺", "固体分散体技术提高难溶药物溶出度。", "new-formulations"),
        ("工业互联网数据采集平台", "设备联网与边缘计算，实时采集生产数据。", "networked-manufacturing"),
        ("钕铁硼晶界扩散技术", "重稀土减量，提高矫顽力与高温稳定性。", "rare-earth-magnets"),
        ("煤气化渣综合利用", "气化渣制备建材，资源化利用。", "coal-chemicals"),
        ("风电叶片除冰技术", "风机叶片结冰监测与电热除冰。", "wind-energy"),
    ]
    owner = org("220000", "220100")
    return [achievement(t, s, field_code=f, owner=owner) for t, s, f in topics[:n]]


def region(code):
    return Region.objects.get(code=code)


def block_postings() -> set[tuple[int, int, int, int]]:
    """The postings the blocks hold, checking each block's invariants on the way."""
    seen: list[tuple[int, int, int, int]] = []
    for b in MatchBlock.objects.order_by("term_id", "kind", "hi_impact", "hi_listing"):
        ids, imps = B.unpack(bytes(b.ids), bytes(b.impacts))
        keys = [(int(i), int(x)) for x, i in zip(ids, imps, strict=True)]
        assert keys == sorted(keys) and len(keys) == b.n
        assert b.top == (keys[-1][0] if keys else 0)
        assert all(k <= (b.hi_impact, b.hi_listing) for k in keys)  # the key is at or above
        seen += [(b.term_id, b.kind, imp, oid) for imp, oid in keys]
    assert len(seen) == len(set(seen))  # a posting lives in one block
    return set(seen)
