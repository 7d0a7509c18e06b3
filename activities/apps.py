from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities, events, funding and news")

    def ready(self):
        from mountainpartnership import pictures

        # After modeltranslation's ready(): the history copies the per-language fields.
        from . import history  # noqa: F401
        from .models import Activity, Event, News

        for model in [News, Activity, Event]:
            pictures.follow(model, "picture")
