"""Booking an instrument: its rules, blackouts, training, bookings and actual use."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.core.models import TimeStampedModel
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.instruments.models.accounts import PayerAccount
from nesta.instruments.models.registry import Instrument
from nesta.instruments.policy import POLICY_BOUNDS, local_minute


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
    late_cancel_grace_minutes = models.PositiveSmallIntegerField(
        _("新预约免责撤销(分钟)"),
        default=15,
        validators=_bounded("late_cancel_grace_minutes"),
        help_text=_("待审批的预约，或在免责取消截止之后才做的预约，在此时长内取消不计逾期取消"),
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
        SHUTDOWN = "shutdown", _("故障停机")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="blackouts")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.MAINTENANCE)
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # a shutdown taken for a reported fault; a recurring maintenance's occurrences share a series
    problem = models.ForeignKey(
        "instruments.ProblemReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="shutdowns"
    )
    series = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(null=True, blank=True, auto_now_add=True)

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
    account = models.ForeignKey(
        PayerAccount,
        verbose_name=_("经费账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    # a manager booking on behalf of the user (None: the user booked it)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代约人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # set when a shutdown overlaps the booking and the manager chose to flag rather than cancel it
    flag = models.CharField(_("提示"), max_length=200, blank=True)

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
