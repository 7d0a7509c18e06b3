"""Text search on PostgreSQL: a dictionary per language that ignores accents, and the GIN
index that makes it fast. Nothing on SQLite, where search is a plain substring match."""

from django.db import migrations

CONFIGURATIONS = {"mp_english": "english", "mp_french": "french", "mp_spanish": "spanish"}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, base in CONFIGURATIONS.items():
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {base})")
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR "
            f"hword, hword_part, word WITH unaccent, {base}_stem"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_entry_vector ON insight_searchentry USING gin (vector)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_entry_vector")
    for name in CONFIGURATIONS:
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0001_initial"),
        ("members", "0004_unaccent"),
    ]

    operations = [migrations.RunPython(create, drop)]
