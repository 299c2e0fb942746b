"""A zone's figures for one year (filled in by its management committee or the province) and the
office's second-venture targets (二次创业目标) that its progress is measured against.

The zone itself is the directory's organisation of kind high_tech_zone (reference data: the seven
zones of 三.3); these records add what the office steers by."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import Target
from nesta.directory.models import Organization, OrganizationKind
from nesta.zones.indicators import INDICATORS

MONEY = {"max_digits": 18, "decimal_places": 2}  # up to 9,999,999,999,999,999.99 元 (营业收入 of a zone: 10^12)
AREA = {"max_digits": 9, "decimal_places": 2}  # km², up to 9,999,999.99
COUNT_MAX = 100_000_000  # a zone with more than 10^8 firms or staff is a typo
YEAR_RANGE = Q(year__gte=1988) & Q(year__lte=2100)  # the first national zone (中关村) dates from 1988
ZONE_CHOICES = {"kind": OrganizationKind.HIGH_TECH_ZONE}


def zone_target(zone: Organization) -> Target:
    # The zone's management committee (管委会, the zone organisation's people) and its province.
    return Target(province_code=zone.province.code, organization_id=zone.pk)


class ZoneYear(models.Model):
    zone = models.ForeignKey(
        Organization,
        verbose_name=_("高新区"),
        on_delete=models.PROTECT,
        related_name="zone_years",
        limit_choices_to=ZONE_CHOICES,
    )
    year = models.PositiveSmallIntegerField(_("年度"))

    planned_area = models.DecimalField(_("规划面积(平方公里)"), default=0, **AREA)
    built_area = models.DecimalField(_("建成面积(平方公里)"), default=0, **AREA)
    enterprises = models.PositiveIntegerField(_("入区企业"), default=0)
    high_tech_enterprises = models.PositiveIntegerField(_("高新技术企业"), default=0)
    private_tech_enterprises = models.PositiveIntegerField(_("民营科技企业"), default=0)
    revenue = models.DecimalField(_("营业收入(元)"), default=0, **MONEY)
    industrial_output = models.DecimalField(_("工业总产值(元)"), default=0, **MONEY)
    net_profit = models.DecimalField(_("净利润(元)"), default=0, **MONEY)  # may be negative
    taxes = models.DecimalField(_("上缴税额(元)"), default=0, **MONEY)
    exports_usd = models.DecimalField(_("出口创汇(美元)"), default=0, **MONEY)
    employees = models.PositiveIntegerField(_("年末从业人员"), default=0)
    rd_staff = models.PositiveIntegerField(_("研发人员"), default=0)
    rd_spend = models.DecimalField(_("研发经费支出(元)"), default=0, **MONEY)
    invention_patents = models.PositiveIntegerField(_("发明专利授权"), default=0)
    incubators = models.PositiveIntegerField(_("孵化器"), default=0)
    incubator_tenants = models.PositiveIntegerField(_("在孵企业"), default=0)
    incubator_graduates = models.PositiveIntegerField(_("当年毕业企业"), default=0)

    note = models.CharField(_("说明"), max_length=1000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["zone_id", "year"]
        verbose_name = _("高新区年度指标")
        verbose_name_plural = _("高新区年度指标")
        constraints = [
            models.UniqueConstraint(fields=["zone", "year"], name="zone_year_once"),
            models.CheckConstraint(name="zone_year_year_in_range", condition=YEAR_RANGE),
            *[
                models.CheckConstraint(name=f"zone_year_{i.key}_not_negative", condition=Q(**{f"{i.key}__gte": 0}))
                for i in INDICATORS
                if (i.money or i.decimals) and not i.signed
            ],
            models.CheckConstraint(
                name="zone_year_built_within_planned", condition=Q(built_area__lte=models.F("planned_area"))
            ),
            models.CheckConstraint(
                name="zone_year_firms_consistent",
                condition=Q(high_tech_enterprises__lte=models.F("enterprises"))
                & Q(private_tech_enterprises__lte=models.F("enterprises")),
            ),
            models.CheckConstraint(
                name="zone_year_rd_staff_within_employees", condition=Q(rd_staff__lte=models.F("employees"))
            ),
        ]
        indexes = [models.Index(fields=["year", "zone"])]

    def __str__(self) -> str:
        return f"{self.zone} {self.year}"

    def permission_target(self) -> Target:
        return zone_target(self.zone)


class ZoneTarget(models.Model):
    """The office's target for one indicator of one zone by a year, from a baseline year's figure."""

    zone = models.ForeignKey(
        Organization,
        verbose_name=_("高新区"),
        on_delete=models.PROTECT,
        related_name="zone_targets",
        limit_choices_to=ZONE_CHOICES,
    )
    indicator = models.CharField(_("指标"), max_length=40)  # a key of zones.indicators.BY_KEY
    baseline_year = models.PositiveSmallIntegerField(_("基期年度"))
    # the baseline figure as set (the ZoneYear of that year, copied when the target is set, so a
    # later correction of that year's figures does not silently move the goalposts)
    baseline_value = models.DecimalField(_("基期值"), **MONEY)
    target_year = models.PositiveSmallIntegerField(_("目标年度"))
    target_value = models.DecimalField(_("目标值"), **MONEY)
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["zone_id", "target_year", "indicator"]
        verbose_name = _("二次创业目标")
        verbose_name_plural = _("二次创业目标")
        constraints = [
            models.UniqueConstraint(fields=["zone", "indicator", "target_year"], name="zone_target_once"),
            models.CheckConstraint(
                name="zone_target_years_ordered",
                condition=Q(baseline_year__gte=1988)
                & Q(target_year__gt=models.F("baseline_year"))
                & Q(target_year__lte=2100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.indicator} {self.target_year}"

    def permission_target(self) -> Target:
        return zone_target(self.zone)
