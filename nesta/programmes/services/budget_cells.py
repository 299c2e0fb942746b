"""Rebuild the budget cells the database's triggers keep (migrations 0003 and 0004): payments per
(year, programme, province), committed awards per (call, province), subsidy instalments per (year,
programme, province). Only for a load that bypassed the triggers (the benchmark's bulk load on
PostgreSQL runs as a replica); every ordinary write keeps the cells itself."""

import importlib

from django.db import connection

from nesta.core.transactions import write_transaction

_cells = importlib.import_module("nesta.programmes.migrations.0004_budget_award_subsidy_cells")


def budget_cells_rebuild() -> dict[str, int]:
    """Recompute every cell from the records; returns the number of cells of each table."""
    from nesta.programmes.services.payments import payment_cells_rebuild

    counts = {"payments": payment_cells_rebuild()}
    with write_transaction(), connection.cursor() as cur:
        for sql in _cells.REBUILD:
            cur.execute(sql)
        for name, table in (("awards", "programmes_awardcell"), ("subsidies", "programmes_subsidycell")):
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            counts[name] = int(cur.fetchone()[0])
    return counts
