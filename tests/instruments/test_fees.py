"""Fees: charges from the fee schedule on actual use and settled orders (hand-computed), the monthly
statement per customer organisation and its XLSX export."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from nesta.core.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.instruments.exports import statement_xlsx
from nesta.instruments.models import Charge, UsageSession
from nesta.instruments.selectors.fees import fee_statement, parse_month
from nesta.instruments.services.fees import (
    charges_for_usage,
    charges_post_pending,
    charges_post_usage,
    duration_hours,
)
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant

TZ = ZoneInfo("Asia/Shanghai")


def t(month: int, day: int, hh: int = 9, mm: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hh, mm, tzinfo=TZ)


@pytest.fixture
def sem(org_ln):
    return InstrumentFactory(
        owner=org_ln,
        name="场发射扫描电镜",
        internal_hourly_rate=Decimal("200.00"),
        external_hourly_rate=Decimal("400.00"),
        internal_sample_rate=Decimal("35.50"),
        external_sample_rate=Decimal("50.00"),
    )


@pytest.fixture
def insider(org_ln):
    return grant(
        UserFactory(username="f_insider", display_name="李内", organization=org_ln), "member", organization=org_ln
    )


@pytest.fixture
def outsider(org_jl):
    return grant(
        UserFactory(username="f_outsider", display_name="王外", organization=org_jl), "member", organization=org_jl
    )


def session(instrument, user, start, end, *, samples=0, external=None):
    return UsageSession.objects.create(
        instrument=instrument,
        user=user,
        organization_id=user.organization_id,
        started_at=start,
        ended_at=end,
        samples=samples,
        is_external=(user.organization_id != instrument.owner_id) if external is None else external,
    )


# --- charges_for_usage: hand-computed ------------------------------------------------------------


def test_internal_user_pays_the_internal_hourly_rate(sem, insider):
    s = session(sem, insider, t(11, 3, 9), t(11, 3, 10, 30))
    [line] = charges_for_usage(s)
    assert (line.kind, line.quantity, line.unit, line.rate, line.amount) == (
        "usage_hours",
        Decimal("1.50"),
        "hour",
        Decimal("200.00"),
        Decimal("300.00"),
    )
    assert line.is_external is False
    assert line.organization_id == insider.organization_id
    assert line.pk is None  # computed, not saved


def test_external_user_pays_the_external_hourly_rate(sem, outsider):
    s = session(sem, outsider, t(11, 3, 9), t(11, 3, 10, 30))
    [line] = charges_for_usage(s)
    assert (line.quantity, line.rate, line.amount, line.is_external) == (
        Decimal("1.50"),
        Decimal("400.00"),
        Decimal("600.00"),
        True,
    )


def test_samples_add_a_per_sample_line(sem, insider, outsider):
    inside = charges_for_usage(session(sem, insider, t(11, 3, 9), t(11, 3, 11), samples=3))
    assert [(c.kind, c.quantity, c.rate, c.amount) for c in inside] == [
        ("usage_hours", Decimal("2.00"), Decimal("200.00"), Decimal("400.00")),
        ("usage_samples", Decimal("3"), Decimal("35.50"), Decimal("106.50")),
    ]
    outside = charges_for_usage(session(sem, outsider, t(11, 4, 9), t(11, 4, 11), samples=3))
    assert [(c.kind, c.amount) for c in outside] == [
        ("usage_hours", Decimal("800.00")),
        ("usage_samples", Decimal("150.00")),
    ]


def test_no_per_sample_line_when_the_instrument_does_not_charge_per_sample(org_ln, insider):
    hourly_only = InstrumentFactory(owner=org_ln)  # 200/400 per hour, 0 per sample
    lines = charges_for_usage(session(hourly_only, insider, t(11, 3, 9), t(11, 3, 10), samples=5))
    assert [(c.kind, c.amount) for c in lines] == [("usage_hours", Decimal("200.00"))]


def test_free_instrument_and_unfinished_session_incur_nothing(org_ln, insider, sem):
    free = InstrumentFactory(owner=org_ln, internal_hourly_rate=0, external_hourly_rate=0)
    assert charges_for_usage(session(free, insider, t(11, 3, 9), t(11, 3, 10), samples=2)) == []
    running = session(sem, insider, t(11, 5, 9), None)
    assert charges_for_usage(running) == []


def test_hours_are_rounded_to_a_hundredth_half_up_and_money_to_a_fen_half_up(org_ln, insider):
    # 20 minutes = 0.3333… h → 0.33 h; 0.33 × 123.45 = 40.7385 → 40.74
    odd = InstrumentFactory(owner=org_ln, internal_hourly_rate=Decimal("123.45"))
    [line] = charges_for_usage(session(odd, insider, t(11, 3, 9), t(11, 3, 9, 20)))
    assert (line.quantity, line.amount) == (Decimal("0.33"), Decimal("40.74"))
    # 0.50 × 100.05 = 50.025 → 50.03 (half-up, not banker's 50.02)
    half = InstrumentFactory(owner=org_ln, internal_hourly_rate=Decimal("100.05"))
    [line] = charges_for_usage(session(half, insider, t(11, 4, 9), t(11, 4, 9, 30)))
    assert (line.quantity, line.amount) == (Decimal("0.50"), Decimal("50.03"))
    # 18 seconds = 0.005 h → 0.01 h (half-up)
    assert duration_hours(t(11, 3, 9), t(11, 3, 9) + timedelta(seconds=18)) == Decimal("0.01")
    assert duration_hours(t(11, 3, 9), t(11, 3, 9) + timedelta(seconds=17)) == Decimal("0.00")


def test_charges_are_deterministic(sem, outsider):
    s = session(sem, outsider, t(11, 3, 9), t(11, 3, 13, 7), samples=7)
    first = [(c.kind, c.quantity, c.rate, c.amount) for c in charges_for_usage(s)]
    assert first == [(c.kind, c.quantity, c.rate, c.amount) for c in charges_for_usage(s)]
    assert first == [
        ("usage_hours", Decimal("4.12"), Decimal("400.00"), Decimal("1648.00")),
        ("usage_samples", Decimal("7"), Decimal("50.00"), Decimal("350.00")),
    ]


def test_posting_is_idempotent_and_audited(sem, outsider, users):
    s = session(sem, outsider, t(11, 3, 9), t(11, 3, 10), samples=1)
    first = charges_post_usage(actor=users["instrument_manager"], session=s)
    again = charges_post_usage(actor=users["instrument_manager"], session=s)
    assert [c.pk for c in first] == [c.pk for c in again]
    assert Charge.objects.filter(usage_session=s).count() == 2
    assert AuditLog.objects.filter(object_type="instruments.charge", action="charge.created").count() == 2


def test_pending_sessions_are_charged_once(sem, insider, outsider):
    a = session(sem, insider, t(11, 3, 9), t(11, 3, 10))
    b = session(sem, outsider, t(11, 4, 9), t(11, 4, 10), samples=2)
    session(sem, outsider, t(11, 5, 9), None)  # still running: nothing yet
    assert charges_post_pending() == 3
    assert charges_post_pending() == 0
    assert sorted(Charge.objects.values_list("usage_session_id", "amount")) == sorted(
        [(a.pk, Decimal("200.00")), (b.pk, Decimal("400.00")), (b.pk, Decimal("100.00"))]
    )


# --- the monthly statement ---------------------------------------------------------------------


@pytest.fixture
def november(org_ln, org_jl, sem, outsider):
    """org_jl's charges: external use of org_ln's SEM and of a Dalian XRD, internal use of its own NMR."""
    xrd = InstrumentFactory(
        owner=OrganizationFactory(name="大连化物所", province_code="210000", city_code="210200"),
        name="X射线衍射仪",
        internal_hourly_rate=Decimal("80"),
        external_hourly_rate=Decimal("150.50"),
    )
    nmr = InstrumentFactory(owner=org_jl, name="核磁共振波谱仪", internal_hourly_rate=Decimal("99.99"))
    made = [
        session(sem, outsider, t(11, 1, 0, 0), t(11, 1, 2, 0), samples=2),  # first minute of the month
        session(xrd, outsider, t(11, 12, 14), t(11, 12, 17, 20)),
        session(nmr, outsider, t(11, 20, 8), t(11, 20, 9, 30)),
        session(sem, outsider, t(11, 30, 23, 0), t(12, 1, 0, 30)),  # starts in November: November's
        session(sem, outsider, t(10, 31, 23, 0), t(11, 1, 0, 0) - timedelta(minutes=1)),  # October
        session(sem, outsider, t(12, 1, 0, 0), t(12, 1, 1, 0)),  # December
    ]
    for s in made:
        charges_post_usage(actor=None, session=s)
    return {"xrd": xrd, "nmr": nmr}


@pytest.fixture
def jl_admin(org_jl):
    return grant(UserFactory(username="f_jl_admin", organization=org_jl), "org_admin", organization=org_jl)


def test_statement_rows_and_totals(november, org_jl, jl_admin, sem):
    st = fee_statement(actor=jl_admin, organization_id=org_jl.pk, year=2026, month=11)
    assert st.title == f"2026年11月 仪器使用费用对账单 — {org_jl.name}"
    assert [
        (r.date, r.instrument_name, r.item, r.quantity, r.unit, r.rate, r.amount, r.is_external) for r in st.rows
    ] == [
        (
            date(2026, 11, 1),
            "场发射扫描电镜",
            "机时费",
            Decimal("2.00"),
            "小时",
            Decimal("400.00"),
            Decimal("800.00"),
            True,
        ),
        (
            date(2026, 11, 1),
            "场发射扫描电镜",
            "测样费",
            Decimal("2.00"),
            "样",
            Decimal("50.00"),
            Decimal("100.00"),
            True,
        ),
        (
            date(2026, 11, 12),
            "X射线衍射仪",
            "机时费",
            Decimal("3.33"),
            "小时",
            Decimal("150.50"),
            Decimal("501.17"),
            True,
        ),
        (
            date(2026, 11, 20),
            "核磁共振波谱仪",
            "机时费",
            Decimal("1.50"),
            "小时",
            Decimal("99.99"),
            Decimal("149.99"),
            False,
        ),
        (
            date(2026, 11, 30),
            "场发射扫描电镜",
            "机时费",
            Decimal("1.50"),
            "小时",
            Decimal("400.00"),
            Decimal("600.00"),
            True,
        ),
    ]
    assert [r.owner_name for r in st.rows][2] == "大连化物所"
    # 800 + 100 + 501.17 + 600 external; 149.99 internal
    assert (st.total_external, st.total_internal, st.total) == (
        Decimal("2001.17"),
        Decimal("149.99"),
        Decimal("2151.16"),
    )


def test_statement_of_an_empty_month(november, org_jl, jl_admin):
    st = fee_statement(actor=jl_admin, organization_id=org_jl.pk, year=2026, month=9)
    assert (st.rows, st.total) == ([], Decimal(0))


@pytest.mark.parametrize(
    "who,allowed",
    [
        ("jl_admin", True),
        ("office", True),
        ("province", False),
        ("org_admin", False),
        ("member", False),
        ("outsider", False),
    ],
)
def test_statement_permission(november, org_jl, users, jl_admin, outsider, who, allowed):
    actor = {"jl_admin": jl_admin, "outsider": outsider}.get(who) or users[who]
    if allowed:
        assert fee_statement(actor=actor, organization_id=org_jl.pk, year=2026, month=11).total == Decimal("2151.16")
    else:  # the Liaoning province, org_ln's admin, members (even the customer member itself)
        with pytest.raises(PermissionDenied):
            fee_statement(actor=actor, organization_id=org_jl.pk, year=2026, month=11)


def test_statement_refuses_the_anonymous(november, org_jl):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        fee_statement(actor=AnonymousUser(), organization_id=org_jl.pk, year=2026, month=11)


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "1999-12", "2101-01", "2026-1", "26-11", "", "2026/11"])
def test_month_is_validated(bad):
    with pytest.raises(ValidationFailed) as exc:
        parse_month(bad)
    assert list(exc.value.details) == ["month"]


def test_month_parses():
    assert parse_month("2026-11") == (2026, 11)


def test_statement_xlsx_opens_back(november, org_jl, jl_admin):
    st = fee_statement(actor=jl_admin, organization_id=org_jl.pk, year=2026, month=11)
    wb = load_workbook(BytesIO(statement_xlsx(st)))
    ws = wb.active
    assert ws.title == "2026-11"
    assert ws["A1"].value == f"2026年11月 仪器使用费用对账单 — {org_jl.name}"
    assert [c.value for c in ws[2]] == [
        "序号",
        "日期",
        "仪器名称",
        "仪器所属单位",
        "收费项目",
        "使用人",
        "经费账户",
        "服务类型",
        "数量",
        "单位",
        "单价(元)",
        "金额(元)",
    ]
    third = [c.value for c in ws[5]]
    assert third[0] == 3
    assert third[1].date() == date(2026, 11, 12)
    assert third[2:] == [
        "X射线衍射仪",
        "大连化物所",
        "机时费",
        "王外",
        "未指定账户",
        "对外",
        3.33,
        "小时",
        150.5,
        501.17,
    ]
    assert ws.cell(row=5, column=12).number_format == "#,##0.00"
    assert ws.cell(row=5, column=11).number_format == "#,##0.00"
    totals = [(ws.cell(row=r, column=1).value, ws.cell(row=r, column=12).value) for r in range(8, 11)]
    assert totals == [("单位内合计", 149.99), ("对外合计", 2001.17), ("合计", 2151.16)]
    assert ws.cell(row=10, column=12).number_format == "#,##0.00"
    assert ws.max_row == 10
    # the month per payer account: every line here went to no account
    accounts = wb["按经费账户"]
    assert [c.value for c in accounts[2]] == ["经费卡号/项目编号", "账户名称", "笔数", "金额(元)"]
    assert [c.value for c in accounts[3]] == [None, "未指定账户", 5, 2151.16]
