"""Discussion emails, sent by Celery workers. Every task takes ids and is safe to run twice:
what was sent is recorded (Notice.sent_at, Consultation.*_sent_at) and not sent again."""

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from members.models import User
from members.services import user_language

from . import permissions
from .emails import consultation_message, digest_message, moderation_message, post_message
from .models import Consultation, Follow, Notice, Post, Reader, Topic

# How long a moderation email is remembered as sent, against the same task run twice.
MODERATION_NOTICE_SECONDS = 7 * 24 * 3600


def _readers(users) -> dict:
    return {reader.user_id: reader for reader in Reader.objects.filter(user__in=users)}


@shared_task
def notify_post(post_id: int) -> int:
    """Tell the followers of a new post's topic or space: at once, or in tomorrow's digest.
    Returns how many emails went out now."""
    post = (
        Post.objects.select_related("topic__space", "author", "member").filter(pk=post_id).first()
    )
    if post is None or not post.shown:
        return 0
    topic = post.topic
    follows = (
        Follow.objects.filter(Q(topic=topic) | Q(space=topic.space))
        .exclude(user=post.author)
        .filter(user__is_active=True)
        .select_related("user")
        .order_by(F("topic").asc(nulls_last=True))  # a topic's follow wins over its space's
    )
    chosen = {}
    for follow in follows:
        chosen.setdefault(follow.user_id, follow)
    readers = _readers(chosen)
    allowed = permissions.readers_among(topic.space, [follow.user for follow in chosen.values()])
    notices = []
    for user_id, follow in chosen.items():
        reader = readers.get(user_id)
        if reader is not None and reader.frequency == Reader.Frequency.NEVER:
            continue
        if user_id not in allowed:
            continue
        digest = reader is not None and reader.frequency == Reader.Frequency.DAILY
        notices.append(Notice(user_id=user_id, post=post, follow=follow, digest=digest))
    Notice.objects.bulk_create(notices, ignore_conflicts=True)

    sent = 0
    pending = Notice.objects.filter(post=post, digest=False, sent_at=None).select_related(
        "user", "follow"
    )
    for notice in pending:
        language = user_language(notice.user)
        post_message(post=post, user=notice.user, follow=notice.follow, language=language).send()
        Notice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


@shared_task
def send_digests() -> int:
    """Once a day (Celery beat): each reader who chose the digest gets the posts not yet
    sent to them, hidden and deleted ones left out. Returns how many digests went out."""
    users = (
        Notice.objects.filter(digest=True, sent_at=None).values_list("user", flat=True).distinct()
    )
    sent = 0
    for user_id in list(users):
        sent += send_digest(user_id)
    return sent


def send_digest(user_id: int) -> int:
    with transaction.atomic():
        notices = list(
            Notice.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(user_id=user_id, digest=True, sent_at=None)
            .select_related("post__topic__space", "post__author", "post__member", "follow")
            .order_by("post__topic__space", "post__topic", "post__created_at")
        )
        if not notices:
            return 0
        user = User.objects.get(pk=user_id)
        reader = Reader.objects.filter(user=user).first()
        readable = {}  # one check per space, not per post; no session here: see readers_among
        for notice in notices:
            space = notice.post.topic.space
            if space.pk not in readable:
                readable[space.pk] = user.pk in permissions.readers_among(space, [user])
        shown = [
            notice
            for notice in notices
            if notice.post.shown and readable[notice.post.topic.space_id]
        ]
        if shown and user.is_active and (reader is None or reader.frequency != "never"):
            digest_message(user=user, notices=shown, language=user_language(user)).send()
        now = timezone.now()
        Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(sent_at=now)
        if reader is not None:
            Reader.objects.filter(pk=reader.pk).update(digest_sent_at=now)
        return 1 if shown else 0


def _participants(consultation):
    authors = (
        Post.objects.filter(topic__space=consultation.space, deleted_at=None)
        .values_list("author", flat=True)
        .distinct()
    )
    users = list(User.objects.filter(pk__in=authors, is_active=True).order_by("pk"))
    readers = _readers(users)
    # The synthesis of a members-only consultation is as private as its contributions: only
    # those who may still read the space are told.
    allowed = permissions.readers_among(consultation.space, users)
    for user in users:
        if user.pk not in allowed:
            continue
        reader = readers.get(user.pk)
        if reader is not None and reader.frequency == Reader.Frequency.NEVER:
            continue
        yield user, user_language(user)


def _tell_participants(consultation_id: int, kind: str, field: str) -> int:
    with transaction.atomic():
        consultation = (
            Consultation.objects.select_for_update(skip_locked=True)
            .filter(pk=consultation_id, **{f"{field}__isnull": True})
            .first()
        )
        if consultation is None:
            return 0
        sent = 0
        for user, language in _participants(consultation):
            consultation_message(
                consultation=consultation, user=user, kind=kind, language=language
            ).send()
            sent += 1
        setattr(consultation, field, timezone.now())
        consultation.save(update_fields=[field])
        return sent


@shared_task
def consultations_closed() -> int:
    """Every few minutes (Celery beat): thank the participants of consultations that closed."""
    due = Consultation.objects.closed().filter(closing_sent_at=None).values_list("pk", flat=True)
    return sum(_tell_participants(pk, "closed", "closing_sent_at") for pk in due)


@shared_task
def synthesis_sent(consultation_id: int) -> int:
    """Send a published synthesis to the consultation's participants, once."""
    if not Consultation.objects.filter(
        pk=consultation_id, synthesis_published_at__isnull=False
    ).exists():
        return 0
    return _tell_participants(consultation_id, "synthesis", "synthesis_sent_at")


@shared_task
def moderation_notice(decision: str, pk: int, reason: str, key: str) -> int:
    """Email the secretariat's decision on post `pk` ("hidden", "kept") or topic `pk`
    ("locked") to its author, with the reason, in their language (members.services.user_language;
    what they wrote is in when nothing else is known of them). Once per decision (`key`) however often it runs;
    nothing if the author is gone or inactive, or the decision has since been undone.
    Returns how many emails went out."""
    if decision == "locked":
        topic = Topic.objects.select_related("author").filter(pk=pk).first()
        if topic is None or not topic.locked:
            return 0
        post, author, written_in = None, topic.author, topic.language
    else:
        post = Post.objects.select_related("author", "topic").filter(pk=pk).first()
        expected = Post.Moderation.HIDDEN if decision == "hidden" else Post.Moderation.VISIBLE
        if post is None or post.moderation != expected:
            return 0
        topic, author, written_in = post.topic, post.author, post.language
    if author is None or not author.is_active or not author.email:
        return 0
    if not cache.add(f"moderation-notice:{key}", 1, timeout=MODERATION_NOTICE_SECONDS):
        return 0  # sent already
    message = moderation_message(
        decision=decision,
        user=author,
        topic=topic,
        post=post,
        reason=reason,
        language=user_language(author, written_in),
    )
    try:
        message.send()
    except Exception:
        cache.delete(f"moderation-notice:{key}")  # not sent: a retry may send it
        raise
    return 1
