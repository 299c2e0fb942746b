"""Demo instruments: the shared instrument network of the demo directory, with a year of activity.

Instrument i is drawn from its own random.Random seeded by (seed, i) and keyed by reference_key
"demo-inst-000123"; there are `instrument_count(scale)` = 3/4 of the organisations (300 at the
default scale of 400). Its owner is a university, institute, enterprise or laboratory among the
organisations generated before it (the first 40 go to the organisations of the demo accounts
admin01–admin10 and member01–member20, whatever their kind), so a larger scale only adds
instruments. Loading is idempotent: instruments already present are skipped, and the activity
(bookings, use, testing orders, charges) is written only with the instruments it belongs to.

The activity is a year ending today, written in bulk: per instrument, at most one booking a day
inside its opening hours, so active bookings of one instrument never overlap (the database
triggers / exclusion constraint check every row anyway).
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from nesta.demo.generator import DEFAULT_SEED, ORG_KEY, generate_accounts, generate_organizations

INSTRUMENT_KEY = "demo-inst-{:06d}"
LOCAL = ZoneInfo("Asia/Shanghai")
OWNER_KINDS = {"university", "research_institute", "enterprise", "key_laboratory", "engineering_center"}
DEMO_ACCOUNT_ORGS = 20  # member01–member20 sit in organisations 0–19, admin01–admin10 in 0–9
HISTORY_DAYS = 365


def instrument_count(scale: int) -> int:
    return scale * 3 // 4


@dataclass(frozen=True)
class Template:
    name: str
    name_en: str
    category: str  # a second-level code of nesta.instruments.reference
    models: tuple[tuple[str, str, str], ...]  # (model, manufacturer, country)
    value: tuple[int, int]  # 万元
    techniques: str
    samples: str
    services: tuple[tuple[str, str, int], ...] = ()  # (name, unit, internal price)
    specialised: bool = False
    rate: tuple[int, int] = (150, 600)  # internal 元/小时


T = Template
TEMPLATES: list[Template] = [
    T(
        "场发射扫描电子显微镜",
        "Field emission scanning electron microscope",
        "0104",
        (
            ("SU8010", "日立", "日本"),
            ("Regulus 8230", "日立", "日本"),
            ("Sigma 300", "蔡司", "德国"),
            ("Apreo 2", "赛默飞世尔", "美国"),
        ),
        (300, 900),
        "二次电子分辨率 1.0 nm（15 kV）；加速电压 0.1–30 kV；配能谱仪（EDS），可做形貌观察与元素面分布。",
        "固体样品，干燥、无磁性或弱磁性，尺寸不超过 10 mm × 10 mm × 5 mm；不导电样品需喷金或喷碳。",
        (("SEM 形貌观察（每样）", "sample", 200), ("EDS 能谱分析（每样）", "sample", 150)),
    ),
    T(
        "透射电子显微镜",
        "Transmission electron microscope",
        "0104",
        (("JEM-2100F", "日本电子", "日本"), ("Talos F200X", "赛默飞世尔", "美国"), ("JEM-F200", "日本电子", "日本")),
        (800, 2800),
        "加速电压 200 kV；点分辨率 0.19 nm；STEM-HAADF 成像、选区电子衍射、EDS 面扫。",
        "粉末需分散于铜网；块体需预先减薄至 100 nm 以下；不接收含挥发性或磁性强的样品。",
        (("TEM 高分辨成像（每样）", "sample", 800), ("STEM-EDS 面扫（每样）", "sample", 1000)),
        rate=(600, 1500),
    ),
    T(
        "600MHz 核磁共振波谱仪",
        "600 MHz NMR spectrometer",
        "0105",
        (
            ("AVANCE NEO 600", "布鲁克", "德国"),
            ("AVANCE III HD 600", "布鲁克", "德国"),
            ("JNM-ECZ600R", "日本电子", "日本"),
        ),
        (600, 1800),
        "1H 共振频率 600 MHz；配 BBO 宽带探头与低温探头；一维、二维谱（COSY、HSQC、HMBC、NOESY）。",
        "液体样品 5–20 mg 溶于 0.5 mL 氘代溶剂；请注明溶剂与待测核。",
        (("1H 谱（每样）", "sample", 80), ("13C 谱（每样）", "sample", 150), ("二维谱（每样）", "sample", 400)),
        rate=(300, 800),
    ),
    T(
        "400MHz 核磁共振波谱仪",
        "400 MHz NMR spectrometer",
        "0105",
        (("AVANCE III HD 400", "布鲁克", "德国"), ("JNM-ECZ400S", "日本电子", "日本")),
        (200, 450),
        "1H 共振频率 400 MHz；BBFO 探头；常规一维、二维谱与变温实验（-100–150 ℃）。",
        "液体样品 5–10 mg，氘代溶剂自备或由平台代购。",
        (("1H 谱（每样）", "sample", 50), ("13C 谱（每样）", "sample", 100)),
    ),
    T(
        "液相色谱-质谱联用仪",
        "Liquid chromatography-mass spectrometer",
        "0101",
        (
            ("Q Exactive Plus", "赛默飞世尔", "美国"),
            ("Xevo TQ-XS", "沃特世", "美国"),
            ("6546 Q-TOF", "安捷伦", "美国"),
            ("TripleTOF 6600+", "爱博才思（SCIEX）", "美国"),
        ),
        (200, 800),
        "超高效液相色谱串联高分辨质谱；ESI/APCI 离子源；定性筛查、代谢组学、药物定量分析。",
        "样品需过 0.22 μm 滤膜，提供可能成分与浓度范围；生物样品需说明前处理方法。",
        (("LC-MS 定性分析（每样）", "sample", 300), ("LC-MS/MS 定量分析（每样）", "sample", 500)),
    ),
    T(
        "气相色谱-质谱联用仪",
        "Gas chromatography-mass spectrometer",
        "0101",
        (("7890B-5977B", "安捷伦", "美国"), ("TSQ 9000", "赛默飞世尔", "美国"), ("GCMS-QP2020 NX", "岛津", "日本")),
        (60, 200),
        "EI/CI 离子源；质量范围 1.6–1050 u；挥发性与半挥发性有机物定性定量，配 NIST 谱库。",
        "液体样品 1 mL 以上，溶剂为正己烷、二氯甲烷等；不接收强酸强碱与含水样品。",
        (("GC-MS 定性分析（每样）", "sample", 200),),
        rate=(100, 300),
    ),
    T(
        "X射线衍射仪",
        "X-ray diffractometer",
        "0106",
        (("D8 ADVANCE", "布鲁克", "德国"), ("SmartLab 9kW", "理学", "日本"), ("Empyrean", "马尔文帕纳科", "荷兰")),
        (150, 500),
        "Cu 靶；测角仪精度 0.0001°；物相分析、晶粒尺寸、残余应力、薄膜掠入射测试。",
        "粉末 0.5 g 以上，粒度小于 45 μm；块体平整，面积不小于 10 mm × 10 mm。",
        (("XRD 物相分析（每样）", "sample", 100), ("XRD 精修（每样）", "sample", 300)),
        rate=(100, 400),
    ),
    T(
        "X射线光电子能谱仪",
        "X-ray photoelectron spectrometer",
        "0106",
        (
            ("ESCALAB 250Xi", "赛默飞世尔", "美国"),
            ("AXIS SUPRA+", "岛津（Kratos）", "日本"),
            ("PHI VersaProbe 4", "爱发科", "日本"),
        ),
        (400, 1200),
        "单色化 Al Kα 源；能量分辨率 ≤ 0.45 eV；元素价态分析、深度剖析、成像 XPS。",
        "固体样品，尺寸不超过 5 mm × 5 mm × 2 mm，真空下稳定、无挥发。",
        (("XPS 全谱加精细谱（每样）", "sample", 400),),
        rate=(300, 800),
    ),
    T(
        "电感耦合等离子体质谱仪",
        "Inductively coupled plasma mass spectrometer",
        "0101",
        (("iCAP RQ", "赛默飞世尔", "美国"), ("7900 ICP-MS", "安捷伦", "美国"), ("NexION 2000", "珀金埃尔默", "美国")),
        (120, 400),
        "质量范围 2–290 amu；检出限 ppt 级；痕量与超痕量元素、同位素比值分析。",
        "液体样品经消解，酸度不超过 5%；固体样品需说明基体与预计含量。",
        (("ICP-MS 多元素分析（每样）", "sample", 150),),
    ),
    T(
        "激光共聚焦显微镜",
        "Confocal laser scanning microscope",
        "0103",
        (("LSM 980", "蔡司", "德国"), ("FV3000", "奥林巴斯", "日本"), ("TCS SP8", "徕卡", "德国")),
        (200, 900),
        "405/488/561/640 nm 激光；光谱检测器；活细胞成像、三维重构、FRAP 与共定位分析。",
        "细胞或组织切片，已完成荧光标记；活细胞需自备培养皿与培养基。",
        (("共聚焦成像（每小时）", "hour", 200),),
    ),
    T(
        "五轴数控加工中心",
        "Five-axis CNC machining centre",
        "1004",
        (
            ("DMU 65 monoBLOCK", "德马吉森精机", "德国"),
            ("GMC 1230u", "科德数控", "中国"),
            ("VMC-C30", "沈阳机床", "中国"),
        ),
        (300, 1500),
        "五轴联动；行程 735 × 650 × 560 mm；定位精度 0.008 mm；复杂曲面零件、叶轮加工。",
        "提供三维模型与工艺要求；毛坯材料铝合金、钛合金、不锈钢等。",
        (("五轴加工（每小时）", "hour", 400),),
        specialised=True,
        rate=(200, 500),
    ),
    T(
        "电子万能材料试验机",
        "Electronic universal testing machine",
        "0201",
        (("5985", "英斯特朗", "美国"), ("Z100", "兹韦克", "德国"), ("CMT5305", "美特斯工业系统", "中国")),
        (50, 200),
        "最大载荷 100–300 kN；拉伸、压缩、弯曲、剪切试验；配高低温环境箱（-70–350 ℃）。",
        "按 GB/T 228.1 等标准制备试样，注明材料与试验温度。",
        (("室温拉伸试验（每样）", "sample", 120), ("高温拉伸试验（每样）", "sample", 300)),
        rate=(80, 200),
    ),
    T(
        "疲劳试验机",
        "Fatigue testing machine",
        "0201",
        (
            ("8802", "英斯特朗", "美国"),
            ("Landmark 370.25", "美特斯工业系统", "美国"),
            ("PLD-250", "长春机械科学研究院", "中国"),
        ),
        (120, 600),
        "电液伺服；动态载荷 ±250 kN；高周、低周疲劳与裂纹扩展试验。",
        "按 GB/T 3075 制备试样，提供试验载荷谱。",
        (("疲劳试验（每小时）", "hour", 150),),
        specialised=True,
        rate=(100, 300),
    ),
    T(
        "三坐标测量机",
        "Coordinate measuring machine",
        "0301",
        (("CONTURA", "蔡司", "德国"), ("Global S", "海克斯康", "瑞典"), ("CRYSTA-Apex V", "三丰", "日本")),
        (80, 400),
        "测量范围 1000 × 700 × 600 mm；MPE_E 1.7 + L/333 μm；形位公差与曲面检测。",
        "工件清洁无油污，提供图纸与检测项目。",
        (("三坐标检测（每小时）", "hour", 300),),
        rate=(100, 300),
    ),
    T(
        "傅里叶变换红外光谱仪",
        "Fourier transform infrared spectrometer",
        "0103",
        (("Nicolet iS50", "赛默飞世尔", "美国"), ("VERTEX 70v", "布鲁克", "德国")),
        (50, 150),
        "光谱范围 7800–350 cm⁻¹；ATR、透射、漫反射附件；配红外显微镜。",
        "固体、液体均可，固体 10 mg 以上。",
        (("红外光谱（每样）", "sample", 60),),
        rate=(50, 150),
    ),
    T(
        "同步热分析仪",
        "Simultaneous thermal analyser",
        "0108",
        (("STA 449 F5", "耐驰", "德国"), ("SDT 650", "TA 仪器", "美国")),
        (50, 120),
        "室温–1500 ℃；TG-DSC 同步测试；可联用红外或质谱分析逸出气体。",
        "样品 5–20 mg，说明测试气氛与升温程序。",
        (("TG-DSC（每样）", "sample", 150),),
        rate=(60, 150),
    ),
    T(
        "高性能计算集群",
        "High-performance computing cluster",
        "1101",
        (("曙光 TC6600", "中科曙光", "中国"), ("浪潮 NF5280M6 集群", "浪潮", "中国")),
        (500, 3000),
        "CPU 核数 10000 以上；GPU 节点 A800；并行存储 2 PB；支持分子动力学、CFD 与模型训练。",
        "提交作业脚本与软件需求；数据出入需符合数据安全规定。",
        specialised=True,
        rate=(20, 60),
    ),
    T(
        "工业CT检测系统",
        "Industrial computed tomography system",
        "0801",
        (("phoenix v|tome|x m", "沃孚（Waygate）", "德国"), ("XT H 450", "尼康", "日本")),
        (500, 1600),
        "450 kV 微焦点射线源；体素尺寸最小 2 μm；铸件缺陷、复合材料内部结构三维检测。",
        "工件尺寸不超过 Φ500 mm × 600 mm，重量不超过 50 kg。",
        (("CT 扫描与重构（每样）", "sample", 1500),),
        rate=(300, 800),
    ),
]


@dataclass
class InstrumentSpec:
    index: int
    key: str
    owner_index: int
    template: int
    name: str
    model: str
    manufacturer: str
    country: str
    value: Decimal
    purchase_date: date
    rates: tuple[Decimal, Decimal, Decimal, Decimal]  # hourly in/ex, sample in/ex
    policy: dict
    services: list[tuple[str, str, Decimal, Decimal]] = field(default_factory=list)
    utilisation: float = 0.3
    managed_by_admin: bool = False


def _rng(seed: int, what: str, i: int | str) -> random.Random:
    return random.Random(f"{seed}:{what}:{i}")


def generate_instruments(scale: int, seed: int = DEFAULT_SEED, orgs=None) -> list[InstrumentSpec]:
    orgs = orgs if orgs is not None else generate_organizations(scale, seed)
    eligible = [o.index for o in orgs if o.kind in OWNER_KINDS]
    specs = []
    for i in range(instrument_count(scale)):
        rng = _rng(seed, "instrument", i)
        if i < 2 * DEMO_ACCOUNT_ORGS:
            owner = i % DEMO_ACCOUNT_ORGS
        else:
            bound = min(len(orgs), i * 4 // 3 + 20)
            pool = [k for k in eligible if k < bound] or eligible
            owner = rng.choice(pool)
        t_index = rng.randrange(len(TEMPLATES))
        t = TEMPLATES[t_index]
        model, maker, country = rng.choice(t.models)
        wan = rng.randint(*t.value)
        if rng.random() < 0.06:  # a few below the 50万 threshold of the openness evaluation
            wan = rng.randint(20, 49)
        hourly_in = Decimal(rng.randint(*t.rate) // 10 * 10)
        hourly_ex = (hourly_in * Decimal(rng.choice(["1.5", "1.8", "2"]))).quantize(Decimal(1))
        sample_in = Decimal(rng.choice([0, 0, 50, 100])) if not t.services else Decimal(0)
        r = rng.random()
        policy = {
            "external_requires_approval": r < 0.15,
            "requires_training": 0.15 <= r < 0.25,
            "weekdays": "1234567" if rng.random() < 0.2 else "12345",
            "open_from": "08:00" if rng.random() < 0.7 else "09:00",
            "open_until": rng.choice(["18:00", "20:00", "22:00"]),
            "max_minutes": rng.choice([240, 480, 480, 600]),
            "advance_days": rng.choice([14, 30, 30, 60]),
        }
        services = []
        if t.services and rng.random() < 0.6:
            for name, unit, price in t.services:
                p = Decimal(price)
                services.append((name, unit, p, (p * Decimal("1.6")).quantize(Decimal(1))))
        specs.append(
            InstrumentSpec(
                index=i,
                key=INSTRUMENT_KEY.format(i),
                owner_index=owner,
                template=t_index,
                name=t.name,
                model=model,
                manufacturer=maker,
                country=country,
                value=Decimal(wan * 10_000),
                purchase_date=date(2008, 1, 1) + timedelta(days=rng.randrange(17 * 365)),
                rates=(hourly_in, hourly_ex, sample_in, sample_in * 2),
                policy=policy,
                services=services,
                utilisation=rng.uniform(0.1, 0.65),
                managed_by_admin=owner < 10 and rng.random() < 0.7,
            )
        )
    return specs


def _local(day: date, minutes: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL) + timedelta(minutes=minutes)


def _hhmm(value: str) -> int:
    h, m = value.split(":")
    return int(h) * 60 + int(m)


def load_instruments(
    scale: int, seed: int = DEFAULT_SEED, say: Callable[[str], None] = print, now: datetime | None = None
) -> dict[str, int]:
    """Write the demo instruments missing from the database, with their activity; returns counts."""
    from nesta.accounts.models import User
    from nesta.core.models import Region
    from nesta.directory.models import Organization
    from nesta.instruments.models import BookingPolicy, Instrument, InstrumentCategory, ServiceItem
    from nesta.instruments.reference import load_instruments_reference
    from nesta.instruments.services.indexing import instruments_reindex

    started = time.monotonic()
    now = now or timezone.now()
    load_instruments_reference()
    orgs = generate_organizations(scale, seed)
    specs = generate_instruments(scale, seed, orgs)
    existing = set(
        Instrument.objects.filter(reference_key__startswith="demo-inst-").values_list("reference_key", flat=True)
    )
    todo = [s for s in specs if s.key not in existing]
    if not todo:
        say(f"  demo instruments already loaded ({len(specs)})")
        return {"instruments": 0}
    owner_keys = {ORG_KEY.format(s.owner_index) for s in todo}
    owners = {o.reference_key: o for o in Organization.objects.filter(reference_key__in=owner_keys)}
    categories = {c.code: c for c in InstrumentCategory.objects.all()}
    provinces = {r.pk: r for r in Region.objects.filter(level="province")}
    usernames = [a.username for a in generate_accounts(seed) if a.role in {"org_admin", "member", "expert"}]
    users = list(User.objects.filter(username__in=usernames).order_by("username"))
    admins = {u.username: u for u in users if u.username.startswith("admin")}
    members = [u for u in users if u.username.startswith("member")]

    instruments: list[Instrument] = []
    kept: list[InstrumentSpec] = []
    for s in todo:
        owner = owners.get(ORG_KEY.format(s.owner_index))
        if owner is None:
            continue
        t = TEMPLATES[s.template]
        city = owner.city
        instruments.append(
            Instrument(
                owner=owner,
                name=s.name,
                name_en=t.name_en,
                category=categories[t.category],
                model_number=s.model,
                manufacturer=s.manufacturer,
                country_of_origin=s.country,
                original_value=s.value,
                purchase_date=s.purchase_date,
                techniques=t.techniques,
                sample_requirements=t.samples,
                province=provinces.get(owner.province_id) or owner.province,
                city=city,
                address=f"{owner.address} 分析测试中心{100 + s.index % 400}室",
                is_specialised=t.specialised,
                internal_hourly_rate=s.rates[0],
                external_hourly_rate=s.rates[1],
                internal_sample_rate=s.rates[2],
                external_sample_rate=s.rates[3],
                reference_key=s.key,
            )
        )
        kept.append(s)

    counts = dict.fromkeys(["instruments", "bookings", "usage_sessions", "orders", "charges"], 0)
    with transaction.atomic():
        Instrument.objects.bulk_create(instruments, batch_size=500)
        counts["instruments"] = len(instruments)
        say(f"  instruments {len(instruments)}/{len(specs)}")
        policies = [BookingPolicy(instrument=inst, **s.policy) for s, inst in zip(kept, instruments, strict=True)]
        BookingPolicy.objects.bulk_create(policies, batch_size=500)
        for p, inst in zip(policies, instruments, strict=True):
            inst.policy = p
        links = [
            Instrument.managers.through(instrument_id=inst.pk, user_id=admins[f"admin{s.owner_index + 1:02d}"].pk)
            for s, inst in zip(kept, instruments, strict=True)
            if s.managed_by_admin and f"admin{s.owner_index + 1:02d}" in admins
        ]
        Instrument.managers.through.objects.bulk_create(links)
        items = [
            ServiceItem(instrument=inst, name=name, unit=unit, internal_price=pin, external_price=pex)
            for s, inst in zip(kept, instruments, strict=True)
            for name, unit, pin, pex in s.services
        ]
        ServiceItem.objects.bulk_create(items, batch_size=500)
        counts.update(_activity(seed, kept, instruments, items, users, members, now, say))
    say("  instruments: search index")
    instruments_reindex()
    counts["seconds"] = round(time.monotonic() - started)
    say(
        f"  demo instruments: {counts['instruments']} instruments, {counts['bookings']} bookings, "
        f"{counts['usage_sessions']} usage sessions, {counts['orders']} orders, {counts['charges']} charges "
        f"in {counts['seconds']}s"
    )
    return counts


def _activity(seed, specs, instruments, items, users, members, now, say) -> dict[str, int]:
    from nesta.instruments.models import Booking, Charge, TestOrder, UsageSession
    from nesta.instruments.services.fees import charges_for_usage, money

    today = now.astimezone(LOCAL).date()
    first_day = today - timedelta(days=HISTORY_DAYS)
    bookings: list[Booking] = []
    sessions: list[tuple[int, UsageSession]] = []  # (index in bookings, session)
    for s, inst in zip(specs, instruments, strict=True):
        rng = _rng(seed, "activity", s.index)
        p = s.policy
        opens, closes = _hhmm(p["open_from"]), _hhmm(p["open_until"])
        for d in range(HISTORY_DAYS):
            day = first_day + timedelta(days=d)
            if str(day.isoweekday()) not in p["weekdays"] or rng.random() > s.utilisation:
                continue
            # one or two bookings a day, one after the other: never overlapping
            cursor = opens + 30 * rng.randrange(0, 4)
            for _ in range(1 if rng.random() < 0.6 else 2):
                length = min(30 * rng.randint(2, 10), p["max_minutes"])
                if cursor + length > closes:
                    break
                user = rng.choice(users)
                start, end = _local(day, cursor), _local(day, cursor + length)
                if end > now:
                    break
                cursor += length + 30 * rng.randrange(0, 3)
                x = rng.random()
                status = (
                    "completed"
                    if x < 0.84
                    else "no_show"
                    if x < 0.88
                    else "cancelled"
                    if x < 0.97
                    else "late_cancelled"
                )
                external = user.organization_id != inst.owner_id
                b = Booking(
                    instrument=inst,
                    user=user,
                    organization_id=user.organization_id,
                    start=start,
                    end=end,
                    purpose="测试样品" if external else "课题组实验",
                    status=status,
                    is_external=external,
                    cancelled_at=start - timedelta(hours=2 if status == "late_cancelled" else 48)
                    if "cancelled" in status
                    else None,
                )
                bookings.append(b)
                if status == "completed":
                    late = timedelta(minutes=rng.randint(0, 10))
                    early = timedelta(minutes=rng.randint(0, 20))
                    sessions.append(
                        (
                            len(bookings) - 1,
                            UsageSession(
                                instrument=inst,
                                user=user,
                                organization_id=user.organization_id,
                                operator=user.display_name,
                                started_at=start + late,
                                ended_at=end - early,
                                samples=rng.randint(1, 12) if s.rates[2] else 0,
                                is_external=external,
                            ),
                        )
                    )
    # a few future bookings of the demo members: tomorrow onwards, one per instrument, on open days
    future_rng = _rng(seed, "future", 0)
    for k, (s, inst) in enumerate(zip(specs[: 3 * len(members)], instruments, strict=False)):
        if not members:
            break
        user = members[k % len(members)]
        day = today + timedelta(days=1 + k % 10)
        while str(day.isoweekday()) not in s.policy["weekdays"]:
            day += timedelta(days=1)
        start = _local(day, _hhmm(s.policy["open_from"]) + 60)
        external = user.organization_id != inst.owner_id
        pending = external and s.policy["external_requires_approval"]
        bookings.append(
            Booking(
                instrument=inst,
                user=user,
                organization_id=user.organization_id,
                start=start,
                end=start + timedelta(minutes=60 * future_rng.randint(1, 3)),
                purpose="预约测试",
                status="pending" if pending else "confirmed",
                is_external=external,
            )
        )
    Booking.objects.bulk_create(bookings, batch_size=2000)
    say(f"  bookings {len(bookings)}")
    for i, session in sessions:
        session.booking = bookings[i]
    usage = [session for _, session in sessions]
    UsageSession.objects.bulk_create(usage, batch_size=2000)
    charges = [c for session in usage for c in charges_for_usage(session)]
    say(f"  usage sessions {len(usage)}")

    # testing orders in every state on the instruments with a service catalogue
    states = ["submitted", "quoted", "confirmed", "received", "testing", "reported", "settled", "cancelled"]
    orders: list[TestOrder] = []
    for k, item in enumerate(items):
        rng = _rng(seed, "orders", k)
        for j in range(rng.randint(2, 8)):
            user = rng.choice(users)
            status = states[(k + j) % len(states)] if j < 2 else rng.choice(states + ["settled"] * 4)
            external = user.organization_id != item.instrument.owner_id
            price = item.external_price if external else item.internal_price
            quantity = Decimal(rng.randint(1, 10))
            created = now - timedelta(days=rng.randint(3, HISTORY_DAYS - 5), hours=rng.randint(0, 12))
            order = TestOrder(
                service=item,
                instrument=item.instrument,
                customer=user,
                organization_id=user.organization_id,
                is_external=external,
                quantity=quantity,
                unit_price=price,
                list_amount=money(price * quantity),
                sample_description=f"{int(quantity)} 个样品",
                status=status,
            )
            step = states.index(status)
            if status != "submitted" and status != "cancelled":
                order.quoted_amount = order.list_amount
                order.quoted_at = created + timedelta(days=1)
            stamps = ["quoted_at", "confirmed_at", "received_at", "testing_at", "reported_at", "settled_at"]
            if status != "cancelled":
                for n, stamp in enumerate(stamps[:step], start=1):
                    setattr(order, stamp, created + timedelta(days=n))
            else:
                order.cancelled_at = created + timedelta(days=1)
            orders.append(order)
    TestOrder.objects.bulk_create(orders, batch_size=2000)
    for order in orders:
        if order.status == "settled":
            charges.append(
                Charge(
                    instrument=order.instrument,
                    organization_id=order.organization_id,
                    user=order.customer,
                    order=order,
                    kind=Charge.Kind.ORDER,
                    is_external=order.is_external,
                    occurred_at=order.settled_at,
                    description=order.service.name,
                    quantity=order.quantity,
                    unit=order.service.unit,
                    rate=order.unit_price,
                    amount=order.quoted_amount,
                )
            )
    Charge.objects.bulk_create(charges, batch_size=2000)
    say(f"  orders {len(orders)}, charges {len(charges)}")
    return {"bookings": len(bookings), "usage_sessions": len(usage), "orders": len(orders), "charges": len(charges)}
