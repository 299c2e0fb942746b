from django.db import migrations

# The database itself forbids overlapping active bookings of one instrument, whatever path
# writes: on PostgreSQL an exclusion constraint, on SQLite triggers (the booking service also
# holds the write lock while it checks, so users get a clean 409 before these ever fire).
ACTIVE = "('pending', 'confirmed', 'in_use', 'completed', 'no_show')"

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE instruments_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist ("
    "instrument_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
    f"WHERE (status IN {ACTIVE})",
]

_SQLITE_CHECK = (
    f"BEGIN SELECT RAISE(ABORT, 'booking_no_overlap') WHERE NEW.status IN {ACTIVE} AND EXISTS ("
    "SELECT 1 FROM instruments_booking b WHERE b.instrument_id = NEW.instrument_id AND b.id != NEW.id "
    f"AND b.status IN {ACTIVE} AND b.start < NEW.\"end\" AND b.\"end\" > NEW.start); END"
)

SQLITE = [
    f"CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON instruments_booking {_SQLITE_CHECK}",
    "CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE OF start, \"end\", status, instrument_id "
    f"ON instruments_booking {_SQLITE_CHECK}",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES if vendor == "postgresql" else SQLITE if vendor == "sqlite" else []:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE instruments_booking DROP CONSTRAINT IF EXISTS booking_no_overlap")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS booking_no_overlap_insert")
        schema_editor.execute("DROP TRIGGER IF EXISTS booking_no_overlap_update")


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
