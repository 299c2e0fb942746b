"""Fixtures of the subsidies tests: a zone with a fund, a borrower in it, its loan, and users."""

import datetime as dt
from decimal import Decimal

import pytest

from nesta.directory.models import OrganizationKind
from nesta.programmes.models import InterestStatement, SubsidisedLoan, SubsidyFund
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.programmes.factories import programme


@pytest.fixture
def zone(reference):
    return OrganizationFactory(
        name="大连高新技术产业园区", kind=OrganizationKind.HIGH_TECH_ZONE, province_code="210000", city_code="210200"
    )


@pytest.fixture
def borrower(zone):
    org = OrganizationFactory(
        name="大连华锐精密机床有限公司", kind="enterprise", province_code="210000", city_code="210200"
    )
    org.zone = zone
    org.save(update_fields=["zone"])
    return org


def make_fund(zone, **kw) -> SubsidyFund:
    values = dict(
        programme=programme("zone-special-support"),
        zone=zone,
        name="2026年大连高新区财政贴息资金",
        year=2026,
        budget=Decimal("5000000.00"),
        rate_cap=Decimal("0.03"),
        day_count=360,
        cap_per_project_year=Decimal("500000.00"),
        max_term_months=36,
    )
    values.update(kw)
    return SubsidyFund.objects.create(**values)


def make_loan(fund, borrower, **kw) -> SubsidisedLoan:
    values = dict(
        fund=fund,
        borrower=borrower,
        project_name="五轴联动数控机床产业化",
        bank="中国工商银行大连分行",
        contract_no="GSDL-2025-0018",
        principal=Decimal("10000000.00"),
        loan_rate=Decimal("0.0435"),
        subsidised_rate=Decimal("0.03"),
        start_date=dt.date(2025, 1, 1),
        maturity_date=dt.date(2028, 1, 1),
        province=borrower.province,
    )
    values.update(kw)
    return SubsidisedLoan.objects.create(**values)


def make_statement(loan, **kw) -> InterestStatement:
    values = dict(
        loan=loan,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 4, 1),
        principal_outstanding=Decimal("10000000.00"),
        interest_paid=Decimal("108750.00"),
        paid_on=dt.date(2026, 4, 1),
        bank_reference="ICBC-20260401-001",
    )
    values.update(kw)
    return InterestStatement.objects.create(**values)


@pytest.fixture
def fund(zone):
    return make_fund(zone)


@pytest.fixture
def loan(fund, borrower):
    return make_loan(fund, borrower)


@pytest.fixture
def people(reference, borrower, zone):
    from nesta.core.models import Region

    ln, jl = Region.objects.get(code="210000"), Region.objects.get(code="220000")
    other = OrganizationFactory(province_code="210000", city_code="210100")
    return {
        "office": grant(UserFactory(username="s_office"), "office"),
        "province": grant(UserFactory(username="s_province"), "province", province=ln),
        "province_jl": grant(UserFactory(username="s_province_jl"), "province", province=jl),
        "finance": grant(UserFactory(username="s_finance"), "finance"),
        "borrower": grant(UserFactory(username="s_borrower", organization=borrower), "member", organization=borrower),
        "stranger": grant(UserFactory(username="s_stranger", organization=other), "member", organization=other),
        "expert": grant(UserFactory(username="s_expert"), "expert"),
    }
