"""A base's annual indicator report: filled in by the host organisation, checked by its province,
accepted by the office (lifecycles/report.py, core.annual_report). Typed figures are columns (bounded, aggregable);
derived figures are computed from the platform's records and frozen when the report is submitted."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.bases.indicators import DERIVED, TYPED
from nesta.bases.models.bases import Base
from nesta.core.annual_report.models import AnnualReport, AnnualReportStatus
from nesta.core.permissions import Target

MONEY = {"max_digits": 16, "decimal_places": 2}  # up to 99,999,999,999,999.99 元
# Typed counts above this are refused by the services (a base with ten million papers is a typo).
COUNT_MAX = 10_000_000


ReportStatus = AnnualReportStatus  # the workflow's states (core.annual_report)


class BaseReport(AnnualReport):
    """One year's report of a base: the typed figures, and the derived ones (the year, the
    workflow's state, note and stamps, the summary and the creator: AnnualReport)."""

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="reports")

    # typed figures (indicators.TYPED)
    rd_spend = models.DecimalField(_("研发投入(元)"), default=0, **MONEY)
    fixed_staff = models.PositiveIntegerField(_("固定人员"), default=0)
    senior_staff = models.PositiveIntegerField(_("高级职称人员"), default=0)
    doctorate_staff = models.PositiveIntegerField(_("博士学位人员"), default=0)
    projects = models.PositiveIntegerField(_("承担项目"), default=0)
    funding_national = models.DecimalField(_("国家经费(元)"), default=0, **MONEY)
    funding_local = models.DecimalField(_("地方经费(元)"), default=0, **MONEY)
    funding_enterprise = models.DecimalField(_("企业经费(元)"), default=0, **MONEY)
    funding_other = models.DecimalField(_("其他经费(元)"), default=0, **MONEY)
    patents_applied = models.PositiveIntegerField(_("发明专利申请"), default=0)
    patents_granted = models.PositiveIntegerField(_("发明专利授权"), default=0)
    standards = models.PositiveIntegerField(_("制定标准"), default=0)
    papers = models.PositiveIntegerField(_("发表论文"), default=0)
    transfers = models.PositiveIntegerField(_("成果转化"), default=0)
    transfer_income = models.DecimalField(_("成果转化收入(元)"), default=0, **MONEY)
    open_projects = models.PositiveIntegerField(_("开放课题"), default=0)
    trainees = models.PositiveIntegerField(_("培训人次"), default=0)

    # derived figures (indicators.DERIVED), frozen on submission; None while a draft
    instrument_hours = models.DecimalField(_("仪器共享机时"), null=True, blank=True, max_digits=12, decimal_places=2)
    external_service_hours = models.DecimalField(
        _("对外服务机时"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    contracts = models.PositiveIntegerField(_("技术合同（卖方）"), null=True, blank=True)
    contract_amount = models.DecimalField(_("技术合同成交额(元)"), null=True, blank=True, **MONEY)
    funding_awarded = models.DecimalField(_("计划资助经费(元)"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["-year", "base_id"]
        verbose_name = _("基地年度报告")
        verbose_name_plural = _("基地年度报告")
        constraints = [
            models.UniqueConstraint(fields=["base", "year"], name="base_report_one_per_year"),
            models.CheckConstraint(name="base_report_year_in_range", condition=Q(year__gte=2000) & Q(year__lte=2100)),
            *[
                models.CheckConstraint(name=f"base_report_{i.key}_bounded", condition=Q(**{f"{i.key}__gte": 0}))
                for i in (*TYPED, *DERIVED)
                if i.money
            ],
            models.CheckConstraint(
                name="base_report_staff_consistent",
                condition=Q(senior_staff__lte=models.F("fixed_staff"))
                & Q(doctorate_staff__lte=models.F("fixed_staff")),
            ),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.base} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("bases:report", args=[self.pk])

    def permission_target(self) -> Target:
        return self.base.permission_target()

    @property
    def funding_total(self):
        return self.funding_national + self.funding_local + self.funding_enterprise + self.funding_other

    def derived_missing(self) -> bool:
        return any(getattr(self, i.key) is None for i in DERIVED)
