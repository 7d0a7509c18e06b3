from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils.translation import get_language, gettext


class PortalSite:
    """What allauth's emails call "the site": the portal's name in the reader's language."""

    def __init__(self):
        self.name = gettext("Mountain Partnership")
        self.domain = urlsplit(settings.SITE_URL).netloc


class AccountAdapter(DefaultAccountAdapter):
    """allauth, fitted to the portal: its emails name the partnership and go out through Celery."""

    def send_mail(self, template_prefix, email, context):
        from mountainpartnership.tasks import send_rendered_email

        context = {**context, "current_site": PortalSite()}
        message = self.render_mail(template_prefix, email, context)
        # Already rendered, so nothing waits for the transaction: queue it now.
        send_rendered_email.delay(
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            html=next(
                (
                    content
                    for content, mimetype in getattr(message, "alternatives", [])
                    if mimetype == "text/html"
                ),
                None,
            ),
            from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        )

    def save_user(self, request, user, form, commit=True):
        """A new account's emails are in the language of the page it signed up on, until the
        person chooses another on their settings page."""
        from . import services

        user = super().save_user(request, user, form, commit=commit)
        if user.pk is not None:
            services.user_language_said(user, get_language())
        return user
