"""Testing orders (分析测试) and what customers owe (fees)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.core.models import TimeStampedModel
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.instruments.models.accounts import PayerAccount
from nesta.instruments.models.booking import UsageSession
from nesta.instruments.models.registry import MONEY, Instrument

# --- 分析测试 (testing orders) and fees ------------------------------------------------------


class ServiceItem(TimeStampedModel):
    """One entry of an instrument's testing-service catalogue, e.g. "SEM 形貌观察（每样）"."""

    class Unit(models.TextChoices):
        SAMPLE = "sample", _("样")
        HOUR = "hour", _("小时")

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="service_items")
    name = models.CharField(_("服务项目"), max_length=120)
    unit = models.CharField(_("计价单位"), max_length=10, choices=Unit.choices, default=Unit.SAMPLE)
    internal_price = models.DecimalField(_("单位内价格(元)"), **MONEY)
    external_price = models.DecimalField(_("对外价格(元)"), **MONEY)
    description = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["instrument", "id"]
        verbose_name = _("测试服务项目")
        verbose_name_plural = _("测试服务项目")
        constraints = [
            models.CheckConstraint(
                name="service_prices_nonnegative", condition=Q(internal_price__gte=0, external_price__gte=0)
            )
        ]

    def __str__(self) -> str:
        return self.name


def _report_path(order: "TestOrder", filename: str) -> str:
    import os
    import uuid

    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"orders/reports/{order.pk}/{uuid.uuid4().hex}{ext}"


class TestOrder(TimeStampedModel):
    """A testing order (分析测试): 提交 → 报价 → 用户确认 → 收样 → 检测中 → 报告已出 → 已结算."""

    __test__ = False  # not a pytest test class

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        QUOTED = "quoted", _("已报价")
        CONFIRMED = "confirmed", _("用户已确认")
        RECEIVED = "received", _("已收样")
        TESTING = "testing", _("检测中")
        REPORTED = "reported", _("报告已出")
        SETTLED = "settled", _("已结算")
        CANCELLED = "cancelled", _("已取消")

    service = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="orders")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="test_orders")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="test_orders")
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the customer's organisation",
    )
    is_external = models.BooleanField(_("外单位用户"), default=False)
    quantity = models.DecimalField(_("数量"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("标准单价(元)"), **MONEY)
    list_amount = models.DecimalField(_("标准金额(元)"), **MONEY)
    quoted_amount = models.DecimalField(_("报价(元)"), null=True, blank=True, **MONEY)
    quote_note = models.CharField(_("报价说明"), max_length=300, blank=True)
    sample_description = models.TextField(_("样品说明"), blank=True)
    notes = models.TextField(_("备注"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    quoted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    testing_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    report = models.FileField(_("检测报告"), upload_to=_report_path, max_length=200, blank=True)
    report_name = models.CharField(_("报告文件名"), max_length=200, blank=True)
    account = models.ForeignKey(
        PayerAccount, verbose_name=_("经费账户"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("测试订单")
        verbose_name_plural = _("测试订单")
        indexes = [models.Index(fields=["instrument", "status"]), models.Index(fields=["customer", "status"])]
        constraints = [
            models.CheckConstraint(name="order_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(
                name="order_quote_nonnegative", condition=Q(quoted_amount__isnull=True) | Q(quoted_amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} #{self.pk}"

    def permission_target(self) -> Target:
        """The customer's side: the customer (SELF) and their organisation."""
        return Target(organization_id=self.organization_id, user_id=self.customer_id)


class Charge(models.Model):
    """One line of what a customer owes an instrument's owner, from actual use or a settled order."""

    class Kind(models.TextChoices):
        USAGE_HOURS = "usage_hours", _("机时费")
        USAGE_SAMPLES = "usage_samples", _("测样费")
        ORDER = "order", _("测试服务费")

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="charges")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="the customer's"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    usage_session = models.ForeignKey(
        UsageSession, null=True, blank=True, on_delete=models.PROTECT, related_name="charges"
    )
    order = models.OneToOneField(TestOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="charge")
    kind = models.CharField(_("费用类型"), max_length=16, choices=Kind.choices)
    account = models.ForeignKey(
        PayerAccount,
        verbose_name=_("经费账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charges",
    )
    is_external = models.BooleanField(_("对外服务"), default=False)
    occurred_at = models.DateTimeField(_("发生时间"))
    description = models.CharField(_("摘要"), max_length=200, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=10)
    rate = models.DecimalField(_("单价(元)"), **MONEY)
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("费用")
        verbose_name_plural = _("费用")
        indexes = [
            models.Index(fields=["organization", "occurred_at"]),
            # covers the openness evaluation's GROUP BY instrument over a year: no table lookups
            models.Index(fields=["occurred_at", "instrument", "is_external", "amount"], name="charge_year_income_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["usage_session", "kind"], condition=Q(usage_session__isnull=False), name="uniq_usage_charge"
            ),
            models.CheckConstraint(name="charge_amount_nonnegative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.get_kind_display()} {self.amount}"
