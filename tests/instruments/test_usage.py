"""Actual use recorded by the instrument's staff (use without a booking): external by organisation,
charged, audited, validated, never overlapping another session of the instrument."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser

from nesta.core.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.instruments.models import Charge, UsageSession
from nesta.instruments.services import usage_record
from tests.factories import InstrumentFactory, UserFactory, grant

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 18, 0, tzinfo=TZ)


def t(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, day, hh, mm, tzinfo=TZ)


@pytest.fixture
def sem(org_ln, users):
    instrument = InstrumentFactory(owner=org_ln, internal_sample_rate=Decimal("30"), external_sample_rate=Decimal("60"))
    instrument.managers.add(users["instrument_manager"])
    return instrument


@pytest.fixture
def outsider(org_jl):
    return grant(UserFactory(username="u_outsider", organization=org_jl), "member", organization=org_jl)


def record(actor, instrument, user, start, end, **kw):
    return usage_record(actor=actor, instrument=instrument, user=user, started_at=start, ended_at=end, now=NOW, **kw)


def test_manager_records_external_use_with_its_charges(sem, users, outsider, org_jl):
    manager = users["instrument_manager"]
    s = record(manager, sem, outsider, t(20, 9), t(20, 11, 30), samples=4, operator="张工", notes="walk-in")
    s.refresh_from_db()
    assert (s.is_external, s.organization_id, s.recorded_by_id, s.booking_id) == (True, org_jl.pk, manager.pk, None)
    assert (s.hours, s.samples, s.operator, s.notes) == (Decimal("2.50"), 4, "张工", "walk-in")
    assert sorted(Charge.objects.filter(usage_session=s).values_list("kind", "amount")) == [
        ("usage_hours", Decimal("1000.00")),  # 2.5 h × 400
        ("usage_samples", Decimal("240.00")),  # 4 × 60
    ]
    log = AuditLog.objects.get(object_type="instruments.usagesession", object_id=str(s.pk))
    assert (log.action, log.actor_id) == ("usage.recorded", manager.pk)
    assert log.changes["is_external"] == [None, True]
    assert log.changes["samples"] == [None, 4]


def test_colleague_of_the_owner_is_internal(sem, users):
    s = record(users["instrument_manager"], sem, users["member"], t(20, 9), t(20, 10))
    assert s.is_external is False
    assert list(Charge.objects.filter(usage_session=s).values_list("amount", flat=True)) == [Decimal("200.00")]


def test_user_without_organisation_is_external(sem, users):
    loner = UserFactory(username="u_loner")
    assert record(users["instrument_manager"], sem, loner, t(20, 9), t(20, 10)).is_external is True


@pytest.mark.parametrize("who", ["office", "org_admin"])
def test_office_and_owner_admin_may_record(sem, users, outsider, who):
    assert record(users[who], sem, outsider, t(21, 9), t(21, 10)).recorded_by_id == users[who].pk


@pytest.mark.parametrize("who", ["member", "province", "expert", "other_manager"])
def test_others_may_not_record(sem, users, outsider, org_jl, who):
    actor = (
        grant(UserFactory(username="u_other_mgr", organization=org_jl), "instrument_manager", organization=org_jl)
        if who == "other_manager"
        else users[who]
    )
    with pytest.raises(PermissionDenied):
        record(actor, sem, outsider, t(21, 9), t(21, 10))
    assert UsageSession.objects.count() == 0


def test_anonymous_may_not_record(sem, outsider):
    with pytest.raises(NotAuthenticated):
        record(AnonymousUser(), sem, outsider, t(21, 9), t(21, 10))


@pytest.mark.parametrize(
    "start,end,samples,field",
    [
        (t(21, 10), t(21, 9), 0, "ended_at"),  # ends before it starts
        (t(21, 10), t(21, 10), 0, "ended_at"),  # zero length
        (datetime(2026, 11, 21, 9), t(21, 10), 0, "started_at"),  # naive
        (t(30, 17), t(30, 19), 0, "ended_at"),  # not over yet (NOW is 18:00)
        (t(1, 0), t(1, 0) + timedelta(days=32), 0, "ended_at"),  # longer than 31 days
        (t(21, 9), t(21, 10), -1, "samples"),
    ],
)
def test_validation(sem, users, outsider, start, end, samples, field):
    with pytest.raises(ValidationFailed) as exc:
        record(users["instrument_manager"], sem, outsider, start, end, samples=samples)
    assert field in exc.value.details
    assert UsageSession.objects.count() == 0
    assert not AuditLog.objects.filter(object_type="instruments.usagesession").exists()


def test_overlapping_sessions_are_refused_adjacent_ones_accepted(sem, users, outsider):
    manager = users["instrument_manager"]
    first = record(manager, sem, outsider, t(22, 9), t(22, 11))
    with pytest.raises(ValidationFailed) as exc:
        record(manager, sem, users["member"], t(22, 10), t(22, 12))
    assert exc.value.code == "usage_overlap"
    assert exc.value.details["usage_session_id"] == first.pk
    record(manager, sem, users["member"], t(22, 11), t(22, 12))  # starts when the other ends
    assert UsageSession.objects.filter(instrument=sem).count() == 2


def test_a_running_session_blocks_later_records(sem, users, outsider):
    running = UsageSession.objects.create(instrument=sem, user=outsider, started_at=t(23, 8), is_external=True)
    with pytest.raises(ValidationFailed) as exc:
        record(users["instrument_manager"], sem, users["member"], t(23, 9), t(23, 10))
    assert (exc.value.code, exc.value.details["usage_session_id"], exc.value.details["ended_at"]) == (
        "usage_overlap",
        running.pk,
        None,
    )
    # before it started is fine
    assert record(users["instrument_manager"], sem, users["member"], t(23, 6), t(23, 8)).pk


def test_other_instruments_do_not_clash(sem, users, outsider, org_ln):
    other = InstrumentFactory(owner=org_ln)
    record(users["instrument_manager"], sem, outsider, t(24, 9), t(24, 11))
    assert record(users["instrument_manager"], other, outsider, t(24, 9), t(24, 11)).instrument_id == other.pk
