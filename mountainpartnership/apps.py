from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class MountainPartnershipConfig(AppConfig):
    name = "mountainpartnership"
    verbose_name = _("Mountain Partnership")

    def ready(self):
        from . import converters, logs
        from .db import register_sqlite_functions
        from .pagecache import connect_signals

        connection_created.connect(register_sqlite_functions, dispatch_uid="sqlite-functions")
        connect_signals()
        logs.connect_signals()
        # Before any URLconf is read: the apps' URLs use these converters.
        converters.register()
