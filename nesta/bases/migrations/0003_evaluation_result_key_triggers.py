"""The evaluation results' two keys (run, base) checked by triggers instead of foreign keys.

A run writes 2,500 results in one statement; PostgreSQL checks a foreign key with one query per
row (deferred: at commit), which cost a run more than the write itself. These triggers keep the
same guarantees with one check per statement:
- a result names a run and a base that exist (insert, and an update of either key);
- a base or a run with results cannot be deleted (Django deletes a run's results first, and
  protects a base's; the triggers stop any other writer).
On PostgreSQL the race a foreign key settles with row locks is settled on the rare side: a delete
of a base or a run first takes the results table in SHARE mode, so it waits for any run still
writing results and then sees them (its check reads after the wait, in READ COMMITTED, Django's
level); a run that starts writing after the delete waits for it and then finds the key missing.
The runs themselves lock nothing (locking each of 2,500 bases cost a run a third of its write).
SQLite writes one transaction at a time and checks per row, as its foreign keys would. A later
migration that remakes one of the tables on SQLite drops its triggers:
tests/bases/test_evaluation_integrity.py checks they exist.
"""

import django.db.models.deletion
from django.db import migrations, models

VIOLATION = "23503"  # foreign_key_violation: Django raises IntegrityError, as for a foreign key

PG_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION bases_result_keys_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE missing text;
BEGIN
    SELECT format('base %s', n.base_id) INTO missing FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM bases_base b WHERE b.id = n.base_id) LIMIT 1;
    IF missing IS NULL THEN
        SELECT format('run %s', n.run_id) INTO missing FROM new_rows n
            WHERE NOT EXISTS (SELECT 1 FROM bases_evaluationrun r WHERE r.id = n.run_id) LIMIT 1;
    END IF;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'bases_evaluationresult names a missing %', missing USING ERRCODE = '{VIOLATION}';
    END IF;
    RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION bases_result_referenced_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE bases_evaluationresult IN SHARE MODE;
    IF TG_TABLE_NAME = 'bases_base' AND EXISTS (
        SELECT 1 FROM bases_evaluationresult r JOIN old_rows o ON r.base_id = o.id
    ) OR TG_TABLE_NAME = 'bases_evaluationrun' AND EXISTS (
        SELECT 1 FROM bases_evaluationresult r JOIN old_rows o ON r.run_id = o.id
    ) THEN
        RAISE EXCEPTION '% still has evaluation results', TG_TABLE_NAME USING ERRCODE = '{VIOLATION}';
    END IF;
    RETURN NULL;
END $$""",
]
PG_TRIGGERS = {
    "bases_result_keys_ins": "AFTER INSERT ON bases_evaluationresult REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION bases_result_keys_check()",
    "bases_result_keys_upd": "AFTER UPDATE ON bases_evaluationresult REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION bases_result_keys_check()",
    "bases_base_results_del": "AFTER DELETE ON bases_base REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION bases_result_referenced_check()",
    "bases_run_results_del": "AFTER DELETE ON bases_evaluationrun REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION bases_result_referenced_check()",
}
_MISSING = (
    "NOT EXISTS (SELECT 1 FROM bases_base WHERE id = NEW.base_id) "
    "OR NOT EXISTS (SELECT 1 FROM bases_evaluationrun WHERE id = NEW.run_id)"
)
SQLITE_TRIGGERS = {
    "bases_result_keys_ins": ("BEFORE INSERT ON bases_evaluationresult", _MISSING),
    "bases_result_keys_upd": ("BEFORE UPDATE OF run_id, base_id ON bases_evaluationresult", _MISSING),
    "bases_base_results_del": (
        "BEFORE DELETE ON bases_base",
        "EXISTS (SELECT 1 FROM bases_evaluationresult WHERE base_id = OLD.id)",
    ),
    "bases_run_results_del": (
        "BEFORE DELETE ON bases_evaluationrun",
        "EXISTS (SELECT 1 FROM bases_evaluationresult WHERE run_id = OLD.id)",
    ),
}


def create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return PG_FUNCTIONS + [f"CREATE TRIGGER {name} {body}" for name, body in PG_TRIGGERS.items()]
    return [
        f"CREATE TRIGGER IF NOT EXISTS {name} {event} FOR EACH ROW WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed ({name})'); END"
        for name, (event, when) in SQLITE_TRIGGERS.items()
    ]


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        on = {
            "bases_result_keys_ins": "bases_evaluationresult",
            "bases_result_keys_upd": "bases_evaluationresult",
            "bases_base_results_del": "bases_base",
            "bases_run_results_del": "bases_evaluationrun",
        }
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in on.items()] + [
            "DROP FUNCTION IF EXISTS bases_result_keys_check()",
            "DROP FUNCTION IF EXISTS bases_result_referenced_check()",
        ]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def _run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def forwards(apps, schema_editor) -> None:
    _run(schema_editor, create_statements(schema_editor.connection.vendor))


def backwards(apps, schema_editor) -> None:
    _run(schema_editor, drop_statements(schema_editor.connection.vendor))


class Migration(migrations.Migration):
    dependencies = [
        ("bases", "0002_evaluation_trace"),
    ]

    operations = [
        migrations.AlterField(
            model_name="evaluationresult",
            name="base",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evaluation_results",
                to="bases.base",
            ),
        ),
        migrations.AlterField(
            model_name="evaluationresult",
            name="run",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="results",
                to="bases.evaluationrun",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
