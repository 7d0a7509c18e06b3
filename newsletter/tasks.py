from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Subscriber
from .tokens import confirm_token, manage_token


@shared_task
def subscription_email(subscriber_id: int, kind: str) -> None:
    """The confirmation link ("confirm"), or, to an address already confirmed, its
    preferences link ("already"). Skipped if the subscriber is gone or has changed state."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    expected = Subscriber.Status.PENDING if kind == "confirm" else Subscriber.Status.CONFIRMED
    if subscriber is None or subscriber.status != expected:
        return
    with translation.override(subscriber.language):
        if kind == "confirm":
            path = reverse("newsletter:confirm", kwargs={"token": confirm_token(subscriber)})
        else:
            path = reverse("newsletter:preferences", kwargs={"token": manage_token(subscriber)})
        context = {"subscriber": subscriber, "url": settings.SITE_URL.rstrip("/") + path}
        subject = render_to_string(f"newsletter/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"newsletter/email/{kind}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [subscriber.email])
