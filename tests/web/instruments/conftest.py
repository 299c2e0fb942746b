"""Shared by the instrument network's page tests: two instruments (a Shenyang SEM with the default
rules, a Jilin NMR that needs training and approval), an outside user, time helpers, booking helpers."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from nesta.instruments import services
from nesta.instruments.models import BookingPolicy, InstrumentCategory
from tests.factories import InstrumentFactory, UserFactory, grant

TZ = ZoneInfo("Asia/Shanghai")
HTMX = {"HTTP_HX_REQUEST": "true"}


def workday(weeks_ahead: int = 0) -> date:
    """A Tuesday at least two days from today (so the default rules accept a booking on it)."""
    day = timezone.localtime(timezone.now(), TZ).date() + timedelta(days=2)
    while day.isoweekday() != 2:
        day += timedelta(days=1)
    return day + timedelta(weeks=weeks_ahead)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


def local(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def sem(users, org_ln):
    """A scanning electron microscope of org_ln with the default rules, managed by the manager."""
    instrument = InstrumentFactory(
        owner=org_ln,
        name="场发射扫描电镜",
        model_number="SU8010",
        manufacturer="日立",
        country_of_origin="日本",
        techniques="二次电子像分辨率1.0nm；可进行能谱分析。",
        sample_requirements="样品需干燥、无磁性，尺寸不超过10mm。",
    )
    BookingPolicy.objects.create(instrument=instrument)
    instrument.managers.add(users["instrument_manager"])
    reindex()
    return instrument


@pytest.fixture
def nmr(reference, org_jl):
    """An NMR spectrometer in Jilin that needs training, and approval for outside users."""
    instrument = InstrumentFactory(
        owner=org_jl,
        name="600兆核磁共振波谱仪",
        category=InstrumentCategory.objects.get(code="0105"),
        internal_hourly_rate=300,
        external_hourly_rate=650,
    )
    BookingPolicy.objects.create(instrument=instrument, requires_training=True, external_requires_approval=True)
    reindex()
    return instrument


@pytest.fixture
def outsider(org_jl):
    return grant(UserFactory(username="t_outsider", organization=org_jl), "member", organization=org_jl)


def reindex():
    """Instruments made by the factory reach the search index (the registry service does this itself)."""
    from nesta.instruments.services.indexing import instruments_reindex

    instruments_reindex()


def book(user, instrument, start, end, purpose="测试"):
    return services.booking_create(
        actor=user, instrument_id=instrument.pk, start=start, end=end, purpose=purpose
    ).booking


def post_booking(client, instrument, start, end, purpose="金属断口形貌观察", htmx=True, **extra):
    data = {"start": local(start), "end": local(end), "purpose": purpose, **extra}
    headers = HTMX if htmx else {}
    return client.post(f"/instruments/{instrument.pk}/book/", data, **headers)
