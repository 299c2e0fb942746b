from django.db import migrations


def create(apps, schema_editor):
    # PostgreSQL only: the text words' packed posting lists (core.search.postings), filled from
    # the documents already indexed. SQLite's FTS5 index returns the ids itself.
    if schema_editor.connection.vendor != "postgresql":
        return
    from nesta.core.search import postings

    for sql in postings.SCHEMA:
        schema_editor.execute(sql)
    postings.rebuild()


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS core_search_posting")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_auditlog_named_events"),
    ]

    operations = [migrations.RunPython(create, drop)]
