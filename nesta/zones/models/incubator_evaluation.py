"""The incubators' evaluation on core.evaluation's engine: the office's schemes, their runs and each
incubator's result — core.evaluation.models' fields with the incubators' cohort, subject and words."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.core.evaluation.models import CriterionBase, ResultBase, RunBase, SchemeBase
from nesta.zones.models.incubators import Incubator, IncubatorKind


class Normalisation(models.TextChoices):  # core.evaluation.NORMALISATIONS
    MINMAX = "minmax", _("极差标准化（同类内）")
    ZSCORE = "zscore", _("Z分数")
    MEDIAN_RATIO = "median_ratio", _("与中位数之比")


class Recommendation(models.TextChoices):
    SUPPORT = "support", _("重点支持")
    PROMOTE = "promote", _("推荐认定国家级")
    RECTIFY = "rectify", _("整改")
    NONE = "none", _("保持")


class IncubatorScheme(SchemeBase):
    """The office's evaluation scheme for incubators of a year (one cohort: every kind together, or
    one kind), on the same engine and with the same recommendation rules as the bases'."""

    kind = models.CharField(_("孵化器类型"), max_length=16, choices=IncubatorKind.choices, blank=True)  # blank: all
    top_share = models.DecimalField(_("优秀比例"), max_digits=4, decimal_places=3, default=0.2)

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("孵化器评估方案")
        verbose_name_plural = _("孵化器评估方案")
        constraints = [
            models.UniqueConstraint(fields=["year", "kind", "name"], name="incubator_scheme_unique_name"),
            models.CheckConstraint(
                name="incubator_scheme_year_in_range", condition=Q(year__gte=2000) & Q(year__lte=2100)
            ),
            models.CheckConstraint(
                name="incubator_scheme_shares_in_range",
                condition=Q(top_share__gte=0) & Q(bottom_share__gte=0) & Q(top_share__lte=1) & Q(bottom_share__lte=1),
            ),
        ]


class IncubatorCriterion(CriterionBase):
    scheme = models.ForeignKey(IncubatorScheme, on_delete=models.CASCADE, related_name="criteria")
    normalisation = models.CharField(
        _("标准化方法"), max_length=14, choices=Normalisation.choices, default=Normalisation.MINMAX
    )

    class Meta:
        ordering = ["scheme", "sort_order", "id"]
        verbose_name = _("孵化器评估指标")
        verbose_name_plural = _("孵化器评估指标")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="incubator_criterion_once"),
            models.CheckConstraint(name="incubator_criterion_weight_positive", condition=Q(weight__gt=0)),
        ]


class IncubatorRun(RunBase):
    scheme = models.ForeignKey(IncubatorScheme, on_delete=models.CASCADE, related_name="runs")
    incubator_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = _("孵化器评估运行")
        verbose_name_plural = _("孵化器评估运行")


class IncubatorResult(ResultBase):
    run = models.ForeignKey(IncubatorRun, on_delete=models.CASCADE, related_name="results")
    incubator = models.ForeignKey(Incubator, on_delete=models.PROTECT, related_name="evaluation_results")
    rank = models.PositiveIntegerField(_("排名"))
    recommendation = models.CharField(_("建议"), max_length=10, choices=Recommendation.choices)
    reasons = models.JSONField(default=list)
    sensitivity = models.JSONField(default=list)

    class Meta:
        ordering = ["run", "rank", "incubator_id"]
        verbose_name = _("孵化器评估结果")
        verbose_name_plural = _("孵化器评估结果")
        constraints = [models.UniqueConstraint(fields=["run", "incubator"], name="incubator_result_once_per_run")]

    def __str__(self) -> str:
        return f"{self.incubator_id}: {self.score:.4f} #{self.rank}"
