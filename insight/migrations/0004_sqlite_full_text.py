"""Text search on SQLite (make run): an FTS5 table over the search entries' title, keywords
and text, accents ignored (remove_diacritics) and words stemmed by Porter's English rules, kept
in step with insight_searchentry by triggers. Nothing on PostgreSQL (0002 is its counterpart).

The table has external content: it stores only its index and reads the texts back from
insight_searchentry by id for snippets. SQLite drops a table's triggers when Django remakes
the table (most ALTERs on SQLite), so a later migration that alters SearchEntry must run
`create` again after it."""

from django.db import migrations

TOKENIZER = "porter unicode61 remove_diacritics 2"
COLUMNS = ["title", "keywords", "text"]


def statements():
    columns = ", ".join(COLUMNS)
    new = ", ".join(f"new.{column}" for column in COLUMNS)
    old = ", ".join(f"old.{column}" for column in COLUMNS)
    forget = (
        f"INSERT INTO insight_searchentry_fts(insight_searchentry_fts, rowid, {columns}) "
        f"VALUES ('delete', old.id, {old});"
    )
    remember = f"INSERT INTO insight_searchentry_fts(rowid, {columns}) VALUES (new.id, {new});"
    return [
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS insight_searchentry_fts USING fts5(
            {columns}, content='insight_searchentry', content_rowid='id',
            tokenize='{TOKENIZER}')""",
        f"""CREATE TRIGGER IF NOT EXISTS insight_searchentry_fts_insert
            AFTER INSERT ON insight_searchentry BEGIN {remember} END""",
        f"""CREATE TRIGGER IF NOT EXISTS insight_searchentry_fts_delete
            AFTER DELETE ON insight_searchentry BEGIN {forget} END""",
        f"""CREATE TRIGGER IF NOT EXISTS insight_searchentry_fts_update
            AFTER UPDATE OF {columns} ON insight_searchentry BEGIN {forget} {remember} END""",
        # Index what is already there.
        "INSERT INTO insight_searchentry_fts(insight_searchentry_fts) VALUES ('rebuild')",
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        if not cursor.fetchone()[0]:
            raise RuntimeError(
                "Site search on SQLite needs FTS5, which this Python's SQLite lacks: use a "
                "Python built with a current SQLite, or PostgreSQL (DATABASE_URL)."
            )
    for statement in statements():
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ["insert", "delete", "update"]:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS insight_searchentry_fts_{name}")
    schema_editor.execute("DROP TABLE IF EXISTS insight_searchentry_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0003_search_keywords_and_topic"),
    ]

    operations = [migrations.RunPython(create, drop)]
