"""Signed links for subscribers: nothing to log in to, nothing a stranger can forge."""

import datetime

from django.core import signing

from .models import Subscriber

CONFIRM_SALT = "newsletter.confirm"
MANAGE_SALT = "newsletter.manage"
CONFIRM_VALID_FOR = datetime.timedelta(days=7)


def confirm_token(subscriber: Subscriber) -> str:
    """Expires after a week."""
    return signing.dumps([subscriber.pk, subscriber.key], salt=CONFIRM_SALT, compress=True)


def manage_token(subscriber: Subscriber) -> str:
    """For preferences and unsubscribing; valid until the subscriber's key is replaced."""
    return signing.Signer(salt=MANAGE_SALT).sign(f"{subscriber.pk}.{subscriber.key}")


def subscriber_from_confirm_token(token: str) -> Subscriber | None:
    try:
        pk, key = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_VALID_FOR)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return Subscriber.objects.filter(pk=pk, key=key).first()


def subscriber_from_manage_token(token: str) -> Subscriber | None:
    try:
        pk, key = signing.Signer(salt=MANAGE_SALT).unsign(token).split(".", 1)
    except (signing.BadSignature, ValueError):
        return None
    if not pk.isdigit():
        return None
    return Subscriber.objects.filter(pk=int(pk), key=key).first()
