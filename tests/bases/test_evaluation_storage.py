"""The evaluation's compact storage: a result's packed trace reads back as exactly the reasons and
±10 % ranks the engine computed (the same dicts the JSON lists held), the computed indicators on
numpy columns equal the catalogue's own functions, and reading a run costs a constant number of
queries whatever its size."""

import importlib
import math
import random
from decimal import Decimal

import numpy as np
import pytest

from nesta.bases.indicators import BY_KEY, COMPUTED
from nesta.bases.models import EvaluationResult, ReportStatus
from nesta.bases.models.evaluation import TRACE_VERSION, pack_traces, unpack_trace
from nesta.bases.rules.recommendation import rule
from nesta.bases.selectors import evaluation as reads
from nesta.bases.services import evaluation as services
from nesta.core.evaluation import Criterion, Subject, evaluate
from nesta.core.models import TaxonomyNode
from tests.bases.factories import BaseFactory, BaseReportFactory

CRITERIA = [
    {"indicator": "papers", "weight": "3", "normalisation": "minmax", "minimum": "5", "national_threshold": "25"},
    {"indicator": "patents_granted", "weight": "1.5", "normalisation": "zscore"},
    {"indicator": "rd_spend", "weight": "2", "normalisation": "median_ratio", "cap": "3"},
    {"indicator": "papers_per_staff", "weight": "1", "normalisation": "minmax", "higher_is_better": False},
    {"indicator": "instrument_hours", "weight": "0.5", "normalisation": "minmax"},  # derived: some missing
    {"indicator": "funding_total", "weight": "1.25", "normalisation": "zscore"},
]


def _scheme(actor, criteria=CRITERIA, **over):
    data = {"base_type": "key_laboratory", "year": 2025, "name": "存储测试", "top_share": "0.2", "bottom_share": "0.2",
            "criteria": criteria, **over}  # fmt: skip
    return services.scheme_create(actor=actor, data=data)


@pytest.fixture
def twelve(people):
    """Twelve key laboratories in three fields with varied 2025 figures: ties, zero staff, money
    with fen, derived hours reported by some only."""
    rng = random.Random(11)
    fields = list(TaxonomyNode.objects.filter(depth__gte=1).order_by("sort_order")[:3])
    bases = [people["base"]] + [
        BaseFactory(field=fields[i % 3], level="provincial" if i % 2 else "national") for i in range(11)
    ]
    for i, base in enumerate(bases):
        staff = 0 if i == 4 else rng.randint(10, 90)
        BaseReportFactory(
            base=base,
            year=2025,
            status=ReportStatus.ACCEPTED,
            papers=(20, 20, 3, 45, 0, 31, 20, 8, 60, 12, 27, 5)[i],
            patents_granted=rng.randint(0, 30),
            fixed_staff=staff,
            senior_staff=staff // 2,
            doctorate_staff=staff // 3,
            rd_spend=Decimal(rng.randint(0, 10**9)) / 100,
            funding_national=Decimal(rng.randint(0, 10**8)) / 100,
            funding_local=Decimal("1234.56"),
            instrument_hours=None if i % 3 == 0 else Decimal(rng.randint(0, 9000)),
        )
    return bases


def _engine_reasons(criteria, bases):
    """What the engine says for these bases — the dicts the results stored as JSON before."""
    reports = {r.base_id: r for b in bases for r in b.reports.filter(year=2025)}
    keys = [c["indicator"] for c in criteria]
    subjects = [
        Subject(
            id=b.pk,
            cohort="key_laboratory",
            group=str(b.field_id),
            values={k: None if (v := BY_KEY[k].value(reports[b.pk])) is None else float(v) for k in keys},
        )
        for b in bases
    ]
    engine = [
        Criterion(
            key=c["indicator"],
            weight=float(c["weight"]),
            normalisation=c["normalisation"],
            higher_is_better=c.get("higher_is_better", True),
            minimum=float(c["minimum"]) if "minimum" in c else None,
            cap=float(c["cap"]) if "cap" in c else None,
        )
        for c in criteria
    ]
    return {o.subject_id: o for o in evaluate(engine, subjects)}


@pytest.mark.django_db
def test_a_results_reasons_and_shifts_read_back_exactly(people, twelve):
    run = services.evaluation_run(actor=people["office"], scheme_id=_scheme(people["office"]).pk)
    expected = _engine_reasons(CRITERIA, twelve)
    results = {r.base_id: r for r in EvaluationResult.objects.filter(run=run).select_related("run", "base")}
    assert set(results) == set(expected) and run.base_count == 12
    assert [c["share"] for c in run.criteria_snapshot] == pytest.approx([3 / 9.25, 1.5 / 9.25, 2 / 9.25, 1 / 9.25,
                                                                        0.5 / 9.25, 1.25 / 9.25])  # fmt: skip
    for base_id, o in expected.items():
        r = results[base_id]
        # exactly the dicts evaluation_run used to write as JSON (rounded as it rounded them)
        assert r.reasons == [
            {
                "indicator": x.key,
                "value": x.value,
                "normalised": round(x.normalised, 6),
                "weight": round(x.weight, 6),
                "contribution": round(x.contribution, 6),
                "missing": x.missing,
            }
            for x in o.reasons
        ]
        assert r.sensitivity == [
            {"indicator": s.key, "rank_if_lower": s.rank_if_lower, "rank_if_higher": s.rank_if_higher}
            for s in o.sensitivity
        ]
        assert (r.score, r.rank, r.cohort_size) == (round(o.score, 6), o.rank, o.cohort_size)
        assert (r.field_rank, r.field_size) == (o.group_rank, o.group_size)
        # the cohort ruled on arrays gives what the per-base rule gives for this outcome
        ruling = rule(
            rank=o.rank, size=o.cohort_size, top_share=0.2, bottom_share=0.2, below_minimum=o.below_minimum,
            is_provincial=r.base.level == "provincial", values={x.key: x.value for x in o.reasons},
            national_thresholds={"papers": 25.0},
        )  # fmt: skip
        assert (r.recommendation, r.grounds) == (ruling.recommendation, ruling.grounds)
    missing = [r for r in results.values() if r.reasons[4]["missing"]]
    assert len(missing) == 4 and all(r.reasons[4]["value"] is None for r in missing)  # not reported hours
    no_staff = results[twelve[4].pk].reasons[3]
    assert no_staff["missing"] and no_staff["value"] is None  # a ratio over no staff is missing, not zero
    # the grounds as the rule gives them: the below-minimum base first, ties at the boundary in its favour
    assert results[twelve[4].pk].grounds[0] == "below_minimum:papers"


@pytest.mark.django_db
def test_a_run_without_reports_keeps_its_shares(people):
    run = services.evaluation_run(actor=people["office"], scheme_id=_scheme(people["office"]).pk)
    assert run.base_count == 0 and not run.results.exists()
    assert sum(c["share"] for c in run.criteria_snapshot) == pytest.approx(1.0)


def test_packing_round_trips_every_float_and_rank():
    rng = np.random.default_rng(3)
    raw = rng.normal(size=(7, 5)) * 10.0 ** rng.integers(-8, 15, size=(7, 5))
    raw[0, 1] = raw[3, 4] = np.nan
    raw[2, 2] = -0.0
    norm = rng.normal(size=(7, 5))
    lower, higher = rng.integers(1, 10**6, size=(2, 7, 5))
    traces = pack_traces(raw, norm, lower, higher)
    assert len(traces) == 7 and {len(t) for t in traces} == {1 + 24 * 5} and traces[0][0] == 1  # ranks past 16 bits
    for i, blob in enumerate(traces):
        values, normalised, lo, hi = unpack_trace(memoryview(blob), 5)  # memoryview: a driver's bytea
        assert np.array_equal(values, raw[i], equal_nan=True)
        assert normalised.tolist() == norm[i].tolist() and lo.tolist() == lower[i].tolist()
        assert hi.tolist() == higher[i].tolist()
    with pytest.raises(ValueError):
        unpack_trace(traces[0], 4)  # a trace read against another run's criteria
    assert [a.size for a in unpack_trace(b"", 5)] == [0, 0, 0, 0]


def test_sixteen_bit_ranks_when_they_fit_and_the_same_numbers_back():
    rng = np.random.default_rng(5)
    raw, norm = rng.normal(size=(2, 4, 3))
    lower, higher = rng.integers(1, 65_536, size=(2, 4, 3))
    lower[0, 0], higher[1, 2] = 1, 65_535  # the edges of 16 bits
    traces = pack_traces(raw, norm, lower, higher)
    assert {len(t) for t in traces} == {1 + 20 * 3} and traces[0][0] == TRACE_VERSION == 2
    for i, blob in enumerate(traces):
        values, normalised, lo, hi = unpack_trace(blob, 3)
        assert values.tolist() == raw[i].tolist() and normalised.tolist() == norm[i].tolist()
        assert lo.tolist() == lower[i].tolist() and hi.tolist() == higher[i].tolist()
    with pytest.raises(ValueError):
        unpack_trace(b"\x07" + traces[0][1:], 3)  # an unknown version


def test_the_migration_packs_old_results_as_version_one_and_they_still_read():
    migration = importlib.import_module("nesta.bases.migrations.0002_evaluation_trace")
    old = migration._pack([20.0, None, 3.5], [0.615385, 0.0, -1.25], [2, 3, 1], [1, 3, 2])
    (new,) = pack_traces(np.array([[20.0, math.nan, 3.5]]), np.array([[0.615385, 0.0, -1.25]]),
                         np.array([[2, 3, 1]]), np.array([[1, 3, 2]]))  # fmt: skip
    assert old[0] == 1 and new[0] == 2 and len(old) == 1 + 24 * 3 and len(new) == 1 + 20 * 3
    for a, b in zip(unpack_trace(old, 3), unpack_trace(new, 3), strict=True):
        assert np.array_equal(a, b, equal_nan=True)


@pytest.mark.django_db
def test_computed_indicators_on_columns_equal_the_catalogue(people, twelve):
    keys = [i.key for i in COMPUTED]
    assert set(keys) <= set(reads._VECTOR)  # none falls back to the row-by-row path
    figures = reads.read_figures(2025, "key_laboratory", keys)
    reports = {r.base_id: r for r in people["base"].reports.model.objects.filter(year=2025)}
    for i, base_id in enumerate(figures.base_ids):
        for j, key in enumerate(keys):
            want = BY_KEY[key].value(reports[base_id])
            got = figures.raw[i, j]
            if want is None:
                assert math.isnan(got), (key, base_id)
            else:
                assert got == pytest.approx(float(want), rel=1e-12, abs=1e-9), (key, base_id)


@pytest.mark.django_db
def test_an_indicator_without_a_column_form_is_computed_row_by_row(people, twelve, monkeypatch):
    columns = reads.read_figures(2025, "key_laboratory", ["papers_per_staff", "funding_total"])
    monkeypatch.delitem(reads._VECTOR, "papers_per_staff")
    monkeypatch.delitem(reads._VECTOR, "funding_total")
    rows = reads.read_figures(2025, "key_laboratory", ["papers_per_staff", "funding_total"])
    assert rows.base_ids == columns.base_ids
    assert np.allclose(rows.raw, columns.raw, rtol=1e-12, equal_nan=True)


@pytest.mark.django_db
def test_a_runs_results_with_their_reasons_cost_constant_queries(
    people, twelve, django_assert_max_num_queries, django_assert_num_queries
):
    run = services.evaluation_run(actor=people["office"], scheme_id=_scheme(people["office"]).pk)
    with django_assert_max_num_queries(4):
        found, results = reads.run_results(viewer=people["office"], run_id=run.pk)
        rows = [(r.reasons, r.sensitivity) for r in results]
    assert len(rows) == 12 and all(len(a) == len(b) == len(CRITERIA) for a, b in rows)
    with django_assert_num_queries(0):
        assert results[0].reasons == results[0].reasons  # decoded from the row, the run already attached
    history = reads.base_history(viewer=people["office"], base_id=twelve[0].pk)
    with django_assert_num_queries(0):
        assert history[-1].reasons and history[-1].sensitivity


@pytest.mark.django_db
def test_the_evaluation_writes_in_a_constant_number_of_queries(people, twelve, django_assert_max_num_queries):
    scheme = _scheme(people["office"])
    with django_assert_max_num_queries(14):
        services.evaluation_run(actor=people["office"], scheme_id=scheme.pk)


@pytest.mark.django_db
def test_the_results_keys_hold_in_django_and_in_the_database(people, twelve):
    """A base with results cannot be deleted, a deleted run takes its results with it — and the
    database itself refuses a result naming a missing run or base, whatever writes the row."""
    from django.db import IntegrityError, connection, transaction
    from django.db.models import ProtectedError

    run = services.evaluation_run(actor=people["office"], scheme_id=_scheme(people["office"]).pk)
    twelve[1].reports.all().delete()  # what else protects it
    with pytest.raises(ProtectedError) as exc:
        twelve[1].delete()
    assert {type(x) for x in exc.value.protected_objects} == {EvaluationResult}
    kept = EvaluationResult.objects.filter(run=run).first()
    table = EvaluationResult._meta.db_table
    for column, missing in (("run_id", 10**9), ("base_id", 10**9)):
        with pytest.raises(IntegrityError), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [missing, kept.pk])
            connection.check_constraints(table_names=[table])  # SQLite checks deferred keys at commit
    run.delete()
    assert not EvaluationResult.objects.exists()
