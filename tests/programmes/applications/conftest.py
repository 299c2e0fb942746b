from decimal import Decimal

import pytest

from tests.programmes.factories import CallFactory

WAN = Decimal(10000)


def app_data(call, **over):
    data = {
        "call": call.pk,
        "title": "大型铸件缩松缺陷控制关键技术研究",
        "summary": "研究凝固过程数值模拟与工艺优化。",
        "keywords": "铸造,缩松",
        "field": "machinery",
        "requested_amount": "1000000.00",
        "team": [
            {"name": "李明", "title": "研究员", "role": "负责人", "is_lead": True, "months": 12},
            {"name": "王芳", "title": "副研究员", "months": 10},
        ],
        "budget": [
            {"category": "equipment", "amount": "300000"},
            {"category": "equipment_purchase", "amount": "200000"},
            {"category": "business", "amount": "400000"},
            {"category": "labour", "amount": "150000"},
            {"category": "indirect", "amount": "150000"},
            {"category": "business", "from_grant": False, "amount": "200000"},
        ],
    }
    data.update(over)
    return data


@pytest.fixture
def call(reference):
    return CallFactory(
        form_fields=[
            {"name": "market", "label": "市场前景", "type": "textarea", "required": True, "max_length": 2000},
            {"name": "staff", "label": "研发人员数", "type": "int", "required": False, "min": 0, "max": 10000},
            {
                "name": "stage",
                "label": "技术阶段",
                "type": "choice",
                "required": False,
                "choices": ["实验室", "中试", "产业化"],
            },
            {"name": "start", "label": "立项日期", "type": "date", "required": False},
            {"name": "sales", "label": "上年销售额", "type": "money", "required": False, "max": "1000000000"},
        ]
    )


@pytest.fixture
def draft(users, call):
    from nesta.programmes.services.applications import application_create

    return application_create(actor=users["member"], data=app_data(call, form_data={"market": "国内市场需求大。"}))
