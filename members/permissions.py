"""Who may do what. Views, templates and the admin ask this module; none re-implements a check."""

from django.apps import apps as global_apps
from django.db.models import Q

SECRETARIAT_GROUP = "Secretariat"

# The secretariat edits every record of the portal's own apps. Accounts it may only read:
# changing an account can grant staff or superuser rights, which is for superusers alone.
SECRETARIAT_APPS = ["members", "activities", "newsletter", "discussions"]
SECRETARIAT_READ_ONLY_MODELS = [("members", "user")]


def secretariat_group_sync(*, apps=global_apps, using="default"):
    """Create the Secretariat group if needed and grant it every permission it should have.

    Adds, never removes, so permissions granted by hand stay. Safe to run any number of
    times; takes the historical `apps` registry when called from a migration.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=SECRETARIAT_GROUP)
    read_only = Q(pk__in=[])
    for app_label, model in SECRETARIAT_READ_ONLY_MODELS:
        read_only |= Q(content_type__app_label=app_label, content_type__model=model)
    permissions = (
        Permission.objects.using(using)
        .filter(content_type__app_label__in=SECRETARIAT_APPS)
        .exclude(read_only & ~Q(codename__startswith="view_"))
    )
    group.permissions.add(*permissions)
    return group
