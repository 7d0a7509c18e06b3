from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_rendered_email(*, subject, body, to, from_email, html=None):
    """Send one already-rendered message (allauth's account emails).

    Retries on connection errors. Not deduplicated: a retry after a partial failure may send
    a second copy, which for a sign-in code or a verification link is harmless.
    """
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
