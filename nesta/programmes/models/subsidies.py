"""Interest subsidies (财政贴息) for zone projects financed by bank loans.

A subsidy is paid only after the borrower has paid the interest, on the bank's interest
statement: principal × subsidised rate × days ÷ the fund's day-count basis, the rate capped by the
fund and never more than the interest actually paid (overdue interest and penalties excluded), within
a cap per project and year and the fund's maximum term (services/subsidies.py computes it line by
line)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.programmes.models.applications import Application
from nesta.programmes.models.calls import MONEY
from nesta.programmes.models.funding import Programme

RATE = {"max_digits": 7, "decimal_places": 5}  # 0.03000 = 3 %


class SubsidyFund(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="subsidy_funds")
    zone = models.ForeignKey(
        Organization, verbose_name=_("高新区"), on_delete=models.PROTECT, related_name="subsidy_funds"
    )
    name = models.CharField(_("贴息资金名称"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"))
    budget = models.DecimalField(_("资金规模(元)"), **MONEY)
    rate_cap = models.DecimalField(_("贴息率上限"), **RATE)
    day_count = models.PositiveSmallIntegerField(_("计息天数基准"), default=360)
    cap_per_project_year = models.DecimalField(_("单项目年度贴息上限(元)"), **MONEY)
    max_term_months = models.PositiveSmallIntegerField(_("最长贴息期限(月)"), default=36)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("贴息资金")
        verbose_name_plural = _("贴息资金")
        constraints = [
            models.CheckConstraint(name="fund_day_count_basis", condition=Q(day_count__in=[360, 365])),
            models.CheckConstraint(name="fund_rate_cap_range", condition=Q(rate_cap__gt=0) & Q(rate_cap__lte=0.2)),
            models.CheckConstraint(
                name="fund_money_positive", condition=Q(budget__gt=0) & Q(cap_per_project_year__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def permission_target(self) -> Target:
        return Target(province_code=self.zone.province.code, organization_id=self.zone_id)


class SubsidisedLoan(models.Model):
    fund = models.ForeignKey(SubsidyFund, on_delete=models.PROTECT, related_name="loans")
    borrower = models.ForeignKey(
        Organization, verbose_name=_("借款单位"), on_delete=models.PROTECT, related_name="subsidised_loans"
    )
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    project_name = models.CharField(_("项目名称"), max_length=160)
    bank = models.CharField(_("贷款银行"), max_length=120)
    contract_no = models.CharField(_("借款合同号"), max_length=60)
    principal = models.DecimalField(_("贷款本金(元)"), **MONEY)
    loan_rate = models.DecimalField(_("贷款年利率"), **RATE)
    subsidised_rate = models.DecimalField(_("贴息年利率"), **RATE)
    start_date = models.DateField(_("放款日"))
    maturity_date = models.DateField(_("到期日"))
    province = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "id"]
        verbose_name = _("贴息贷款项目")
        verbose_name_plural = _("贴息贷款项目")
        constraints = [
            models.CheckConstraint(name="loan_principal_positive", condition=Q(principal__gt=0)),
            models.CheckConstraint(name="loan_dates_ordered", condition=Q(maturity_date__gt=F("start_date"))),
            models.CheckConstraint(
                name="loan_rates_range",
                condition=Q(loan_rate__gt=0) & Q(loan_rate__lte=0.5) & Q(subsidised_rate__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.project_name

    def permission_target(self) -> Target:
        return Target(province_code=self.province.code, organization_id=self.borrower_id)


class StatementStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已核定")
    REJECTED = "rejected", _("不予贴息")
    PAID = "paid", _("已拨付")


class InterestStatement(models.Model):
    """The bank's statement of interest the borrower has paid for one period."""

    loan = models.ForeignKey(SubsidisedLoan, on_delete=models.PROTECT, related_name="statements")
    period_start = models.DateField(_("计息起日"))
    period_end = models.DateField(_("计息止日"))
    principal_outstanding = models.DecimalField(_("计息本金(元)"), **MONEY)
    interest_paid = models.DecimalField(_("已付正常利息(元)"), **MONEY)
    overdue_interest = models.DecimalField(_("逾期利息(元)"), default=0, **MONEY)
    penalty_interest = models.DecimalField(_("罚息(元)"), default=0, **MONEY)
    paid_on = models.DateField(_("付息日"))
    bank_reference = models.CharField(_("银行回单号"), max_length=60)
    status = models.CharField(
        _("状态"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.SUBMITTED
    )
    note = models.CharField(_("审核意见"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loan", "period_start", "id"]
        verbose_name = _("银行付息凭证")
        verbose_name_plural = _("银行付息凭证")
        constraints = [
            models.CheckConstraint(name="statement_period_ordered", condition=Q(period_end__gte=F("period_start"))),
            models.CheckConstraint(
                name="statement_amounts_nonnegative",
                condition=Q(interest_paid__gte=0)
                & Q(overdue_interest__gte=0)
                & Q(penalty_interest__gte=0)
                & Q(principal_outstanding__gt=0),
            ),
            models.UniqueConstraint(fields=["loan", "period_start"], name="uniq_statement_period"),
        ]

    def __str__(self) -> str:
        return f"{self.loan} {self.period_start}–{self.period_end}"

    def permission_target(self) -> Target:
        return self.loan.permission_target()


class SubsidyInstalment(models.Model):
    """The computed subsidy for one statement, with its lines, and its payment from the zone's fund."""

    statement = models.OneToOneField(InterestStatement, on_delete=models.PROTECT, related_name="instalment")
    amount = models.DecimalField(_("贴息金额(元)"), **MONEY)
    # [{"label", "formula", "value"}]: how the amount was reached, shown line by line
    lines = models.JSONField(_("计算过程"), default=list)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statement", "id"]
        verbose_name = _("贴息拨付")
        verbose_name_plural = _("贴息拨付")
        indexes = [models.Index(fields=["year", "programme", "province"], name="instalment_budget_cell")]
        constraints = [models.CheckConstraint(name="instalment_amount_nonnegative", condition=Q(amount__gte=0))]

    def __str__(self) -> str:
        return f"{self.statement} · {self.amount}"
