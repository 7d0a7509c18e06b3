from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = _("Discussions")

    def ready(self):
        from members.models import Area
        from mountainpartnership import media

        # After modeltranslation's ready(): the history copies the per-language fields.
        from . import history  # noqa: F401
        from .inbound import connect_anymail
        from .permissions import document_access

        post_save.connect(area_saved, sender=Area, dispatch_uid="discussions.area_saved")
        connect_anymail()
        # A consultation's documents are as private as its discussion space.
        media.guard("consultations", document_access)


def area_saved(sender, instance, created, raw=False, **kwargs):
    """Every area gets its discussion space the moment it is created."""
    if created and not raw:
        from .services import space_for_area

        space_for_area(instance)
