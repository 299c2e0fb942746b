"""The interest subsidy (贴息) of one bank statement, computed line by line.

subsidy = outstanding principal × min(subsidised rate, the fund's cap) × eligible days ÷ the
fund's day-count basis (360 or 365), rounded to 分 (ROUND_HALF_UP), then cut in turn to the normal
interest actually paid (overdue interest and penalties never count), to what is left of the cap per
project and year, and to what is left of the fund's budget. Eligible days are the statement's days
that fall within the fund's maximum term counted from the loan's start.

Pure: no database, so every worked example is a unit test. Each step is a line
{label, formula, value} the page and the API show as they are.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def pct(rate: Decimal) -> str:
    """0.0435 → "4.35%"."""
    text = f"{(rate * 100).normalize():f}"
    return f"{text}%"


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


@dataclass(frozen=True)
class StatementFacts:
    """What the computation needs: the statement, its loan and fund, and what is already used."""

    principal_outstanding: Decimal
    subsidised_rate: Decimal
    rate_cap: Decimal
    day_count: int
    period_start: date
    period_end: date
    loan_start: date
    max_term_months: int
    interest_paid: Decimal
    overdue_interest: Decimal
    penalty_interest: Decimal
    cap_per_project_year: Decimal
    used_in_year: Decimal  # this loan's other instalments of the same year
    fund_budget: Decimal
    fund_used: Decimal  # the fund's other instalments


@dataclass
class Computation:
    amount: Decimal
    year: int
    days: int
    eligible_days: int
    lines: list[dict[str, str]] = field(default_factory=list)
    limited_by: str = ""  # "" | paid_interest | year_cap | fund_budget | term


def _line(lines: list[dict[str, str]], label: Any, formula: str, value: str) -> None:
    lines.append({"label": str(label), "formula": formula, "value": value})


def interest_year(facts: StatementFacts) -> int:
    """The year a statement's subsidy counts in (per-project cap, budget): its period's end."""
    return facts.period_end.year


def compute(facts: StatementFacts) -> Computation:
    lines: list[dict[str, str]] = []
    f = facts
    rate = min(f.subsidised_rate, f.rate_cap)
    _line(
        lines,
        _("贴息年利率"),
        f"min(贴息利率 {pct(f.subsidised_rate)}, 资金上限 {pct(f.rate_cap)})",
        pct(rate),
    )
    days = max(0, (f.period_end - f.period_start).days)
    _line(lines, _("计息天数"), f"{f.period_end:%Y-%m-%d} − {f.period_start:%Y-%m-%d}", _("%(n)d 天") % {"n": days})
    term_end = add_months(f.loan_start, f.max_term_months)
    start = max(f.period_start, f.loan_start)
    end = min(f.period_end, term_end)
    eligible = max(0, (end - start).days)
    limited = ""
    if eligible < days:
        limited = "term"
        formula = _("最长贴息期限 %(m)d 个月，至 %(d)s；超出的 %(x)d 天不予贴息") % {
            "m": f.max_term_months,
            "d": f"{term_end:%Y-%m-%d}",
            "x": days - eligible,
        }
    else:
        formula = _("均在最长贴息期限 %(m)d 个月内（至 %(d)s）") % {"m": f.max_term_months, "d": f"{term_end:%Y-%m-%d}"}
    _line(lines, _("可贴息天数"), formula, _("%(n)d 天") % {"n": eligible})
    raw = f.principal_outstanding * rate * eligible / f.day_count
    amount = to_fen(raw)
    _line(
        lines,
        _("按利率计算的贴息"),
        f"{yuan(f.principal_outstanding)} × {pct(rate)} × {eligible} ÷ {f.day_count}"
        + _("（四舍五入到分，ROUND_HALF_UP）"),
        yuan(amount),
    )
    _line(
        lines,
        _("不计入的逾期利息与罚息"),
        _("逾期利息 %(o)s + 罚息 %(p)s，不予贴息") % {"o": yuan(f.overdue_interest), "p": yuan(f.penalty_interest)},
        yuan(f.overdue_interest + f.penalty_interest),
    )
    if amount > f.interest_paid:
        amount, limited = f.interest_paid, "paid_interest"
        formula = _("不超过实际支付的正常利息 %(v)s") % {"v": yuan(f.interest_paid)}
    else:
        formula = _("实际支付的正常利息 %(v)s，未超过") % {"v": yuan(f.interest_paid)}
    _line(lines, _("以实付正常利息为限"), formula, yuan(amount))
    year = interest_year(f)
    year_left = max(ZERO, f.cap_per_project_year - f.used_in_year)
    if amount > year_left:
        amount, limited = year_left, "year_cap"
    _line(
        lines,
        _("单项目年度上限"),
        _("%(y)d 年上限 %(c)s − 本年已核定 %(u)s = 剩余 %(r)s")
        % {"y": year, "c": yuan(f.cap_per_project_year), "u": yuan(f.used_in_year), "r": yuan(year_left)},
        yuan(amount),
    )
    fund_left = max(ZERO, f.fund_budget - f.fund_used)
    if amount > fund_left:
        amount, limited = fund_left, "fund_budget"
    _line(
        lines,
        _("贴息资金余额"),
        _("资金规模 %(b)s − 已核定 %(u)s = 剩余 %(r)s")
        % {"b": yuan(f.fund_budget), "u": yuan(f.fund_used), "r": yuan(fund_left)},
        yuan(amount),
    )
    amount = to_fen(amount)
    _line(lines, _("本期贴息金额"), _("以上各项取小，单位：元"), yuan(amount))
    return Computation(amount=amount, year=year, days=days, eligible_days=eligible, lines=lines, limited_by=limited)
