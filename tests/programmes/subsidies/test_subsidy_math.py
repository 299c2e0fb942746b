"""Worked examples of the subsidy computation (subsidy_math, no database)."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from nesta.programmes.subsidy_math import StatementFacts, add_months, compute, to_fen

D = Decimal
BASE = StatementFacts(
    principal_outstanding=D("10000000.00"),  # 1,000万元
    subsidised_rate=D("0.03"),
    rate_cap=D("0.03"),
    day_count=360,
    period_start=dt.date(2026, 1, 1),
    period_end=dt.date(2026, 4, 1),  # 90 days
    loan_start=dt.date(2025, 1, 1),
    max_term_months=36,
    interest_paid=D("108750.00"),  # 4.35 % × 90/360
    overdue_interest=D("0"),
    penalty_interest=D("0"),
    cap_per_project_year=D("500000.00"),
    used_in_year=D("0"),
    fund_budget=D("5000000.00"),
    fund_used=D("0"),
)


def test_the_worked_example_is_75000():
    result = compute(BASE)
    assert result.amount == D("75000.00")
    assert result.days == 90 and result.eligible_days == 90
    assert result.limited_by == ""
    labels = [line["label"] for line in result.lines]
    assert labels[0] == "贴息年利率" and labels[-1] == "本期贴息金额"
    assert all(set(line) == {"label", "formula", "value"} for line in result.lines)
    assert "10,000,000.00 × 3% × 90 ÷ 360" in result.lines[3]["formula"]
    assert "ROUND_HALF_UP" in result.lines[3]["formula"]
    assert result.lines[-1]["value"] == "75,000.00"


def test_the_subsidised_rate_is_capped_by_the_fund():
    result = compute(replace(BASE, subsidised_rate=D("0.04"), rate_cap=D("0.03")))
    assert result.amount == D("75000.00")
    assert result.lines[0]["value"] == "3%"


def test_a_lower_subsidised_rate_is_used_as_it_is():
    assert compute(replace(BASE, subsidised_rate=D("0.02"))).amount == D("50000.00")


def test_never_above_the_interest_actually_paid():
    result = compute(replace(BASE, interest_paid=D("60000.00")))
    assert result.amount == D("60000.00")
    assert result.limited_by == "paid_interest"


def test_overdue_interest_and_penalties_are_excluded():
    plain = compute(BASE)
    with_penalties = compute(replace(BASE, overdue_interest=D("9000.00"), penalty_interest=D("4500.00")))
    assert with_penalties.amount == plain.amount == D("75000.00")
    excluded = next(line for line in with_penalties.lines if line["label"] == "不计入的逾期利息与罚息")
    assert excluded["value"] == "13,500.00"


def test_penalties_do_not_raise_the_paid_cap():
    # the bank's total is 60,000 normal + 20,000 penalties: only the normal part counts
    result = compute(replace(BASE, interest_paid=D("60000.00"), penalty_interest=D("20000.00")))
    assert result.amount == D("60000.00")


def test_365_day_basis():
    result = compute(replace(BASE, day_count=365))
    # 10,000,000 × 0.03 × 90 / 365 = 73,972.6027… → 73,972.60
    assert result.amount == D("73972.60")


def test_rounding_half_up_to_fen():
    # 1,000 × 0.03 × 15 / 360 = 1.25 exactly
    assert compute(replace(BASE, principal_outstanding=D("1000.00"), period_end=dt.date(2026, 1, 16))).amount == D(
        "1.25"
    )
    assert to_fen(D("1.005")) == D("1.01")  # half up, not banker's
    assert to_fen(D("1.015")) == D("1.02")


def test_the_cap_per_project_and_year_counts_what_was_already_approved():
    first = compute(replace(BASE, cap_per_project_year=D("100000.00")))
    assert first.amount == D("75000.00")
    second = compute(replace(BASE, cap_per_project_year=D("100000.00"), used_in_year=first.amount))
    assert second.amount == D("25000.00")
    assert second.limited_by == "year_cap"
    third = compute(replace(BASE, cap_per_project_year=D("100000.00"), used_in_year=D("100000.00")))
    assert third.amount == D("0.00")


def test_days_beyond_the_maximum_term_are_excluded():
    # a 12-month term from 2025-02-15 ends 2026-02-15: 45 of the 90 days count
    result = compute(replace(BASE, loan_start=dt.date(2025, 2, 15), max_term_months=12))
    assert result.eligible_days == 45
    assert result.amount == D("37500.00")
    assert result.limited_by == "term"
    # a period entirely after the term: nothing
    assert compute(replace(BASE, max_term_months=6)).amount == D("0.00")


def test_the_fund_budget_cuts_the_last_instalment():
    result = compute(replace(BASE, fund_budget=D("1000000.00"), fund_used=D("980000.00")))
    assert result.amount == D("20000.00")
    assert result.limited_by == "fund_budget"
    assert compute(replace(BASE, fund_budget=D("1000000.00"), fund_used=D("1000000.00"))).amount == D("0.00")


def test_add_months_keeps_the_month_end():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 1, 1), 36) == dt.date(2028, 1, 1)
