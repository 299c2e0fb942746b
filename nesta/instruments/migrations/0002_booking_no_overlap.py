from django.db import migrations

# PostgreSQL forbids overlapping active bookings of one instrument in the database itself.
# (SQLite has no exclusion constraints; there the booking transaction holds the write lock.)
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE instruments_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist ("
    "instrument_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
    "WHERE (status IN ('pending', 'confirmed', 'in_use', 'completed', 'no_show'))",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE instruments_booking DROP CONSTRAINT IF EXISTS booking_no_overlap")


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
