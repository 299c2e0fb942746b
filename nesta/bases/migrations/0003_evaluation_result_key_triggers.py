"""PostgreSQL: the evaluation results' two keys (run, base) checked by triggers instead of foreign keys.

A run writes 2,500 results in one statement; PostgreSQL checks a foreign key with one query per
row (deferred: at commit), which cost a run more than the write itself. On PostgreSQL this
migration drops the two foreign-key constraints and puts triggers in their place that keep the
same guarantees with one check per statement:
- a result names a run and a base that exist (insert, and an update of either key);
- a base or a run with results cannot be deleted (Django deletes a run's results first, and
  protects a base's; the triggers stop any other writer). TRUNCATE, as Django's flush, is not a
  DELETE: it empties the tables together.
The race a foreign key settles with row locks is settled on the rare side: a delete of a base or a
run first takes the results table in SHARE mode, so it waits for any run still writing results and
then sees them (its check reads after the wait, in READ COMMITTED, Django's level); a run that
starts writing after the delete waits for it and then finds the key missing. The runs themselves
lock nothing (locking each of 2,500 bases cost a run a third of its write).

SQLite keeps its foreign keys (the model's): checked in C at commit, cheaper than any trigger, and
deferred, so a flush may empty the tables in any order. The model state does not change: a later
migration that alters one of the two fields on PostgreSQL would put a foreign key back (correct,
only slower); tests/bases/test_evaluation_integrity.py checks which guard each database has.
"""

from django.db import migrations

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
# the constraints Django made for the two keys (their names carry a hash), found by their columns
FIND_KEYS = """SELECT c.conname FROM pg_constraint c JOIN pg_attribute a
    ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
    WHERE c.conrelid = 'bases_evaluationresult'::regclass AND c.contype = 'f' AND a.attname IN ('run_id', 'base_id')"""
RESTORE_KEYS = [
    "ALTER TABLE bases_evaluationresult ADD CONSTRAINT bases_evaluationresult_run_id_fk FOREIGN KEY (run_id) "
    "REFERENCES bases_evaluationrun (id) DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE bases_evaluationresult ADD CONSTRAINT bases_evaluationresult_base_id_fk FOREIGN KEY (base_id) "
    "REFERENCES bases_base (id) DEFERRABLE INITIALLY DEFERRED",
]
TRIGGER_TABLES = {
    "bases_result_keys_ins": "bases_evaluationresult",
    "bases_result_keys_upd": "bases_evaluationresult",
    "bases_base_results_del": "bases_base",
    "bases_run_results_del": "bases_evaluationrun",
}


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite keeps its foreign keys
    with schema_editor.connection.cursor() as cur:
        cur.execute(FIND_KEYS)
        for (name,) in cur.fetchall():
            cur.execute(f'ALTER TABLE bases_evaluationresult DROP CONSTRAINT "{name}"')
        for sql in PG_FUNCTIONS + [f"CREATE TRIGGER {name} {body}" for name, body in PG_TRIGGERS.items()]:
            cur.execute(sql)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        for name, table in TRIGGER_TABLES.items():
            cur.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        cur.execute("DROP FUNCTION IF EXISTS bases_result_keys_check()")
        cur.execute("DROP FUNCTION IF EXISTS bases_result_referenced_check()")
        for sql in RESTORE_KEYS:
            cur.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("bases", "0002_evaluation_trace"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
