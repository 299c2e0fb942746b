"""Incubators (创业中心, 大学科技园, 海外学子创业园 and others) and their tenant firms (their annual
reports are in incubator_reports, their evaluation in incubator_evaluation).

The incubator itself is a directory organisation (kind incubator or university_science_park); the
record adds its kind, zone, space and services. Tenant firms are records of their own (most are too
small to be in the directory); one that is links to its organisation."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.models import TaxonomyNode
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.zones.models.zones import MONEY, ZONE_CHOICES


class IncubatorKind(models.TextChoices):
    BUSINESS_CENTER = "business_center", _("创业中心")
    SCIENCE_PARK = "science_park", _("大学科技园")
    RETURNEE_PARK = "returnee_park", _("海外学子创业园")
    OTHER = "other", _("其他孵化器")


class IncubatorLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")


class Incubator(models.Model):
    organization = models.OneToOneField(
        Organization, verbose_name=_("孵化器"), on_delete=models.PROTECT, related_name="incubator"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=IncubatorKind.choices)
    level = models.CharField(
        _("级别"), max_length=10, choices=IncubatorLevel.choices, default=IncubatorLevel.PROVINCIAL
    )
    zone = models.ForeignKey(
        Organization,
        verbose_name=_("所在高新区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="zone_incubators",
        limit_choices_to=ZONE_CHOICES,
    )
    # a 大学科技园's university, a returnee park's sponsor (optional for the others)
    host = models.ForeignKey(
        Organization,
        verbose_name=_("依托单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_incubators",
    )
    established_on = models.DateField(_("认定日期"))
    space_m2 = models.PositiveIntegerField(_("孵化场地面积(平方米)"))
    services = models.JSONField(_("服务内容"), default=list)  # keys of services.SERVICES
    is_active = models.BooleanField(_("运营中"), default=True)
    # a 海外学子创业园's or a science park's director, the incubator's contact for the office
    manager_name = models.CharField(_("负责人"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("孵化器")
        verbose_name_plural = _("孵化器")
        indexes = [models.Index(fields=["kind", "zone"])]
        constraints = [
            models.CheckConstraint(
                name="incubator_established_in_range",
                condition=Q(established_on__gte="1980-01-01") & Q(established_on__lte="2100-12-31"),
            ),
            models.CheckConstraint(name="incubator_space_bounded", condition=Q(space_m2__lte=10_000_000)),
        ]

    def __str__(self) -> str:
        return self.organization.name

    def get_absolute_url(self) -> str:
        return reverse("zones:incubator", args=[self.pk])

    def permission_target(self) -> Target:
        # The incubator's own people fill in its tenants and reports; its province checks them.
        return Target(province_code=self.organization.province.code, organization_id=self.organization_id)


class Tenant(models.Model):
    incubator = models.ForeignKey(Incubator, on_delete=models.PROTECT, related_name="tenants")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("目录机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tenancies",
    )
    name = models.CharField(_("企业名称"), max_length=120)
    founded_on = models.DateField(_("成立日期"))
    field = models.ForeignKey(
        TaxonomyNode, verbose_name=_("技术领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_private_tech = models.BooleanField(_("民营科技企业"), default=False)
    employees = models.PositiveIntegerField(_("从业人员"), default=0)
    revenue = models.DecimalField(_("上年营业收入(元)"), default=0, **MONEY)
    space_m2 = models.PositiveIntegerField(_("使用面积(平方米)"), default=0)
    entered_on = models.DateField(_("入孵日期"))
    graduated_on = models.DateField(_("毕业日期"), null=True, blank=True)
    left_on = models.DateField(_("退出日期"), null=True, blank=True)  # left without graduating
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["incubator_id", "-entered_on", "id"]
        verbose_name = _("在孵企业")
        verbose_name_plural = _("在孵企业")
        indexes = [models.Index(fields=["incubator", "graduated_on"]), models.Index(fields=["incubator", "entered_on"])]
        constraints = [
            models.CheckConstraint(
                name="tenant_dates_ordered",
                condition=Q(founded_on__gte="1950-01-01")
                & Q(entered_on__lte="2100-12-31")
                & (Q(graduated_on__isnull=True) | Q(graduated_on__gte=models.F("entered_on")))
                & (Q(left_on__isnull=True) | Q(left_on__gte=models.F("entered_on"))),
            ),
            models.CheckConstraint(
                name="tenant_graduated_or_left", condition=Q(graduated_on__isnull=True) | Q(left_on__isnull=True)
            ),
            models.CheckConstraint(name="tenant_revenue_not_negative", condition=Q(revenue__gte=0)),
        ]

    def __str__(self) -> str:
        return self.name

    def permission_target(self) -> Target:
        return self.incubator.permission_target()
