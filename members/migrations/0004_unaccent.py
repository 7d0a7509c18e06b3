from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """unaccent() for accent-insensitive search on PostgreSQL; SQLite gets a Python function
    of the same name on every connection, and this operation does nothing there."""

    dependencies = [("members", "0003_member_logo_size")]

    operations = [UnaccentExtension()]
