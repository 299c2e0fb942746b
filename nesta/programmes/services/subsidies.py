"""Writes of interest subsidies (财政贴息): the zone's fund, its loans, the borrower's bank
statements, the office's decision (which computes the instalment, subsidy_math) and finance's
payment.

The statement's states are few and linear (待审核 → 已核定 / 不予贴息; 已核定 → 已拨付); the
decision and the payment each lock the statement, and the approval also locks the fund's row so
two approvals cannot both spend the fund's last money or the loan's cap of the year.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.core import validators as v
from nesta.core.audit import audit_record, snapshot
from nesta.core.errors import Conflict, NotAuthenticated, NotFound, ValidationFailed
from nesta.core.permissions import Target, require
from nesta.core.transactions import write_transaction
from nesta.directory.models import Organization, OrganizationKind
from nesta.programmes.models import (
    InterestStatement,
    Programme,
    StatementStatus,
    SubsidisedLoan,
    SubsidyFund,
    SubsidyInstalment,
)
from nesta.programmes.selectors.subsidies import computation
from nesta.programmes.subsidy_math import Computation, add_months

ZONE_PROGRAMME = "zone-special-support"
ID_MAX = 2_147_483_647
RATE_MAX = Decimal("0.2")
LOAN_RATE_MAX = Decimal("0.5")
TERM_MAX_MONTHS = 120
NOTE_MAX = 500
S = StatementStatus


class Problems:
    """Field errors collected before one 422: {field: [message]} and a code per field."""

    def __init__(self) -> None:
        self.details: dict[str, list[str]] = {}
        self.codes: dict[str, str] = {}

    def add(self, name: str, code: str, message: Any) -> None:
        self.details.setdefault(name, []).append(str(message))
        self.codes.setdefault(name, code)

    def take(self, name: str, check: Any) -> Any:
        """Run a validator; its error becomes this field's problem (code `<name>_invalid`)."""
        try:
            return check()
        except ValidationFailed as exc:
            for ms in exc.details.values():
                for m in ms:
                    self.add(name, f"{name}_invalid", m)
            return None

    def raise_if_any(self) -> None:
        if self.details:
            first = next(iter(self.codes.values()))
            raise ValidationFailed(code=first, details={**self.details, "codes": self.codes})


def _login(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()


def _id(value: Any) -> int | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        n = int(str(value).strip()) if len(str(value)) <= 10 else 0
    except ValueError:
        return None
    return n if 0 < n <= ID_MAX else None


def _rate(p: Problems, data: dict[str, Any], name: str, maximum: Decimal) -> Decimal | None:
    """An annual rate as a fraction (0.03 = 3 %), in (0, maximum], at most 5 decimals."""
    raw = data.get(name)
    try:
        rate = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except Exception:
        rate = None
    if isinstance(raw, bool) or raw in (None, "") or rate is None or not rate.is_finite():
        p.add(name, f"{name}_invalid", _("利率格式有误，例如 0.03 表示 3%。"))
        return None
    if not Decimal(0) < rate <= maximum:
        p.add(name, f"{name}_out_of_range", _("利率应大于 0 且不超过 %(m)s。") % {"m": maximum})
        return None
    exponent = rate.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -5:
        p.add(name, f"{name}_invalid", _("利率最多保留五位小数。"))
        return None
    return rate


def _money(p: Problems, data: dict[str, Any], name: str, *, positive: bool = True) -> Decimal | None:
    amount = p.take(name, lambda: v.money_yuan(data.get(name), field=name))
    if amount is not None and positive and amount <= 0:
        p.add(name, f"{name}_not_positive", _("金额应大于 0。"))
        return None
    return amount


def _date(p: Problems, data: dict[str, Any], name: str) -> date | None:
    return p.take(name, lambda: v.local_date(data.get(name), field=name))


def _text(p: Problems, data: dict[str, Any], name: str, max_length: int, *, required: bool = True) -> str:
    text = p.take(
        name,
        lambda: v.clean_text(data.get(name), field=name, max_length=max_length, required=required, multiline=False),
    )
    return text or ""


# --- funds -------------------------------------------------------------------------------------


def fund_create(*, actor: Any, data: dict[str, Any]) -> SubsidyFund:
    """A zone's 贴息 fund for a year (subsidy.manage on the zone: the office, its province)."""
    _login(actor)
    p = Problems()
    zone_id = _id(data.get("zone_id"))
    zone = (
        Organization.objects.select_related("province").filter(pk=zone_id, kind=OrganizationKind.HIGH_TECH_ZONE).first()
        if zone_id
        else None
    )
    if zone is None:
        p.add("zone_id", "zone_unknown", _("请选择一个国家高新区。"))
    else:
        require(actor, "subsidy.manage", Target(province_code=zone.province.code, organization_id=zone.pk))
    programme = Programme.objects.filter(code=str(data.get("programme") or ZONE_PROGRAMME)[:40]).first()
    if programme is None:
        p.add("programme", "programme_unknown", _("未知的科技计划。"))
    name = _text(p, data, "name", 120)
    year = p.take("year", lambda: v.bounded_int(data.get("year"), field="year", minimum=2000, maximum=2100))
    budget = _money(p, data, "budget")
    rate_cap = _rate(p, data, "rate_cap", RATE_MAX)
    day_count = p.take(
        "day_count", lambda: v.bounded_int(data.get("day_count", 360), field="day_count", minimum=0, maximum=1000)
    )
    if day_count is not None and day_count not in (360, 365):
        p.add("day_count", "day_count_invalid", _("计息天数基准应为 360 或 365。"))
    cap = _money(p, data, "cap_per_project_year")
    term = p.take(
        "max_term_months",
        lambda: v.bounded_int(
            data.get("max_term_months", 36), field="max_term_months", minimum=1, maximum=TERM_MAX_MONTHS
        ),
    )
    p.raise_if_any()
    assert zone is not None and programme is not None
    with write_transaction():
        fund = SubsidyFund.objects.create(  # type: ignore[misc]  # every value checked: p.raise_if_any() above
            programme=programme,
            zone=zone,
            name=name,
            year=year,
            budget=budget,
            rate_cap=rate_cap,
            day_count=day_count,
            cap_per_project_year=cap,
            max_term_months=term,
        )
        audit_record(actor=actor, action="subsidy_fund.created", instance=fund, changes=snapshot(fund))
    return fund


# --- loans -------------------------------------------------------------------------------------


def _fund(fund_id: Any) -> SubsidyFund:
    pk = _id(fund_id)
    fund = SubsidyFund.objects.select_related("zone__province", "programme").filter(pk=pk).first() if pk else None
    if fund is None:
        raise NotFound()
    return fund


def loan_create(*, actor: Any, fund_id: Any, data: dict[str, Any]) -> SubsidisedLoan:
    """Register a zone project's bank loan on the fund (the subsidised rate within the fund's cap)."""
    _login(actor)
    fund = _fund(fund_id)
    require(actor, "subsidy.manage", fund)
    p = Problems()
    borrower_id = _id(data.get("borrower_id"))
    borrower = Organization.objects.select_related("province").filter(pk=borrower_id).first() if borrower_id else None
    if borrower is None:
        p.add("borrower_id", "borrower_unknown", _("借款单位不存在。"))
    elif borrower.zone_id != fund.zone_id:
        p.add("borrower_id", "borrower_outside_zone", _("借款单位不在%(z)s。") % {"z": fund.zone.name})
    project_name = _text(p, data, "project_name", 160)
    bank = _text(p, data, "bank", 120)
    contract_no = _text(p, data, "contract_no", 60)
    principal = _money(p, data, "principal")
    loan_rate = _rate(p, data, "loan_rate", LOAN_RATE_MAX)
    subsidised = _rate(p, data, "subsidised_rate", LOAN_RATE_MAX)
    if subsidised is not None and subsidised > fund.rate_cap:
        p.add(
            "subsidised_rate",
            "subsidised_rate_above_cap",
            _("贴息利率不能超过本资金的上限 %(c)s。") % {"c": f"{fund.rate_cap * 100:.2f}%"},
        )
    elif subsidised is not None and loan_rate is not None and subsidised > loan_rate:
        p.add("subsidised_rate", "subsidised_rate_above_loan_rate", _("贴息利率不能高于贷款利率。"))
    start, maturity = _date(p, data, "start_date"), _date(p, data, "maturity_date")
    if start and maturity and maturity <= start:
        p.add("maturity_date", "maturity_before_start", _("到期日应晚于放款日。"))
    p.raise_if_any()
    assert borrower is not None
    with write_transaction():
        loan = SubsidisedLoan.objects.create(  # type: ignore[misc]  # every value checked: p.raise_if_any() above
            fund=fund,
            borrower=borrower,
            project_name=project_name,
            bank=bank,
            contract_no=contract_no,
            principal=principal,
            loan_rate=loan_rate,
            subsidised_rate=subsidised,
            start_date=start,
            maturity_date=maturity,
            province=borrower.province,
            created_by=actor,
        )
        audit_record(actor=actor, action="subsidy_loan.created", instance=loan, changes=snapshot(loan))
    return loan


# --- statements and their computation -----------------------------------------------------------


def _loan(loan_id: Any) -> SubsidisedLoan:
    pk = _id(loan_id)
    loan = (
        SubsidisedLoan.objects.select_related("fund__zone__province", "fund__programme", "borrower", "province")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if loan is None:
        raise NotFound()
    return loan


@dataclass
class Submitted:
    statement: InterestStatement
    computation: Computation


def statement_submit(*, actor: Any, loan_id: Any, data: dict[str, Any], now: datetime | None = None) -> Submitted:
    """The borrower submits the bank's interest statement for a period it has already paid."""
    _login(actor)
    loan = _loan(loan_id)
    require(actor, "subsidy.submit", loan)
    today = timezone.localtime(now or timezone.now()).date()
    p = Problems()
    start, end = _date(p, data, "period_start"), _date(p, data, "period_end")
    paid_on = _date(p, data, "paid_on")
    principal = _money(p, data, "principal_outstanding")
    interest = _money(p, data, "interest_paid", positive=False)
    overdue = (
        _money(p, data, "overdue_interest", positive=False)
        if data.get("overdue_interest") not in (None, "")
        else Decimal(0)
    )
    penalty = (
        _money(p, data, "penalty_interest", positive=False)
        if data.get("penalty_interest") not in (None, "")
        else Decimal(0)
    )
    reference = _text(p, data, "bank_reference", 60)
    if start and end:
        if end <= start:
            p.add("period_end", "period_end_before_start", _("计息止日应晚于计息起日。"))
        if start < loan.start_date:
            p.add("period_start", "period_before_loan", _("计息起日早于放款日 %(d)s。") % {"d": loan.start_date})
        if end > loan.maturity_date:
            p.add("period_end", "period_after_maturity", _("计息止日晚于到期日 %(d)s。") % {"d": loan.maturity_date})
    if paid_on:
        if paid_on > today:
            p.add("paid_on", "paid_on_future", _("利息尚未支付：付息日不能晚于今天。贴息在借款单位付息后拨付。"))
        elif start and paid_on < start:
            p.add("paid_on", "paid_on_before_period", _("付息日不能早于计息起日。"))
    if principal is not None and principal > loan.principal:
        p.add("principal_outstanding", "principal_above_loan", _("计息本金不能超过贷款本金。"))
    if start and end and not p.details:
        overlapping = (
            InterestStatement.objects.filter(loan=loan, period_start__lt=end, period_end__gt=start)
            .exclude(status=S.REJECTED)
            .exists()
        )
        if overlapping or InterestStatement.objects.filter(loan=loan, period_start=start).exists():
            p.add("period_start", "period_overlaps", _("该计息期与已提交的付息凭证重叠。"))
    p.raise_if_any()
    with write_transaction():
        statement = InterestStatement.objects.create(  # type: ignore[misc]  # every value checked: p.raise_if_any() above
            loan=loan,
            period_start=start,
            period_end=end,
            principal_outstanding=principal,
            interest_paid=interest,
            overdue_interest=overdue,
            penalty_interest=penalty,
            paid_on=paid_on,
            bank_reference=reference,
            submitted_by=actor,
        )
        audit_record(actor=actor, action="subsidy_statement.submitted", instance=statement, changes=snapshot(statement))
    statement.loan = loan
    return Submitted(statement, computation(statement))


def _locked_statement(statement_id: Any) -> InterestStatement:
    pk = _id(statement_id)
    statement = (
        InterestStatement.objects.select_for_update(of=("self",))
        .select_related("loan__fund__zone__province", "loan__fund__programme", "loan__province", "loan__borrower")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if statement is None:
        raise NotFound()
    return statement


def _invalid_state(statement: InterestStatement, verb: Any, allowed: list[str]) -> Conflict:
    return Conflict(
        _("当前状态为“%(s)s”，不能%(a)s。") % {"s": statement.get_status_display(), "a": verb},
        code="invalid_state",
        details={"status": statement.status, "allowed": allowed},
    )


def statement_decide(
    *, actor: Any, statement_id: Any, approve: bool, note: Any = "", now: datetime | None = None
) -> InterestStatement:
    """The office or the province approves (the instalment is computed and kept with its lines)
    or refuses (with a reason) a submitted statement."""
    _login(actor)
    if not isinstance(approve, bool):
        raise ValidationFailed(code="approve_invalid", details={"approve": [str(_("应为 true 或 false。"))]})
    text = v.clean_text(note, field="note", max_length=NOTE_MAX)
    if not approve and not text:
        raise ValidationFailed(code="note_required", details={"note": [str(_("不予贴息须说明理由。"))]})
    with write_transaction():
        statement = _locked_statement(statement_id)
        require(actor, "subsidy.manage", statement.loan)
        if statement.status != S.SUBMITTED:
            raise _invalid_state(statement, _("审核"), [S.SUBMITTED])
        if approve:
            # the fund's row is the queue of its approvals (budget and per-year caps)
            SubsidyFund.objects.select_for_update().filter(pk=statement.loan.fund_id).first()
            result = computation(statement)
            SubsidyInstalment.objects.create(
                statement=statement,
                amount=result.amount,
                lines=result.lines,
                programme=statement.loan.fund.programme,
                province=statement.loan.province,
                year=result.year,
            )
        old = statement.status
        statement.status = S.APPROVED if approve else S.REJECTED
        statement.note = text
        statement.save(update_fields=["status", "note"])
        changes: dict[str, Any] = {"status": [old, statement.status], "note": ["", text]}
        if approve:
            changes["amount"] = str(result.amount)
        audit_record(actor=actor, action="subsidy_statement.decided", instance=statement, changes=changes)
    return statement


def instalment_pay(
    *, actor: Any, statement_id: Any, paid_on: Any = None, now: datetime | None = None
) -> SubsidyInstalment:
    """Finance pays the approved instalment from the zone's fund (subsidy.pay)."""
    _login(actor)
    today = timezone.localtime(now or timezone.now()).date()
    day = v.local_date(paid_on, field="paid_on") if paid_on not in (None, "") else today
    with write_transaction():
        statement = _locked_statement(statement_id)
        require(actor, "subsidy.pay", statement.loan)
        if statement.status != S.APPROVED:
            raise _invalid_state(statement, _("拨付"), [S.APPROVED])
        if day > today:
            raise ValidationFailed(code="paid_on_future", details={"paid_on": [str(_("拨付日期不能晚于今天。"))]})
        if day < statement.paid_on:
            raise ValidationFailed(
                code="paid_on_before_interest", details={"paid_on": [str(_("拨付日期不能早于借款单位付息日。"))]}
            )
        instalment = SubsidyInstalment.objects.select_for_update().get(statement=statement)
        instalment.paid_on, instalment.paid_by = day, actor
        instalment.save(update_fields=["paid_on", "paid_by"])
        statement.status = S.PAID
        statement.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="subsidy_instalment.paid",
            instance=instalment,
            changes={"paid_on": [None, str(day)], "amount": str(instalment.amount)},
        )
    return instalment


def term_end(loan: SubsidisedLoan) -> date:
    return add_months(loan.start_date, loan.fund.max_term_months)
