"""Bulk loading for the benchmarks' generators: rows straight through the driver (executemany on
SQLite, COPY on PostgreSQL), secondary indexes dropped during the load and built once after, the
text index (FTS5 triggers / GIN) likewise, and a session tuned for loading.

Used by bench/market/data.py (listings), bench/market/stats.py and bench/programmes/budget.py.
"""

from typing import Any


def drop_text_index(connection) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("DROP INDEX IF EXISTS core_searchdocument_tsv")
        else:
            for suffix in ("ai", "ad", "au"):
                cur.execute(f"DROP TRIGGER IF EXISTS core_searchdocument_{suffix}")


def restore_text_index(connection) -> None:
    from nesta.core.search import engine

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for sql in engine.POSTGRES_SCHEMA:
                cur.execute(sql)
    else:
        engine.ensure_sqlite_triggers(connection)  # re-creates the triggers and rebuilds FTS5


def write_objects(model, objs: list, connection, *, with_ids: bool = False) -> None:
    """Insert objs straight through the driver (Django's bulk_create spends most of the load
    building SQL): executemany on SQLite, COPY on PostgreSQL, with the ids already set on the
    objects when `with_ids`."""
    from django.db import connections

    connection = connections[connection.alias]  # the object itself, not the thread-local proxy
    fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    readers = [_reader(f, connection) for f in fields]
    rows = ([read(obj) for read in readers] for obj in objs)
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            marks = ", ".join(["?"] * len(fields))
            cur.cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            return
        with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _reader(f, connection):
    """obj -> the column's database value: the attribute itself for text, integers, booleans and
    foreign keys (what Django would send unchanged), Django's own conversion for the rest."""
    from operator import attrgetter

    from django.db import models

    plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
    own_pre_save = type(f).pre_save is models.Field.pre_save or not (
        getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    )
    if isinstance(f, plain) and type(f).pre_save is models.Field.pre_save and not isinstance(f, models.JSONField):
        return attrgetter(f.attname)
    if own_pre_save and not isinstance(f, models.JSONField):  # most dates and amounts are empty
        get = attrgetter(f.attname)

        def read(obj):
            value = get(obj)
            return None if value is None else f.get_db_prep_save(value, connection)

        return read
    return lambda obj: f.get_db_prep_save(f.pre_save(obj, True), connection)


def write_values(model, rows: list[dict[str, Any]], connection) -> None:
    """Insert rows given as {attname: value} without model instances (the template's value for
    anything a row leaves out: defaults, and the auto_now times of this load)."""
    from django.db import connections, models

    connection = connections[connection.alias]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    template = model()
    defaults = {f.attname: f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields}
    plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
    convert = {f.attname: (None if isinstance(f, plain) and not isinstance(f, models.JSONField) else f) for f in fields}
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)

    def row_of(values: dict[str, Any]) -> list[Any]:
        out = []
        for name in names:
            if name not in values:
                out.append(defaults[name])
                continue
            v, f = values[name], convert[name]
            out.append(v if f is None or v is None else f.get_db_prep_save(v, connection))
        return out

    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            marks = ", ".join(["?"] * len(fields))
            cur.cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", map(row_of, rows))
            return
        with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(row_of(values))


# Tables the load writes: their secondary indexes are dropped before and built once after
# (a million random-order inserts into a dozen B-trees cost far more than sorting once).
LOADED_TABLES = ("market_listing", "core_searchdocument")


def drop_indexes(connection, tables=LOADED_TABLES) -> list[str]:
    """Drop the tables' secondary indexes; returns the statements that re-create them. Indexes
    behind constraints (primary keys, inline UNIQUE) stay."""
    statements: list[str] = []
    with connection.cursor() as cur:
        for table in tables:
            if connection.vendor == "postgresql":
                cur.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                    [table],
                )
            else:
                cur.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
            for name, sql in cur.fetchall():
                cur.execute(f'DROP INDEX IF EXISTS "{name}"')
                statements.append(sql)
    return statements


def load_session(connection, on: bool) -> None:
    """Foreign keys unchecked and the log unsynced while the load runs (the rows are generated
    consistent); back to the settings' behaviour after."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SET session_replication_role = {'replica' if on else 'DEFAULT'}")
            cur.execute(f"SET synchronous_commit = {'off' if on else 'DEFAULT'}")
            cur.execute(f"SET maintenance_work_mem = {chr(39) + '512MB' + chr(39) if on else 'DEFAULT'}")
        else:
            cur.execute(f"PRAGMA foreign_keys = {'OFF' if on else 'ON'}")
            cur.execute(f"PRAGMA synchronous = {'OFF' if on else 'NORMAL'}")
            cur.execute(f"PRAGMA cache_size = {-1_000_000 if on else -2000}")


def reset_sequence(model, connection) -> None:
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
