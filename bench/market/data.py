"""The market benchmarks' data: N generated listings of every kind (default 1,000,000), shared by
the search and the matching benchmarks.

    from bench.market.data import ensure_listings
    info = ensure_listings(n, seed)   # inside a configured Django process (settings pick the DB)

Listings ("bench-lst-NNNNNNN") belong to BENCH_ORGS generated organisations ("bench-mkt-org-NNNN")
spread over the three provinces and their cities; titles and summaries are built from per-field
vocabularies (materials, products, processes, the defects enterprises name in plant-floor words),
so texts read like real achievements, demands, capacities… and share terms across kinds. Statuses:
about 90 % public (published, negotiating, dealt), the rest drafts, submitted, withdrawn or
expired (not indexed). Rows go straight through the driver (executemany on SQLite, COPY on
PostgreSQL) with foreign-key checks off and the two tables' secondary indexes dropped; search
documents are built by the listing indexer and written the same way while the FTS5 triggers
(SQLite) or the GIN index (PostgreSQL) are dropped; then every index is built once. `python -m
bench.market.data --listings N` generates only (the database chosen by SQLITE_PATH / DATABASE_URL
as for the parts' processes). A database already holding exactly N
bench listings, each public one indexed, is reused as it is.
"""

import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.market.bulk import (
    LOADED_TABLES,
    drop_indexes,
    drop_text_index,
    load_session,
    reset_sequence,
    restore_text_index,
    write_objects,
    write_values,
)

# The names other generators import from here (bench/market/stats.py, bench/programmes/budget.py).
_drop_indexes, _load_session, _reset_sequence = drop_indexes, load_session, reset_sequence
__all__ = ["LOADED_TABLES", "write_values", "ensure_listings", "generate", "reindex"]

BENCH_KEY = "bench-lst-{:07d}"
ORG_KEY = "bench-mkt-org-{:04d}"
BENCH_ORGS = 3000
CHUNK = 20_000

# (field codes, products, materials, processes, defects in plant-floor words, academic terms)
DOMAINS: list[dict[str, list[str]]] = [
    {
        "fields": ["automotive", "machinery", "fine-steel"],
        "products": ["发动机缸体", "变速箱壳体", "曲轴", "齿轮", "轮毂", "制动盘", "连杆", "转向节", "液压阀体"],
        "materials": ["铸造铝合金", "球墨铸铁", "灰铸铁", "高强钢", "合金结构钢", "镁合金"],
        "processes": ["低压铸造", "压铸", "砂型铸造", "精密锻造", "热处理", "数控加工", "激光焊接", "喷丸强化"],
        "defects": ["铸件有砂眼", "铸件有气孔", "焊缝老是裂", "零件变形大", "表面有划痕", "硬度不均匀", "尺寸超差"],
        "terms": ["缩松缺陷控制", "熔体净化", "凝固组织调控", "残余应力消除", "疲劳寿命提升", "焊接冷裂纹敏感性"],
    },
    {
        "fields": ["superalloys", "special-materials", "aerospace"],
        "products": ["涡轮叶片", "燃烧室部件", "航空紧固件", "高温轴承", "导向叶片", "机匣"],
        "materials": ["镍基高温合金", "钛合金", "单晶高温合金", "陶瓷基复合材料", "碳纤维复合材料"],
        "processes": ["定向凝固", "真空熔炼", "等温锻造", "增材制造", "热等静压", "电子束焊接"],
        "defects": ["叶片有裂纹", "材料高温下软化", "涂层容易脱落", "零件重量超标"],
        "terms": ["蠕变性能", "抗氧化涂层", "晶粒细化", "组织均匀性控制", "轻量化设计"],
    },
    {
        "fields": ["rare-earth-magnets", "magnesium-materials", "energy-materials", "chemical-materials"],
        "products": ["钕铁硼磁体", "镁合金型材", "锂电池正极材料", "储氢材料", "石墨烯薄膜", "隔膜"],
        "materials": ["稀土永磁材料", "镁质材料", "磷酸铁锂", "三元材料", "石墨烯", "硅碳负极"],
        "processes": ["烧结", "晶界扩散", "挤压成型", "共沉淀", "涂布", "化学气相沉积"],
        "defects": ["磁体退磁快", "电池容量衰减快", "产品一致性差", "粉料结块", "能耗高"],
        "terms": ["矫顽力提升", "循环稳定性", "能量密度", "表面改性", "纳米结构调控"],
    },
    {
        "fields": ["innovative-drugs", "new-formulations", "drug-safety-evaluation", "digital-medical-devices"],
        "products": ["缓释片", "注射剂", "诊断试剂盒", "医学影像设备", "监护仪", "单克隆抗体"],
        "materials": ["原料药", "药用辅料", "生物材料", "可降解高分子"],
        "processes": ["制剂工艺", "冻干", "发酵", "纯化", "细胞培养", "临床前评价"],
        "defects": ["药片溶出不稳定", "产品杂质超标", "图像噪声大", "收率低"],
        "terms": ["生物利用度", "靶向递送", "药代动力学", "安全性评价", "人工智能辅助诊断"],
    },
    {
        "fields": ["optical-displays", "optoelectronic-devices", "electronic-equipment", "software"],
        "products": ["液晶显示模组", "激光器", "光纤传感器", "红外探测器", "工业控制软件", "智能终端"],
        "materials": ["光学玻璃", "半导体材料", "氮化镓", "有机发光材料"],
        "processes": ["封装", "镀膜", "光刻", "嵌入式开发", "软件开发", "系统集成"],
        "defects": ["屏幕有亮点", "信号干扰严重", "系统经常死机", "良品率低"],
        "terms": ["光电转换效率", "图像识别", "边缘计算", "工业互联网", "数据采集与分析"],
    },
    {
        "fields": ["catalysis", "fine-chemicals", "coal-chemicals", "petroleum", "biochemical-engineering"],
        "products": ["催化剂", "表面活性剂", "润滑油添加剂", "煤制烯烃", "生物柴油", "聚氨酯"],
        "materials": ["分子筛", "贵金属催化剂", "重油", "煤焦油", "秸秆"],
        "processes": ["加氢精制", "催化裂化", "精馏分离", "膜分离", "气化", "生物发酵"],
        "defects": ["催化剂失活快", "产品颜色发黄", "废水处理不达标", "设备结焦"],
        "terms": ["选择性催化", "绿色合成工艺", "过程强化", "反应动力学", "资源化利用"],
    },
    {
        "fields": ["wind-energy", "solar-energy", "clean-combustion", "environmental-protection", "power-equipment"],
        "products": ["风电叶片", "光伏组件", "燃煤锅炉", "脱硫装置", "变压器", "储能系统"],
        "materials": ["玻璃纤维", "多晶硅", "脱硝催化剂", "活性炭"],
        "processes": ["低氮燃烧", "余热回收", "污水处理", "固废处置", "在线监测"],
        "defects": ["锅炉排放超标", "叶片结冰", "组件发电效率下降", "噪声大"],
        "terms": ["节能减排", "超低排放", "能效提升", "碳捕集", "智能运维"],
    },
    {
        "fields": ["crops", "breeding", "specialty-resources", "agri-deep-processing"],
        "products": ["玉米", "大豆", "水稻", "马铃薯", "人参", "木耳", "蓝莓"],
        "materials": ["种子", "有机肥", "生物农药", "秸秆饲料"],
        "processes": ["育种", "高产栽培", "精深加工", "保鲜储运", "测土配方施肥"],
        "defects": ["苗期病害重", "产量上不去", "储存时容易霉变", "农残超标"],
        "terms": ["抗逆性", "分子标记辅助育种", "品质改良", "绿色防控", "寒地黑土"],
    },
    {
        "fields": ["livestock", "aquaculture", "forestry", "authentic-herbs"],
        "products": ["肉牛", "生猪", "梅花鹿", "冷水鱼", "林下参", "五味子"],
        "materials": ["饲料", "兽药", "疫苗", "种苗"],
        "processes": ["规模化养殖", "疫病防控", "良种繁育", "林下种植", "规范化种植"],
        "defects": ["牲畜容易生病", "成活率低", "药材有效成分含量低"],
        "terms": ["动物营养", "生态养殖", "道地药材", "种质资源保护"],
    },
    {
        "fields": ["st-consulting", "st-evaluation", "tech-services", "modern-logistics", "networked-manufacturing"],
        "products": ["科技成果评价", "知识产权布局", "检验检测", "冷链物流", "网络化协同制造平台"],
        "materials": ["数据资源", "检测设备"],
        "processes": ["技术咨询", "专利分析", "质量认证", "供应链管理", "信息化改造"],
        "defects": ["研发方向不清", "专利被侵权", "物流成本高"],
        "terms": ["技术转移", "科技金融", "创新券", "数字化转型"],
    },
]
KIND_WEIGHTS = [
    ("achievement", 30),
    ("demand", 24),
    ("capacity", 8),
    ("outsourcing", 6),
    ("service", 6),
    ("financing", 5),
    ("investor", 3),
    ("property_right", 4),
    ("agri_variety", 5),
    ("agri_supply", 5),
    ("agri_demand", 4),
]
AGRI_KINDS = {"agri_variety", "agri_supply", "agri_demand"}
STATUS_WEIGHTS = [
    ("published", 72),
    ("negotiating", 12),
    ("dealt", 6),
    ("draft", 3),
    ("submitted", 3),
    ("withdrawn", 2),
    ("expired", 2),
]
ORG_WORDS = [
    "华信",
    "东方",
    "北方",
    "新松",
    "金桥",
    "长城",
    "海韵",
    "天成",
    "瑞丰",
    "宏达",
    "博远",
    "中科",
    "科信",
    "恒通",
]
ORG_SUFFIXES = [
    ("enterprise", "精密机械有限公司"),
    ("enterprise", "新材料股份有限公司"),
    ("enterprise", "生物科技有限公司"),
    ("enterprise", "电子科技有限公司"),
    ("enterprise", "农业发展有限公司"),
    ("university", "理工学院"),
    ("research_institute", "工业技术研究院"),
    ("research_institute", "农业科学研究所"),
    ("venture_capital", "创业投资有限公司"),
    ("intermediary", "技术转移服务中心"),
]


def say(line: str) -> None:
    print(line, flush=True)


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _domain(rng: random.Random, kind: str) -> dict[str, list[str]]:
    if kind in AGRI_KINDS:
        return rng.choice(DOMAINS[7:9])
    return rng.choice(DOMAINS)


def _texts(rng: random.Random, kind: str, d: dict[str, list[str]]) -> tuple[str, str, str, dict[str, Any]]:
    """(title, summary, keywords, details) of one listing of `kind` from domain `d`."""
    p, m, pr = rng.choice(d["products"]), rng.choice(d["materials"]), rng.choice(d["processes"])
    t, t2, defect = rng.choice(d["terms"]), rng.choice(d["terms"]), rng.choice(d["defects"])
    keywords = ",".join(rng.sample([p, m, pr, t], 3))
    details: dict[str, Any]
    if kind == "achievement":
        title = rng.choice([f"{m}{p}{pr}技术", f"一种{p}的{pr}方法", f"高性能{m}及其{pr}成套技术", f"{p}{t}技术"])
        summary = (
            f"本成果针对{p}生产中的{t}难题，采用{pr}工艺与{m}体系，实现{t2}。"
            f"已完成中试验证，可应用于{rng.choice(d['products'])}等领域，具备产业化条件。"
        )
        details = {"transfer_modes": [rng.choice(["assignment", "license", "equity", "co_development"])]}
        details["application"] = f"适用于{p}、{rng.choice(d['products'])}的生产企业。"
    elif kind == "demand":
        title = rng.choice([f"{p}{defect.removeprefix(p)}问题求解", f"寻求{p}{pr}技术合作", f"{p}{t}技术需求"])
        problem = f"我公司生产{p}，{defect}，影响合格率，希望找到{pr}方面的改进办法。"
        summary = f"企业主要产品为{p}，材料为{m}。{problem}"
        details = {
            "problem": problem,
            "indicators": f"合格率提升到95%以上，{t2}",
            "cooperation_modes": ["commissioned"],
        }
    elif kind == "capacity":
        title = f"{pr}加工能力（{m}{p}）"
        summary = f"拥有{pr}生产线，可承接{m}材质{p}等零部件加工，通过ISO 9001认证。"
        details = {"processes": ["cnc"], "materials": m, "equipment": f"{pr}设备若干台"}
    elif kind == "outsourcing":
        title = f"{p}{pr}外协加工"
        summary = f"现需外协加工{m}{p}，要求{pr}，批量稳定供货。"
        details = {"processes": ["cnc"], "materials": m, "quantity": f"{rng.randint(1, 50) * 100}件"}
    elif kind == "service":
        title = f"{rng.choice(d['processes'])}与{t}服务"
        summary = f"为{p}相关企业提供{pr}、{t}等科技服务，团队具有十年以上行业经验。"
        details = {"service_type": rng.choice(["consulting", "evaluation", "testing", "tech_broker"])}
    elif kind == "financing":
        title = f"{m}{p}产业化项目融资"
        summary = f"项目以{t}为核心，建设{p}生产线，产品采用{pr}工艺，寻求投资以扩大产能。"
        details = {"stage": rng.choice(["angel", "a", "b"]), "use_of_funds": f"{p}生产线建设"}
    elif kind == "investor":
        title = f"关注{m}与{t}领域的早期投资"
        summary = f"本机构重点投资{m}、{p}及{t}方向的科技型企业，偏好具备核心专利的团队。"
        details = {"stages": ["angel", "a"], "fields_text": f"{m}、{t}"}
    elif kind == "property_right":
        title = f"{rng.choice(ORG_WORDS)}{p}有限公司{rng.choice([10, 20, 30, 51])}%股权转让"
        summary = f"标的企业主营{m}{p}，拥有{pr}生产线及相关专利，现公开挂牌转让部分股权。"
        details = {"asset": f"{p}企业股权", "asset_type": "equity", "appraised_value": "5000000.00"}
    elif kind == "agri_variety":
        title = f"{p}新品种{rng.choice(['龙', '吉', '辽'])}{rng.choice(['丰', '农', '单', '育'])}{rng.randint(1, 99)}号"
        summary = f"该{p}品种{t}突出，采用{pr}技术，适宜东北寒地种植，增产显著。"
        details = {"product": p, "suitable_regions": "东北地区"}
    elif kind == "agri_supply":
        title = f"供应{rng.choice(['五常', '榆树', '铁岭', '绥化', '延边'])}{p}{rng.randint(1, 200) * 10}吨"
        summary = f"合作社常年供应优质{p}，{t}，可提供检测报告，支持冷链运输。"
        details = {"product": p, "quantity_tonnes": str(rng.randint(1, 200) * 10), "origin": "东北"}
    else:  # agri_demand
        title = f"收购{p}{rng.randint(1, 200) * 10}吨"
        summary = f"本企业长期收购{p}，要求{t}，用于{pr}，价格面议。"
        details = {"product": p, "quantity_tonnes": str(rng.randint(1, 200) * 10)}
    return title[:120], summary, keywords[:300], details


_AMOUNTS = [Decimal(x) * 10_000 for x in (3, 8, 10, 20, 45, 50, 80, 100, 200, 480, 500, 800, 1000, 3000)]


def _facets(rng: random.Random, kind: str) -> dict[str, Any]:
    f: dict[str, Any] = {"maturity": "", "ip_type": "", "price_low": None, "price_high": None}
    if kind == "achievement" or (kind == "agri_variety" and rng.random() < 0.5):
        f["maturity"] = rng.choice(["lab", "pilot_small", "pilot", "industrial"])
        f["ip_type"] = rng.choice(["invention_patent", "invention_patent", "utility_model", "software", "trade_secret"])
    required = kind in {"property_right", "financing", "investor"}
    if required or rng.random() < 0.6:
        low = rng.choice(_AMOUNTS)
        f["price_low"] = low
        f["price_high"] = low * rng.choice([1, 1, 2]) if kind in {"financing", "investor"} else low
        if kind in {"demand", "outsourcing"}:
            f["price_low"], f["price_high"] = None, low  # a budget
    return f


def _reference():
    from django.core.management import call_command

    from nesta.core.models import Region, TaxonomyNode

    if not TaxonomyNode.objects.exists() or not Region.objects.exists():
        call_command("load_reference", verbosity=0)
    nodes = {n.pk: n for n in TaxonomyNode.objects.all()}
    for n in nodes.values():  # parent links from memory, so the indexer needs no queries
        if n.parent_id:
            n.parent = nodes[n.parent_id]
    by_code = {n.code: n for n in nodes.values()}
    cities = list(Region.objects.filter(level="city").select_related("parent"))
    return by_code, cities


def _organizations(rng: random.Random, cities) -> list:
    from nesta.directory.models import Organization

    existing = list(Organization.objects.filter(reference_key__startswith="bench-mkt-org-").select_related("province"))
    if len(existing) >= BENCH_ORGS:
        return existing
    Organization.objects.filter(reference_key__startswith="bench-mkt-org-", market_listings__isnull=True).delete()
    have = {o.reference_key for o in Organization.objects.filter(reference_key__startswith="bench-mkt-org-")}
    new = []
    for i in range(BENCH_ORGS):
        key = ORG_KEY.format(i)
        if key in have:
            continue
        city = rng.choice(cities)
        kind, suffix = rng.choice(ORG_SUFFIXES)
        name = f"{city.name.removesuffix('市')}{rng.choice(ORG_WORDS)}{suffix}"
        new.append(Organization(name=name[:120], kind=kind, province=city.parent, city=city, reference_key=key))
    Organization.objects.bulk_create(new, batch_size=1000)
    return list(Organization.objects.filter(reference_key__startswith="bench-mkt-org-").select_related("province"))


def bench_listing_count() -> int:
    from nesta.market.models import Listing

    return Listing.objects.filter(reference_key__startswith="bench-lst-").count()


def _indexed_ok(n: int) -> bool:
    from nesta.core.models import SearchDocument
    from nesta.market.models import PUBLIC_STATUSES, Listing

    public = Listing.objects.filter(reference_key__startswith="bench-lst-", status__in=PUBLIC_STATUSES)
    return (
        SearchDocument.objects.filter(doc_type="listing", object_id__in=public.values("pk")).count() == public.count()
    )


def wipe(connection) -> None:
    sub = "SELECT id FROM market_listing WHERE reference_key LIKE 'bench-lst-%'"
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM core_searchdocument WHERE doc_type = 'listing' AND object_id IN ({sub})")
        cur.execute("DELETE FROM market_listing WHERE reference_key LIKE 'bench-lst-%'")


def _rows(n: int, seed: int, orgs, fields_by_code) -> Iterator[tuple[int, dict[str, Any]]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    for i in range(n):
        kind = _weighted(rng, KIND_WEIGHTS)
        d = _domain(rng, kind)
        title, summary, keywords, details = _texts(rng, kind, d)
        status = _weighted(rng, STATUS_WEIGHTS)
        org = orgs[rng.randrange(len(orgs))]
        public = status in {"published", "negotiating", "dealt"}
        published = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)) if public else None
        yield (
            i,
            {
                "kind": kind,
                "status": status,
                "organization": org,
                "title": title,
                "summary": summary,
                "keywords": keywords,
                "field": fields_by_code[rng.choice(d["fields"])],
                "province": org.province,
                "city": org.city,
                "details": details,
                "published_at": published,
                "negotiating_at": published if status in {"negotiating", "dealt"} else None,
                "dealt_at": published if status == "dealt" else None,
                "valid_until": (now + timedelta(days=rng.randint(30, 720))).date(),
                "price_negotiable": False,
                **_facets(rng, kind),
            },
        )


def generate(n: int, seed: int, *, progress: Callable[[str], None] = say) -> float:
    """Write n bench listings (and their search documents); returns the seconds it took."""
    from django.db import connection, transaction

    from nesta.core.models import SearchDocument
    from nesta.core.search import engine, postings
    from nesta.market.models import PUBLIC_STATUSES, Listing
    from nesta.market.services.indexing import DOC_TYPE, listing_search_document

    started = time.monotonic()
    fields_by_code, cities = _reference()
    missing = {c for dom in DOMAINS for c in dom["fields"]} - set(fields_by_code)
    if missing:
        raise RuntimeError(f"taxonomy codes missing: {sorted(missing)}")
    orgs = _organizations(random.Random(seed + 1), cities)
    city_by_id = {c.pk: c for c in cities}
    for org in orgs:  # the indexer reads the city's code: give it the loaded one
        org.city = city_by_id.get(org.city_id)
    wipe(connection)
    public = {str(s) for s in PUBLIC_STATUSES}
    next_id = (Listing.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    load_session(connection, True)
    drop_text_index(connection)
    indexes = drop_indexes(connection)
    try:
        batch: list[Listing] = []
        for i, row in _rows(n, seed, orgs, fields_by_code):
            batch.append(Listing(id=next_id + i, reference_key=BENCH_KEY.format(i), **row))
            if len(batch) == CHUNK or i == n - 1:
                with transaction.atomic():
                    write_objects(Listing, batch, connection, with_ids=True)
                    # fresh listings have no documents yet: written straight, nothing to replace
                    docs = [listing_search_document(x) for x in batch if x.status in public]
                    write_objects(SearchDocument, docs, connection)
                batch = []
                if (i + 1) % 100_000 < CHUNK or i == n - 1:
                    progress(f"{i + 1}/{n} listings ({time.monotonic() - started:.0f}s)")
        reset_sequence(Listing, connection)
    finally:
        progress(f"building {len(indexes)} indexes ({time.monotonic() - started:.0f}s)")
        with connection.cursor() as cur:
            for sql in indexes:
                cur.execute(sql)
        progress(f"building the text index ({time.monotonic() - started:.0f}s)")
        restore_text_index(connection)
        progress(f"counting the search statistics ({time.monotonic() - started:.0f}s)")
        engine.rebuild_stats(DOC_TYPE)  # the documents were written past index_many
        postings.rebuild(DOC_TYPE)  # and so were their posting lists (PostgreSQL)
        load_session(connection, False)
    return time.monotonic() - started


def _documents_stale() -> bool:
    """A reused database keeps the documents of the indexer that wrote them: compare a sample
    with what the current one builds (the segmenter or the document layout may have changed)."""
    from nesta.core.models import SearchDocument
    from nesta.market.models import PUBLIC_STATUSES, Listing
    from nesta.market.services.indexing import DOC_TYPE, RELATED, listing_search_document

    public = Listing.objects.filter(reference_key__startswith="bench-lst-", status__in=PUBLIC_STATUSES)
    # a stepped slice of a queryset loads every row: step over the ids, then load the 40
    ids = list(public.order_by("pk").values_list("pk", flat=True))
    picked = ids[:: max(1, len(ids) // 40)][:40]
    sample = list(Listing.objects.filter(pk__in=picked).select_related(*RELATED).order_by("pk"))
    stored = {
        d.object_id: d for d in SearchDocument.objects.filter(doc_type=DOC_TYPE, object_id__in=[x.pk for x in sample])
    }
    for x in sample:
        fresh, old = listing_search_document(x), stored.get(x.pk)
        if old is None or (fresh.tokens, fresh.filters, fresh.fields) != (old.tokens, old.filters, old.fields):
            return True
    return False


def reindex(progress: Callable[[str], None] = say) -> float:
    """Rebuild the bench listings' documents with the current indexer (text index rebuilt once)."""
    from django.db import connection, transaction

    from nesta.market.models import Listing
    from nesta.market.services.indexing import RELATED, index_listings

    started = time.monotonic()
    qs = Listing.objects.filter(reference_key__startswith="bench-lst-").select_related(*RELATED).order_by("pk")
    drop_text_index(connection)
    try:
        last, done = 0, 0
        while True:
            rows = list(qs.filter(pk__gt=last)[:CHUNK])
            if not rows:
                break
            with transaction.atomic():
                index_listings(rows)
            last, done = rows[-1].pk, done + len(rows)
            if done % 100_000 < CHUNK:
                progress(f"re-indexed {done} listings ({time.monotonic() - started:.0f}s)")
    finally:
        progress("building the text index")
        restore_text_index(connection)
    return time.monotonic() - started


def ensure_listings(n: int, seed: int = 2026, *, progress: Callable[[str], None] = say) -> dict[str, Any]:
    """Make the database hold exactly n bench listings, indexed by the current indexer; reuse it
    when it already does. Returns {"listings": n, "reused": bool, "generation_s": float}."""
    from django.db import connection

    if bench_listing_count() == n and _indexed_ok(n):
        if not _documents_stale():
            return {"listings": n, "reused": True, "generation_s": 0.0}
        progress("search documents differ from what the indexer builds now: re-indexing")
        seconds = reindex(progress)
        return {"listings": n, "reused": True, "generation_s": 0.0, "reindex_s": round(seconds, 1)}
    progress(f"generating {n} listings (seed {seed})")
    seconds = generate(n, seed, progress=progress)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"listings": n, "reused": False, "generation_s": round(seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    """Generate (or check) the bench listings only: `python -m bench.market.data --listings N`
    with SQLITE_PATH or DATABASE_URL choosing the database, as the parts' processes do."""
    import argparse
    import os

    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nesta.settings.prod")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    info = ensure_listings(args.listings, args.seed, progress=lambda line: say(f"[{connection.vendor}] {line}"))
    say(f"[{connection.vendor}] {info}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
