"""An incubator's annual report: filled in by the incubator, checked by its province, accepted by the
office — the same workflow as a base's."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import Target
from nesta.zones.models.incubators import Incubator
from nesta.zones.models.zones import MONEY


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    CHECKED = "checked", _("省级已审核")
    ACCEPTED = "accepted", _("已采纳")
    RETURNED = "returned", _("退回修改")


class IncubatorReport(models.Model):
    """One year's report of an incubator: typed figures, and those the tenant records give (derived,
    frozen when it is submitted)."""

    incubator = models.ForeignKey(Incubator, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    status_note = models.CharField(_("审核意见"), max_length=1000, blank=True)
    summary = models.TextField(_("年度工作总结"), max_length=8000, blank=True)

    # typed
    space_occupied_m2 = models.PositiveIntegerField(_("在孵企业使用面积(平方米)"), default=0)
    staff = models.PositiveIntegerField(_("管理服务人员"), default=0)
    mentors = models.PositiveIntegerField(_("创业导师"), default=0)
    service_events = models.PositiveIntegerField(_("服务活动(场次)"), default=0)
    investment_raised = models.DecimalField(_("在孵企业获得投融资(元)"), default=0, **MONEY)
    seed_fund = models.DecimalField(_("孵化基金(元)"), default=0, **MONEY)
    tenant_patents = models.PositiveIntegerField(_("在孵企业知识产权授权"), default=0)
    income = models.DecimalField(_("孵化器总收入(元)"), default=0, **MONEY)

    # derived from the tenant records (frozen on submission; None while a draft)
    tenants = models.PositiveIntegerField(_("在孵企业"), null=True, blank=True)
    new_tenants = models.PositiveIntegerField(_("当年新入孵企业"), null=True, blank=True)
    graduates = models.PositiveIntegerField(_("当年毕业企业"), null=True, blank=True)
    tenant_employees = models.PositiveIntegerField(_("在孵企业从业人员"), null=True, blank=True)
    tenant_revenue = models.DecimalField(_("在孵企业营业收入(元)"), null=True, blank=True, **MONEY)
    private_tenants = models.PositiveIntegerField(_("民营科技在孵企业"), null=True, blank=True)
    derived_at = models.DateTimeField(_("派生指标计算时间"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    checked_at = models.DateTimeField(_("省级审核时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("采纳时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "incubator_id"]
        verbose_name = _("孵化器年度报告")
        verbose_name_plural = _("孵化器年度报告")
        indexes = [models.Index(fields=["year", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["incubator", "year"], name="incubator_report_one_per_year"),
            models.CheckConstraint(
                name="incubator_report_year_in_range", condition=Q(year__gte=2000) & Q(year__lte=2100)
            ),
            models.CheckConstraint(
                name="incubator_report_money_not_negative",
                condition=Q(investment_raised__gte=0) & Q(seed_fund__gte=0) & Q(income__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incubator} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("zones:incubator_report", args=[self.pk])

    def permission_target(self) -> Target:
        return self.incubator.permission_target()
