"""Abstract models of an evaluation (no tables of their own): an app's scheme, its criteria, its
runs and their results take these fields and add what is theirs — the scheme's cohort (a base
type, an incubator kind), the keys to the concrete scheme, run and subject, and the labels the
app words its own way (an app's field overrides the one here; the tables do not change).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeBase(models.Model):
    year = models.PositiveSmallIntegerField(_("评估年度"))
    name = models.CharField(_("方案名称"), max_length=120)
    # shares of the cohort's ranked subjects: the top share is recommended for 重点支持, the bottom for 整改
    top_share = models.DecimalField(_("重点支持比例"), max_digits=4, decimal_places=3, default=0.2)
    bottom_share = models.DecimalField(_("整改比例"), max_digits=4, decimal_places=3, default=0.1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class CriterionBase(models.Model):
    """One criterion of a scheme; the app adds `scheme` and its `normalisation` (choices in its words)."""

    indicator = models.CharField(_("指标"), max_length=40)  # a key of the app's indicator catalogue
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=3)
    higher_is_better = models.BooleanField(_("越大越好"), default=True)
    minimum = models.DecimalField(_("最低要求"), null=True, blank=True, max_digits=18, decimal_places=2)
    # a provincial subject reaching every threshold set is recommended for promotion
    national_threshold = models.DecimalField(_("国家级门槛"), null=True, blank=True, max_digits=18, decimal_places=2)
    cap = models.DecimalField(_("比值上限"), null=True, blank=True, max_digits=6, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.indicator} × {self.weight}"


class RunBase(models.Model):
    """One run of a scheme; the app adds `scheme` and its count of subjects."""

    ran_at = models.DateTimeField(_("运行时间"), auto_now_add=True)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the criteria as they were when it ran (a scheme edited later does not rewrite old results)
    criteria_snapshot = models.JSONField(default=list)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.scheme} @ {self.ran_at:%Y-%m-%d %H:%M}"  # type: ignore[attr-defined]  # the app's key


class ResultBase(models.Model):
    """One subject's frozen result; the app adds `run`, its subject, `rank` and `recommendation`
    (choices in its words) and how it keeps the reasons."""

    score = models.FloatField(_("得分"))
    cohort_size = models.PositiveIntegerField()
    # why the recommendation: "top_share", "national_thresholds", "below_minimum:<key>", "bottom_share"
    grounds = models.JSONField(default=list)

    class Meta:
        abstract = True
