"""The instrument registry (三.1 科技条件平台: 大型科学仪器协作共用体系): categories and instruments."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region, TimeStampedModel
from nesta.core.permissions import Target
from nesta.directory.models import Organization

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
