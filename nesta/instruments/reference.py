"""The national classification of large research instruments (大型科学仪器分类), two levels."""

from django.db import transaction

from nesta.instruments.models import InstrumentCategory

CATEGORIES = [
    (
        "01",
        "分析仪器",
        "Analytical instruments",
        [
            "质谱仪器",
            "色谱仪器",
            "光谱仪器",
            "电子光学仪器",
            "波谱仪器",
            "X射线仪器",
            "电化学仪器",
            "热分析仪器",
            "生化分离分析仪器",
            "样品前处理及制备仪器",
        ],
    ),
    (
        "02",
        "物理性能测试仪器",
        "Physical property testing instruments",
        [
            "力学性能测试仪器",
            "热学性能测试仪器",
            "光学性能测试仪器",
            "电磁学性能测试仪器",
            "颗粒度测量仪器",
            "声学振动仪器",
        ],
    ),
    (
        "03",
        "计量仪器",
        "Metrology instruments",
        ["长度计量仪器", "热学计量仪器", "力学计量仪器", "电磁学计量仪器", "时间频率计量仪器"],
    ),
    (
        "04",
        "电子测量仪器",
        "Electronic measuring instruments",
        ["通用电子测量仪器", "射频和微波测试仪器", "通讯测量仪器", "网络分析仪器"],
    ),
    ("05", "海洋仪器", "Marine instruments", ["海洋水文测量仪器", "海洋生物调查仪器", "海洋地质地球物理调查仪器"]),
    (
        "06",
        "地球探测仪器",
        "Earth exploration instruments",
        ["电法仪器", "磁法仪器", "重力仪器", "地震仪器", "钻探设备"],
    ),
    (
        "07",
        "大气探测仪器",
        "Atmospheric sounding instruments",
        ["气象台站观测仪器", "高空气象探测仪器", "大气成分采样分析仪器"],
    ),
    ("08", "特种检测仪器", "Special inspection instruments", ["无损探伤仪器", "安全检测仪器", "生物医学检测仪器"]),
    ("09", "激光器", "Lasers", ["固体激光器", "气体激光器", "半导体激光器", "光纤激光器"]),
    (
        "10",
        "工艺试验仪器",
        "Process test instruments",
        ["气候环境试验设备", "机械环境试验设备", "生物培养设备", "加工工艺试验设备"],
    ),
    ("11", "计算机及其配套设备", "Computers and peripherals", ["高性能计算机", "存储设备"]),
    ("12", "其他", "Other", ["其他仪器"]),
]


@transaction.atomic
def load_instruments_reference() -> None:
    for code, name, name_en, children in CATEGORIES:
        parent, _ = InstrumentCategory.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "parent": None}
        )
        for i, child in enumerate(children, start=1):
            InstrumentCategory.objects.update_or_create(
                code=f"{code}{i:02d}", defaults={"name": child, "parent": parent}
            )
