"""开放共享评价 on hand-computed cases: clipping at the year's edges (Asia/Shanghai), the specialised
benchmark, 共享率, service income, the three-part organisation scores, the ranking, its XLSX."""

from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from nesta.core.errors import NotFound, ValidationFailed
from nesta.instruments.exports import ranking_xlsx
from nesta.instruments.models import BookingPolicy, Charge, ServiceItem, UsageSession
from nesta.instruments.selectors import openness as o
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 1, 10, 12, 0, tzinfo=TZ)
D = Decimal


def at(year, month, day, hh=0, mm=0):
    return datetime(year, month, day, hh, mm, tzinfo=TZ)


def use(instrument, user, start, hours=None, *, end=None, external):
    return UsageSession.objects.create(
        instrument=instrument,
        user=user,
        organization_id=user.organization_id,
        started_at=start,
        ended_at=end if end is not None else (start + timedelta(hours=hours) if hours is not None else None),
        is_external=external,
    )


def charge(instrument, user, when, amount, *, external):
    return Charge.objects.create(
        instrument=instrument,
        user=user,
        organization_id=user.organization_id,
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
    """Instruments A, B, C of org_ln; D of org_jl; E and F with idle instruments; G with a small one."""
    member = users["member"]  # of org_ln
    outsider = grant(UserFactory(username="op_out", organization=org_jl), "member", organization=org_jl)

    a = InstrumentFactory(owner=org_ln, name="A 扫描电镜", original_value=1_200_000)  # general: 1,400 h
    BookingPolicy.objects.create(instrument=a)
    a.managers.add(users["instrument_manager"])
    b = InstrumentFactory(
        owner=org_ln,
        name="B 专用试验台",
        original_value=800_000,
        is_specialised=True,  # 800 h
        is_open=False,
        internal_hourly_rate=0,
        external_hourly_rate=0,
    )
    ServiceItem.objects.create(instrument=b, name="疲劳试验（每样）", internal_price=100, external_price=200)
    c = InstrumentFactory(owner=org_ln, name="C 小型仪器", original_value=D("499999.99"))

    sessions = {
        # A: 2 + 488 + 209 + 1 = 700 h in 2026, of which 209 + 1 = 210 h external
        "a_new_year": use(a, member, at(2025, 12, 31, 22), end=at(2026, 1, 1, 2), external=False),
        "a_internal": use(a, member, at(2026, 2, 1), 488, external=False),
        "a_external": use(a, outsider, at(2026, 6, 1), 209, external=True),
        "a_year_end": use(a, outsider, at(2026, 12, 31, 23), end=at(2027, 1, 1, 1), external=True),
        # B: 1,000 h internal; one session checked in on 1 March and never closed
        "b1": use(b, member, at(2026, 4, 1), 500, external=False),
        "b2": use(b, member, at(2026, 7, 1), 500, external=False),
        "b_open": use(b, member, at(2026, 3, 1, 9), external=False),
        "c": use(c, outsider, at(2026, 5, 1), 500, external=True),
    }
    charges = [
        charge(a, member, at(2026, 5, 1), D("1000.00"), external=False),
        charge(a, outsider, at(2026, 6, 10), D("2500.50"), external=True),
        charge(a, outsider, at(2026, 12, 31, 23, 30), D("99.99"), external=True),
        charge(a, outsider, at(2026, 1, 1) - timedelta(minutes=1), D("7.00"), external=True),  # 2025
        charge(a, outsider, at(2027, 1, 1), D("8.00"), external=True),  # 2027
    ]

    d = InstrumentFactory(owner=org_jl, name="D 核磁共振", original_value=1_000_000)
    BookingPolicy.objects.create(instrument=d)
    d.managers.add(
        grant(UserFactory(username="op_jl_mgr", organization=org_jl), "instrument_manager", organization=org_jl)
    )
    use(d, member, at(2026, 1, 10), 700, external=True)
    use(d, member, at(2026, 3, 10), 700, external=True)

    org_e = OrganizationFactory(name="E 大连研究所", province_code="210000", city_code="210200")
    org_f = OrganizationFactory(name="F 吉林大学", province_code="220000", city_code="220100")
    org_g = OrganizationFactory(name="G 小公司", province_code="210000", city_code="210100")
    InstrumentFactory(owner=org_e, name="E 闲置仪器", original_value=500_000)  # exactly the threshold: evaluated
    InstrumentFactory(owner=org_f, name="F 闲置仪器", original_value=2_000_000)
    InstrumentFactory(owner=org_g, name="G 小仪器", original_value=100_000)
    return {
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "e": org_e,
        "f": org_f,
        "g": org_g,
        "sessions": sessions,
        "charges": charges,
        "ln": org_ln,
        "jl": org_jl,
    }


def test_instrument_a_effective_hours_are_clipped_to_the_year(world):
    a = o.instrument_openness(instrument_id=world["a"].pk, year=2026, now=NOW)
    assert (a.qualifies, a.benchmark_hours, a.effective_hours, a.external_hours) == (
        True,
        D(1400),
        D("700.00"),
        D("210.00"),
    )
    assert (a.sharing_rate, a.utilisation) == (D("0.3000"), D("0.5000"))
    assert (a.session_count, a.external_session_count) == (4, 2)
    s = world["sessions"]
    assert a.usage_session_ids == [s["a_new_year"].pk, s["a_internal"].pk, s["a_external"].pk, s["a_year_end"].pk]
    assert [(r["id"], r["hours_in_year"]) for r in o.usage_in_year(instrument_id=world["a"].pk, year=2026)] == [
        (s["a_new_year"].pk, D("2.00")),
        (s["a_internal"].pk, D("488.00")),
        (s["a_external"].pk, D("209.00")),
        (s["a_year_end"].pk, D("1.00")),
    ]


def test_the_other_halves_of_boundary_sessions_count_in_their_own_years(world):
    y2025 = o.instrument_openness(instrument_id=world["a"].pk, year=2025, now=NOW)
    y2027 = o.instrument_openness(instrument_id=world["a"].pk, year=2027, now=NOW)
    assert (y2025.effective_hours, y2025.external_hours, y2025.usage_session_ids) == (
        D("2.00"),
        D("0.00"),
        [world["sessions"]["a_new_year"].pk],
    )
    assert (y2027.effective_hours, y2027.external_hours, y2027.sharing_rate) == (D("1.00"), D("1.00"), D("1.0000"))
    assert (y2025.income_external, y2027.income_external) == (D("7.00"), D("8.00"))


def test_service_income_comes_from_the_years_charges(world):
    a = o.instrument_openness(instrument_id=world["a"].pk, year=2026, now=NOW)
    assert (a.income_internal, a.income_external, a.charge_count) == (D("1000.00"), D("2600.49"), 3)
    assert a.charge_ids == [c.pk for c in world["charges"][:3]]


def test_specialised_instrument_uses_the_800_hour_benchmark(world):
    b = o.instrument_openness(instrument_id=world["b"].pk, year=2026, now=NOW)
    assert (b.benchmark_hours, b.effective_hours, b.utilisation, b.capped_utilisation) == (
        D(800),
        D("1000.00"),
        D("1.2500"),
        D(1),
    )
    assert (b.external_hours, b.sharing_rate) == (D("0.00"), D("0.0000"))  # no external use: 0, not an error
    assert (b.session_count, b.unrecorded_session_count) == (2, 1)  # the open session is not effective use
    assert b.criteria == {
        "open": False,
        "booking_policy": False,
        "fee_schedule": True,  # through its testing-service catalogue
        "manager": False,
        "no_unrecorded_use": False,
    }


def test_an_open_session_is_not_unrecorded_use_within_a_day(world):
    b = o.instrument_openness(instrument_id=world["b"].pk, year=2026, now=at(2026, 3, 1, 20))
    assert (b.unrecorded_session_count, b.criteria["no_unrecorded_use"]) == (0, True)


def test_no_use_means_zero_rates(world):
    idle = o.instruments_openness(year=2026, organization_id=world["e"].pk, now=NOW)[0]
    assert (idle.effective_hours, idle.sharing_rate, idle.utilisation, idle.income_internal) == (D(0), D(0), D(0), D(0))


def test_instruments_below_500000_are_not_evaluated(world):
    c = o.instrument_openness(instrument_id=world["c"].pk, year=2026, now=NOW)
    assert (c.qualifies, c.effective_hours, c.external_hours) == (False, D("500.00"), D("500.00"))
    names = [i.name for i in o.instruments_openness(year=2026, organization_id=world["ln"].pk, now=NOW)]
    assert names == ["A 扫描电镜", "B 专用试验台"]
    assert [i.name for i in o.organization_openness(organization_id=world["g"].pk, year=2026).instruments] == []


def test_organisation_scores_40_20_40(world):
    ln = o.organization_openness(organization_id=world["ln"].pk, year=2026, now=NOW)
    assert ln.instrument_count == 2
    assert (ln.effective_hours, ln.external_hours) == (D("1700.00"), D("210.00"))
    # 运行使用: 40 × mean(min(1, 0.5), min(1, 1.25)) = 40 × 0.75
    assert (ln.mean_utilisation, ln.scores.operation) == (D("0.7500"), D("30.00"))
    # 共享服务成效: 共享率 210 / 1700 = 0.1235 → 20 × 0.1235 / 0.30 = 8.2333 → 8.23
    assert (ln.sharing_rate, ln.scores.sharing) == (D("0.1235"), D("8.23"))
    # 组织管理: A meets all five, B only the fee schedule: 8 × (1/2) × 4 + 8 × (2/2) = 24
    assert ln.criteria_met == {"open": 1, "booking_policy": 1, "fee_schedule": 2, "manager": 1, "no_unrecorded_use": 1}
    assert ln.scores.management == D("24.00")
    assert ln.scores.total == D("62.23")
    assert (ln.income_internal, ln.income_external) == (D("1000.00"), D("2600.49"))

    jl = o.organization_openness(organization_id=world["jl"].pk, year=2026, now=NOW)
    assert (jl.effective_hours, jl.sharing_rate, jl.mean_utilisation) == (D("1400.00"), D("1.0000"), D("1.0000"))
    assert (jl.scores.operation, jl.scores.sharing, jl.scores.management, jl.scores.total) == (
        D("40.00"),
        D("20.00"),
        D("40.00"),
        D("100.00"),
    )


def test_sharing_score_is_capped_at_20(world):
    # D: 共享率 1.0 ≥ 0.30 → the full 20, not 66.67
    assert o.organization_openness(organization_id=world["jl"].pk, year=2026, now=NOW).scores.sharing == D("20.00")


def test_idle_organisation_scores_only_what_it_has_in_place(world):
    e = o.organization_openness(organization_id=world["e"].pk, year=2026, now=NOW)
    # open, a fee schedule, no unrecorded use: 3 × 8; no booking policy, no manager
    assert (e.scores.operation, e.scores.sharing, e.scores.management, e.scores.total) == (
        D("0.00"),
        D("0.00"),
        D("24.00"),
        D("24.00"),
    )


def test_organisation_without_qualifying_instruments(world):
    g = o.organization_openness(organization_id=world["g"].pk, year=2026, now=NOW)
    assert (g.instrument_count, g.scores.total, g.sharing_rate) == (0, D(0), D(0))
    with pytest.raises(NotFound):
        o.organization_openness(organization_id=10**6, year=2026)


def test_ranking_of_the_region(world, django_assert_num_queries):
    with django_assert_num_queries(5):  # instruments, sessions, charges, shutdowns (each one GROUP BY), org regions
        ranking = o.openness_ranking(year=2026, now=NOW)
    assert [(r.rank, r.organization_name, r.scores.total) for r in ranking] == [
        (1, world["jl"].name, D("100.00")),
        (2, world["ln"].name, D("62.23")),
        (3, "E 大连研究所", D("24.00")),  # equal totals share a rank
        (3, "F 吉林大学", D("24.00")),
    ]
    assert [r.province_code for r in ranking] == ["220000", "210000", "210000", "220000"]


@pytest.mark.parametrize(
    "province,expected",
    [("210000", [(1, "ln"), (2, "E 大连研究所")]), ("220000", [(1, "jl"), (2, "F 吉林大学")]), ("230000", [])],
)
def test_ranking_within_a_province(world, province, expected):
    ranking = o.openness_ranking(year=2026, province=province, now=NOW)
    names = {"ln": world["ln"].name, "jl": world["jl"].name}
    assert [(r.rank, r.organization_name) for r in ranking] == [(rank, names.get(n, n)) for rank, n in expected]


def test_a_year_without_use_ranks_by_management_alone(world):
    ranking = o.openness_ranking(year=2024, now=NOW)
    # org_ln: B's open session is 2026's, so in 2024 B also meets no_unrecorded_use: 4 + 4 + 8 + 4 + 8
    assert [(r.rank, r.scores.total) for r in ranking] == [
        (1, D("40.00")),
        (2, D("28.00")),
        (3, D("24.00")),
        (3, D("24.00")),
    ]


@pytest.mark.parametrize("year", [1999, 2101])
def test_year_is_bounded(world, year):
    with pytest.raises(ValidationFailed):
        o.openness_ranking(year=year)


def test_ranking_xlsx_opens_back(world):
    ranking = o.openness_ranking(year=2026, now=NOW)
    wb = load_workbook(BytesIO(ranking_xlsx(ranking, year=2026)))
    ws = wb["排名"]
    assert ws["A1"].value == "2026年度 大型科研仪器开放共享评价排名"
    assert ws["A2"].value == "排名" and ws["N2"].value == "总分"
    row = [c.value for c in ws[4]]
    assert row == [2, world["ln"].name, "辽宁省", 2, 1700, 210, 0.1235, 0.75, 1000, 2600.49, 30, 8.23, 24, 62.23]
    assert ws["I4"].number_format == "#,##0.00" and ws["G4"].number_format == "0.00%"
    assert ws.max_row == 2 + 4
    detail = wb["仪器明细"]
    a = [c.value for c in detail[2]]
    assert a[:3] == [world["d"].pk, "D 核磁共振", world["jl"].name]
    names = [detail.cell(row=r, column=2).value for r in range(2, detail.max_row + 1)]
    assert names == ["D 核磁共振", "A 扫描电镜", "B 专用试验台", "E 闲置仪器", "F 闲置仪器"]
    b_row = [c.value for c in detail[4]]
    assert b_row[5:10] == [800, 1000, 0, 0, 1.25]
    assert b_row[-7:] == ["否", "否", "是", "否", "否", 800, 0]  # then the nominal benchmark and downtime


@pytest.mark.django_db
def test_the_year_filters_keep_sqlite_off_its_skip_scan():
    """Region-wide, SQLite would walk (instrument, started_at) with a table lookup per session —
    four times slower than a scan at 4.5 M sessions (docs/benchmarks.md). The filter columns are
    compiled as `+column` on SQLite only."""
    from django.db import connection
    from django.db.models import DateTimeField

    qs = UsageSession.objects.alias(s=o.Unindexed("started_at", DateTimeField())).filter(
        s__lt=datetime(2026, 1, 1, tzinfo=TZ)
    )
    sql = str(qs.query)
    if connection.vendor == "sqlite":
        assert '+"instruments_usagesession"."started_at" <' in sql
    else:
        assert '+"instruments_usagesession"' not in sql and '"instruments_usagesession"."started_at" <' in sql
    assert list(qs) == []
