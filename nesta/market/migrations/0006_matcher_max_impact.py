# The per-(term, kind) upper bound of the BM25 impact, for the exact pruned top-k
# (nesta/market/matching/pruning.py). Added with plain SQL: on SQLite Django would rebuild the
# table to add a column with a default, and the rebuilt table would lose WITHOUT ROWID (0005).

from django.db import migrations, models

ADD = "ALTER TABLE market_matchtermstat ADD COLUMN max_impact smallint NOT NULL DEFAULT 1000"
FILL = (
    "UPDATE market_matchtermstat SET max_impact = COALESCE((SELECT MAX(p.impact) FROM market_matchposting p "
    "WHERE p.term_id = market_matchtermstat.term_id AND p.kind = market_matchtermstat.kind), 0)"
)
DROP = "ALTER TABLE market_matchtermstat DROP COLUMN max_impact"


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0005_matcher_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="matchtermstat",
                    name="max_impact",
                    field=models.SmallIntegerField(default=1000),
                ),
            ],
            database_operations=[migrations.RunSQL(ADD, DROP), migrations.RunSQL(FILL, migrations.RunSQL.noop)],
        ),
    ]
