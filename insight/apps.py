from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """What the secretariat learns from the portal, and what others can reuse: the dashboard,
    member engagement, partner matchmaking, the report to the CSD, site search, page views
    and open data."""

    name = "insight"
    verbose_name = _("Insight")

    def ready(self):
        # After modeltranslation's ready(), as every app's history.
        from . import failures, history, search  # noqa: F401

        search.connect_signals()
        failures.connect_signals()
