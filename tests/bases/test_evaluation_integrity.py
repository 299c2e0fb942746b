"""The evaluation results' keys are checked by the database: by foreign keys on SQLite, by the
statement-level triggers of migration bases 0003 on PostgreSQL. Either way a result naming a
missing run or base is refused, a base or run with results cannot be deleted, whoever writes —
the ORM or plain SQL —, a flush empties the tables, and on PostgreSQL a base's delete racing a run
waits for it and then finds its results."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from nesta.bases.models import Base, EvaluationResult, EvaluationRun, ReportStatus
from nesta.bases.services import evaluation as services
from tests.bases.factories import BaseFactory, BaseReportFactory

TRIGGERS = {"bases_result_keys_ins", "bases_result_keys_upd", "bases_base_results_del", "bases_run_results_del"}
CRITERIA = [{"indicator": "papers", "weight": "1", "normalisation": "minmax"}]


def _run(actor, bases) -> EvaluationRun:
    for i, base in enumerate(bases):
        BaseReportFactory(base=base, year=2025, status=ReportStatus.ACCEPTED, papers=10 + i)
    scheme = services.scheme_create(
        actor=actor,
        data={"base_type": "key_laboratory", "year": 2025, "name": "完整性", "top_share": "0.2",
              "bottom_share": "0.2", "criteria": CRITERIA},
    )  # fmt: skip
    return services.evaluation_run(actor=actor, scheme_id=scheme.pk)


def _insert(run_id: int, base_id: int) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO bases_evaluationresult (run_id, base_id, score, rank, cohort_size, recommendation, grounds,"
            " trace) VALUES (%s, %s, 0.5, 1, 1, 'none', '[]', %s)",
            [run_id, base_id, b""],
        )


def _refused(sql: str, params: list) -> bool:
    """Whether the database refuses the statement — at once (PostgreSQL's triggers) or at commit
    (SQLite's deferred foreign keys, checked here as the commit would)."""
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
            connection.check_constraints(table_names=["bases_evaluationresult"])
    except IntegrityError:
        return True
    return False


def test_each_database_has_its_guard(db):
    """PostgreSQL: the triggers and no foreign key on the results (a migration that alters a key
    would put one back: correct, but the runs slow again); SQLite: the foreign keys (a table
    remade without them would leave the keys unchecked)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'bases%%_del' OR tgname LIKE 'bases_result_keys%%'"
            )
            assert {r[0] for r in cur.fetchall()} == TRIGGERS
            cur.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = 'bases_evaluationresult'::regclass AND contype = 'f'"
            )
            assert cur.fetchone()[0] == 0
        else:
            cur.execute("PRAGMA foreign_key_list(bases_evaluationresult)")
            keys = {(r[2], r[3]) for r in cur.fetchall()}
            assert {("bases_evaluationrun", "run_id"), ("bases_base", "base_id")} <= keys


def test_a_run_writes_its_results_through_the_checks(people):
    run = _run(people["office"], [people["base"], BaseFactory()])
    assert EvaluationResult.objects.filter(run=run).count() == 2 == run.base_count


def test_a_result_naming_a_missing_base_or_run_is_refused(people):
    run = _run(people["office"], [people["base"]])
    missing_base = (Base.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    missing_run = run.pk + 1000
    other = BaseFactory()
    sql = (
        "INSERT INTO bases_evaluationresult (run_id, base_id, score, rank, cohort_size, recommendation, grounds, trace)"
        " VALUES (%s, %s, 0.5, 1, 1, 'none', '[]', %s)"
    )
    assert _refused(sql, [run.pk, missing_base, b""])
    assert _refused(sql, [missing_run, other.pk, b""])
    assert not _refused(sql, [run.pk, other.pk, b""])  # both exist: accepted
    # an update moving a result to a missing key is refused too; to existing ones it is not
    update = "UPDATE bases_evaluationresult SET base_id = %s WHERE run_id = %s AND base_id = %s"
    assert _refused(update, [missing_base, run.pk, other.pk])
    assert _refused("UPDATE bases_evaluationresult SET run_id = %s WHERE run_id = %s", [missing_run, run.pk])
    assert EvaluationResult.objects.filter(run=run).count() == 2


def test_a_base_with_results_cannot_be_deleted(people):
    run = _run(people["office"], [people["base"]])
    base = people["base"]
    base.reports.all().delete()
    with pytest.raises(ProtectedError):
        Base.objects.filter(pk=base.pk).delete()
    assert _refused("DELETE FROM bases_base WHERE id = %s", [base.pk])
    assert Base.objects.filter(pk=base.pk).exists() and run.results.filter(base=base).exists()
    bare = BaseFactory()  # no results: deleting it is not the triggers' business
    assert not _refused("DELETE FROM bases_base WHERE id = %s", [bare.pk])


def test_a_run_deletes_with_its_results_and_not_without_them(people):
    run = _run(people["office"], [people["base"], BaseFactory()])
    assert _refused("DELETE FROM bases_evaluationrun WHERE id = %s", [run.pk])  # results first
    run.delete()  # the ORM deletes the results, then the run
    assert not EvaluationResult.objects.filter(run_id=run.pk).exists()
    assert not EvaluationRun.objects.filter(pk=run.pk).exists()


def test_a_flush_empties_the_tables_whatever_the_order(transactional_db, people):
    """Django's flush (every live-server and transactional test ends with one) deletes table by
    table with SQLite's foreign keys off, TRUNCATEs on PostgreSQL: the triggers step aside as
    foreign keys do, so the results' bases and runs go in any order."""
    from django.core.management import call_command

    _run(people["office"], [people["base"], BaseFactory()])
    assert EvaluationResult.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not EvaluationResult.objects.exists() and not Base.objects.exists()
    assert not EvaluationRun.objects.exists()


pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one transaction at a time")


def _in_thread(pool, f, *args):
    def run():
        try:
            return f(*args)
        finally:
            connection.close()

    return pool.submit(run).result(timeout=30)


def _attempt(sql: str, params: list, timeout: str) -> str:
    from django.db import OperationalError

    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"SET LOCAL lock_timeout = '{timeout}'")
            cur.execute(sql, params)
        return "done"
    except OperationalError:
        return "waited"
    except IntegrityError:
        return "refused"


@pg_only
def test_a_base_deleted_while_a_run_writes_its_result_waits_and_is_refused(transactional_db, people):
    """PostgreSQL: the delete's check takes the results in SHARE mode, so it waits for the run still
    writing and then finds its result (what a foreign key's row lock would do)."""
    from concurrent.futures import ThreadPoolExecutor

    base = BaseFactory()  # no reports: only the result holds it
    run = _run(people["office"], [people["base"]])
    delete = "DELETE FROM bases_base WHERE id = %s"
    with ThreadPoolExecutor(max_workers=1) as pool:
        with transaction.atomic():
            _insert(run.pk, base.pk)
            assert _in_thread(pool, _attempt, delete, [base.pk], "300ms") == "waited"
        assert _in_thread(pool, _attempt, delete, [base.pk], "5s") == "refused"
    assert Base.objects.filter(pk=base.pk).exists()


@pg_only
def test_a_result_written_while_its_base_is_deleted_waits_and_is_refused(transactional_db, people):
    """PostgreSQL, the other order: the base's delete is not yet committed when a run writes a
    result for it; the write waits for the delete and then finds the base missing."""
    from concurrent.futures import ThreadPoolExecutor

    base = BaseFactory()
    run = _run(people["office"], [people["base"]])
    insert = (
        "INSERT INTO bases_evaluationresult (run_id, base_id, score, rank, cohort_size, recommendation, grounds, trace)"
        " VALUES (%s, %s, 0.5, 1, 1, 'none', '[]', %s)"
    )
    with ThreadPoolExecutor(max_workers=1) as pool:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("DELETE FROM bases_base WHERE id = %s", [base.pk])
            assert _in_thread(pool, _attempt, insert, [run.pk, base.pk, b""], "300ms") == "waited"
        assert _in_thread(pool, _attempt, insert, [run.pk, base.pk, b""], "5s") == "refused"
    assert not Base.objects.filter(pk=base.pk).exists()
    assert not EvaluationResult.objects.filter(base_id=base.pk).exists()
