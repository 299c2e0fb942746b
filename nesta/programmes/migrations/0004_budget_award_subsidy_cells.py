"""The budget view's committed money, kept by the database like the payment cells (0003).

programmes_awardcell: per (call, province), the money committed by its applications — the awarded
amount of every application funded, in progress, in acceptance or closed; for a failed one only what
was paid to its project. Triggers on programmes_application (status, award, call, province),
programmes_payment (a payment to a failed project) and programmes_project (a contract moved to
another application). Keyed by call, not by the call's year and programme, so editing a call
cannot leave a cell behind; the view maps the few calls itself.

programmes_subsidycell: per (year, programme, province) of the instalments, the interest subsidy
committed (its statement approved or paid) and paid (a payment date). Triggers on
programmes_subsidyinstalment and on programmes_intereststatement's status.

Tables without Django models, written only by triggers, amounts in whole 分 (exact on SQLite too).
A load that bypasses triggers calls services.budget_cells.budget_cells_rebuild();
selectors.budget.budget_cells_drift() compares every cell with the plain aggregate.
"""

from django.db import migrations

FULL = "('funded', 'in_progress', 'acceptance', 'closed')"
FULL_OR_FAILED = "('funded', 'in_progress', 'acceptance', 'closed', 'failed')"
COMMITTED_STATEMENT = "('approved', 'paid')"


def fen(expr: str) -> str:
    return f"CAST(ROUND({expr} * 100) AS BIGINT)"


def paid_to(app: str) -> str:
    """Σ payments (分) to the project of application `app` (an expression)."""
    return (
        f"COALESCE((SELECT SUM({fen('pay.amount')}) FROM programmes_payment pay "
        f"JOIN programmes_project pr ON pr.id = pay.project_id WHERE pr.application_id = {app}), 0)"
    )


def project_paid(project: str) -> str:
    return (
        f"COALESCE((SELECT SUM({fen('pay.amount')}) FROM programmes_payment pay WHERE pay.project_id = {project}), 0)"
    )


def committed(row: str) -> str:
    """What application row `row` (OLD / NEW) commits, in 分."""
    return (
        f"CASE WHEN {row}.status IN {FULL} THEN COALESCE({fen(row + '.awarded_amount')}, 0) "
        f"WHEN {row}.status = 'failed' THEN {paid_to(row + '.id')} ELSE 0 END"
    )


def failed_app_of(project: str) -> str:
    """(call, province) of the failed application owning project `project`: no row if not failed."""
    return (
        "SELECT a.call_id, a.province_id FROM programmes_project pr JOIN programmes_application a "
        f"ON a.id = pr.application_id WHERE pr.id = {project} AND a.status = 'failed'"
    )


def app_add(call: str, province: str, amount: str) -> str:
    return (
        f"INSERT INTO programmes_awardcell (call_id, province_id, committed_fen) VALUES ({call}, {province}, {amount}) "
        "ON CONFLICT (call_id, province_id) DO UPDATE SET committed_fen = programmes_awardcell.committed_fen "
        "+ excluded.committed_fen"
    )


def app_add_select(select_amount: str, source: str) -> str:
    """Add `select_amount` to the cell of the failed application selected by `source`."""
    return (
        f"INSERT INTO programmes_awardcell (call_id, province_id, committed_fen) SELECT f.call_id, f.province_id, "
        f"{select_amount} FROM ({source}) f WHERE true ON CONFLICT (call_id, province_id) DO UPDATE "
        "SET committed_fen = programmes_awardcell.committed_fen + excluded.committed_fen"
    )


def instalment_committed(row: str) -> str:
    return (
        f"CASE WHEN (SELECT s.status FROM programmes_intereststatement s WHERE s.id = {row}.statement_id) "
        f"IN {COMMITTED_STATEMENT} THEN {fen(row + '.amount')} ELSE 0 END"
    )


def instalment_paid(row: str) -> str:
    return f"CASE WHEN {row}.paid_on IS NOT NULL THEN {fen(row + '.amount')} ELSE 0 END"


def subsidy_add(row: str, sign: str) -> str:
    return (
        "INSERT INTO programmes_subsidycell (year, programme_id, province_id, committed_fen, paid_fen) "
        f"VALUES ({row}.year, {row}.programme_id, {row}.province_id, {sign}({instalment_committed(row)}), "
        f"{sign}({instalment_paid(row)})) ON CONFLICT (year, programme_id, province_id) DO UPDATE SET "
        "committed_fen = programmes_subsidycell.committed_fen + excluded.committed_fen, "
        "paid_fen = programmes_subsidycell.paid_fen + excluded.paid_fen"
    )


def statement_moves() -> str:
    """A statement's status changed: move its instalment's committed money (old out, new in)."""
    was = f"CASE WHEN OLD.status IN {COMMITTED_STATEMENT} THEN 1 ELSE 0 END"
    now = f"CASE WHEN NEW.status IN {COMMITTED_STATEMENT} THEN 1 ELSE 0 END"
    return (
        "INSERT INTO programmes_subsidycell (year, programme_id, province_id, committed_fen, paid_fen) "
        f"SELECT i.year, i.programme_id, i.province_id, {fen('i.amount')} * (({now}) - ({was})), 0 "
        "FROM programmes_subsidyinstalment i WHERE i.statement_id = NEW.id ON CONFLICT (year, programme_id, "
        "province_id) DO UPDATE SET committed_fen = programmes_subsidycell.committed_fen + excluded.committed_fen"
    )


APP_CHANGED = (
    "OLD.status IS NOT NEW.status OR OLD.awarded_amount IS NOT NEW.awarded_amount "
    "OR OLD.call_id <> NEW.call_id OR OLD.province_id <> NEW.province_id"
)

TABLES = {
    "sqlite": [
        """CREATE TABLE IF NOT EXISTS programmes_awardcell (
            id integer PRIMARY KEY AUTOINCREMENT,
            call_id integer NOT NULL,
            province_id integer NOT NULL,
            committed_fen integer NOT NULL DEFAULT 0)""",
        """CREATE TABLE IF NOT EXISTS programmes_subsidycell (
            id integer PRIMARY KEY AUTOINCREMENT,
            year integer NOT NULL,
            programme_id integer NOT NULL,
            province_id integer NOT NULL,
            committed_fen integer NOT NULL DEFAULT 0,
            paid_fen integer NOT NULL DEFAULT 0)""",
    ],
    "postgresql": [
        """CREATE TABLE IF NOT EXISTS programmes_awardcell (
            id bigserial PRIMARY KEY,
            call_id bigint NOT NULL,
            province_id bigint NOT NULL,
            committed_fen bigint NOT NULL DEFAULT 0)""",
        """CREATE TABLE IF NOT EXISTS programmes_subsidycell (
            id bigserial PRIMARY KEY,
            year smallint NOT NULL,
            programme_id bigint NOT NULL,
            province_id bigint NOT NULL,
            committed_fen bigint NOT NULL DEFAULT 0,
            paid_fen bigint NOT NULL DEFAULT 0)""",
    ],
}
INDEXES = [
    "CREATE UNIQUE INDEX IF NOT EXISTS programmes_awardcell_key ON programmes_awardcell (call_id, province_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS programmes_subsidycell_key ON programmes_subsidycell "
    "(year, programme_id, province_id)",
]

# (name, table, event, WHEN condition or None, statements): one body for both backends
TRIGGERS = [
    ("app_ai", "programmes_application", "INSERT", None, [app_add("NEW.call_id", "NEW.province_id", committed("NEW"))]),
    (
        "app_au",
        "programmes_application",
        "UPDATE",
        APP_CHANGED,
        [
            app_add("OLD.call_id", "OLD.province_id", f"-({committed('OLD')})"),
            app_add("NEW.call_id", "NEW.province_id", committed("NEW")),
        ],
    ),
    (
        "app_ad",
        "programmes_application",
        "DELETE",
        None,
        [app_add("OLD.call_id", "OLD.province_id", f"-({committed('OLD')})")],
    ),
    (
        "pay_ai",
        "programmes_payment",
        "INSERT",
        None,
        [app_add_select(fen("NEW.amount"), failed_app_of("NEW.project_id"))],
    ),
    (
        "pay_au",
        "programmes_payment",
        "UPDATE",
        "OLD.amount <> NEW.amount OR OLD.project_id <> NEW.project_id",
        [
            app_add_select(f"-{fen('OLD.amount')}", failed_app_of("OLD.project_id")),
            app_add_select(fen("NEW.amount"), failed_app_of("NEW.project_id")),
        ],
    ),
    (
        "pay_ad",
        "programmes_payment",
        "DELETE",
        None,
        [app_add_select(f"-{fen('OLD.amount')}", failed_app_of("OLD.project_id"))],
    ),
    (
        "project_au",
        "programmes_project",
        "UPDATE",
        "OLD.application_id <> NEW.application_id",
        [
            app_add_select(
                f"-{project_paid('NEW.id')}",
                "SELECT a.call_id, a.province_id FROM programmes_application a "
                "WHERE a.id = OLD.application_id AND a.status = 'failed'",
            ),
            app_add_select(
                project_paid("NEW.id"),
                "SELECT a.call_id, a.province_id FROM programmes_application a "
                "WHERE a.id = NEW.application_id AND a.status = 'failed'",
            ),
        ],
    ),
    ("inst_ai", "programmes_subsidyinstalment", "INSERT", None, [subsidy_add("NEW", "")]),
    ("inst_au", "programmes_subsidyinstalment", "UPDATE", None, [subsidy_add("OLD", "-"), subsidy_add("NEW", "")]),
    ("inst_ad", "programmes_subsidyinstalment", "DELETE", None, [subsidy_add("OLD", "-")]),
    ("stmt_au", "programmes_intereststatement", "UPDATE", "OLD.status IS NOT NEW.status", [statement_moves()]),
]

REBUILD = [
    "DELETE FROM programmes_awardcell",
    f"""INSERT INTO programmes_awardcell (call_id, province_id, committed_fen)
        SELECT a.call_id, a.province_id,
               SUM(CASE WHEN a.status = 'failed' THEN COALESCE(f.fen, 0)
                        ELSE COALESCE({fen("a.awarded_amount")}, 0) END)
        FROM programmes_application a
        LEFT JOIN (SELECT pr.application_id, SUM({fen("pay.amount")}) AS fen
                   FROM programmes_payment pay JOIN programmes_project pr ON pr.id = pay.project_id
                   GROUP BY pr.application_id) f ON f.application_id = a.id
        WHERE a.status IN {FULL_OR_FAILED}
        GROUP BY a.call_id, a.province_id""",
    "DELETE FROM programmes_subsidycell",
    f"""INSERT INTO programmes_subsidycell (year, programme_id, province_id, committed_fen, paid_fen)
        SELECT i.year, i.programme_id, i.province_id,
               SUM(CASE WHEN s.status IN {COMMITTED_STATEMENT} THEN {fen("i.amount")} ELSE 0 END),
               SUM(CASE WHEN i.paid_on IS NOT NULL THEN {fen("i.amount")} ELSE 0 END)
        FROM programmes_subsidyinstalment i JOIN programmes_intereststatement s ON s.id = i.statement_id
        GROUP BY i.year, i.programme_id, i.province_id""",
]


def _sqlite_trigger(name: str, table: str, event: str, when: str | None, body: list[str]) -> list[str]:
    cond = f" WHEN {when}" if when else ""
    return [
        f"DROP TRIGGER IF EXISTS programmes_cell_{name}",
        f"CREATE TRIGGER programmes_cell_{name} AFTER {event} ON {table} FOR EACH ROW{cond} BEGIN "
        + "; ".join(body)
        + "; END",
    ]


def _pg_trigger(name: str, table: str, event: str, when: str | None, body: list[str]) -> list[str]:
    cond = f" WHEN ({when.replace(' IS NOT ', ' IS DISTINCT FROM ')})" if when else ""
    return [
        f"""CREATE OR REPLACE FUNCTION programmes_cell_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {"; ".join(body)}; RETURN NULL; END $$""",
        f"DROP TRIGGER IF EXISTS programmes_cell_{name} ON {table}",
        f"CREATE TRIGGER programmes_cell_{name} AFTER {event} ON {table} FOR EACH ROW{cond} "
        f"EXECUTE FUNCTION programmes_cell_{name}()",
    ]


def statements(vendor: str) -> list[str]:
    make = _pg_trigger if vendor == "postgresql" else _sqlite_trigger
    out = list(TABLES[vendor]) + INDEXES
    for trigger in TRIGGERS:
        out += make(*trigger)
    return out + REBUILD


def drops(vendor: str) -> list[str]:
    out = []
    for name, table, *_rest in TRIGGERS:
        if vendor == "postgresql":
            out += [
                f"DROP TRIGGER IF EXISTS programmes_cell_{name} ON {table}",
                f"DROP FUNCTION IF EXISTS programmes_cell_{name}()",
            ]
        else:
            out.append(f"DROP TRIGGER IF EXISTS programmes_cell_{name}")
    return out + [
        "DROP TABLE IF EXISTS programmes_awardcell",
        "DROP TABLE IF EXISTS programmes_subsidycell",
    ]


def _run(schema_editor, sql: list[str]) -> None:
    with schema_editor.connection.cursor() as cur:
        for s in sql:
            cur.execute(s)


def forwards(apps, schema_editor) -> None:
    _run(schema_editor, statements(schema_editor.connection.vendor))


def backwards(apps, schema_editor) -> None:
    _run(schema_editor, drops(schema_editor.connection.vendor))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_budget_payment_cells")]

    operations = [migrations.RunPython(forwards, backwards)]
