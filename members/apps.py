from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_secretariat_permissions(sender, using, **kwargs):
    # Models added by later migrations get their permissions after the data migration
    # that created the group ran; this keeps the group complete after every migrate.
    from .permissions import secretariat_group_sync

    secretariat_group_sync(using=using)


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        post_migrate.connect(grant_secretariat_permissions, dispatch_uid="secretariat-permissions")
