"""Fixtures of the contract registration tests: a registration point in 沈阳 run by a technology
market, its staff, a seller (the users fixture's org_ln people) and valid submission input."""

import datetime as dt

import pytest
from django.utils import timezone

from nesta.market.services.contracts import contract_submit
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.market.factories import RegistrationPointFactory


def contract_data(point, **extra):
    """A valid submission: a 技术开发（委托） contract of 1,000,000 元 with 200,000 元 of equipment."""
    today = timezone.localdate()
    data = {
        "point_id": point.pk,
        "name": "高强韧铸造铝合金缩松缺陷控制技术开发合同",
        "contract_type": "dev_commissioned",
        "seller_nature": "21",
        "seller_region": "210102",
        "buyer_name": "沈阳某汽车零部件有限公司",
        "buyer_nature": "41",
        "buyer_region": "210100",
        "signed_on": (today - dt.timedelta(days=10)).isoformat(),
        "valid_from": (today - dt.timedelta(days=10)).isoformat(),
        "valid_until": (today + dt.timedelta(days=365)).isoformat(),
        "tech_field": "02",
        "ip_type": "invention_patent",
        "objective": "10",
        "plan_source": "enterprise",
        "contract_amount": "1000000.00",
        "technology_amount": "800000.00",
        "non_technical_costs": [{"item": "equipment", "amount": "200000.00", "note": "熔炼炉"}],
    }
    data.update(extra)
    return data


@pytest.fixture
def market_org(reference):
    return OrganizationFactory(
        province_code="210000", city_code="210100", kind="technology_market", name="沈阳技术市场"
    )


@pytest.fixture
def point(market_org):
    return RegistrationPointFactory(organization=market_org, name="沈阳市技术合同登记点", point_code="05")


@pytest.fixture
def staff(point):
    """A member of the point's organisation: decides at the point."""
    return grant(
        UserFactory(username="t_point_staff", organization=point.organization),
        "member",
        organization=point.organization,
    )


@pytest.fixture
def seller(users):
    """A member of org_ln (沈阳): submits for it."""
    return users["member"]


@pytest.fixture
def make_contract(point, seller):
    def make(actor=None, **extra):
        return contract_submit(actor=actor or seller, data=contract_data(point, **extra))

    return make
