"""The free-time index: PolicyShape, kept exact by the database (triggers on the policy table,
so that bulk_create, queryset update() and deletes keep it too), filled from the policies there
are. See nesta/instruments/models/freeindex.py."""

from django.db import migrations, models

FIELDS = ("weekdays", "open_from", "open_until", "min_notice_minutes", "min_minutes", "max_minutes", "advance_days")
COLUMNS = ", ".join(FIELDS)
SHAPE = "instruments_policyshape"
POLICY = "instruments_bookingpolicy"


def _match(row: str) -> str:
    return " AND ".join(f"{f} = {row}.{f}" for f in FIELDS)


def _values(row: str) -> str:
    return ", ".join(f"{row}.{f}" for f in FIELDS)


SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS policyshape_insert AFTER INSERT ON {POLICY} BEGIN
        INSERT OR IGNORE INTO {SHAPE} ({COLUMNS}, policies) VALUES ({_values("NEW")}, 0);
        UPDATE {SHAPE} SET policies = policies + 1 WHERE {_match("NEW")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS policyshape_delete AFTER DELETE ON {POLICY} BEGIN
        UPDATE {SHAPE} SET policies = policies - 1 WHERE {_match("OLD")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS policyshape_update AFTER UPDATE OF {COLUMNS} ON {POLICY} BEGIN
        UPDATE {SHAPE} SET policies = policies - 1 WHERE {_match("OLD")};
        INSERT OR IGNORE INTO {SHAPE} ({COLUMNS}, policies) VALUES ({_values("NEW")}, 0);
        UPDATE {SHAPE} SET policies = policies + 1 WHERE {_match("NEW")};
    END""",
]
SQLITE_TRIGGERS = ("policyshape_insert", "policyshape_delete", "policyshape_update")

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION policyshape_sync() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE {SHAPE} SET policies = policies - 1 WHERE {_match("OLD")};
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO {SHAPE} ({COLUMNS}, policies) VALUES ({_values("NEW")}, 1)
            ON CONFLICT ({COLUMNS}) DO UPDATE SET policies = {SHAPE}.policies + 1;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS policyshape_sync ON {POLICY}",
    f"""CREATE TRIGGER policyshape_sync AFTER INSERT OR DELETE OR UPDATE OF {COLUMNS} ON {POLICY}
        FOR EACH ROW EXECUTE FUNCTION policyshape_sync()""",
]

FILL = f"INSERT INTO {SHAPE} ({COLUMNS}, policies) SELECT {COLUMNS}, COUNT(*) FROM {POLICY} GROUP BY {COLUMNS}"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES if vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)
    schema_editor.execute(f"DELETE FROM {SHAPE}")
    schema_editor.execute(FILL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS policyshape_sync ON {POLICY}")
        schema_editor.execute("DROP FUNCTION IF EXISTS policyshape_sync()")
    else:
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("instruments", "0009_booking_overlap_triggers")]

    operations = [
        migrations.CreateModel(
            name="PolicyShape",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("weekdays", models.CharField(max_length=7)),
                ("open_from", models.TimeField()),
                ("open_until", models.TimeField()),
                ("min_notice_minutes", models.PositiveIntegerField()),
                ("min_minutes", models.PositiveIntegerField()),
                ("max_minutes", models.PositiveIntegerField()),
                ("advance_days", models.PositiveSmallIntegerField()),
                ("policies", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=FIELDS, name="policyshape_unique")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
