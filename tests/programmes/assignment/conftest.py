"""A call in 专家评审 with applications in two provinces and an expert pool across organisations."""

import pytest

from nesta.programmes.models import ApplicationStatus
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.programmes.factories import ApplicationFactory, CallFactory, expert

TOPICS = [
    ("machinery", "铸造 数值模拟 缩松", "大型铸件凝固过程数值模拟与缩松缺陷控制"),
    ("machinery", "数控机床 加工中心 精度", "五轴数控机床热误差补偿与加工精度提升"),
    ("machinery", "焊接 机器人 装备", "重型装备焊接机器人离线编程与质量检测"),
    ("machinery", "铸造 砂型 工艺优化", "铸钢件砂型铸造工艺优化与砂眼缺陷控制"),
    ("machinery", "数控机床 刀具 磨损", "数控加工刀具磨损在线监测"),
    ("machinery", "机器人 视觉 检测", "机器人视觉引导的焊缝检测"),
]


@pytest.fixture
def office(reference):
    return grant(UserFactory(username="a_office"), "office")


@pytest.fixture
def pool(reference):
    """6 applications (4 in Liaoning, 2 in Jilin) of one call, 9 experts in 6 organisations
    (3 in Jilin, 3 in Heilongjiang… and one in Liaoning), k = 3 by the factory's round."""
    call = CallFactory(status="reviewing")
    apps = []
    for n, (field_code, keywords, title) in enumerate(TOPICS):
        org = OrganizationFactory(province_code="210000" if n < 4 else "220000", city_code=None)
        apps.append(
            ApplicationFactory(
                call=call,
                organization=org,
                field_code=field_code,
                title=title,
                keywords=keywords.replace(" ", ","),
                summary=title + "关键技术研究。",
                status=ApplicationStatus.IN_REVIEW,
            )
        )
    orgs = [
        OrganizationFactory(province_code=code, city_code=None, name=name)
        for code, name in (
            ("220000", "吉林大学测试"),
            ("220000", "长春机械院测试"),
            ("230000", "哈尔滨工业大学测试"),
            ("230000", "哈电测试"),
            ("210000", "大连理工大学测试"),
            ("230000", "黑龙江测试院"),
        )
    ]
    words = ["铸造 缩松 数值模拟", "数控机床 精度", "焊接 机器人", "铸造 工艺优化", "刀具 磨损 监测", "视觉 检测"]
    experts = []
    for n in range(9):
        experts.append(
            expert(
                f"专家{n}",
                organization=orgs[n % len(orgs)],
                fields=("machinery",),
                keywords=words[n % len(words)],
                expertise=words[(n + 1) % len(words)],
            )
        )
    return {"call": call, "apps": apps, "experts": experts, "orgs": orgs, "round": call.rounds.get()}
