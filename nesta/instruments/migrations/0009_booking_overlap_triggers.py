"""SQLite: restore the no-overlap triggers of 0002. Adding the foreign keys of 0008 to the booking
table made SQLite rebuild it (copy, drop, rename), which silently drops a table's triggers: the
database itself no longer refused overlapping bookings. Re-created here, idempotently; PostgreSQL's
exclusion constraint survived (ALTER TABLE there keeps it) and is left alone."""

import importlib

from django.db import migrations

_0002 = importlib.import_module("nesta.instruments.migrations.0002_booking_no_overlap")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS booking_no_overlap_insert")
    schema_editor.execute("DROP TRIGGER IF EXISTS booking_no_overlap_update")
    for sql in _0002.SQLITE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("instruments", "0008_issue8_models")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
