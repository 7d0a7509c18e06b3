"""Every activities record kept before its history was: its first record, as it is now."""

from django.db import migrations

from mountainpartnership.history import record_existing_rows


def forwards(apps, schema_editor):
    record_existing_rows(
        apps,
        "activities",
        [
            "Activity",
            "Participation",
            "StatusChange",
            "Milestone",
            "Funding",
            "Output",
            "Event",
            "FundingOpportunity",
            "News",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("activities", "0005_kept_history")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
