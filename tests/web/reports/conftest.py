"""Shared by the report page tests: the 2025 world computed by hand (docs/openness.md), URLs, XLSX and
record helpers, a fresh cache per test."""

import io
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from nesta.instruments.models import BookingPolicy, Charge, UsageSession
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant

TZ = ZoneInfo("Asia/Shanghai")
D = Decimal
YEAR = 2025
RANKING = "/instruments/openness/"
RANKING_XLSX = "/instruments/openness/ranking.xlsx"
STATEMENT = "/instruments/fees/statement/"
STATEMENT_XLSX = "/instruments/fees/statement.xlsx"
REGISTRY = "/instruments/registry/xlsx/"
REGISTRY_EXPORT = "/instruments/registry/export.xlsx"


@pytest.fixture(autouse=True)
def fresh_cache():
    """The ranking is cached per (year, province): no test sees another's."""
    cache.clear()
    yield
    cache.clear()


def at(year, month, day, hh=0, mm=0):
    return datetime(year, month, day, hh, mm, tzinfo=TZ)


def use(instrument, user, start, *, hours=None, end=None, external):
    return UsageSession.objects.create(
        instrument=instrument,
        user=user,
        organization_id=user.organization_id,
        started_at=start,
        ended_at=end if end is not None else start + timedelta(hours=hours),
        is_external=external,
    )


def charge(instrument, user, when, amount, *, external, session=None):
    return Charge.objects.create(
        instrument=instrument,
        user=user,
        organization_id=user.organization_id,
        usage_session=session,
        kind="usage_hours",
        is_external=external,
        occurred_at=when,
        quantity=1,
        unit="hour",
        rate=amount,
        amount=amount,
    )


@pytest.fixture
def world(users, org_ln, org_jl):
    """2025, by hand (docs/openness.md):

    org_ln (辽宁): A, general (1,400 h), policy + manager: 3 h (the part of a New Year's Eve session
      inside 2025) + 697 h internal + 300 h external = 1,000 h, 共享率 0.3000, 利用率 0.7143;
      运行使用 40 × 0.7143 = 28.57, 共享服务成效 20 × min(1, 0.30/0.30) = 20.00, 组织管理 5 × 8 = 40
      → 88.57. C (499,999.99 元) is below the threshold and counts nowhere.
    org_jl (吉林): D, specialised (800 h), no policy, no manager: 800 h external → 40 + 20 + 3 × 8 = 84.00.
    E (辽宁): an idle instrument, open with rates: 24.00. G: only a small instrument, not ranked.
    """
    member = users["member"]  # of org_ln
    outsider = grant(UserFactory(username="rp_out", organization=org_jl), "member", organization=org_jl)
    a = InstrumentFactory(owner=org_ln, name="A 场发射扫描电镜", original_value=1_200_000)
    BookingPolicy.objects.create(instrument=a)
    a.managers.add(users["instrument_manager"])
    c = InstrumentFactory(owner=org_ln, name="C 小型天平", original_value=D("499999.99"))
    s_new_year = use(a, member, at(YEAR - 1, 12, 31, 23), end=at(YEAR, 1, 1, 3), external=False)
    s_internal = use(a, member, at(YEAR, 3, 1), hours=697, external=False)
    s_external = use(a, outsider, at(YEAR, 6, 1), hours=300, external=True)
    use(c, outsider, at(YEAR, 5, 1), hours=100, external=True)
    c_internal = charge(a, member, at(YEAR, 5, 20, 10), D("1000.00"), external=False, session=s_internal)
    c_external = charge(a, outsider, at(YEAR, 6, 15, 10), D("25000.00"), external=True, session=s_external)
    charge(a, outsider, at(YEAR + 1, 1, 1), D("8.00"), external=True)  # next year's

    d = InstrumentFactory(owner=org_jl, name="D 疲劳试验台", original_value=2_000_000, is_specialised=True)
    use(d, member, at(YEAR, 2, 1), hours=400, external=True)
    use(d, member, at(YEAR, 8, 1), hours=400, external=True)

    org_e = OrganizationFactory(name="E 大连研究所", province_code="210000", city_code="210200")
    org_g = OrganizationFactory(name="G 小公司", province_code="210000", city_code="210100")
    InstrumentFactory(owner=org_e, name="E 闲置仪器", original_value=500_000)
    InstrumentFactory(owner=org_g, name="G 小仪器", original_value=100_000)
    return {
        "a": a,
        "c": c,
        "d": d,
        "ln": org_ln,
        "jl": org_jl,
        "e": org_e,
        "g": org_g,
        "sessions": [s_new_year, s_internal, s_external],
        "charges": [c_internal, c_external],
        "outsider": outsider,
    }


def xlsx_of(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content))


def rows_of(response):
    return [(r.rank, r.organization_name, r.scores.total) for r in response.context["ranking"]]


def client_for(role, login_as):
    return Client() if role is None else login_as(role)
