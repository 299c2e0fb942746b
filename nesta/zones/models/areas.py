"""A zone's request to adjust or enlarge its area (调整和扩大建区面积, lifecycles/areas.py): the zone
asks, its province gives an opinion, the office decides. The history is the audit trail plus the
timestamps and opinions kept on the record."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.zones.models.zones import AREA, ZONE_CHOICES, zone_target


class AreaRequestStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    ENDORSED = "endorsed", _("省级已出具意见")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    RETURNED = "returned", _("退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")


class AreaUse(models.TextChoices):
    INNOVATION = "innovation", _("技术创新")
    INCUBATION = "incubation", _("孵化")
    INDUSTRIALISATION = "industrialisation", _("产业化示范")


class AreaRequest(models.Model):
    zone = models.ForeignKey(
        Organization,
        verbose_name=_("高新区"),
        on_delete=models.PROTECT,
        related_name="area_requests",
        limit_choices_to=ZONE_CHOICES,
    )
    title = models.CharField(_("申请名称"), max_length=200)
    current_area = models.DecimalField(_("现有面积(平方公里)"), **AREA)
    requested_area = models.DecimalField(_("申请调整后面积(平方公里)"), **AREA)
    # the requested area by use (km²); together they are the requested area
    area_innovation = models.DecimalField(_("技术创新用地(平方公里)"), default=0, **AREA)
    area_incubation = models.DecimalField(_("孵化用地(平方公里)"), default=0, **AREA)
    area_industrialisation = models.DecimalField(_("产业化示范用地(平方公里)"), default=0, **AREA)
    location = models.CharField(_("四至范围/位置"), max_length=1000, blank=True)
    justification = models.TextField(_("申请理由"), max_length=8000)
    status = models.CharField(
        _("状态"), max_length=10, choices=AreaRequestStatus.choices, default=AreaRequestStatus.DRAFT
    )
    status_note = models.CharField(_("退回原因"), max_length=1000, blank=True)
    province_supports = models.BooleanField(_("省级是否同意"), null=True, blank=True)
    province_opinion = models.CharField(_("省级意见"), max_length=2000, blank=True)
    decision_note = models.CharField(_("批复意见"), max_length=2000, blank=True)
    approved_area = models.DecimalField(_("批准面积(平方公里)"), null=True, blank=True, **AREA)

    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    endorsed_at = models.DateTimeField(_("省级意见时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("批复时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("调整扩区申请")
        verbose_name_plural = _("调整扩区申请")
        indexes = [models.Index(fields=["status", "zone"])]
        constraints = [
            models.CheckConstraint(
                name="area_request_areas_positive",
                condition=Q(current_area__gte=0)
                & Q(requested_area__gt=0)
                & Q(area_innovation__gte=0)
                & Q(area_incubation__gte=0)
                & Q(area_industrialisation__gte=0),
            ),
            models.CheckConstraint(
                name="area_request_approved_positive", condition=Q(approved_area__isnull=True) | Q(approved_area__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("zones:area_request", args=[self.pk])

    def permission_target(self) -> Target:
        return zone_target(self.zone)

    @property
    def change(self):
        return self.requested_area - self.current_area
