"""The programmes API: interest subsidies (财政贴息).

Funds of the zones, their loans, the borrower's bank interest statements and the computed
instalment (line by line), the office's decision and finance's payment. Rates are fractions
(0.03 = 3 %), money in 元 with two decimals, dates YYYY-MM-DD.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nesta.core.api_auth import api_user_required, login_required
from nesta.core.schemas import ErrorOut
from nesta.programmes.models import InterestStatement, SubsidisedLoan, SubsidyFund
from nesta.programmes.selectors import subsidies as selectors
from nesta.programmes.services import subsidies as services

router = Router(tags=["programmes"])
ID_MAX = 2_147_483_647
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
Id = Path(..., ge=1, le=ID_MAX)
Loose = Decimal | str | None  # the service's rules answer (coded 422), not the parser


class FundIn(Schema):
    zone_id: int | None = Field(None, ge=1, le=ID_MAX, description="国家高新区（机构类型 high_tech_zone）")
    programme: str = Field("zone-special-support", max_length=40)
    name: str = Field("", max_length=1000, description="贴息资金名称（最多 120 字）")
    year: int | None = Field(None, ge=-(2**31), le=2**31 - 1, description="年度 2000–2100")
    budget: Loose = Field(None, description="资金规模（元）")
    rate_cap: Loose = Field(None, description="贴息率上限，0.03 表示 3%（不超过 0.2）")
    day_count: int = Field(360, ge=-(2**31), le=2**31 - 1, description="计息天数基准：360 或 365")
    cap_per_project_year: Loose = Field(None, description="单项目年度贴息上限（元）")
    max_term_months: int = Field(36, ge=-(2**31), le=2**31 - 1, description="最长贴息期限（月），1–120")


class FundOut(Schema):
    id: int
    name: str
    programme: str
    zone_id: int
    zone_name: str
    province: str
    year: int
    budget: Decimal
    rate_cap: Decimal
    day_count: int
    cap_per_project_year: Decimal
    max_term_months: int
    loan_count: int | None = None
    approved: Decimal | None = None
    paid: Decimal | None = None
    remaining: Decimal | None = None


class LoanIn(Schema):
    borrower_id: int | None = Field(None, ge=1, le=ID_MAX, description="借款单位（须在该高新区内）")
    project_name: str = Field("", max_length=1000)
    bank: str = Field("", max_length=1000)
    contract_no: str = Field("", max_length=1000)
    principal: Loose = Field(None, description="贷款本金（元）")
    loan_rate: Loose = Field(None, description="贷款年利率，0.0435 表示 4.35%")
    subsidised_rate: Loose = Field(None, description="贴息年利率，不超过资金上限（否则 422 subsidised_rate_above_cap）")
    start_date: date | str | None = None
    maturity_date: date | str | None = None


class LoanOut(Schema):
    id: int
    fund_id: int
    borrower_id: int
    borrower_name: str
    project_name: str
    bank: str
    contract_no: str
    principal: Decimal
    loan_rate: Decimal
    subsidised_rate: Decimal
    start_date: date
    maturity_date: date
    province: str


class StatementIn(Schema):
    period_start: date | str | None = None
    period_end: date | str | None = None
    principal_outstanding: Loose = Field(None, description="计息本金（元）")
    interest_paid: Loose = Field(None, description="已付正常利息（元）")
    overdue_interest: Loose = Field(None, description="逾期利息（元），不予贴息")
    penalty_interest: Loose = Field(None, description="罚息（元），不予贴息")
    paid_on: date | str | None = Field(None, description="付息日，不晚于今天（否则 422 paid_on_future）")
    bank_reference: str = Field("", max_length=1000, description="银行回单号")


class SubsidyLineOut(Schema):
    label: str
    formula: str
    value: str


class SubsidyStatementOut(Schema):
    id: int
    loan_id: int
    status: str
    status_display: str
    period_start: date
    period_end: date
    principal_outstanding: Decimal
    interest_paid: Decimal
    overdue_interest: Decimal
    penalty_interest: Decimal
    paid_on: date
    bank_reference: str
    note: str
    amount: Decimal = Field(..., description="贴息金额（元）：已核定的，或待审核时按现在核定的测算")
    preview: bool = Field(..., description="true：尚未核定，金额为测算")
    lines: list[SubsidyLineOut]
    instalment_paid_on: date | None = None


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000, description="审核意见；不予贴息时必填（最多 500 字）")


class PayIn(Schema):
    paid_on: date | str | None = Field(None, description="拨付日期，缺省为今天")


class FundQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


class LoanQuery(Schema):
    fund_id: int | None = Field(None, ge=1, le=ID_MAX)


def fund_out(f: SubsidyFund) -> dict[str, Any]:
    return {
        "id": f.pk,
        "name": f.name,
        "programme": f.programme.code,
        "zone_id": f.zone_id,
        "zone_name": f.zone.name,
        "province": f.zone.province.code,
        "year": f.year,
        "budget": f.budget,
        "rate_cap": f.rate_cap,
        "day_count": f.day_count,
        "cap_per_project_year": f.cap_per_project_year,
        "max_term_months": f.max_term_months,
        "loan_count": getattr(f, "loan_count", None),
        "approved": getattr(f, "approved", None),
        "paid": getattr(f, "paid", None),
        "remaining": getattr(f, "remaining", None),
    }


def loan_out(loan: SubsidisedLoan) -> dict[str, Any]:
    return {
        "id": loan.pk,
        "fund_id": loan.fund_id,
        "borrower_id": loan.borrower_id,
        "borrower_name": loan.borrower.name,
        "project_name": loan.project_name,
        "bank": loan.bank,
        "contract_no": loan.contract_no,
        "principal": loan.principal,
        "loan_rate": loan.loan_rate,
        "subsidised_rate": loan.subsidised_rate,
        "start_date": loan.start_date,
        "maturity_date": loan.maturity_date,
        "province": loan.province.code,
    }


def statement_out(view: selectors.StatementView) -> dict[str, Any]:
    st: InterestStatement = view.statement
    instalment = getattr(st, "instalment_row", None)
    return {
        "id": st.pk,
        "loan_id": st.loan_id,
        "status": st.status,
        "status_display": str(st.get_status_display()),
        "period_start": st.period_start,
        "period_end": st.period_end,
        "principal_outstanding": st.principal_outstanding,
        "interest_paid": st.interest_paid,
        "overdue_interest": st.overdue_interest,
        "penalty_interest": st.penalty_interest,
        "paid_on": st.paid_on,
        "bank_reference": st.bank_reference,
        "note": st.note,
        "amount": view.amount,
        "preview": view.preview,
        "lines": view.lines,
        "instalment_paid_on": instalment.paid_on if instalment else None,
    }


@router.get(
    "/subsidies/funds", response={200: list[FundOut], **READ_ERRORS}, auth=login_required, summary="贴息资金列表"
)
def list_funds(request: HttpRequest, filters: Query[FundQuery]):
    funds = selectors.funds_for(request.auth)
    return [fund_out(f) for f in funds if filters.year is None or f.year == filters.year]


@router.post("/subsidies/funds", response={201: FundOut, **ERRORS}, summary="新建高新区贴息资金（办公室、省厅）")
def create_fund(request: HttpRequest, payload: FundIn):
    fund = services.fund_create(actor=api_user_required(request), data=payload.dict())
    return Status(201, fund_out(selectors.fund_get(user=request.auth, fund_id=fund.pk).fund))


@router.get("/subsidies/funds/{int:fund_id}", response={200: FundOut, **READ_ERRORS}, auth=login_required)
def get_fund(request: HttpRequest, fund_id: int = Id):
    page = selectors.fund_get(user=request.auth, fund_id=fund_id)
    out = fund_out(page.fund)
    out.update(loan_count=len(page.loans), approved=page.approved, paid=page.paid, remaining=page.remaining)
    return out


@router.post(
    "/subsidies/funds/{int:fund_id}/loans",
    response={201: LoanOut, **ERRORS},
    summary="登记贴息贷款项目",
    description="422 code：borrower_unknown, borrower_outside_zone, subsidised_rate_above_cap, "
    "subsidised_rate_above_loan_rate, maturity_before_start, <字段>_invalid",
)
def create_loan(request: HttpRequest, payload: LoanIn, fund_id: int = Id):
    loan = services.loan_create(actor=api_user_required(request), fund_id=fund_id, data=payload.dict())
    return Status(201, loan_out(selectors.loan_get(user=request.auth, loan_id=loan.pk)))


@router.get("/subsidies/loans", response={200: list[LoanOut], **READ_ERRORS}, auth=login_required)
def list_loans(request: HttpRequest, filters: Query[LoanQuery]):
    return [loan_out(loan) for loan in selectors.loans_for(request.auth, fund_id=filters.fund_id)]


@router.get(
    "/subsidies/{int:loan_id}", response={200: LoanOut, **READ_ERRORS}, auth=login_required, summary="贴息贷款项目"
)
def get_loan(request: HttpRequest, loan_id: int = Id):
    return loan_out(selectors.loan_get(user=request.auth, loan_id=loan_id))


@router.get(
    "/subsidies/{int:loan_id}/statements", response={200: list[SubsidyStatementOut], **READ_ERRORS}, auth=login_required
)
def list_statements(request: HttpRequest, loan_id: int = Id):
    loan = selectors.loan_get(user=request.auth, loan_id=loan_id)
    return [statement_out(selectors.statement_view(st)) for st in loan.statement_rows]


@router.post(
    "/subsidies/{int:loan_id}/statements",
    response={201: SubsidyStatementOut, **ERRORS},
    summary="提交银行付息凭证（借款单位），返回逐项计算的贴息",
    description="422 code：period_before_loan, period_after_maturity, period_end_before_start, period_overlaps, "
    "paid_on_future, paid_on_before_period, principal_above_loan, <字段>_invalid",
)
def submit_statement(request: HttpRequest, payload: StatementIn, loan_id: int = Id):
    done = services.statement_submit(actor=api_user_required(request), loan_id=loan_id, data=payload.dict())
    view = selectors.StatementView(done.statement, done.computation.lines, done.computation.amount, preview=True)
    return Status(201, statement_out(view))


@router.get(
    "/subsidies/statements/{int:statement_id}", response={200: SubsidyStatementOut, **READ_ERRORS}, auth=login_required
)
def get_statement(request: HttpRequest, statement_id: int = Id):
    return statement_out(selectors.statement_get(user=request.auth, statement_id=statement_id))


@router.post(
    "/subsidies/statements/{int:statement_id}/decision",
    response={200: SubsidyStatementOut, **ERRORS},
    summary="核定贴息或不予贴息（办公室、省厅）",
)
def decide_statement(request: HttpRequest, payload: DecisionIn, statement_id: int = Id):
    st = services.statement_decide(
        actor=api_user_required(request), statement_id=statement_id, approve=payload.approve, note=payload.note
    )
    return statement_out(selectors.statement_get(user=request.auth, statement_id=st.pk))


@router.post(
    "/subsidies/statements/{int:statement_id}/pay",
    response={200: SubsidyStatementOut, **ERRORS},
    summary="拨付贴息（财务）",
)
def pay_statement(request: HttpRequest, payload: PayIn, statement_id: int = Id):
    services.instalment_pay(actor=api_user_required(request), statement_id=statement_id, paid_on=payload.paid_on)
    return statement_out(selectors.statement_get(user=request.auth, statement_id=statement_id))
