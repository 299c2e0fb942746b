"""Programmes the seed names, the funding plan of 四.2 and its budget lines.

Committed, paid and remaining money are never stored: they are derived from the awards,
payments and subsidy instalments (selectors/budget.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Platform, Region, TaxonomyNode


class Programme(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("计划名称"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    summary = models.TextField(_("简介"), blank=True)
    seed_section = models.CharField(_("方案条目"), max_length=20, blank=True)
    platform = models.ForeignKey(Platform, null=True, blank=True, on_delete=models.PROTECT)
    fields = models.ManyToManyField(TaxonomyNode, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("科技计划")
        verbose_name_plural = _("科技计划")

    def __str__(self) -> str:
        return self.name


class FundingPlanLine(models.Model):
    """Planned money for one year (optionally per programme and province), in 元.

    四.2: keep the average of about 4亿元 a year of the first three years of the 10th
    Five-Year Plan, and add about 5亿元 over the next five years.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT)
    province = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    # a priority area of 三.2 (a top-level taxonomy node); null = every area
    field = models.ForeignKey(
        TaxonomyNode, verbose_name=_("重点领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    baseline_amount = models.DecimalField(_("保持支持力度(元)"), max_digits=16, decimal_places=2)
    additional_amount = models.DecimalField(_("新增投入(元)"), max_digits=16, decimal_places=2, default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["year", "id"]
        verbose_name = _("经费计划")
        verbose_name_plural = _("经费计划")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "programme", "province", "field"],
                name="uniq_funding_line_v2",
            ),
            models.CheckConstraint(
                name="funding_line_nonnegative",
                condition=models.Q(baseline_amount__gte=0) & models.Q(additional_amount__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}"

    @property
    def total(self):
        return self.baseline_amount + self.additional_amount
