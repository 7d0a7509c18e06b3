from django.contrib.auth.management import create_permissions
from django.db import migrations

from members.permissions import secretariat_group_sync


def create_secretariat_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create them now so
    # that the group can be given them in this migration.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    secretariat_group_sync(apps=apps, using=schema_editor.connection.alias)


def remove_secretariat_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Secretariat").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_secretariat_group, remove_secretariat_group),
    ]
