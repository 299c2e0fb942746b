"""The demo's interest subsidies (贴息): a fund per high-tech zone and year, bank loans of zone
enterprises, their quarterly interest statements since the loan started, and the instalments the
office approved (computed by subsidy_math exactly as the service does, line by line) and finance
paid. Old statements are paid, the last quarter's await approval; nothing is dated after today."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from nesta.demo.programmes import texts as T
from nesta.demo.programmes.base import Context, at, wan
from nesta.demo.timeline import stamps_as_given
from nesta.programmes.subsidy_math import StatementFacts, add_months, compute, to_fen

ZONE_PROGRAMME = "zone-special-support"


@contextmanager
def submitted_as_given() -> Iterator[None]:
    from nesta.programmes.models import InterestStatement

    f = InterestStatement._meta.get_field("submitted_at")
    saved = f.auto_now_add
    f.auto_now_add = False
    try:
        yield
    finally:
        f.auto_now_add = saved


def load_subsidies(ctx: Context, say: Any) -> dict[str, int]:
    from nesta.directory.models import Organization
    from nesta.programmes.models import InterestStatement, SubsidisedLoan, SubsidyFund, SubsidyInstalment

    programme = ctx.programmes.get(ZONE_PROGRAMME)
    if programme is None:
        return {"funds": 0}
    zones = list(Organization.objects.filter(kind="high_tech_zone").select_related("province", "city").order_by("pk"))
    members: dict[int, list[Any]] = {}
    for org in Organization.objects.filter(
        zone__in=zones, kind="enterprise", reference_key__startswith="demo-org-"
    ).order_by("reference_key"):
        members.setdefault(org.zone_id, []).append(org)
    zones = [z for z in zones if members.get(z.pk)]
    if not zones:
        return {"funds": 0}
    rng = ctx.rng("subsidies")
    year = ctx.today.year
    funds = []
    for z in zones:
        for y, budget in ((year - 1, 600), (year, 800)):
            funds.append(
                SubsidyFund(
                    programme=programme,
                    zone=z,
                    name=f"{y}年{z.short_name or z.name}高新技术项目贷款贴息资金",
                    year=y,
                    budget=wan(budget),
                    rate_cap=Decimal("0.03"),
                    day_count=360 if z.province.code != "230000" else 365,
                    cap_per_project_year=wan(50),
                    max_term_months=24 if y < year else 36,
                )
            )
    SubsidyFund.objects.bulk_create(funds)
    funds = list(SubsidyFund.objects.filter(zone__in=zones).select_related("zone__province", "zone__city"))
    loans = []
    for f in funds:
        orgs = members[f.zone_id]
        count = min(len(orgs), 3 if f.year < year else 2)
        for k, org in enumerate(rng.sample(orgs, count)):
            start = date(f.year, rng.choice((1, 2, 3, 4, 5)) if f.year < year else rng.choice((1, 2, 3)), 21)
            if start > ctx.today - timedelta(days=100):
                start = ctx.today - timedelta(days=130)
            city = f.zone.city.name if f.zone.city_id else f.zone.province.name
            loan_rate = Decimal(rng.choice(("0.0365", "0.0385", "0.0410", "0.0435")))
            loans.append(
                SubsidisedLoan(
                    fund=f,
                    borrower=org,
                    project_name=rng.choice(T.LOAN_PROJECTS),
                    bank=rng.choice(T.BANKS).format(city=city.removesuffix("市"), province=f.zone.province.name),
                    contract_no=f"JK{f.year}{f.zone_id:03d}{k + 1:03d}",
                    principal=wan(rng.choice((500, 800, 1000, 1500, 2000, 3000))),
                    loan_rate=loan_rate,
                    subsidised_rate=min(loan_rate, Decimal(rng.choice(("0.03", "0.03", "0.025")))),
                    start_date=start,
                    maturity_date=add_months(start, 36),
                    province=org.province,
                    created_by=ctx.provinces.get(f.zone.province.code) or ctx.office,
                    created_at=at(start - timedelta(days=rng.randint(5, 20)), rng),
                )
            )
    with stamps_as_given(SubsidisedLoan):
        SubsidisedLoan.objects.bulk_create(loans)
    loans = list(SubsidisedLoan.objects.filter(fund__in=funds).select_related("fund", "borrower").order_by("pk"))

    statements, plans = [], []
    for loan in loans:
        users = ctx.users_by_org.get(loan.borrower_id)
        k = 0
        while True:
            p_start, p_end = add_months(loan.start_date, 3 * k), add_months(loan.start_date, 3 * (k + 1))
            if p_end > ctx.today - timedelta(days=3) or p_end > loan.maturity_date:
                break
            k += 1
            days = (p_end - p_start).days
            normal = to_fen(loan.principal * loan.loan_rate * days / 360)
            late = rng.random() < 0.12
            overdue = to_fen(normal * Decimal("0.08")) if late else Decimal("0.00")
            penalty = to_fen(normal * Decimal("0.03")) if late else Decimal("0.00")
            paid_on = p_end + timedelta(days=rng.randint(5, 12) if late else 0)
            paid_on = min(paid_on, ctx.today)
            submitted = at(paid_on + timedelta(days=rng.randint(2, 10)), rng)
            if submitted > ctx.now:
                submitted = ctx.now - timedelta(hours=rng.randint(2, 30))
            statements.append(
                InterestStatement(
                    loan=loan,
                    period_start=p_start,
                    period_end=p_end,
                    principal_outstanding=loan.principal,
                    interest_paid=normal,
                    overdue_interest=overdue,
                    penalty_interest=penalty,
                    paid_on=paid_on,
                    bank_reference=f"HD{paid_on:%Y%m%d}{loan.pk:04d}{k:02d}",
                    status="submitted",
                    submitted_by=users,
                    submitted_at=submitted,
                )
            )
            plans.append(submitted)
    with submitted_as_given():
        InterestStatement.objects.bulk_create(statements, batch_size=1000)
    statements = list(
        InterestStatement.objects.filter(loan__in=loans).select_related("loan__fund").order_by("period_end", "pk")
    )
    # decide in the order the office would have: the oldest first, with the caps as they stood
    used_year: dict[tuple[int, int], Decimal] = {}
    used_fund: dict[int, Decimal] = {}
    instalments = []
    for st in statements:
        age = (ctx.now - st.submitted_at).days
        if age < 20:
            continue  # the latest quarter: still 待审核
        loan, fund = st.loan, st.loan.fund
        facts = StatementFacts(
            principal_outstanding=st.principal_outstanding,
            subsidised_rate=loan.subsidised_rate,
            rate_cap=fund.rate_cap,
            day_count=fund.day_count,
            period_start=st.period_start,
            period_end=st.period_end,
            loan_start=loan.start_date,
            max_term_months=fund.max_term_months,
            interest_paid=st.interest_paid,
            overdue_interest=st.overdue_interest,
            penalty_interest=st.penalty_interest,
            cap_per_project_year=fund.cap_per_project_year,
            used_in_year=used_year.get((loan.pk, interest_year_of(st)), Decimal(0)),
            fund_budget=fund.budget,
            fund_used=used_fund.get(fund.pk, Decimal(0)),
        )
        result = compute(facts)
        used_year[(loan.pk, result.year)] = used_year.get((loan.pk, result.year), Decimal(0)) + result.amount
        used_fund[fund.pk] = used_fund.get(fund.pk, Decimal(0)) + result.amount
        decided = st.submitted_at + timedelta(days=rng.randint(7, 15), hours=rng.randint(0, 6))
        paid = decided.date() + timedelta(days=rng.randint(10, 25))
        is_paid = paid <= ctx.today - timedelta(days=1) and age >= 45
        st.status = "paid" if is_paid else "approved"
        st.note = "经核对银行付息回单，同意贴息。"
        instalments.append(
            SubsidyInstalment(
                statement=st,
                amount=result.amount,
                lines=result.lines,
                programme_id=fund.programme_id,
                province_id=loan.province_id,
                year=result.year,
                paid_on=paid if is_paid else None,
                paid_by=ctx.finance if is_paid else None,
                created_at=min(decided, ctx.now),
            )
        )
    InterestStatement.objects.bulk_update(statements, ["status", "note"], batch_size=1000)
    with stamps_as_given(SubsidyInstalment):
        SubsidyInstalment.objects.bulk_create(instalments, batch_size=1000)
    return {
        "funds": len(funds),
        "loans": len(loans),
        "statements": len(statements),
        "instalments": len(instalments),
        "paid": sum(1 for i in instalments if i.paid_on),
    }


def interest_year_of(st: Any) -> int:
    return st.period_end.year
