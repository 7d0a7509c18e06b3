from anymail.signals import EventType
from django.db import transaction
from django.utils import timezone

from .models import Subscriber

# What the provider reports, and what it means for the list.
STOPS_SENDING = {
    EventType.BOUNCED: Subscriber.Status.BOUNCED,
    EventType.COMPLAINED: Subscriber.Status.COMPLAINED,
}


def stop_after_bounce_or_complaint(sender, event, esp_name, **kwargs):
    """A hard bounce or a spam complaint takes the address off the list at once; nothing
    more is sent to it (deliveries check the subscriber's status before each message)."""
    status = STOPS_SENDING.get(event.event_type)
    if status is None or not event.recipient:
        return
    with transaction.atomic():
        Subscriber.objects.filter(
            email__iexact=event.recipient,
            status__in=[Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING],
        ).update(status=status, unsubscribed_at=timezone.now())
