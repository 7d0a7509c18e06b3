from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from anymail.signals import tracking

        # After modeltranslation's ready(): the history copies the per-language fields.
        from . import history  # noqa: F401
        from .signals import stop_after_bounce_or_complaint

        tracking.connect(stop_after_bounce_or_complaint, dispatch_uid="newsletter-bounces")
