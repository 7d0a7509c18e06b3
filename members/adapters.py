from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """allauth, fitted to the portal: emails go out through Celery."""

    def send_mail(self, template_prefix, email, context):
        from mountainpartnership.tasks import send_rendered_email

        message = self.render_mail(template_prefix, email, context)
        send_rendered_email.delay_on_commit(
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
