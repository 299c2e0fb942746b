from django.db import migrations


def create(apps, schema_editor):
    from nesta.core.search.engine import create_schema

    create_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
