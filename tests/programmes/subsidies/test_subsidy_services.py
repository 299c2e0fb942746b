"""Services of interest subsidies: permissions per role, the lifecycle of a statement, the
per-year cap across statements, the fund's budget, and the audit events."""

import datetime as dt
from decimal import Decimal

import pytest

from nesta.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.programmes.models import StatementStatus, SubsidyInstalment
from nesta.programmes.services import subsidies as services
from tests.programmes.subsidies.conftest import make_fund, make_loan

D = Decimal
NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)


def statement_data(**kw):
    data = {
        "period_start": "2026-01-01",
        "period_end": "2026-04-01",
        "principal_outstanding": "10000000.00",
        "interest_paid": "108750.00",
        "overdue_interest": "0",
        "penalty_interest": "0",
        "paid_on": "2026-04-01",
        "bank_reference": "ICBC-20260401-001",
    }
    data.update(kw)
    return data


def fund_data(zone, **kw):
    data = {
        "zone_id": zone.pk,
        "name": "2026年大连高新区财政贴息资金",
        "year": 2026,
        "budget": "5000000",
        "rate_cap": "0.03",
        "day_count": 360,
        "cap_per_project_year": "500000",
        "max_term_months": 36,
    }
    data.update(kw)
    return data


def loan_data(borrower, **kw):
    data = {
        "borrower_id": borrower.pk,
        "project_name": "五轴联动数控机床产业化",
        "bank": "中国工商银行大连分行",
        "contract_no": "GSDL-2025-0018",
        "principal": "10000000",
        "loan_rate": "0.0435",
        "subsidised_rate": "0.03",
        "start_date": "2025-01-01",
        "maturity_date": "2028-01-01",
    }
    data.update(kw)
    return data


def codes(exc) -> dict:
    return exc.value.details["codes"]


# --- funds and loans ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["office", "province"])
def test_office_and_own_province_create_a_fund(people, zone, role):
    fund = services.fund_create(actor=people[role], data=fund_data(zone))
    assert fund.programme.code == "zone-special-support"
    assert fund.rate_cap == D("0.03") and fund.day_count == 360
    assert AuditLog.objects.filter(action="subsidy_fund.created", object_id=str(fund.pk)).exists()


@pytest.mark.parametrize("role", ["province_jl", "borrower", "finance", "expert"])
def test_others_may_not_create_a_fund(people, zone, role):
    with pytest.raises(PermissionDenied):
        services.fund_create(actor=people[role], data=fund_data(zone))


def test_anonymous_is_401_before_422(zone):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        services.fund_create(actor=AnonymousUser(), data={})


@pytest.mark.parametrize(
    "field,value,code",
    [
        ("day_count", 300, "day_count_invalid"),
        ("rate_cap", "0.5", "rate_cap_out_of_range"),
        ("rate_cap", "abc", "rate_cap_invalid"),
        ("rate_cap", "NaN", "rate_cap_invalid"),
        ("budget", "-1", "budget_invalid"),
        ("budget", "1e400", "budget_invalid"),
        ("year", 1999, "year_invalid"),
        ("max_term_months", 0, "max_term_months_invalid"),
        ("name", "贴息\x00资金", "name_invalid"),
    ],
)
def test_fund_input_is_checked(people, zone, field, value, code):
    with pytest.raises(ValidationFailed) as exc:
        services.fund_create(actor=people["office"], data=fund_data(zone, **{field: value}))
    assert codes(exc)[field] == code


def test_a_fund_needs_a_high_tech_zone(people, borrower):
    with pytest.raises(ValidationFailed) as exc:
        services.fund_create(actor=people["office"], data=fund_data(borrower))
    assert codes(exc)["zone_id"] == "zone_unknown"


def test_a_loan_within_the_cap_is_registered(people, fund, borrower):
    loan = services.loan_create(actor=people["province"], fund_id=fund.pk, data=loan_data(borrower))
    assert loan.province.code == "210000" and loan.subsidised_rate == D("0.03")
    assert AuditLog.objects.filter(action="subsidy_loan.created", object_id=str(loan.pk)).exists()


def test_a_subsidised_rate_above_the_cap_is_422(people, fund, borrower):
    with pytest.raises(ValidationFailed) as exc:
        services.loan_create(actor=people["office"], fund_id=fund.pk, data=loan_data(borrower, subsidised_rate="0.035"))
    assert exc.value.code == "subsidised_rate_above_cap"


def test_loan_rules(people, fund, borrower, zone):
    with pytest.raises(ValidationFailed) as exc:
        services.loan_create(
            actor=people["office"],
            fund_id=fund.pk,
            data=loan_data(borrower, maturity_date="2024-01-01", subsidised_rate="0.03", loan_rate="0.02"),
        )
    assert codes(exc)["maturity_date"] == "maturity_before_start"
    assert codes(exc)["subsidised_rate"] == "subsidised_rate_above_loan_rate"
    outsider = people["stranger"].organization
    with pytest.raises(ValidationFailed) as exc:
        services.loan_create(actor=people["office"], fund_id=fund.pk, data=loan_data(outsider))
    assert codes(exc)["borrower_id"] == "borrower_outside_zone"


def test_a_borrower_may_not_register_a_loan(people, fund, borrower):
    with pytest.raises(PermissionDenied):
        services.loan_create(actor=people["borrower"], fund_id=fund.pk, data=loan_data(borrower))
    with pytest.raises(NotFound):
        services.loan_create(actor=people["office"], fund_id=999999, data=loan_data(borrower))


# --- statements --------------------------------------------------------------------------------


def test_the_borrower_submits_and_sees_the_computation(people, loan):
    done = services.statement_submit(actor=people["borrower"], loan_id=loan.pk, data=statement_data(), now=NOW)
    assert done.statement.status == StatementStatus.SUBMITTED
    assert done.computation.amount == D("75000.00")
    assert not SubsidyInstalment.objects.exists()  # a preview until the decision
    assert AuditLog.objects.filter(action="subsidy_statement.submitted").count() == 1


@pytest.mark.parametrize("role", ["stranger", "office", "finance", "expert"])
def test_only_the_borrower_submits(people, loan, role):
    with pytest.raises(PermissionDenied):
        services.statement_submit(actor=people[role], loan_id=loan.pk, data=statement_data(), now=NOW)


@pytest.mark.parametrize(
    "changes,field,code",
    [
        ({"paid_on": "2026-06-02"}, "paid_on", "paid_on_future"),
        ({"period_start": "2024-10-01"}, "period_start", "period_before_loan"),
        ({"period_end": "2028-02-01"}, "period_end", "period_after_maturity"),
        ({"period_end": "2025-12-01"}, "period_end", "period_end_before_start"),
        ({"principal_outstanding": "20000000"}, "principal_outstanding", "principal_above_loan"),
        ({"interest_paid": "-5"}, "interest_paid", "interest_paid_invalid"),
        ({"interest_paid": "1.001"}, "interest_paid", "interest_paid_invalid"),
        ({"period_start": "2026-02-30"}, "period_start", "period_start_invalid"),
        ({"period_start": "9999-01-01"}, "period_start", "period_start_invalid"),
        ({"bank_reference": "A\nB"}, "bank_reference", "bank_reference_invalid"),
        ({"bank_reference": ""}, "bank_reference", "bank_reference_invalid"),
    ],
)
def test_statement_input_is_checked(people, loan, changes, field, code):
    with pytest.raises(ValidationFailed) as exc:
        services.statement_submit(actor=people["borrower"], loan_id=loan.pk, data=statement_data(**changes), now=NOW)
    assert codes(exc)[field] == code


def test_overlapping_periods_are_refused(people, loan):
    services.statement_submit(actor=people["borrower"], loan_id=loan.pk, data=statement_data(), now=NOW)
    with pytest.raises(ValidationFailed) as exc:
        services.statement_submit(
            actor=people["borrower"],
            loan_id=loan.pk,
            data=statement_data(period_start="2026-03-01", period_end="2026-05-01", paid_on="2026-05-01"),
            now=NOW,
        )
    assert exc.value.code == "period_overlaps"


def _submit(people, loan, **kw):
    return services.statement_submit(actor=people["borrower"], loan_id=loan.pk, data=statement_data(**kw), now=NOW)


def test_approval_computes_and_keeps_the_lines(people, loan):
    st = _submit(people, loan).statement
    services.statement_decide(actor=people["province"], statement_id=st.pk, approve=True, now=NOW)
    st.refresh_from_db()
    assert st.status == StatementStatus.APPROVED
    inst = SubsidyInstalment.objects.get(statement=st)
    assert inst.amount == D("75000.00")
    assert inst.lines[-1]["value"] == "75,000.00"
    assert (inst.programme.code, inst.province.code, inst.year) == ("zone-special-support", "210000", 2026)
    assert inst.paid_on is None
    log = AuditLog.objects.get(action="subsidy_statement.decided", object_id=str(st.pk))
    assert log.changes["amount"] == "75000.00"


def test_a_refusal_needs_a_reason_and_creates_no_instalment(people, loan):
    st = _submit(people, loan).statement
    with pytest.raises(ValidationFailed) as exc:
        services.statement_decide(actor=people["office"], statement_id=st.pk, approve=False, note="")
    assert exc.value.code == "note_required"
    services.statement_decide(actor=people["office"], statement_id=st.pk, approve=False, note="银行回单与合同不符")
    st.refresh_from_db()
    assert st.status == StatementStatus.REJECTED and not SubsidyInstalment.objects.exists()


@pytest.mark.parametrize("role", ["borrower", "finance", "province_jl", "expert"])
def test_others_may_not_decide(people, loan, role):
    st = _submit(people, loan).statement
    with pytest.raises(PermissionDenied):
        services.statement_decide(actor=people[role], statement_id=st.pk, approve=True)


def test_a_decided_statement_is_not_decided_again(people, loan):
    st = _submit(people, loan).statement
    services.statement_decide(actor=people["office"], statement_id=st.pk, approve=True)
    with pytest.raises(Conflict) as exc:
        services.statement_decide(actor=people["office"], statement_id=st.pk, approve=True)
    assert exc.value.code == "invalid_state"
    assert SubsidyInstalment.objects.count() == 1


def test_the_per_year_cap_across_two_statements(people, zone, borrower):
    fund = make_fund(zone, cap_per_project_year=D("100000.00"))
    loan = make_loan(fund, borrower)
    first = _submit(people, loan).statement
    services.statement_decide(actor=people["office"], statement_id=first.pk, approve=True)
    second = _submit(
        people, loan, period_start="2026-04-01", period_end="2026-04-30", paid_on="2026-04-30", interest_paid="35041.67"
    ).statement
    # 29 days would be 24,166.67, the year has 25,000 left: uncut
    services.statement_decide(actor=people["office"], statement_id=second.pk, approve=True)
    third = _submit(
        people, loan, period_start="2026-04-30", period_end="2026-05-30", paid_on="2026-05-30", interest_paid="36250.00"
    ).statement
    services.statement_decide(actor=people["office"], statement_id=third.pk, approve=True)
    amounts = [SubsidyInstalment.objects.get(statement=s).amount for s in (first, second, third)]
    assert amounts == [D("75000.00"), D("24166.67"), D("833.33")]
    assert sum(amounts) == D("100000.00")


def test_the_fund_budget_is_never_exceeded(people, zone, borrower):
    fund = make_fund(zone, budget=D("100000.00"))
    a = make_loan(fund, borrower, contract_no="A")
    b = make_loan(fund, borrower, contract_no="B")
    sa = _submit(people, a).statement
    sb = _submit(people, b).statement
    services.statement_decide(actor=people["office"], statement_id=sa.pk, approve=True)
    services.statement_decide(actor=people["office"], statement_id=sb.pk, approve=True)
    assert SubsidyInstalment.objects.get(statement=sb).amount == D("25000.00")
    assert sum(i.amount for i in SubsidyInstalment.objects.all()) == fund.budget


def test_finance_pays_an_approved_instalment(people, loan):
    st = _submit(people, loan).statement
    with pytest.raises(Conflict):
        services.instalment_pay(actor=people["finance"], statement_id=st.pk, now=NOW)
    services.statement_decide(actor=people["office"], statement_id=st.pk, approve=True)
    with pytest.raises(PermissionDenied):
        services.instalment_pay(actor=people["province"], statement_id=st.pk, now=NOW)
    with pytest.raises(ValidationFailed) as exc:
        services.instalment_pay(actor=people["finance"], statement_id=st.pk, paid_on="2026-06-05", now=NOW)
    assert exc.value.code == "paid_on_future"
    inst = services.instalment_pay(actor=people["finance"], statement_id=st.pk, paid_on="2026-05-20", now=NOW)
    st.refresh_from_db()
    assert st.status == StatementStatus.PAID and inst.paid_on == dt.date(2026, 5, 20)
    assert AuditLog.objects.filter(action="subsidy_instalment.paid", object_id=str(inst.pk)).exists()
    with pytest.raises(Conflict):
        services.instalment_pay(actor=people["finance"], statement_id=st.pk, now=NOW)
