"""Reads of interest subsidies: the funds, loans and statements a user may see, with what each
fund has approved, paid and has left (derived from the instalments, never stored).

Who sees what: the office and finance every fund; a province the funds of its zones; a borrower
organisation's people its own loans (and the funds they sit in, with only those loans).
Constant query counts: each list is one query with its sums annotated.
"""

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from nesta.core.errors import NotFound
from nesta.core.permissions import can, restrict
from nesta.programmes.models import InterestStatement, SubsidisedLoan, SubsidyFund, SubsidyInstalment
from nesta.programmes.subsidy_math import Computation, StatementFacts, compute, interest_year, pct

ID_MAX = 2_147_483_647
_ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _sum(path: str, **filters: Any) -> Any:
    return Coalesce(Sum(path, filter=Q(**filters) if filters else None), _ZERO)


def _pk(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX else None


def _all_scope(user: Any, action: str) -> bool:
    from nesta.core.permissions import Scope, grants_of
    from nesta.core.registry import registry

    allowed = registry.policy[action]
    return any(allowed.get(g.role) == Scope.ALL for g in grants_of(user))


def visible_loans(user: Any) -> QuerySet[SubsidisedLoan]:
    qs = SubsidisedLoan.objects.all()
    if _all_scope(user, "subsidy.manage") or _all_scope(user, "subsidy.pay"):
        return qs
    manage = restrict(user, "subsidy.manage", qs, province_field="fund__zone__province__code")
    submit = restrict(user, "subsidy.submit", qs, organization_field="borrower_id")
    return qs.filter(Q(pk__in=manage.values("pk")) | Q(pk__in=submit.values("pk")))


def managed_funds(user: Any) -> QuerySet[SubsidyFund]:
    """The funds the user manages (or pays from) as a whole."""
    qs = SubsidyFund.objects.all()
    if _all_scope(user, "subsidy.manage") or _all_scope(user, "subsidy.pay"):
        return qs
    return restrict(user, "subsidy.manage", qs, province_field="zone__province__code")


def may_see_whole_fund(user: Any, fund: SubsidyFund) -> bool:
    return can(user, "subsidy.manage", fund) or can(user, "subsidy.pay", fund)


def funds_for(user: Any) -> list[SubsidyFund]:
    """The funds the user may see, each with loans, approved, paid and remaining amounts."""
    loans = visible_loans(user)
    qs = SubsidyFund.objects.filter(Q(pk__in=managed_funds(user).values("pk")) | Q(loans__in=loans)).distinct()
    ids = list(qs.values_list("pk", flat=True))
    rows = (
        SubsidyFund.objects.filter(pk__in=ids)
        .select_related("zone__province", "programme")
        .annotate(
            loan_count=Count("loans", distinct=True),
            approved=_sum("loans__statements__instalment__amount"),
            paid=_sum("loans__statements__instalment__amount", loans__statements__instalment__paid_on__isnull=False),
            pending=Count("loans__statements", filter=Q(loans__statements__status="submitted")),
        )
        .order_by("-year", "zone__name", "id")
    )
    out: list[Any] = list(rows)  # with the annotations above and two figures set below
    for f in out:
        f.remaining = f.budget - f.approved
        f.rate_cap_text = pct(f.rate_cap)
    return out


@dataclass
class FundPage:
    fund: SubsidyFund
    whole: bool  # the user sees every loan of the fund (manager, finance)
    loans: list[SubsidisedLoan]
    statements: list[InterestStatement]
    approved: Decimal
    paid: Decimal
    remaining: Decimal


def _statements(loan_ids: list[int]) -> list[InterestStatement]:
    return list(
        InterestStatement.objects.filter(loan_id__in=loan_ids)
        .select_related("loan__borrower", "instalment")
        .order_by("-period_end", "-id")
    )


def fund_get(*, user: Any, fund_id: Any) -> FundPage:
    pk = _pk(fund_id)
    fund = SubsidyFund.objects.select_related("zone__province", "programme").filter(pk=pk).first() if pk else None
    if fund is None:
        raise NotFound()
    whole = may_see_whole_fund(user, fund)
    loans_qs = SubsidisedLoan.objects.filter(fund=fund)
    if not whole:
        loans_qs = loans_qs.filter(pk__in=visible_loans(user).values("pk"))
    loans: list[Any] = list(
        loans_qs.select_related("borrower", "province")
        .annotate(
            approved=_sum("statements__instalment__amount"),
            paid=_sum("statements__instalment__amount", statements__instalment__paid_on__isnull=False),
            statement_count=Count("statements", distinct=True),
        )
        .order_by("id")
    )
    if not whole and not loans:
        raise NotFound()
    fund.rate_cap_text = pct(fund.rate_cap)  # type: ignore[attr-defined]
    for loan in loans:
        _rates(loan)
    totals = SubsidyInstalment.objects.filter(statement__loan__fund=fund).aggregate(
        approved=_sum("amount"), paid=_sum("amount", paid_on__isnull=False)
    )
    return FundPage(
        fund=fund,
        whole=whole,
        loans=loans,
        statements=_statements([loan.pk for loan in loans]),
        approved=totals["approved"],
        paid=totals["paid"],
        remaining=fund.budget - totals["approved"],
    )


def _rates(loan: SubsidisedLoan) -> None:
    loan.loan_rate_text = pct(loan.loan_rate)  # type: ignore[attr-defined]
    loan.subsidised_rate_text = pct(loan.subsidised_rate)  # type: ignore[attr-defined]


def loan_get(*, user: Any, loan_id: Any) -> SubsidisedLoan:
    pk = _pk(loan_id)
    loan = (
        visible_loans(user)
        .select_related("fund__zone__province", "fund__programme", "borrower", "province")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if loan is None:
        raise NotFound()
    loan.statement_rows = _statements([loan.pk])  # type: ignore[attr-defined]
    _rates(loan)
    loan.fund.rate_cap_text = pct(loan.fund.rate_cap)  # type: ignore[attr-defined]
    return loan


def loans_for(user: Any, *, fund_id: int | None = None, limit: int = 100) -> list[SubsidisedLoan]:
    qs = visible_loans(user).select_related("fund__zone", "borrower", "province")
    if fund_id:
        qs = qs.filter(fund_id=fund_id)
    return list(qs.order_by("fund_id", "id")[:limit])


@dataclass
class StatementView:
    statement: InterestStatement
    lines: list[dict[str, str]]
    amount: Decimal
    preview: bool  # computed now (not yet approved)


def statement_get(*, user: Any, statement_id: Any) -> StatementView:
    pk = _pk(statement_id)
    st = (
        InterestStatement.objects.filter(loan__in=visible_loans(user))
        .select_related("loan__fund__zone__province", "loan__fund__programme", "loan__borrower", "loan__province")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if st is None:
        raise NotFound()
    return statement_view(st)


def statement_view(st: InterestStatement) -> StatementView:
    instalment = SubsidyInstalment.objects.filter(statement=st).first()
    if instalment is not None:
        st.instalment_row = instalment  # type: ignore[attr-defined]
        return StatementView(st, instalment.lines, instalment.amount, preview=False)
    if st.status == "rejected":
        return StatementView(st, [], Decimal("0.00"), preview=False)
    result = computation(st)
    return StatementView(st, result.lines, result.amount, preview=True)


# --- the computation (services/subsidies.py approves with the same) -------------------------


def _used(loan: SubsidisedLoan, year: int, exclude_statement: int | None) -> tuple[Decimal, Decimal]:
    """(this loan's instalments in `year`, the fund's instalments) other than the statement's own."""
    base = SubsidyInstalment.objects.exclude(statement_id=exclude_statement)
    in_year = base.filter(statement__loan=loan, year=year).aggregate(s=Sum("amount"))["s"]
    in_fund = base.filter(statement__loan__fund_id=loan.fund_id).aggregate(s=Sum("amount"))["s"]
    return in_year or Decimal("0"), in_fund or Decimal("0")


def computation(statement: InterestStatement) -> Computation:
    """The subsidy of `statement` as it would be approved now (the stored lines once approved)."""
    loan, fund = statement.loan, statement.loan.fund
    facts = StatementFacts(
        principal_outstanding=statement.principal_outstanding,
        subsidised_rate=loan.subsidised_rate,
        rate_cap=fund.rate_cap,
        day_count=fund.day_count,
        period_start=statement.period_start,
        period_end=statement.period_end,
        loan_start=loan.start_date,
        max_term_months=fund.max_term_months,
        interest_paid=statement.interest_paid,
        overdue_interest=statement.overdue_interest,
        penalty_interest=statement.penalty_interest,
        cap_per_project_year=fund.cap_per_project_year,
        used_in_year=Decimal(0),
        fund_budget=fund.budget,
        fund_used=Decimal(0),
    )
    in_year, in_fund = _used(loan, interest_year(facts), statement.pk)
    return compute(replace(facts, used_in_year=in_year, fund_used=in_fund))
