"""Every discussions record kept before its history was: its first record, as it is now."""

from django.db import migrations

from mountainpartnership.history import record_existing_rows


def forwards(apps, schema_editor):
    record_existing_rows(apps, "discussions", ["Space", "Topic", "Post", "Consultation"])


class Migration(migrations.Migration):
    dependencies = [("discussions", "0004_kept_history")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
