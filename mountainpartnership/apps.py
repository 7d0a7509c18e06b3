from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MountainPartnershipConfig(AppConfig):
    name = "mountainpartnership"
    verbose_name = _("Mountain Partnership")
