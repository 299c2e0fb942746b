"""A constructed budget: plan lines, awards in every state, payments and subsidy instalments, with
the figures the view must derive from them (written straight to the tables)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nesta.core.models import Region
from nesta.directory.models import OrganizationKind
from nesta.programmes.models import (
    ApplicationStatus,
    FundingPlanLine,
    InterestStatement,
    Payment,
    Project,
    StatementStatus,
    SubsidisedLoan,
    SubsidyFund,
    SubsidyInstalment,
)
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.programmes.factories import ApplicationFactory, CallFactory, programme

S = ApplicationStatus
D = Decimal


@pytest.fixture
def roles(reference):
    liaoning = Region.objects.get(code="210000")
    org = OrganizationFactory()
    return {
        "office": grant(UserFactory(), "office"),
        "finance": grant(UserFactory(), "finance"),
        "province": grant(UserFactory(), "province", province=liaoning),
        "applicant": grant(UserFactory(), "member", organization=org),
        "expert": grant(UserFactory(), "expert"),
    }


def award(call, status, amount, province_code="210000"):
    org = OrganizationFactory(province_code=province_code, city_code=None)
    return ApplicationFactory(
        call=call,
        organization=org,
        status=status,
        requested_amount=max(D(amount), D("1000000")),
        awarded_amount=D(amount),
        decided_at=timezone.now(),
    )


_n = iter(range(1, 10_000))


def project_of(app):
    return Project.objects.create(
        application=app,
        contract_number=f"BUD-{next(_n)}",
        grant_amount=app.awarded_amount,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )


def paid(project, amount, category="business"):
    app = project.application
    return Payment.objects.create(
        project=project,
        category=category,
        amount=D(amount),
        paid_on=dt.date(2026, 5, 1),
        programme_id=app.call.programme_id,
        province_id=app.province_id,
        year=app.call.year,
    )


def build_budget(scale: int = 1) -> None:
    """Figures below are for scale 1; each further scale adds the same records again (plan once)."""
    action, zone_prog = programme("action-special-fund"), programme("zone-special-support")
    ln, jl = Region.objects.get(code="210000"), Region.objects.get(code="220000")
    if not FundingPlanLine.objects.filter(year=2026).exists():
        FundingPlanLine.objects.create(
            year=2026, programme=action, province=ln, baseline_amount=D("8000000"), additional_amount=D("2000000")
        )
        FundingPlanLine.objects.create(year=2026, programme=action, province=jl, baseline_amount=D("5000000"))
        FundingPlanLine.objects.create(year=2026, baseline_amount=D("3000000"))
        FundingPlanLine.objects.create(year=2026, programme=zone_prog, province=ln, baseline_amount=D("500000"))
        FundingPlanLine.objects.create(year=2025, programme=action, province=ln, baseline_amount=D("1000000"))
    call = CallFactory(programme=action, year=2026)
    award(call, S.FUNDED, "1000000")  # committed 1,000,000, nothing paid
    running = project_of(award(call, S.IN_PROGRESS, "1000000"))  # 1,000,000 committed, 500,000 paid
    paid(running, "300000")
    paid(running, "200000", "labour")
    failed = project_of(award(call, S.FAILED, "1000000"))  # keeps only the 200,000 paid
    paid(failed, "200000")
    closed = project_of(award(call, S.CLOSED, "500000"))
    paid(closed, "500000")
    award(call, S.NOT_FUNDED, "0.00")  # an award of nothing: ignored
    award(call, S.IN_REVIEW, "0.00")
    jilin = project_of(award(call, S.ACCEPTANCE, "1500000", province_code="220000"))
    paid(jilin, "300000")
    old = CallFactory(programme=action, year=2025)
    award(old, S.CLOSED, "800000")
    # an interest subsidy in Liaoning's zone fund: one instalment approved (75,000), one paid (50,000)
    zone = OrganizationFactory(kind=OrganizationKind.HIGH_TECH_ZONE, city_code=None)
    fund = SubsidyFund.objects.create(
        programme=zone_prog,
        zone=zone,
        name="贴息资金",
        year=2026,
        budget=D("5000000"),
        rate_cap=D("0.03"),
        cap_per_project_year=D("500000"),
    )
    loan = SubsidisedLoan.objects.create(
        fund=fund,
        borrower=zone,
        project_name="贴息项目",
        bank="工行",
        contract_no="L-1",
        principal=D("10000000"),
        loan_rate=D("0.04"),
        subsidised_rate=D("0.03"),
        start_date=dt.date(2025, 1, 1),
        maturity_date=dt.date(2028, 1, 1),
        province=ln,
    )
    for i, (status, amount, paid_on) in enumerate(
        [
            (StatementStatus.APPROVED, "75000", None),
            (StatementStatus.PAID, "50000", dt.date(2026, 6, 1)),
            (StatementStatus.SUBMITTED, "99999", None),  # not decided: neither committed nor paid
        ]
    ):
        st = InterestStatement.objects.create(
            loan=loan,
            period_start=dt.date(2026, 1 + 3 * i, 1) + dt.timedelta(days=next(_n) % 20),
            period_end=dt.date(2026, 3 + 3 * i, 28),
            principal_outstanding=D("10000000"),
            interest_paid=D("100000"),
            paid_on=dt.date(2026, 4, 1),
            bank_reference=f"B-{i}",
            status=status,
        )
        SubsidyInstalment.objects.create(
            statement=st, amount=D(amount), programme=zone_prog, province=ln, year=2026, paid_on=paid_on
        )


@pytest.fixture
def budget(roles):
    build_budget()
    return roles
