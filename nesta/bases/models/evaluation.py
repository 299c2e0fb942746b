"""The office's evaluation schemes (per base type and year) and their runs' results.

A scheme names its criteria (an indicator, weight, normalisation, direction, minimum and — for
选择晋升 — the national threshold a provincial base must reach); a run freezes every base's score,
ranks, recommendation and the reasons behind it, so last year's recommendations read the same
after this year's figures change. The arithmetic is core.evaluation's (docs/evaluation.md).
"""

from typing import Any

import numpy as np
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.bases.models.bases import Base, BaseType
from nesta.core.evaluation.models import CriterionBase, ResultBase, RunBase, SchemeBase


class Normalisation(models.TextChoices):
    MINMAX = "minmax", _("极差标准化（类型内）")
    ZSCORE = "zscore", _("Z分数")
    MEDIAN_RATIO = "median_ratio", _("与中位数之比")


class Recommendation(models.TextChoices):  # the values of core.evaluation.rules
    SUPPORT = "support", _("重点支持")
    PROMOTE = "promote", _("选择晋升")
    RECTIFY = "rectify", _("整改")
    NONE = "none", _("保持")


class EvaluationScheme(SchemeBase):
    base_type = models.CharField(_("基地类型"), max_length=20, choices=BaseType.choices)

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


class SchemeCriterion(CriterionBase):
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="criteria")
    normalisation = models.CharField(
        _("标准化方法"), max_length=14, choices=Normalisation.choices, default=Normalisation.MINMAX
    )

    class Meta:
        ordering = ["scheme", "sort_order", "id"]
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="scheme_criterion_once"),
            models.CheckConstraint(name="scheme_criterion_weight_positive", condition=Q(weight__gt=0)),
        ]


class EvaluationRun(RunBase):
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="runs")
    base_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = _("评估运行")
        verbose_name_plural = _("评估运行")


class EvaluationResult(ResultBase):
    # Both keys are checked by the database (a result never outlives its run or names a missing
    # base, whatever writes the rows): by these foreign keys on SQLite, and on PostgreSQL by the
    # statement-level triggers migration 0003 puts in their place — its foreign-key check per row
    # cost a run more than its whole write (2 × 2,500 checks at commit). The unique (run, base)
    # index serves every lookup by run, so run has no index of its own.
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="results", db_index=False)
    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="evaluation_results")
    rank = models.PositiveIntegerField(_("类型内排名"))
    field_rank = models.PositiveIntegerField(_("领域内排名"), null=True)
    field_size = models.PositiveIntegerField(null=True)
    recommendation = models.CharField(_("建议"), max_length=10, choices=Recommendation.choices)
    # what produced the score and how it moves: the criteria's raw values, normalised values and
    # ±10 % ranks packed as arrays (see pack_traces); read as `reasons` and `sensitivity`
    trace = models.BinaryField(default=b"")

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
# (as the engine computed it, unrounded), rank_if_lower and rank_if_higher — uint16[m] each in
# version 2 (cohorts up to 65,535: 20 m + 1 bytes), int32[m] in version 1 (larger cohorts, and the
# traces written before version 2: 24 m + 1 bytes). Packing a whole run is a few numpy copies, where
# JSON lists of dicts cost ~0.1 ms a result; reading it back gives exactly the numbers the engine
# produced. The weights' shares are stored once per run, as "share" in each criterion of
# EvaluationRun.criteria_snapshot.

TRACE_VERSION = 2
_F8 = np.dtype("<f8")
_RANKS = {1: np.dtype("<i4"), 2: np.dtype("<u2")}  # the ranks' type by version
_U2_MAX = int(np.iinfo(np.uint16).max)


def pack_traces(raw: np.ndarray, norm: np.ndarray, lower: np.ndarray, higher: np.ndarray) -> list[bytes]:
    """One trace per row of raw/norm/lower/higher (each [subject, criterion]); 16-bit ranks when
    every rank fits (a rank never exceeds its cohort's size)."""
    n, m = raw.shape
    fits = all(part.size == 0 or (int(part.min()) >= 0 and int(part.max()) <= _U2_MAX) for part in (lower, higher))
    version = TRACE_VERSION if fits else 1
    ranks = _RANKS[version]
    width = ranks.itemsize
    row = np.empty((n, 1 + (16 + 2 * width) * m), dtype=np.uint8)
    row[:, 0] = version
    for k, part in enumerate((raw, norm)):
        row[:, 1 + 8 * m * k : 1 + 8 * m * (k + 1)] = np.ascontiguousarray(part, dtype=_F8).view(np.uint8)
    for k, part in enumerate((lower, higher)):
        start = 1 + 16 * m + width * m * k
        row[:, start : start + width * m] = np.ascontiguousarray(part, dtype=ranks).view(np.uint8)
    data, size = row.tobytes(), row.shape[1]
    return [data[i * size : (i + 1) * size] for i in range(n)]


def unpack_trace(blob: Any, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """values, normalised, rank_if_lower, rank_if_higher — each of length m (empty when no trace);
    reads both versions."""
    data = bytes(blob or b"")
    if not data:
        empty = np.empty(0)
        return empty, empty, empty.astype(np.int32), empty.astype(np.int32)
    ranks = _RANKS.get(data[0])
    if ranks is None or len(data) != 1 + (16 + 2 * ranks.itemsize) * m:
        raise ValueError(f"a trace of {len(data)} bytes (version {data[0]}) does not fit {m} criteria")
    floats = np.frombuffer(data, dtype=_F8, count=2 * m, offset=1)
    ints = np.frombuffer(data, dtype=ranks, count=2 * m, offset=1 + 16 * m)
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
