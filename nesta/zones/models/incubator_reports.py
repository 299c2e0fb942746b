"""An incubator's annual report: filled in by the incubator, checked by its province, accepted by the
office — the same workflow as a base's."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.annual_report.models import AnnualReport, AnnualReportStatus
from nesta.core.permissions import Target
from nesta.zones.models.incubators import Incubator
from nesta.zones.models.zones import MONEY

ReportStatus = AnnualReportStatus  # the workflow's states (core.annual_report)


class IncubatorReport(AnnualReport):
    """One year's report of an incubator: typed figures, and those the tenant records give (derived,
    frozen when it is submitted; the year, the workflow's state and stamps: AnnualReport)."""

    incubator = models.ForeignKey(Incubator, on_delete=models.PROTECT, related_name="reports")

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
