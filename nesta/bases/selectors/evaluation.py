"""Reads of the evaluation: schemes with their criteria, a run's results (restricted: a province
sees its own bases' results), one base's results over the years."""

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Case, DecimalField, F, FloatField, Prefetch, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from nesta.bases.indicators import BY_KEY
from nesta.bases.models import (
    BaseLevel,
    BaseReport,
    BaseStatus,
    EvaluationResult,
    EvaluationRun,
    EvaluationScheme,
    ReportStatus,
    SchemeCriterion,
)
from nesta.core.errors import NotFound
from nesta.core.evaluation.selectors import latest_of_each_scheme
from nesta.core.permissions import require, restrict


def _schemes() -> QuerySet[EvaluationScheme]:
    return EvaluationScheme.objects.prefetch_related(
        Prefetch("criteria", queryset=SchemeCriterion.objects.order_by("sort_order", "id"))
    )


def scheme_list(*, viewer: Any, year: int | None = None, base_type: str | None = None) -> list[EvaluationScheme]:
    require(viewer, "evaluation.view", None)
    qs = _schemes()
    if year:
        qs = qs.filter(year=year)
    if base_type:
        qs = qs.filter(base_type=base_type)
    return list(qs.order_by("-year", "base_type", "id")[:200])


def scheme_get(*, viewer: Any, scheme_id: int) -> EvaluationScheme:
    require(viewer, "evaluation.view", None)
    scheme = _schemes().filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFound(_("未找到该评估方案。"))
    return scheme


def run_results(*, viewer: Any, run_id: int) -> tuple[EvaluationRun, list[EvaluationResult]]:
    """The run and its results the viewer may see, best first."""
    require(viewer, "evaluation.view", None)
    run = EvaluationRun.objects.select_related("scheme").filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("未找到该评估运行。"))
    qs = EvaluationResult.objects.filter(run=run).select_related(
        "base__organization", "base__host__province", "base__field"
    )
    qs = restrict(viewer, "evaluation.view", qs, province_field="base__host__province__code")
    results = list(qs.order_by("rank", "base_id"))
    cache = EvaluationResult._meta.get_field("run")
    for r in results:  # their reasons read the run's snapshot: one run object, no query per result
        cache.set_cached_value(r, run)
    return run, results


def latest_run(*, scheme: EvaluationScheme) -> EvaluationRun | None:
    return scheme.runs.order_by("-ran_at", "-id").first()


def base_history(*, viewer: Any, base_id: int) -> list[EvaluationResult]:
    """One base's results over the years (the latest run of each scheme), oldest first — the trend."""
    qs = EvaluationResult.objects.filter(base_id=base_id)
    return latest_of_each_scheme(restrict(viewer, "evaluation.view", qs, province_field="base__host__province__code"))


# --- the figures a run scores ------------------------------------------------------------------

# The computed indicators (bases.indicators.COMPUTED) on numpy columns: a sum of report fields, or a
# ratio of two rounded to six places (missing where the denominator is 0). tests/bases hold each
# equal to its indicator's own function; an indicator not listed here is computed row by row.
_VECTOR: dict[str, tuple[str, tuple[str, ...]]] = {
    "funding_total": ("sum", ("funding_national", "funding_local", "funding_enterprise", "funding_other")),
    "senior_share": ("per", ("senior_staff", "fixed_staff")),
    "doctorate_share": ("per", ("doctorate_staff", "fixed_staff")),
    "rd_per_staff": ("per", ("rd_spend", "fixed_staff")),
    "papers_per_staff": ("per", ("papers", "fixed_staff")),
    "patents_per_staff": ("per", ("patents_granted", "fixed_staff")),
    "transfers_per_staff": ("per", ("transfers", "fixed_staff")),
    "income_per_staff": ("per", ("transfer_income", "fixed_staff")),
}


@dataclass(frozen=True)
class Figures:
    """One year's accepted reports of one base type as columns, rows by base id."""

    base_ids: list[int]
    fields: np.ndarray  # the bases' priority-area field ids (the engine's groups)
    provincial: list[bool]
    raw: np.ndarray  # [base, indicator] as floats, NaN = not reported

    @property
    def size(self) -> int:
        return len(self.base_ids)


def read_figures(year: int, base_type: str, keys: list[str]) -> Figures:
    """The figures of `keys` for every base of the type (not revoked) with an accepted report of the
    year: one query of value tuples (money cast to float in the database), computed indicators on
    columns."""
    inputs: list[str] = []
    for key in keys:
        if key in _VECTOR:
            names = _VECTOR[key][1]
        else:
            names = () if BY_KEY[key].compute is not None else (key,)
        inputs += [name for name in names if name not in inputs]
    columns = [
        Cast(name, FloatField()) if isinstance(BaseReport._meta.get_field(name), DecimalField) else F(name)
        for name in inputs
    ]
    provincial = Case(When(base__level=BaseLevel.PROVINCIAL, then=Value(1)), default=Value(0))
    query = BaseReport.objects.filter(year=year, status=ReportStatus.ACCEPTED, base__base_type=base_type).exclude(
        base__status=BaseStatus.REVOKED
    )
    table = _float_table(query.order_by("base_id"), [F("pk"), F("base_id"), F("base__field_id"), provincial, *columns])
    n = table.shape[0]
    ids = table[:, :4].astype(np.int64)
    table = table[:, 4:]
    column = {name: table[:, i] for i, name in enumerate(inputs)}
    raw = np.empty((n, len(keys)))
    for j, key in enumerate(keys):
        if key in _VECTOR:
            kind, names = _VECTOR[key]
            computed = _sum(names, column) if kind == "sum" else _ratio(column[names[0]], column[names[1]])
            raw[:, j] = _row_by_row(key, ids[:, 0].tolist()) if computed is None else computed
        elif BY_KEY[key].compute is not None:
            raw[:, j] = _row_by_row(key, ids[:, 0].tolist())
        else:
            raw[:, j] = column[key]
    return Figures(base_ids=ids[:, 1].tolist(), fields=ids[:, 2], provincial=(ids[:, 3] == 1).tolist(), raw=raw)


def _float_table(query: QuerySet[Any], columns: list[Any]) -> np.ndarray:
    """The query's rows of numeric columns as one float matrix, NULL as NaN. Every column is a number,
    so the rows go straight from the driver into the array (the queryset's per-value converters
    cost more than the query at 2,500 rows × 30 columns); on PostgreSQL as a binary COPY read by
    numpy, without a Python float per value."""
    k = len(columns)
    if connection.vendor != "postgresql":
        sql, params = query.values_list(*columns).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return np.array(cursor.fetchall(), dtype=float).reshape(-1, k)
    nan = Value(float("nan"), output_field=FloatField())
    names = {f"c{i}": Coalesce(Cast(c, FloatField()), nan) for i, c in enumerate(columns)}
    sql, params = query.annotate(**names).values_list(*names).query.sql_with_params()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)", params) as copy:
            data = b"".join(bytes(block) for block in copy)
    # PGCOPY: a 19-byte header, then per row an int16 field count and per field an int32 length
    # (8: no NULL after the COALESCE) and a big-endian float8; an int16 -1 trailer
    row = np.dtype([("count", ">i2"), ("fields", [("length", ">i4"), ("value", ">f8")], (k,))])
    body = data[19 : len(data) - 2]
    rows = np.frombuffer(body, dtype=row, count=len(body) // row.itemsize)
    if rows.size and (np.any(rows["count"] != k) or np.any(rows["fields"]["length"] != 8)):
        raise ValueError("unexpected COPY row layout")
    return rows["fields"]["value"].astype(float).reshape(-1, k)


# Sums in whole fen are exact (and so equal to the catalogue's Decimal sums) below this many yuan.
_EXACT_SUM_MAX = 1e12


def _sum(names: tuple[str, ...], column: dict[str, np.ndarray]) -> np.ndarray | None:
    """The catalogue sums Decimals and converts the total to float; summing the figures as integers
    in their smallest unit gives the same float (float additions would differ in the last bits).
    None when a figure is too large for that (the row-by-row path then gives the catalogue's)."""
    places = max(getattr(BaseReport._meta.get_field(name), "decimal_places", 0) or 0 for name in names)
    unit = 10**places
    parts = [column[name] for name in names]
    if any(np.nanmax(np.abs(p), initial=0.0) >= _EXACT_SUM_MAX for p in parts):
        return None
    total = np.zeros(parts[0].shape, dtype=np.int64)
    missing = np.zeros(parts[0].shape, dtype=bool)
    for p in parts:
        missing |= np.isnan(p)
        total += np.rint(np.nan_to_num(p) * unit).astype(np.int64)
    out = total / unit
    out[missing] = np.nan
    return out


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """top ÷ bottom rounded to six places, missing where bottom is 0 or missing. numpy rounds via
    x × 10⁶, which can land on the other side of a half than Python's exact round(); the few values
    that near a half are rounded as the catalogue rounds them."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(np.isnan(bottom) | (bottom == 0), np.nan, top / bottom)
        scaled = ratio * 1e6
        near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    out = np.round(ratio, 6)
    for i in np.nonzero(near_half)[0].tolist():
        out[i] = round(float(ratio[i]), 6)
    return out


def _row_by_row(key: str, report_ids: list[int]) -> np.ndarray:
    reports = BaseReport.objects.in_bulk(report_ids)
    values = (BY_KEY[key].value(reports[pk]) for pk in report_ids)
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)
