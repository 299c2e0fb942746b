"""Demo instruments: at the default scale (400 organisations → 300 instruments, the rule being
instrument_count(scale) = 3/4 × scale), deterministic, idempotent, with a year of activity that
never double-books an instrument, non-empty openness figures, and bookable by the demo members."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from nesta.demo.generator import DEFAULT_SCALE, generate_organizations
from nesta.demo.instrument_templates import TEMPLATES
from nesta.demo.instruments import LOCAL, generate_instruments, instrument_count

SEED = 2026


def test_generation_is_deterministic_and_a_larger_scale_only_adds():
    first = generate_instruments(DEFAULT_SCALE, SEED)
    assert first == generate_instruments(DEFAULT_SCALE, SEED)
    assert len(first) == instrument_count(DEFAULT_SCALE) >= 300
    assert generate_instruments(2 * DEFAULT_SCALE, SEED)[: len(first)] == first
    assert [s.model for s in generate_instruments(DEFAULT_SCALE, SEED + 1)] != [s.model for s in first]


def test_generated_instruments_are_plausible():
    orgs = generate_organizations(DEFAULT_SCALE, SEED)
    specs = generate_instruments(DEFAULT_SCALE, SEED, orgs)
    # the organisations of admin01–admin10 and member01–member20 own some
    assert {s.owner_index for s in specs} >= set(range(20))
    assert {orgs[s.owner_index].province_code for s in specs} == {"210000", "220000", "230000"}
    assert {s.template for s in specs} == set(range(len(TEMPLATES)))
    assert sum(s.value >= 500_000 for s in specs) > 0.9 * len(specs)
    assert all(200_000 <= s.value <= 30_000_000 for s in specs)
    assert all(s.rates[0] < s.rates[1] for s in specs)
    assert all(pin < pex for s in specs for _, _, pin, pex in s.services)
    approval = sum(s.policy["external_requires_approval"] for s in specs) / len(specs)
    training = sum(s.policy["requires_training"] for s in specs) / len(specs)
    assert 0.08 < approval < 0.22 and 0.05 < training < 0.16
    assert 0.35 < sum(bool(s.services) for s in specs) / len(specs) < 0.75


def _counts():
    from nesta.instruments.models import (
        Booking,
        BookingPolicy,
        Charge,
        Instrument,
        ServiceItem,
        TestOrder,
        UsageSession,
    )

    models = [Instrument, BookingPolicy, ServiceItem, Booking, UsageSession, TestOrder, Charge]
    return {m.__name__: m.objects.count() for m in models}


OVERLAPS = """
SELECT COUNT(*) FROM instruments_booking a JOIN instruments_booking b
  ON a.instrument_id = b.instrument_id AND a.id < b.id AND a.start < b."end" AND b.start < a."end"
WHERE a.status IN ('pending', 'confirmed', 'in_use', 'completed', 'no_show')
  AND b.status IN ('pending', 'confirmed', 'in_use', 'completed', 'no_show')
"""


@pytest.mark.django_db
def test_demo_data_loads_instruments_with_a_year_of_activity():
    from nesta.accounts.models import User
    from nesta.core.models import SearchDocument
    from nesta.instruments.models import Booking, Instrument, TestOrder
    from nesta.instruments.selectors.openness import instruments_openness
    from nesta.instruments.services.booking import booking_create

    out = io.StringIO()
    call_command("demo_data", scale=DEFAULT_SCALE, seed=SEED, stdout=out)
    assert "demo instruments: 300 instruments" in out.getvalue()
    demo = Instrument.objects.filter(reference_key__startswith="demo-inst-")
    assert demo.count() == instrument_count(DEFAULT_SCALE) >= 300
    assert set(demo.values_list("province__code", flat=True)) == {"210000", "220000", "230000"}
    assert SearchDocument.objects.filter(doc_type="instrument").count() == demo.count()
    expected = {s.key: (s.name, s.model) for s in generate_instruments(DEFAULT_SCALE, SEED)}
    assert {k: (n, m) for k, n, m in demo.values_list("reference_key", "name", "model_number")} == expected

    # idempotent
    before = _counts()
    out = io.StringIO()
    call_command("demo_data", scale=DEFAULT_SCALE, seed=SEED, stdout=out)
    assert "demo instruments already loaded" in out.getvalue()
    assert _counts() == before

    # activity: every booking status of the past, orders in every state, never an overlap
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert {"completed", "no_show", "cancelled", "late_cancelled", "confirmed"} <= statuses
    assert set(TestOrder.objects.values_list("status", flat=True)) == set(TestOrder.Status.values)
    with connection.cursor() as cur:
        cur.execute(OVERLAPS)
        assert cur.fetchone()[0] == 0

    figures = instruments_openness(year=timezone.now().astimezone(LOCAL).year)
    assert max(f.effective_hours for f in figures) > 0
    assert any(f.external_hours > 0 for f in figures)

    # a demo member books another organisation's instrument, confirmed at once
    member = User.objects.get(username="member01")
    instrument = (
        demo.select_related("policy", "province")
        .exclude(owner_id=member.organization_id)
        .filter(policy__external_requires_approval=False, policy__requires_training=False, is_open=True)
        .first()
    )
    day = timezone.now().astimezone(LOCAL).date() + timedelta(days=13)
    while str(day.isoweekday()) not in instrument.policy.weekdays:
        day += timedelta(days=1)
    start = datetime.combine(day, instrument.policy.open_from, tzinfo=LOCAL) + timedelta(hours=1)
    result = booking_create(actor=member, instrument_id=instrument.pk, start=start, end=start + timedelta(hours=1))
    assert result.booking.status == "confirmed" and result.booking.is_external
