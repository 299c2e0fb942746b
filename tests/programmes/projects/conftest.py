"""Fixtures of the projects tests: users per role, a funded application, a signed project."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nesta.core.models import Region
from nesta.programmes.models import ApplicationStatus
from nesta.programmes.services import projects as services
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.programmes.factories import ApplicationFactory

GRANT = Decimal("1000000.00")


@pytest.fixture
def people(reference):
    org = OrganizationFactory(name="大连理工大学测试院")
    other = OrganizationFactory(name="沈阳另一研究院")
    liaoning = Region.objects.get(code="210000")
    jilin = Region.objects.get(code="220000")
    return {
        "org": org,
        "other_org": other,
        "office": grant(UserFactory(), "office"),
        "province": grant(UserFactory(), "province", province=liaoning),
        "other_province": grant(UserFactory(), "province", province=jilin),
        "finance": grant(UserFactory(), "finance"),
        "applicant": grant(UserFactory(), "member", organization=org),
        "stranger": grant(UserFactory(), "member", organization=other),
        "expert": grant(UserFactory(), "expert"),
    }


def funded(org, **kw):
    values = dict(
        organization=org,
        status=ApplicationStatus.FUNDED,
        awarded_amount=GRANT,
        decided_at=timezone.now(),
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    values.update(kw)
    return ApplicationFactory(**values)


@pytest.fixture
def application(people):
    return funded(people["org"])


def contract_data(**kw):
    data = {
        "contract_number": "ZX2026-001",
        "goals": "完成大型铸件缩松缺陷控制工艺，良品率提高10%。",
        "deliverables": "工艺规范1套，发明专利2项。",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "milestones": [
            {"title": "工艺仿真平台", "due_date": "2026-06-30", "payment_amount": "300000", "deliverables": "仿真报告"},
            {"title": "中期检查", "due_date": "2026-12-31", "payment_amount": "400000", "is_mid_term": True},
            {"title": "中试验证", "due_date": "2027-09-30", "payment_amount": "300000"},
        ],
    }
    data.update(kw)
    return data


@pytest.fixture
def project(people, application):
    return services.project_create(actor=people["office"], application_id=application.pk, data=contract_data())


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
