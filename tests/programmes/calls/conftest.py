import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import UserFactory, grant


def call_data(**over):
    now = timezone.now()
    data = {
        "programme": "action-special-fund",
        "title": "2027年度装备制造重点项目申报指南",
        "summary": "支持装备制造关键技术攻关。",
        "year": 2027,
        "fields": ["equipment-manufacturing"],
        "provinces": ["210000", "220000"],
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=30),
        "budget": "30000000",
        "max_request": "5000000",
        "form_fields": [
            {"name": "market", "label": "市场前景", "type": "textarea", "required": True, "max_length": 2000},
            {"name": "staff", "label": "研发人员数", "type": "int", "min": 0, "max": 10000},
        ],
        "criteria": [
            {"code": "innovation", "name": "创新性", "weight": "0.4"},
            {"code": "feasibility", "name": "可行性", "weight": "0.35"},
            {"code": "team", "name": "团队基础", "weight": "0.25", "scale": "grade"},
        ],
        "rounds": [
            {"kind": "correspondence", "reviewers_per_application": 5, "min_load": 0, "max_load": 10},
            {"kind": "panel", "reviewers_per_application": 7, "cutoff_count": 20},
        ],
        "blind": True,
        "tilt_group": "private_tech",
        "tilt_share": "0.3",
    }
    data.update(over)
    return data


@pytest.fixture
def jl_province(jilin):
    return grant(UserFactory(username="t_province_jl"), "province", province=jilin)
