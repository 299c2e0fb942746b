"""Reference data of the Action: regions (GB/T 2260), the priority-area taxonomy of 三.2 and
the four platforms of 三.1. Loaded idempotently by `manage.py load_reference`."""

from django.db import transaction

from nesta.core.models import Platform, Region, TaxonomyNode
from nesta.core.search import add_terms

PROVINCES = [
    ("210000", "辽宁省", "Liaoning"),
    ("220000", "吉林省", "Jilin"),
    ("230000", "黑龙江省", "Heilongjiang"),
]

CITIES = [
    ("210100", "沈阳市", "Shenyang"),
    ("210200", "大连市", "Dalian"),
    ("210300", "鞍山市", "Anshan"),
    ("210400", "抚顺市", "Fushun"),
    ("210500", "本溪市", "Benxi"),
    ("210600", "丹东市", "Dandong"),
    ("210700", "锦州市", "Jinzhou"),
    ("210800", "营口市", "Yingkou"),
    ("210900", "阜新市", "Fuxin"),
    ("211000", "辽阳市", "Liaoyang"),
    ("211100", "盘锦市", "Panjin"),
    ("211200", "铁岭市", "Tieling"),
    ("211300", "朝阳市", "Chaoyang"),
    ("211400", "葫芦岛市", "Huludao"),
    ("220100", "长春市", "Changchun"),
    ("220200", "吉林市", "Jilin City"),
    ("220300", "四平市", "Siping"),
    ("220400", "辽源市", "Liaoyuan"),
    ("220500", "通化市", "Tonghua"),
    ("220600", "白山市", "Baishan"),
    ("220700", "松原市", "Songyuan"),
    ("220800", "白城市", "Baicheng"),
    ("222400", "延边朝鲜族自治州", "Yanbian Korean Autonomous Prefecture"),
    ("230100", "哈尔滨市", "Harbin"),
    ("230200", "齐齐哈尔市", "Qiqihar"),
    ("230300", "鸡西市", "Jixi"),
    ("230400", "鹤岗市", "Hegang"),
    ("230500", "双鸭山市", "Shuangyashan"),
    ("230600", "大庆市", "Daqing"),
    ("230700", "伊春市", "Yichun"),
    ("230800", "佳木斯市", "Jiamusi"),
    ("230900", "七台河市", "Qitaihe"),
    ("231000", "牡丹江市", "Mudanjiang"),
    ("231100", "黑河市", "Heihe"),
    ("231200", "绥化市", "Suihua"),
    ("232700", "大兴安岭地区", "Da Hinggan Ling Prefecture"),
]

# Districts the seed names on their own (大连金州: the 国家农业科技园 of 三.2③).
DISTRICTS = [("210213", "金州区", "Jinzhou District", "210200")]

PLATFORMS = [
    (
        "innovation",
        "科技创新平台",
        "S&T Innovation Platform",
        "调整和完善国家工程中心、重点实验室布局，重点支持一批，选择晋升一批。",
    ),
    (
        "transformation",
        "科技转化平台",
        "S&T Transformation Platform",
        "生产力促进中心、创业中心、技术市场、大学科技园、863高技术产业促进中心、技术转移与产权交易、风险投资、人才培训。",
    ),
    (
        "conditions",
        "科技条件平台",
        "S&T Infrastructure Platform",
        "大型科学仪器协作共用、分析测试、自然科技资源共享、信息资源共享网络、科技系统信息网络。",
    ),
    (
        "cooperation",
        "科技合作平台",
        "S&T Cooperation Platform",
        "“东东”合作接洽机制，对俄及东北亚国际合作，国际合作示范基地。",
    ),
]

# (code, name, English name, children) — the priority areas of 三.2.
TAXONOMY = [
    (
        "high-tech",
        "高新技术产业",
        "High-tech industries",
        "三.2①",
        [
            ("software", "软件", "Software", []),
            (
                "new-materials",
                "新材料",
                "New materials",
                [
                    ("chemical-materials", "化工新材料", "New chemical materials", []),
                    ("special-materials", "特种材料", "Special materials", []),
                    ("superalloys", "高温合金", "Superalloys", []),
                    ("rare-earth-magnets", "稀土永磁", "Rare-earth permanent magnets", []),
                    ("magnesium-materials", "镁质材料", "Magnesium materials", []),
                    ("energy-materials", "能源材料", "Energy materials", []),
                    ("fine-steel", "精品钢材", "High-grade steel", []),
                ],
            ),
            (
                "biomedicine",
                "生物医药",
                "Biomedicine",
                [
                    ("innovative-drugs", "创新药物", "Innovative drugs", []),
                    ("new-formulations", "药物新制剂", "New drug formulations", []),
                    ("drug-safety-evaluation", "新药安全评价", "Drug safety evaluation", []),
                    ("digital-medical-devices", "数字化医疗设备", "Digital medical devices", []),
                ],
            ),
            (
                "optoelectronics",
                "光电子",
                "Optoelectronics",
                [
                    ("optical-displays", "光显示器", "Optical displays", []),
                    ("optoelectronic-devices", "光电子材料与器件", "Optoelectronic materials and devices", []),
                ],
            ),
            (
                "petrochemicals",
                "石油化工",
                "Petrochemicals",
                [
                    ("biochemical-engineering", "生物化工", "Biochemical engineering", []),
                    ("catalysis", "新催化", "New catalysis", []),
                    ("synthesis-separation", "合成与分离技术", "Synthesis and separation", []),
                    ("grain-chemicals", "粮食化工", "Grain-based chemicals", []),
                    ("agrochemicals", "农用化工", "Agrochemicals", []),
                    ("coal-chemicals", "煤化工", "Coal chemicals", []),
                    ("fine-chemicals", "精细化工", "Fine chemicals", []),
                ],
            ),
            (
                "new-energy-environment",
                "新能源及环保",
                "New energy and environmental protection",
                [
                    ("clean-combustion", "清洁燃烧", "Clean combustion", []),
                    ("wind-energy", "风能", "Wind energy", []),
                    ("solar-energy", "太阳能", "Solar energy", []),
                    ("natural-gas", "天然气", "Natural gas", []),
                    ("geothermal", "地热能", "Geothermal energy", []),
                    ("environmental-protection", "环境保护", "Environmental protection", []),
                ],
            ),
        ],
    ),
    (
        "traditional-upgrade",
        "高新技术改造传统产业",
        "Upgrading traditional industries",
        "三.2②",
        [
            (
                "manufacturing-informatization",
                "制造业信息化",
                "Manufacturing informatization",
                [
                    ("networked-manufacturing", "网络化制造", "Networked manufacturing", []),
                ],
            ),
            (
                "equipment-manufacturing",
                "装备制造业",
                "Equipment manufacturing",
                [
                    ("automotive", "汽车", "Automotive", []),
                    ("machinery", "机械装备", "Machinery", []),
                    ("aerospace", "航空航天", "Aerospace", []),
                    ("electronic-equipment", "电子信息装备", "Electronic information equipment", []),
                    ("scientific-instruments", "科学仪器仪表", "Scientific instruments", []),
                    ("power-equipment", "电力设备", "Power equipment", []),
                ],
            ),
            (
                "tcm-modernization",
                "中药现代化",
                "Modernisation of traditional Chinese medicine",
                [
                    ("authentic-herbs", "道地药材规范化种植", "Standardised cultivation of authentic herbs", []),
                    ("tcm-industry-base", "中药现代化科技产业基地", "TCM industry bases", []),
                ],
            ),
            (
                "resource-city-transition",
                "资源型城市转型",
                "Transition of resource-based cities",
                [
                    ("petroleum", "石油", "Petroleum", []),
                    ("coal", "煤炭", "Coal", []),
                    ("forestry-industry", "森工", "Forest industry", []),
                    ("successor-industries", "接续产业", "Successor industries", []),
                ],
            ),
        ],
    ),
    (
        "modern-agriculture",
        "现代农业",
        "Modern agriculture",
        "三.2③",
        [
            (
                "new-varieties",
                "新品种新技术",
                "New varieties and technologies",
                [
                    ("crops", "农业", "Crops", []),
                    ("livestock", "畜牧", "Livestock", []),
                    ("forestry", "林业", "Forestry", []),
                    ("aquaculture", "水产", "Aquaculture", []),
                ],
            ),
            ("breeding", "育种与转基因制种", "Breeding and GM seed production", []),
            ("specialty-resources", "农业特产资源", "Agricultural specialty resources", []),
            ("agri-service-network", "农业科技服务网络", "Agricultural S&T service network", []),
            ("agri-deep-processing", "农产品精深加工", "Deep processing of farm products", []),
            ("agri-parks", "农业科技园区", "Agricultural S&T parks", []),
        ],
    ),
    (
        "modern-services",
        "现代服务业",
        "Modern services",
        "三.2③",
        [
            ("st-consulting", "科技咨询", "S&T consulting", []),
            ("st-evaluation", "科技评估", "S&T evaluation", []),
            ("modern-logistics", "现代物流", "Modern logistics", []),
            ("tech-services", "科技型服务业", "Technology-based services", []),
        ],
    ),
]


def _load_taxonomy(nodes, parent, depth, counter, section=""):
    for node in nodes:
        if len(node) == 5:
            code, name, name_en, section, children = node
        else:
            code, name, name_en, children = node
        counter[0] += 1
        obj, _ = TaxonomyNode.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "parent": parent,
                "depth": depth,
                "sort_order": counter[0],
                "seed_section": section,
            },
        )
        _load_taxonomy(children, obj, depth + 1, counter, section)


@transaction.atomic
def load_core_reference() -> None:
    for code, name, name_en in PROVINCES:
        Region.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "level": "province"})
    provinces = {r.code: r for r in Region.objects.filter(level="province")}
    for code, name, name_en in CITIES:
        Region.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "level": "city", "parent": provinces[code[:2] + "0000"]},
        )
    for code, name, name_en, parent_code in DISTRICTS:
        Region.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "level": "district",
                "parent": Region.objects.get(code=parent_code),
            },
        )
    for i, (code, name, name_en, summary) in enumerate(PLATFORMS):
        Platform.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "summary": summary, "sort_order": i}
        )
    _load_taxonomy(TAXONOMY, None, 0, [0])


def taxonomy_terms(nodes=TAXONOMY):
    """Every name in the taxonomy tree: the segmenter's user dictionary."""
    for node in nodes:
        yield node[1]
        yield from taxonomy_terms(node[-1])


def load_search_terms() -> None:
    add_terms(taxonomy_terms())
