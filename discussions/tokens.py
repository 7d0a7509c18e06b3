"""Signed tokens in discussion emails: the Reply-To address and the one-click unsubscribe links.

The reply token is lower-case hexadecimal so that it survives mail servers that change the
case of an address's local part, and short enough for the 64-character limit on it.
"""

import hmac

from django.core import signing
from django.utils.crypto import salted_hmac

REPLY_SALT = "discussions.reply"
UNFOLLOW_SALT = "discussions.unfollow"
EMAILS_OFF_SALT = "discussions.emails-off"


def _reply_mac(user_pk: int, topic_pk: int) -> str:
    return salted_hmac(REPLY_SALT, f"{user_pk}-{topic_pk}", algorithm="sha256").hexdigest()[:32]


def reply_token(user_pk: int, topic_pk: int) -> str:
    return f"{user_pk}-{topic_pk}-{_reply_mac(user_pk, topic_pk)}"


def read_reply_token(token: str) -> tuple[int, int] | None:
    """(user pk, topic pk) from a token, or None if it was not made here."""
    parts = token.strip().lower().split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    user_pk, topic_pk = int(parts[0]), int(parts[1])
    if not hmac.compare_digest(parts[2], _reply_mac(user_pk, topic_pk)):
        return None
    return user_pk, topic_pk


def unfollow_token(follow) -> str:
    return signing.Signer(salt=UNFOLLOW_SALT).sign(str(follow.pk))


def read_unfollow_token(token: str) -> int | None:
    try:
        value = signing.Signer(salt=UNFOLLOW_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def emails_off_token(user) -> str:
    return signing.Signer(salt=EMAILS_OFF_SALT).sign(str(user.pk))


def read_emails_off_token(token: str) -> int | None:
    try:
        value = signing.Signer(salt=EMAILS_OFF_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None
