"""What users and managers do around bookings: the waiting list, training requests and problem
reports (NEMO's tool problems; a shutdown is a Blackout of kind "shutdown")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.core.models import TimeStampedModel
from nesta.core.permissions import Target
from nesta.instruments.models.accounts import PayerAccount
from nesta.instruments.models.booking import Booking
from nesta.instruments.models.registry import Instrument
from nesta.instruments.policy import local_minute


class WaitlistEntry(TimeStampedModel):
    """A user queueing for a taken slot; first come (created, id), first offered."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("排队中")
        OFFERED = "offered", _("已通知，待确认")
        CLAIMED = "claimed", _("已预约")
        EXPIRED = "expired", _("已过期")
        CANCELLED = "cancelled", _("已退出")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries")
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    purpose = models.CharField(_("用途"), max_length=300, blank=True)
    account = models.ForeignKey(
        PayerAccount, verbose_name=_("经费账户"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.WAITING)
    offered_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("确认截止"), null=True, blank=True)
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="waitlist_entry"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    ACTIVE = ("waiting", "offered")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("候补登记")
        verbose_name_plural = _("候补登记")
        indexes = [models.Index(fields=["instrument", "status", "start"]), models.Index(fields=["user", "status"])]
        constraints = [
            models.CheckConstraint(name="waitlist_ordered", condition=Q(end__gt=models.F("start"))),
            models.UniqueConstraint(
                fields=["instrument", "user", "start", "end"],
                condition=Q(status__in=("waiting", "offered")),
                name="uniq_active_waitlist_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {local_minute(self.start)} · {self.user}"

    def permission_target(self) -> Target:
        return Target(
            province_code=self.instrument.province.code, organization_id=self.instrument.owner_id, user_id=self.user_id
        )


class TrainingRequest(TimeStampedModel):
    """A user asking to be trained on an instrument: 申请 → 安排培训 → 授予资格 (or 未通过/撤回)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("已申请")
        SCHEDULED = "scheduled", _("已安排培训")
        GRANTED = "granted", _("已授予资格")
        DECLINED = "declined", _("未通过")
        CANCELLED = "cancelled", _("已撤回")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="training_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_requests")
    message = models.TextField(_("申请说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    session_start = models.DateTimeField(_("培训开始"), null=True, blank=True)
    session_end = models.DateTimeField(_("培训结束"), null=True, blank=True)
    session_location = models.CharField(_("培训地点"), max_length=200, blank=True)
    manager_note = models.CharField(_("管理员说明"), max_length=300, blank=True)
    qualification_expires_at = models.DateTimeField(_("资格有效期至"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    granted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    OPEN = ("requested", "scheduled")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("培训申请")
        verbose_name_plural = _("培训申请")
        indexes = [models.Index(fields=["instrument", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "user"],
                condition=Q(status__in=("requested", "scheduled")),
                name="uniq_open_training_request",
            ),
            models.CheckConstraint(
                name="training_session_ordered",
                condition=Q(session_start__isnull=True)
                | Q(session_end__isnull=True)
                | Q(session_end__gt=models.F("session_start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.instrument}"

    def permission_target(self) -> Target:
        return Target(
            province_code=self.instrument.province.code, organization_id=self.instrument.owner_id, user_id=self.user_id
        )


class ProblemReport(TimeStampedModel):
    """A fault reported by someone who used the instrument (NEMO's tool problems)."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("轻微，不影响使用")
        MAJOR = "major", _("影响使用")
        CRITICAL = "critical", _("无法使用")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACKNOWLEDGED = "acknowledged", _("处理中")
        RESOLVED = "resolved", _("已解决")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="problems")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("问题摘要"), max_length=120)
    description = models.TextField(_("详细描述"), blank=True)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, default=Severity.MAJOR)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(_("处理结果"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("故障报告")
        verbose_name_plural = _("故障报告")
        indexes = [models.Index(fields=["instrument", "status"])]

    def __str__(self) -> str:
        return f"{self.instrument}: {self.title}"

    def permission_target(self) -> Target:
        return Target(
            province_code=self.instrument.province.code,
            organization_id=self.instrument.owner_id,
            user_id=self.reporter_id,
        )
