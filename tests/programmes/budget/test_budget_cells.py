"""The budget cells the database's triggers keep (migrations 0003, 0004) stay equal to the plain
aggregate of the records after every write path: the services' (contract, payments, failed
acceptance, interest statements approved and paid) and raw ones (queryset updates and deletes,
reversals, records moved between calls, provinces and projects) — and the view agrees with the
naive sum after each."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from nesta.core.models import Region
from nesta.directory.models import OrganizationKind
from nesta.programmes.models import (
    Application,
    ApplicationStatus,
    InterestStatement,
    Payment,
    Project,
    StatementStatus,
    SubsidyInstalment,
)
from nesta.programmes.selectors.budget import budget_cells_drift, budget_view, naive_budget_totals
from nesta.programmes.services import payments
from nesta.programmes.services import projects as project_services
from nesta.programmes.services import subsidies as subsidy_services
from nesta.programmes.services.budget_cells import budget_cells_rebuild
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.programmes.budget.conftest import award, paid
from tests.programmes.factories import CallFactory
from tests.programmes.projects.conftest import application, contract_data, people  # noqa: F401 (fixtures)
from tests.programmes.subsidies.conftest import make_fund, make_loan

pytestmark = pytest.mark.django_db
S = ApplicationStatus
D = Decimal


def consistent(viewer) -> tuple[Decimal, Decimal]:
    """No cell drifts and the view equals the naive sum; the view's (committed, paid)."""
    assert budget_cells_drift() == []
    v = budget_view(viewer=viewer)
    naive = naive_budget_totals()
    assert (v.plan, v.committed, v.paid) == (naive["plan"], naive["committed"], naive["paid"])
    return v.committed, v.paid


def test_services_award_pay_and_fail_keep_the_cells(people, application):  # noqa: F811
    office = people["office"]
    assert consistent(office) == (D("1000000.00"), 0)  # the funded application's award
    project = project_services.project_create(actor=office, application_id=application.pk, data=contract_data())
    assert consistent(office) == (D("1000000.00"), 0)
    for category, amount in (("business", "300000"), ("labour", "100000")):
        payments.payment_record(
            actor=people["finance"],
            project_id=project.pk,
            data={"category": category, "amount": amount, "paid_on": "2026-03-01"},
        )
    assert consistent(office) == (D("1000000.00"), D("400000.00"))
    project_services.acceptance_request(actor=people["applicant"], project_id=project.pk)
    project_services.acceptance_decide(actor=office, project_id=project.pk, result="failed", note="未达到考核指标")
    # a failed project keeps what was paid to it; the rest of the award is released
    assert consistent(office) == (D("400000.00"), D("400000.00"))


def test_services_interest_subsidy_keeps_the_cells(people):  # noqa: F811
    zone = OrganizationFactory(kind=OrganizationKind.HIGH_TECH_ZONE, province_code="210000", city_code="210200")
    borrower = OrganizationFactory(kind="enterprise", province_code="210000", city_code="210200")
    borrower.zone = zone
    borrower.save(update_fields=["zone"])
    member = grant(UserFactory(organization=borrower), "member", organization=borrower)
    loan = make_loan(make_fund(zone), borrower)
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
    now = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    st = subsidy_services.statement_submit(actor=member, loan_id=loan.pk, data=data, now=now).statement
    assert consistent(people["office"]) == (0, 0)  # submitted: neither committed nor paid
    subsidy_services.statement_decide(actor=people["office"], statement_id=st.pk, approve=True, now=now)
    assert consistent(people["office"]) == (D("75000.00"), 0)
    subsidy_services.instalment_pay(actor=people["finance"], statement_id=st.pk, paid_on="2026-05-01", now=now)
    assert consistent(people["office"]) == (D("75000.00"), D("75000.00"))


def test_raw_writes_reversals_and_moves_keep_the_cells(budget):
    office = budget["office"]
    committed, paid_total = consistent(office)
    apps = Application.objects.filter(awarded_amount__gt=0)
    failed = Project.objects.get(application__status=S.FAILED)
    running = Project.objects.get(application__status=S.IN_PROGRESS)

    # a bulk status change (no save(), no signal): funded → not funded and back
    Application.objects.filter(status=S.FUNDED).update(status=S.NOT_FUNDED)
    assert consistent(office)[0] == committed - D("1000000")
    Application.objects.filter(status=S.NOT_FUNDED, awarded_amount=D("1000000")).update(status=S.FUNDED)
    assert consistent(office) == (committed, paid_total)

    # the award itself changes; the application moves to another call and province
    app = apps.get(status=S.CLOSED, call__year=2026)
    Application.objects.filter(pk=app.pk).update(awarded_amount=D("400000"))
    assert consistent(office)[0] == committed - D("100000")
    Application.objects.filter(pk=app.pk).update(
        call=CallFactory(programme=app.call.programme, year=2024), province=Region.objects.get(code="230000")
    )
    consistent(office)
    assert budget_view(viewer=office, year=2024, province="230000").committed == D("400000")

    # a payment to the failed project counts as committed; updated, moved away, deleted
    extra = paid(failed, "50000")
    assert budget_view(viewer=office, year=2026, province="210000").committed == D("2825000") - D("500000") + D("50000")
    consistent(office)
    Payment.objects.filter(pk=extra.pk).update(amount=D("70000"))
    consistent(office)
    Payment.objects.filter(pk=extra.pk).update(project=running)
    consistent(office)
    Payment.objects.filter(pk=extra.pk).delete()
    consistent(office)

    # the failed project reverses to in progress (a corrected decision), and fails again
    Application.objects.filter(pk=failed.application_id).update(status=S.IN_PROGRESS)
    assert consistent(office)[0] == committed - D("100000") - D("200000") + D("1000000")
    Application.objects.filter(pk=failed.application_id).update(status=S.FAILED)
    consistent(office)

    # a contract moved to another (failed) application carries its payments' commitment
    orphan = award(failed.application.call, S.FAILED, "1500000", province_code="220000")
    Project.objects.filter(pk=failed.pk).update(application=orphan)
    consistent(office)
    Project.objects.filter(pk=failed.pk).update(application=failed.application)
    consistent(office)
    Application.objects.filter(pk=orphan.pk).delete()
    consistent(office)

    # subsidies: a statement reverted to submitted, an instalment edited, paid, deleted
    approved = InterestStatement.objects.get(status=StatementStatus.APPROVED)
    InterestStatement.objects.filter(pk=approved.pk).update(status=StatementStatus.SUBMITTED)
    consistent(office)
    InterestStatement.objects.filter(pk=approved.pk).update(status=StatementStatus.APPROVED)
    SubsidyInstalment.objects.filter(statement=approved).update(amount=D("80000"), paid_on=dt.date(2026, 7, 1))
    consistent(office)
    SubsidyInstalment.objects.filter(statement=approved).update(year=2025)
    consistent(office)
    SubsidyInstalment.objects.filter(statement=approved).delete()
    consistent(office)

    # the deletions the model allows: payments, then the project, then the application
    Payment.objects.filter(project=running).delete()
    Project.objects.filter(pk=running.pk).delete()
    Application.objects.filter(pk=running.application_id).delete()
    consistent(office)


def test_drift_is_seen_and_the_rebuild_repairs_it(budget):
    consistent(budget["office"])
    with connection.cursor() as cur:
        cur.execute("UPDATE programmes_awardcell SET committed_fen = committed_fen + 1")
        cur.execute("UPDATE programmes_subsidycell SET paid_fen = paid_fen - 1")
        cur.execute("DELETE FROM programmes_paymentcell")
    tables = {d["table"] for d in budget_cells_drift()}
    assert tables == {"awards", "subsidies", "payments"}
    counts = budget_cells_rebuild()
    assert counts["awards"] > 0 and counts["payments"] > 0 and counts["subsidies"] > 0
    consistent(budget["office"])
