from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nesta.instruments.models import BookingPolicy
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=TZ)  # a Monday morning


def at(day_offset: int, hh: int, mm: int = 0) -> datetime:
    return NOW.replace(hour=hh, minute=mm) + timedelta(days=day_offset)


@pytest.fixture
def sem(users, org_ln):
    """A scanning electron microscope of org_ln, managed by users['instrument_manager']."""
    instrument = InstrumentFactory(owner=org_ln, name="场发射扫描电镜 SU8010")
    BookingPolicy.objects.create(instrument=instrument)
    instrument.managers.add(users["instrument_manager"])
    return instrument


@pytest.fixture
def outsider(org_jl):
    """A member of another organisation (Jilin): an external user of org_ln's instruments."""
    return grant(UserFactory(username="t_outsider", organization=org_jl), "member", organization=org_jl)


@pytest.fixture
def member2(org_ln):
    org = OrganizationFactory(province_code="210000", city_code="210200")
    return grant(UserFactory(username="t_member2", organization=org), "member", organization=org)
