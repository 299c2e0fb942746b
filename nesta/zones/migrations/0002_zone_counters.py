"""The zones' counters: per (local year, zone, private) the registered technology contracts whose
seller is in the zone (number, 合同成交额 in 分) and the programme money awarded to the zone's
organisations (applications, 分) — kept by the database itself, so the comparison of the seven
zones reads at most fourteen rows instead of every contract and award of the year.

A table without a Django model (as programmes' payment cells), written only by triggers:
- on market_techcontract (insert, delete, and an update that touches status, registered_at,
  seller or amount): the row's old contribution out, its new one in;
- on programmes_application (likewise, for status, decided_at, organisation, amount, flag);
- on directory_organization when a firm's zone or private flag changes: its contracts (and, for a
  zone change, its awards) move from the old cell to the new one.
So the counters always equal the records as they are now (the seller's current zone and flag, the
same answer as the plain aggregate). Triggers live outside Python's layers: the market, programmes
and directory import nothing of the zones. A load that bypasses triggers (PostgreSQL's
session_replication_role = replica, the benchmark's bulk loads) calls
services.zones.zone_counters_rebuild(); selectors.private.zone_counters_drift() compares the table
with the plain aggregates. The local year is China's (UTC+8, no daylight saving since 1991): the
selectors' Asia/Shanghai. tests/zones/test_zones_counters.py checks the triggers exist, so a later
migration that remakes one of the three tables on SQLite (dropping its triggers) fails the tests.
"""

from django.db import migrations

AWARDED = "('funded', 'in_progress', 'acceptance', 'closed', 'failed')"  # selectors.private.AWARDED
TABLE = """CREATE TABLE IF NOT EXISTS zones_zonecounter (
    id {pk},
    year integer NOT NULL,
    zone_id bigint NOT NULL,
    private boolean NOT NULL,
    contracts bigint NOT NULL DEFAULT 0,
    contract_fen bigint NOT NULL DEFAULT 0,
    awards bigint NOT NULL DEFAULT 0,
    award_fen bigint NOT NULL DEFAULT 0)"""
KEY = "CREATE UNIQUE INDEX IF NOT EXISTS zones_zonecounter_key ON zones_zonecounter (year, zone_id, private)"
COLUMNS = "year, zone_id, private, contracts, contract_fen, awards, award_fen"
ADD = (
    "ON CONFLICT (year, zone_id, private) DO UPDATE SET "
    "contracts = zones_zonecounter.contracts + excluded.contracts, "
    "contract_fen = zones_zonecounter.contract_fen + excluded.contract_fen, "
    "awards = zones_zonecounter.awards + excluded.awards, "
    "award_fen = zones_zonecounter.award_fen + excluded.award_fen"
)


def _year(col: str, pg: bool) -> str:
    if pg:
        return f"CAST(extract(year FROM {col} AT TIME ZONE 'Asia/Shanghai') AS integer)"
    return f"CAST(strftime('%Y', {col}, '+8 hours') AS integer)"


def _fen(col: str) -> str:
    return f"CAST(ROUND(COALESCE({col}, 0) * 100) AS bigint)"


def _share(pg: bool) -> str:
    # PostgreSQL: the firm's row locked against a concurrent zone/flag change (its trigger then
    # waits for this transaction and sees this contract, or this one reads the firm's new zone) —
    # the foreign key's KEY SHARE lock does not conflict with that update; SQLite writes one at a time
    return " FOR SHARE OF o" if pg else ""


def _contract(row: str, sign: str, pg: bool) -> str:
    """A contract row's (OLD/NEW) contribution, signed."""
    return (
        f"INSERT INTO zones_zonecounter ({COLUMNS}) "
        f"SELECT {_year(row + '.registered_at', pg)}, o.zone_id, o.is_private_tech_enterprise, "
        f"{sign}1, {sign}{_fen(row + '.contract_amount')}, 0, 0 "
        f"FROM directory_organization o WHERE o.id = {row}.seller_organization_id AND o.zone_id IS NOT NULL "
        f"AND {row}.status = 'registered' AND {row}.registered_at IS NOT NULL{_share(pg)} {ADD}"
    )


def _award(row: str, sign: str, pg: bool) -> str:
    return (
        f"INSERT INTO zones_zonecounter ({COLUMNS}) "
        f"SELECT {_year(row + '.decided_at', pg)}, o.zone_id, {row}.is_private_tech, "
        f"0, 0, {sign}1, {sign}{_fen(row + '.awarded_amount')} "
        f"FROM directory_organization o WHERE o.id = {row}.organization_id AND o.zone_id IS NOT NULL "
        f"AND {row}.status IN {AWARDED} AND {row}.decided_at IS NOT NULL{_share(pg)} {ADD}"
    )


def _firm_contracts(row: str, sign: str, pg: bool) -> str:
    """All of a firm's registered contracts, per year, under its OLD/NEW zone and flag."""
    y = _year("c.registered_at", pg)
    return (
        f"INSERT INTO zones_zonecounter ({COLUMNS}) "
        f"SELECT {y}, {row}.zone_id, {row}.is_private_tech_enterprise, {sign}COUNT(*), "
        f"{sign}SUM({_fen('c.contract_amount')}), 0, 0 "
        f"FROM market_techcontract c WHERE c.seller_organization_id = NEW.id AND c.status = 'registered' "
        f"AND c.registered_at IS NOT NULL AND {row}.zone_id IS NOT NULL GROUP BY {y} {ADD}"
    )


def _firm_awards(row: str, sign: str, pg: bool) -> str:
    """A firm's awards, per year and the applications' own flag, under its OLD/NEW zone (only when
    the zone changed: the organisation's private flag is not the awards')."""
    y = _year("a.decided_at", pg)
    return (
        f"INSERT INTO zones_zonecounter ({COLUMNS}) "
        f"SELECT {y}, {row}.zone_id, a.is_private_tech, 0, 0, {sign}COUNT(*), "
        f"{sign}SUM({_fen('a.awarded_amount')}) "
        f"FROM programmes_application a WHERE a.organization_id = NEW.id AND a.status IN {AWARDED} "
        f"AND a.decided_at IS NOT NULL AND {row}.zone_id IS NOT NULL "
        f"AND OLD.zone_id IS DISTINCT FROM NEW.zone_id GROUP BY {y}, a.is_private_tech {ADD}"
    )


CONTRACT_CHANGED = (
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.registered_at IS DISTINCT FROM NEW.registered_at "
    "OR OLD.seller_organization_id IS DISTINCT FROM NEW.seller_organization_id "
    "OR OLD.contract_amount IS DISTINCT FROM NEW.contract_amount"
)
AWARD_CHANGED = (
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.decided_at IS DISTINCT FROM NEW.decided_at "
    "OR OLD.organization_id IS DISTINCT FROM NEW.organization_id "
    "OR OLD.awarded_amount IS DISTINCT FROM NEW.awarded_amount OR OLD.is_private_tech IS DISTINCT FROM NEW.is_private_tech"
)
FIRM_CHANGED = (
    "OLD.zone_id IS DISTINCT FROM NEW.zone_id "
    "OR OLD.is_private_tech_enterprise IS DISTINCT FROM NEW.is_private_tech_enterprise"
)
TRIGGERS = ("zones_counter_contract", "zones_counter_award", "zones_counter_firm")


def sqlite_statements() -> list[str]:
    def sq(text: str) -> str:  # SQLite spells IS DISTINCT FROM as IS NOT
        return text.replace("IS DISTINCT FROM", "IS NOT")

    out = [TABLE.format(pk="integer PRIMARY KEY AUTOINCREMENT"), KEY]
    for name, table, of, changed, part in (
        ("contract", "market_techcontract", "status, registered_at, seller_organization_id, contract_amount",
         CONTRACT_CHANGED, _contract),
        ("award", "programmes_application", "status, decided_at, organization_id, awarded_amount, is_private_tech",
         AWARD_CHANGED, _award),
    ):  # fmt: skip
        out += [
            f"CREATE TRIGGER IF NOT EXISTS zones_counter_{name}_ai AFTER INSERT ON {table} BEGIN "
            f"{part('NEW', '', False)}; END",
            f"CREATE TRIGGER IF NOT EXISTS zones_counter_{name}_ad AFTER DELETE ON {table} BEGIN "
            f"{part('OLD', '-', False)}; END",
            f"CREATE TRIGGER IF NOT EXISTS zones_counter_{name}_au AFTER UPDATE OF {of} ON {table} "
            f"WHEN {sq(changed)} BEGIN {part('OLD', '-', False)}; {part('NEW', '', False)}; END",
        ]
    out.append(
        "CREATE TRIGGER IF NOT EXISTS zones_counter_firm_au AFTER UPDATE OF zone_id, is_private_tech_enterprise "
        f"ON directory_organization WHEN {sq(FIRM_CHANGED)} BEGIN "
        f"{sq(_firm_contracts('OLD', '-', False))}; {sq(_firm_contracts('NEW', '', False))}; "
        f"{sq(_firm_awards('OLD', '-', False))}; {sq(_firm_awards('NEW', '', False))}; END"
    )
    return out


def sqlite_drop() -> list[str]:
    names = [f"zones_counter_{n}_{op}" for n in ("contract", "award") for op in ("ai", "ad", "au")]
    return [f"DROP TRIGGER IF EXISTS {n}" for n in [*names, "zones_counter_firm_au"]] + [
        "DROP TABLE IF EXISTS zones_zonecounter"
    ]


def _pg_function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
    )


def postgres_statements() -> list[str]:
    out = [TABLE.format(pk="bigserial PRIMARY KEY"), KEY]
    for name, table, changed, part in (
        ("zones_counter_contract", "market_techcontract", CONTRACT_CHANGED, _contract),
        ("zones_counter_award", "programmes_application", AWARD_CHANGED, _award),
    ):
        body = (
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {part('OLD', '-', True)}; END IF; "
            f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {part('NEW', '', True)}; END IF;"
        )
        out += [
            _pg_function(name, body),
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} AFTER INSERT OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
            f"DROP TRIGGER IF EXISTS {name}_u ON {table}",
            f"CREATE TRIGGER {name}_u AFTER UPDATE ON {table} FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {name}()",
        ]
    body = (
        f"{_firm_contracts('OLD', '-', True)}; {_firm_contracts('NEW', '', True)}; "
        f"{_firm_awards('OLD', '-', True)}; {_firm_awards('NEW', '', True)};"
    )
    out += [
        _pg_function("zones_counter_firm", body),
        "DROP TRIGGER IF EXISTS zones_counter_firm ON directory_organization",
        f"CREATE TRIGGER zones_counter_firm AFTER UPDATE ON directory_organization FOR EACH ROW WHEN ({FIRM_CHANGED}) "
        "EXECUTE FUNCTION zones_counter_firm()",
    ]
    return out


def postgres_drop() -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS zones_counter_contract ON market_techcontract",
        "DROP TRIGGER IF EXISTS zones_counter_contract_u ON market_techcontract",
        "DROP TRIGGER IF EXISTS zones_counter_award ON programmes_application",
        "DROP TRIGGER IF EXISTS zones_counter_award_u ON programmes_application",
        "DROP TRIGGER IF EXISTS zones_counter_firm ON directory_organization",
        *(f"DROP FUNCTION IF EXISTS {n}()" for n in TRIGGERS),
        "DROP TABLE IF EXISTS zones_zonecounter",
    ]


def rebuild_statements(pg: bool) -> list[str]:
    """Recompute the counters from the records (the plain aggregates, as the selectors had them)."""
    cy, ay = _year("c.registered_at", pg), _year("a.decided_at", pg)
    return [
        "DELETE FROM zones_zonecounter",
        f"INSERT INTO zones_zonecounter ({COLUMNS}) "
        f"SELECT {cy}, o.zone_id, o.is_private_tech_enterprise, COUNT(*), SUM({_fen('c.contract_amount')}), 0, 0 "
        "FROM market_techcontract c JOIN directory_organization o ON o.id = c.seller_organization_id "
        "WHERE c.status = 'registered' AND c.registered_at IS NOT NULL AND o.zone_id IS NOT NULL "
        f"GROUP BY {cy}, o.zone_id, o.is_private_tech_enterprise {ADD}",
        f"INSERT INTO zones_zonecounter ({COLUMNS}) "
        f"SELECT {ay}, o.zone_id, a.is_private_tech, 0, 0, COUNT(*), SUM({_fen('a.awarded_amount')}) "
        "FROM programmes_application a JOIN directory_organization o ON o.id = a.organization_id "
        f"WHERE a.status IN {AWARDED} AND a.decided_at IS NOT NULL AND o.zone_id IS NOT NULL "
        f"GROUP BY {ay}, o.zone_id, a.is_private_tech {ADD}",
    ]


def _run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def forwards(apps, schema_editor) -> None:
    pg = schema_editor.connection.vendor == "postgresql"
    _run(schema_editor, (postgres_statements() if pg else sqlite_statements()) + rebuild_statements(pg))


def backwards(apps, schema_editor) -> None:
    pg = schema_editor.connection.vendor == "postgresql"
    _run(schema_editor, postgres_drop() if pg else sqlite_drop())


class Migration(migrations.Migration):
    dependencies = [
        ("zones", "0001_initial"),
        ("directory", "0002_indexes_for_zone_shares"),
        ("market", "0009_indexes_for_zone_shares"),
        ("programmes", "0004_budget_award_subsidy_cells"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
