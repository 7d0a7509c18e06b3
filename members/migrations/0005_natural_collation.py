from django.db import migrations


def create_collation(apps, schema_editor):
    # ICU's root collation: accents and case ignored at the first level, so "Équateur" sorts
    # among the Es in every language. SQLite gets a Python collation of the same name on
    # every connection (mountainpartnership/apps.py).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE COLLATION IF NOT EXISTS \"natural\" (provider = icu, locale = 'und')"
        )


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP COLLATION IF EXISTS "natural"')


class Migration(migrations.Migration):
    dependencies = [("members", "0004_unaccent")]

    operations = [migrations.RunPython(create_collation, drop_collation)]
