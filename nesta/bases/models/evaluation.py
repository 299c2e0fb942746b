"""The office's evaluation schemes (per base type and year) and their runs' results.

A scheme names its criteria (an indicator, weight, normalisation, direction, minimum and — for
选择晋升 — the national threshold a provincial base must reach); a run freezes every base's score,
ranks, recommendation and the reasons behind it, so last year's recommendations read the same
after this year's figures change. The arithmetic is core.evaluation's (docs/evaluation.md).
"""

from typing import Any

import numpy as np
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.bases.models.bases import Base, BaseType


class Normalisation(models.TextChoices):
    MINMAX = "minmax", _("极差标准化（类型内）")
    ZSCORE = "zscore", _("Z分数")
    MEDIAN_RATIO = "median_ratio", _("与中位数之比")


class Recommendation(models.TextChoices):
    SUPPORT = "support", _("重点支持")
    PROMOTE = "promote", _("选择晋升")
    RECTIFY = "rectify", _("整改")
    NONE = "none", _("保持")


class EvaluationScheme(models.Model):
    base_type = models.CharField(_("基地类型"), max_length=20, choices=BaseType.choices)
    year = models.PositiveSmallIntegerField(_("评估年度"))
    name = models.CharField(_("方案名称"), max_length=120)
    # shares of each type's ranked bases: the top share is recommended for 重点支持, the bottom for 整改
    top_share = models.DecimalField(_("重点支持比例"), max_digits=4, decimal_places=3, default=0.2)
    bottom_share = models.DecimalField(_("整改比例"), max_digits=4, decimal_places=3, default=0.1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "base_type"]
        verbose_name = _("评估方案")
        verbose_name_plural = _("评估方案")
        constraints = [
            models.UniqueConstraint(fields=["base_type", "year", "name"], name="evaluation_scheme_unique_name"),
            models.CheckConstraint(
                name="evaluation_scheme_year_in_range", condition=Q(year__gte=2000) & Q(year__lte=2100)
            ),
            models.CheckConstraint(
                name="evaluation_scheme_shares_in_range",
                condition=Q(top_share__gte=0) & Q(bottom_share__gte=0) & Q(top_share__lte=1) & Q(bottom_share__lte=1),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SchemeCriterion(models.Model):
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="criteria")
    indicator = models.CharField(_("指标"), max_length=40)  # a key of bases.indicators.ALL
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=3)
    normalisation = models.CharField(
        _("标准化方法"), max_length=14, choices=Normalisation.choices, default=Normalisation.MINMAX
    )
    higher_is_better = models.BooleanField(_("越大越好"), default=True)
    minimum = models.DecimalField(_("最低要求"), null=True, blank=True, max_digits=18, decimal_places=2)
    national_threshold = models.DecimalField(_("国家级门槛"), null=True, blank=True, max_digits=18, decimal_places=2)
    cap = models.DecimalField(_("比值上限"), null=True, blank=True, max_digits=6, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "sort_order", "id"]
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="scheme_criterion_once"),
            models.CheckConstraint(name="scheme_criterion_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} × {self.weight}"


class EvaluationRun(models.Model):
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="runs")
    ran_at = models.DateTimeField(_("运行时间"), auto_now_add=True)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the criteria as they were when it ran (a scheme edited later does not rewrite old results)
    criteria_snapshot = models.JSONField(default=list)
    base_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = _("评估运行")
        verbose_name_plural = _("评估运行")

    def __str__(self) -> str:
        return f"{self.scheme} @ {self.ran_at:%Y-%m-%d %H:%M}"


class EvaluationResult(models.Model):
    # Both keys are checked by the database (a result never outlives its run or names a missing
    # base, whatever writes the rows); the unique (run, base) index serves every lookup by run, so
    # run has no index of its own.
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="results", db_index=False)
    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="evaluation_results")
    score = models.FloatField(_("得分"))
    rank = models.PositiveIntegerField(_("类型内排名"))
    cohort_size = models.PositiveIntegerField()
    field_rank = models.PositiveIntegerField(_("领域内排名"), null=True)
    field_size = models.PositiveIntegerField(null=True)
    recommendation = models.CharField(_("建议"), max_length=10, choices=Recommendation.choices)
    # what produced the score and how it moves: the criteria's raw values, normalised values and
    # ±10 % ranks packed as arrays (see pack_traces); read as `reasons` and `sensitivity`
    trace = models.BinaryField(default=b"")
    # why the recommendation: "top_share", "national_thresholds", "below_minimum:<key>", "bottom_share"
    grounds = models.JSONField(default=list)

    class Meta:
        ordering = ["run", "rank", "base_id"]
        verbose_name = _("评估结果")
        verbose_name_plural = _("评估结果")
        constraints = [models.UniqueConstraint(fields=["run", "base"], name="evaluation_result_once_per_run")]

    def __str__(self) -> str:
        return f"{self.base_id}: {self.score:.4f} #{self.rank}"

    @property
    def reasons(self) -> list[dict[str, Any]]:
        """[{indicator, value, normalised, weight, contribution, missing}] in the criteria's order:
        the weight is the criterion's share of the total, contribution = normalised × weight."""
        keys, shares = run_keys_and_shares(self.run)
        values, norm, _, _ = unpack_trace(self.trace, len(keys))
        if not values.size:
            return []
        out = []
        for key, value, normalised, share in zip(keys, values.tolist(), norm.tolist(), shares, strict=True):
            missing = value != value  # NaN: not reported
            out.append(
                {
                    "indicator": key,
                    "value": None if missing else value,
                    "normalised": round(normalised, 6),
                    "weight": round(share, 6),
                    "contribution": round(normalised * share, 6),
                    "missing": missing,
                }
            )
        return out

    @property
    def sensitivity(self) -> list[dict[str, Any]]:
        """[{indicator, rank_if_lower, rank_if_higher}]: the rank if that weight moved by ±10 %."""
        keys, _ = run_keys_and_shares(self.run)
        _, _, lower, higher = unpack_trace(self.trace, len(keys))
        if not lower.size:
            return []
        return [
            {"indicator": k, "rank_if_lower": lo, "rank_if_higher": hi}
            for k, lo, hi in zip(keys, lower.tolist(), higher.tolist(), strict=True)
        ]


# --- the packed trace ------------------------------------------------------------------------------
#
# A result's trace is one version byte and then, for the m criteria of its run's snapshot (in that
# order), four little-endian arrays: values float64[m] (NaN = not reported), normalised float64[m]
# (as the engine computed it, unrounded), rank_if_lower int32[m], rank_if_higher int32[m] — 24 m + 1
# bytes. Packing a whole run is a few numpy copies, where JSON lists of dicts cost ~0.1 ms a result;
# reading it back gives exactly the numbers the engine produced. The weights' shares are stored once
# per run, as "share" in each criterion of EvaluationRun.criteria_snapshot.

TRACE_VERSION = 1
_F8, _I4 = np.dtype("<f8"), np.dtype("<i4")


def pack_traces(raw: np.ndarray, norm: np.ndarray, lower: np.ndarray, higher: np.ndarray) -> list[bytes]:
    """One trace per row of raw/norm/lower/higher (each [subject, criterion])."""
    n, m = raw.shape
    row = np.empty((n, 1 + 24 * m), dtype=np.uint8)
    row[:, 0] = TRACE_VERSION
    for k, (part, dtype) in enumerate(((raw, _F8), (norm, _F8))):
        row[:, 1 + 8 * m * k : 1 + 8 * m * (k + 1)] = np.ascontiguousarray(part, dtype=dtype).view(np.uint8)
    for k, part in enumerate((lower, higher)):
        start = 1 + 16 * m + 4 * m * k
        row[:, start : start + 4 * m] = np.ascontiguousarray(part, dtype=_I4).view(np.uint8)
    data, width = row.tobytes(), row.shape[1]
    return [data[i * width : (i + 1) * width] for i in range(n)]


def unpack_trace(blob: Any, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """values, normalised, rank_if_lower, rank_if_higher — each of length m (empty when no trace)."""
    data = bytes(blob or b"")
    if not data:
        empty = np.empty(0)
        return empty, empty, empty.astype(np.int32), empty.astype(np.int32)
    if data[0] != TRACE_VERSION or len(data) != 1 + 24 * m:
        raise ValueError(f"a trace of {len(data)} bytes (version {data[0]}) does not fit {m} criteria")
    floats = np.frombuffer(data, dtype=_F8, count=2 * m, offset=1)
    ints = np.frombuffer(data, dtype=_I4, count=2 * m, offset=1 + 16 * m)
    return floats[:m], floats[m:], ints[:m], ints[m:]


def run_keys_and_shares(run: EvaluationRun) -> tuple[list[str], list[float]]:
    """The run's criteria keys and weight shares, read once per run object (a page of 2,500 results
    shares one run)."""
    cached = getattr(run, "_keys_and_shares", None)
    if cached is None:
        snapshot = run.criteria_snapshot or []
        keys = [c["indicator"] for c in snapshot]
        if all("share" in c for c in snapshot):
            shares = [float(c["share"]) for c in snapshot]
        else:  # a snapshot from before the shares were stored
            weights = np.array([float(c["weight"]) for c in snapshot])
            shares = (weights / weights.sum()).tolist() if snapshot else []
        cached = (keys, shares)
        run.__dict__["_keys_and_shares"] = cached
    return cached
