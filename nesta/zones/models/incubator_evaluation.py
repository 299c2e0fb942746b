"""The incubators' evaluation on core.evaluation's engine: the office's schemes, their runs and each
incubator's result."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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


class IncubatorScheme(models.Model):
    """The office's evaluation scheme for incubators of a year (one cohort: every kind together, or
    one kind), on the same engine and with the same recommendation rules as the bases'."""

    year = models.PositiveSmallIntegerField(_("评估年度"))
    kind = models.CharField(_("孵化器类型"), max_length=16, choices=IncubatorKind.choices, blank=True)  # blank: all
    name = models.CharField(_("方案名称"), max_length=120)
    top_share = models.DecimalField(_("优秀比例"), max_digits=4, decimal_places=3, default=0.2)
    bottom_share = models.DecimalField(_("整改比例"), max_digits=4, decimal_places=3, default=0.1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

    def __str__(self) -> str:
        return self.name


class IncubatorCriterion(models.Model):
    scheme = models.ForeignKey(IncubatorScheme, on_delete=models.CASCADE, related_name="criteria")
    indicator = models.CharField(_("指标"), max_length=40)  # a key of zones.incubator_indicators.BY_KEY
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=3)
    normalisation = models.CharField(
        _("标准化方法"), max_length=14, choices=Normalisation.choices, default=Normalisation.MINMAX
    )
    higher_is_better = models.BooleanField(_("越大越好"), default=True)
    minimum = models.DecimalField(_("最低要求"), null=True, blank=True, max_digits=18, decimal_places=2)
    # a provincial incubator reaching every threshold set is recommended for national recognition
    national_threshold = models.DecimalField(_("国家级门槛"), null=True, blank=True, max_digits=18, decimal_places=2)
    cap = models.DecimalField(_("比值上限"), null=True, blank=True, max_digits=6, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "sort_order", "id"]
        verbose_name = _("孵化器评估指标")
        verbose_name_plural = _("孵化器评估指标")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="incubator_criterion_once"),
            models.CheckConstraint(name="incubator_criterion_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} × {self.weight}"


class IncubatorRun(models.Model):
    scheme = models.ForeignKey(IncubatorScheme, on_delete=models.CASCADE, related_name="runs")
    ran_at = models.DateTimeField(_("运行时间"), auto_now_add=True)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    criteria_snapshot = models.JSONField(default=list)
    incubator_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = _("孵化器评估运行")
        verbose_name_plural = _("孵化器评估运行")

    def __str__(self) -> str:
        return f"{self.scheme} @ {self.ran_at:%Y-%m-%d %H:%M}"


class IncubatorResult(models.Model):
    run = models.ForeignKey(IncubatorRun, on_delete=models.CASCADE, related_name="results")
    incubator = models.ForeignKey(Incubator, on_delete=models.PROTECT, related_name="evaluation_results")
    score = models.FloatField(_("得分"))
    rank = models.PositiveIntegerField(_("排名"))
    cohort_size = models.PositiveIntegerField()
    recommendation = models.CharField(_("建议"), max_length=10, choices=Recommendation.choices)
    reasons = models.JSONField(default=list)
    sensitivity = models.JSONField(default=list)
    grounds = models.JSONField(default=list)

    class Meta:
        ordering = ["run", "rank", "incubator_id"]
        verbose_name = _("孵化器评估结果")
        verbose_name_plural = _("孵化器评估结果")
        constraints = [models.UniqueConstraint(fields=["run", "incubator"], name="incubator_result_once_per_run")]

    def __str__(self) -> str:
        return f"{self.incubator_id}: {self.score:.4f} #{self.rank}"
