"""The budget view's payment cells: Σ payments per (year, programme, province), kept by the
database itself.

A table without a Django model, written only by triggers on programmes_payment (insert, update,
delete), so the sum can never drift from the payments whatever writes them; amounts in whole 分
(exact on SQLite too). The budget view reads it instead of scanning a million payments; a load
that bypasses triggers (PostgreSQL's session_replication_role = replica, as the benchmark's bulk
load uses) calls selectors.budget.payment_cells_rebuild(). selectors.budget.payment_cells_drift()
compares it with the plain aggregate (tests, benchmark)."""

from django.db import migrations

SQLITE = [
    """CREATE TABLE IF NOT EXISTS programmes_paymentcell (
        id integer PRIMARY KEY AUTOINCREMENT,
        year integer NOT NULL,
        programme_id integer NOT NULL,
        province_id integer NOT NULL,
        payments integer NOT NULL DEFAULT 0,
        amount_fen integer NOT NULL DEFAULT 0)""",
    "CREATE UNIQUE INDEX IF NOT EXISTS programmes_paymentcell_key ON programmes_paymentcell (year, programme_id, province_id)",
    """CREATE TRIGGER IF NOT EXISTS programmes_payment_cell_ai AFTER INSERT ON programmes_payment BEGIN
        INSERT INTO programmes_paymentcell (year, programme_id, province_id, payments, amount_fen)
        VALUES (NEW.year, NEW.programme_id, NEW.province_id, 1, CAST(ROUND(NEW.amount * 100) AS INTEGER))
        ON CONFLICT (year, programme_id, province_id) DO UPDATE
        SET payments = payments + 1, amount_fen = amount_fen + excluded.amount_fen;
    END""",
    """CREATE TRIGGER IF NOT EXISTS programmes_payment_cell_ad AFTER DELETE ON programmes_payment BEGIN
        UPDATE programmes_paymentcell SET payments = payments - 1,
            amount_fen = amount_fen - CAST(ROUND(OLD.amount * 100) AS INTEGER)
        WHERE year = OLD.year AND programme_id = OLD.programme_id AND province_id = OLD.province_id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS programmes_payment_cell_au AFTER UPDATE ON programmes_payment BEGIN
        UPDATE programmes_paymentcell SET payments = payments - 1,
            amount_fen = amount_fen - CAST(ROUND(OLD.amount * 100) AS INTEGER)
        WHERE year = OLD.year AND programme_id = OLD.programme_id AND province_id = OLD.province_id;
        INSERT INTO programmes_paymentcell (year, programme_id, province_id, payments, amount_fen)
        VALUES (NEW.year, NEW.programme_id, NEW.province_id, 1, CAST(ROUND(NEW.amount * 100) AS INTEGER))
        ON CONFLICT (year, programme_id, province_id) DO UPDATE
        SET payments = payments + 1, amount_fen = amount_fen + excluded.amount_fen;
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS programmes_payment_cell_ai",
    "DROP TRIGGER IF EXISTS programmes_payment_cell_ad",
    "DROP TRIGGER IF EXISTS programmes_payment_cell_au",
    "DROP TABLE IF EXISTS programmes_paymentcell",
]
POSTGRES = [
    """CREATE TABLE IF NOT EXISTS programmes_paymentcell (
        id bigserial PRIMARY KEY,
        year smallint NOT NULL,
        programme_id bigint NOT NULL,
        province_id bigint NOT NULL,
        payments bigint NOT NULL DEFAULT 0,
        amount_fen bigint NOT NULL DEFAULT 0)""",
    "CREATE UNIQUE INDEX IF NOT EXISTS programmes_paymentcell_key ON programmes_paymentcell (year, programme_id, province_id)",
    """CREATE OR REPLACE FUNCTION programmes_payment_cell() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE programmes_paymentcell SET payments = payments - 1,
                amount_fen = amount_fen - round(OLD.amount * 100)::bigint
            WHERE year = OLD.year AND programme_id = OLD.programme_id AND province_id = OLD.province_id;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO programmes_paymentcell (year, programme_id, province_id, payments, amount_fen)
            VALUES (NEW.year, NEW.programme_id, NEW.province_id, 1, round(NEW.amount * 100)::bigint)
            ON CONFLICT (year, programme_id, province_id) DO UPDATE
            SET payments = programmes_paymentcell.payments + 1,
                amount_fen = programmes_paymentcell.amount_fen + EXCLUDED.amount_fen;
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS programmes_payment_cell ON programmes_payment",
    """CREATE TRIGGER programmes_payment_cell AFTER INSERT OR UPDATE OR DELETE ON programmes_payment
        FOR EACH ROW EXECUTE FUNCTION programmes_payment_cell()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS programmes_payment_cell ON programmes_payment",
    "DROP FUNCTION IF EXISTS programmes_payment_cell()",
    "DROP TABLE IF EXISTS programmes_paymentcell",
]
REBUILD = [
    "DELETE FROM programmes_paymentcell",
    """INSERT INTO programmes_paymentcell (year, programme_id, province_id, payments, amount_fen)
       SELECT year, programme_id, province_id, COUNT(*), SUM(CAST(ROUND(amount * 100) AS BIGINT))
       FROM programmes_payment GROUP BY year, programme_id, province_id""",
]


def _run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def forwards(apps, schema_editor) -> None:
    pg = schema_editor.connection.vendor == "postgresql"
    _run(schema_editor, (POSTGRES if pg else SQLITE) + REBUILD)


def backwards(apps, schema_editor) -> None:
    pg = schema_editor.connection.vendor == "postgresql"
    _run(schema_editor, POSTGRES_DROP if pg else SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_calls_applications_reviews_projects_subsidies")]

    operations = [migrations.RunPython(forwards, backwards)]
