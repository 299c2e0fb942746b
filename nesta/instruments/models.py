"""The shared instrument network (三.1 科技条件平台: 大型科学仪器协作共用体系, 分析测试体系)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region, TimeStampedModel
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.instruments.policy import POLICY_BOUNDS, local_minute

MONEY = {"max_digits": 14, "decimal_places": 2}


class InstrumentCategory(models.Model):
    """The national classification of large research instruments (two levels)."""

    code = models.CharField(_("分类代码"), max_length=10, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = _("仪器分类")
        verbose_name_plural = _("仪器分类")

    def __str__(self) -> str:
        return self.name


class Instrument(TimeStampedModel):
    class Status(models.TextChoices):
        IN_USE = "in_use", _("在用")
        REPAIR = "repair", _("维修")
        RETIRED = "retired", _("停用")

    owner = models.ForeignKey(
        Organization, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="instruments"
    )
    name = models.CharField(_("仪器名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    category = models.ForeignKey(InstrumentCategory, verbose_name=_("仪器分类"), on_delete=models.PROTECT)
    model_number = models.CharField(_("规格型号"), max_length=80, blank=True)
    manufacturer = models.CharField(_("生产厂商"), max_length=120, blank=True)
    country_of_origin = models.CharField(_("产地国别"), max_length=40, blank=True)
    original_value = models.DecimalField(_("原值(元)"), **MONEY)
    purchase_date = models.DateField(_("购置日期"), null=True, blank=True)
    techniques = models.TextField(_("主要功能与技术指标"), blank=True)
    sample_requirements = models.TextField(_("样品要求"), blank=True)
    photo = models.FileField(_("照片"), upload_to="instruments/", blank=True)
    province = models.ForeignKey(Region, verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey(
        Region, verbose_name=_("城市"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("安放地址"), max_length=200, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("仪器管理员"), blank=True, related_name="managed_instruments"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.IN_USE)
    is_open = models.BooleanField(_("对外开放"), default=True)
    is_specialised = models.BooleanField(
        _("专用仪器"), default=False, help_text=_("专用仪器年有效机时基准为800小时，通用仪器为1400小时")
    )
    internal_hourly_rate = models.DecimalField(_("校内/单位内机时费(元/小时)"), default=Decimal(0), **MONEY)
    external_hourly_rate = models.DecimalField(_("对外机时费(元/小时)"), default=Decimal(0), **MONEY)
    internal_sample_rate = models.DecimalField(_("单位内测样费(元/样)"), default=Decimal(0), **MONEY)
    external_sample_rate = models.DecimalField(_("对外测样费(元/样)"), default=Decimal(0), **MONEY)
    reference_key = models.CharField(max_length=40, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("仪器")
        verbose_name_plural = _("仪器")
        constraints = [
            models.CheckConstraint(name="instrument_value_nonnegative", condition=Q(original_value__gte=0)),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("instruments:detail", args=[self.pk])

    def permission_target(self) -> Target:
        return Target(province_code=self.province.code, organization_id=self.owner_id)


def _bounded(name: str) -> list:
    low, high = POLICY_BOUNDS[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


def _bounds_condition() -> Q:
    condition = Q()
    for name, (low, high) in POLICY_BOUNDS.items():
        within = Q(**{f"{name}__gte": low, f"{name}__lte": high})
        condition &= within | Q(**{f"{name}__isnull": True}) if "quota" in name else within
    return condition


class BookingPolicy(models.Model):
    """The rules one instrument's bookings follow (see instruments.policy for how they apply)."""

    instrument = models.OneToOneField(Instrument, on_delete=models.CASCADE, related_name="policy")
    open_from = models.TimeField(_("每日开放起"), default="08:00")
    open_until = models.TimeField(_("每日开放止"), default="22:00")
    weekdays = models.CharField(_("开放日(1=周一…7=周日)"), max_length=7, default="12345")
    advance_days = models.PositiveSmallIntegerField(
        _("最多提前预约天数"), default=30, validators=_bounded("advance_days")
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("最少提前分钟数"), default=0, validators=_bounded("min_notice_minutes")
    )
    min_minutes = models.PositiveIntegerField(_("单次最短(分钟)"), default=30, validators=_bounded("min_minutes"))
    max_minutes = models.PositiveIntegerField(_("单次最长(分钟)"), default=480, validators=_bounded("max_minutes"))
    gap_minutes = models.PositiveIntegerField(_("预约间隔(分钟)"), default=0, validators=_bounded("gap_minutes"))
    daily_quota_minutes_user = models.PositiveIntegerField(
        _("每人每日上限(分钟)"), null=True, blank=True, validators=_bounded("daily_quota_minutes_user")
    )
    weekly_quota_minutes_user = models.PositiveIntegerField(
        _("每人每周上限(分钟)"), null=True, blank=True, validators=_bounded("weekly_quota_minutes_user")
    )
    weekly_quota_minutes_org = models.PositiveIntegerField(
        _("每单位每周上限(分钟)"), null=True, blank=True, validators=_bounded("weekly_quota_minutes_org")
    )
    requires_training = models.BooleanField(_("需培训合格"), default=False)
    external_requires_approval = models.BooleanField(_("外单位预约需审批"), default=False)
    cancel_deadline_hours = models.PositiveSmallIntegerField(
        _("免责取消截止(开始前小时)"), default=24, validators=_bounded("cancel_deadline_hours")
    )
    no_show_grace_minutes = models.PositiveSmallIntegerField(
        _("签到宽限(分钟)"), default=15, validators=_bounded("no_show_grace_minutes")
    )
    no_show_limit = models.PositiveSmallIntegerField(
        _("爽约/迟取消次数上限"), default=3, validators=_bounded("no_show_limit")
    )
    no_show_window_days = models.PositiveSmallIntegerField(
        _("统计窗口(天)"), default=90, validators=_bounded("no_show_window_days")
    )
    suspension_days = models.PositiveSmallIntegerField(
        _("暂停预约天数"), default=30, validators=_bounded("suspension_days")
    )

    class Meta:
        verbose_name = _("预约规则")
        verbose_name_plural = _("预约规则")
        # One CHECK for all integer rules (one table rebuild on SQLite), from POLICY_BOUNDS.
        constraints = [models.CheckConstraint(name="bookingpolicy_bounded", condition=_bounds_condition())]

    def __str__(self) -> str:
        return f"{self.instrument} · {_('预约规则')}"


class Blackout(models.Model):
    class Kind(models.TextChoices):
        MAINTENANCE = "maintenance", _("维护保养")
        BLACKOUT = "blackout", _("不开放")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="blackouts")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.MAINTENANCE)
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("停机时段")
        verbose_name_plural = _("停机时段")
        constraints = [models.CheckConstraint(name="blackout_ordered", condition=Q(end__gt=models.F("start")))]

    def __str__(self) -> str:
        return f"{self.instrument} {local_minute(self.start)}"


class Qualification(models.Model):
    """A user's training on one instrument, valid until it expires."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="qualifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("上机资格")
        verbose_name_plural = _("上机资格")
        constraints = [models.UniqueConstraint(fields=["instrument", "user"], name="uniq_qualification")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.instrument}"


class Booking(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        CONFIRMED = "confirmed", _("已确认")
        IN_USE = "in_use", _("使用中")
        COMPLETED = "completed", _("已完成")
        NO_SHOW = "no_show", _("爽约")
        CANCELLED = "cancelled", _("已取消")
        LATE_CANCELLED = "late_cancelled", _("逾期取消")
        REJECTED = "rejected", _("未通过")

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
        help_text="the booker's organisation",
    )
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    purpose = models.CharField(_("用途"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    is_external = models.BooleanField(_("外单位用户"), default=False)
    series = models.UUIDField(null=True, blank=True, db_index=True, help_text="weekly recurring series")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(_("已提醒"), null=True, blank=True)

    # Statuses that hold the slot; the others free it for someone else.
    ACTIVE = ("pending", "confirmed", "in_use", "completed", "no_show")

    class Meta:
        ordering = ["start"]
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        indexes = [
            models.Index(fields=["instrument", "start"]),
            models.Index(fields=["user", "start"]),
            models.Index(fields=["status", "start"]),
        ]
        constraints = [models.CheckConstraint(name="booking_ordered", condition=Q(end__gt=models.F("start")))]

    def __str__(self) -> str:
        return f"{self.instrument} {local_minute(self.start)}"

    def permission_target(self) -> Target:
        return Target(
            province_code=self.instrument.province.code,
            organization_id=self.instrument.owner_id,
            user_id=self.user_id,
        )

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class UsageSession(TimeStampedModel):
    """Actual use: the source of 有效机时 (effective hours), not the booking."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="usage_sessions")
    booking = models.OneToOneField(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="usage")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="usage_sessions")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    operator = models.CharField(_("操作人"), max_length=50, blank=True)
    started_at = models.DateTimeField(_("开机时间"))
    ended_at = models.DateTimeField(_("关机时间"), null=True, blank=True)
    samples = models.PositiveIntegerField(_("样品数"), default=0)
    notes = models.TextField(_("备注"), blank=True)
    is_external = models.BooleanField(_("对外服务"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("使用记录")
        verbose_name_plural = _("使用记录")
        indexes = [models.Index(fields=["instrument", "started_at"])]
        constraints = [
            models.CheckConstraint(
                name="usage_ordered", condition=Q(ended_at__isnull=True) | Q(ended_at__gt=models.F("started_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {local_minute(self.started_at)}"

    @property
    def hours(self) -> Decimal:
        if self.ended_at is None:
            return Decimal(0)
        return Decimal((self.ended_at - self.started_at).total_seconds() / 3600).quantize(Decimal("0.01"))


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed for repeats."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    scope = models.CharField(max_length=100)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    # sha256 of what the first request asked for: a repeat with another request is refused (422)
    request_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key", "scope"], name="uniq_idempotency")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


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
