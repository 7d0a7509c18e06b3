"""Writes to the discussions. Each function is atomic, checks permissions and limits before
it saves, and raises ValidationError with a sentence for the reader when it refuses."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Area, User
from members.permissions import current_representations, is_secretariat
from members.services import user_language_said
from mountainpartnership.db import unique_slug
from mountainpartnership.history import by

from . import permissions
from .models import Consultation, Flag, Follow, Post, Reader, Space, Topic


def space_for_area(area: Area) -> Space:
    """The discussion space of an area, made with the same names the first time."""
    space = Space.objects.filter(area=area).first()
    if space is not None:
        return space
    return Space.objects.create(
        area=area,
        slug=unique_slug(Space, area.slug, "space"),
        title_en=area.name_en,
        title_fr=area.name_fr,
        title_es=area.name_es,
        description_en=area.description_en,
        description_fr=area.description_fr,
        description_es=area.description_es,
        position=10 if area.kind == Area.Kind.THEMATIC else 20,
    )


def rate_refusal(user, kind: str, now=None) -> str | None:
    """Why `user` may not post another `kind` ("topic" or "reply") now, or None."""
    if is_secretariat(user):
        return None
    now = now or timezone.now()
    new = now - user.date_joined < datetime.timedelta(hours=settings.DISCUSSIONS_NEW_ACCOUNT_HOURS)
    allowed, seconds = settings.DISCUSSIONS_LIMITS["new" if new else "established"][kind]
    since = now - datetime.timedelta(seconds=seconds)
    topics = Topic.objects.filter(author=user, created_at__gte=since).count()
    if kind == "topic":
        used = topics
    else:
        # Every topic opens with a post of its own: replies are the rest.
        used = Post.objects.filter(author=user, created_at__gte=since).count() - topics
    if used < allowed:
        return None
    if kind == "topic":
        return _(
            "You have started as many topics as a new account may for now. Please wait a few "
            "minutes before starting another."
            if new
            else "You have started many topics in the last hour. Please wait a while before "
            "starting another."
        )
    return _(
        "You have posted as many replies as a new account may on its first day. You can post "
        "again tomorrow."
        if new
        else "You have posted many replies in the last hour. Please wait a while before "
        "posting again."
    )


def _refuse_unless_allowed(user, space, topic, kind):
    reason = permissions.posting_refusal(user, space, topic)
    if reason is None:
        reason = rate_refusal(user, kind)
    if reason is not None:
        raise ValidationError(reason)


def _speaking_for(user):
    representation = current_representations(user).select_related("member").order_by("pk").first()
    return representation.member if representation else None


def _lock_author(user) -> User:
    # One post at a time per account, so that two at once cannot both slip under a limit.
    return User.objects.select_for_update().get(pk=user.pk)


def _add_post(*, topic, user, body, language, now, source=Post.Source.WEB) -> Post:
    """Save a post as `user` (and the member they speak for); they now follow its topic, and
    its followers are told once the transaction commits."""
    from .tasks import notify_post

    post = Post(
        topic=topic,
        author=user,
        member=_speaking_for(user),
        body=body,
        language=language,
        source=source,
        created_at=now,
    )
    # A reply by email reaches here with no form before it: its length and characters are
    # checked here, as the site's form checks them (the HTML, made from the body on save, is
    # not editable and so not checked).
    post.full_clean()
    post.save()
    Follow.objects.get_or_create(user=user, topic=topic)
    transaction.on_commit(lambda: notify_post.delay(post.pk))
    return post


@transaction.atomic
def topic_start(*, space: Space, user, title: str, body: str, language: str) -> Topic:
    _lock_author(user)
    _refuse_unless_allowed(user, space, None, "topic")
    now = timezone.now()
    topic = Topic(
        space=space,
        title=title,
        language=language,
        author=user,
        created_at=now,
        last_posted_at=now,
        post_count=1,
    )
    topic.full_clean()
    topic.save()
    _add_post(topic=topic, user=user, body=body, language=language, now=now)
    return topic


@transaction.atomic
def reply_post(
    *, topic: Topic, user, body: str, language: str, source: str = Post.Source.WEB
) -> Post:
    _lock_author(user)
    topic = Topic.objects.select_for_update().select_related("space").get(pk=topic.pk)
    _refuse_unless_allowed(user, topic.space, topic, "reply")
    now = timezone.now()
    post = _add_post(topic=topic, user=user, body=body, language=language, now=now, source=source)
    Topic.objects.filter(pk=topic.pk).update(last_posted_at=now, post_count=F("post_count") + 1)
    return post


@transaction.atomic
def post_edit(*, post: Post, user, body: str) -> Post:
    post = Post.objects.select_for_update().select_related("topic").get(pk=post.pk)
    if not permissions.can_edit_post(user, post):
        raise ValidationError(
            _("This post can no longer be edited: posts can be changed for %(minutes)s minutes.")
            % {"minutes": settings.DISCUSSIONS_EDIT_MINUTES}
        )
    if body != post.body:
        post.body = body
        post.edited_at = timezone.now()
        by(post, user).save(update_fields=["body", "edited_at"])
    return post


@transaction.atomic
def post_delete(*, post: Post, user) -> Post:
    """The author takes a post down; it shows as deleted and the replies stay."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not permissions.can_delete_post(user, post):
        raise ValidationError(_("You can delete only your own posts."))
    post.deleted_at = timezone.now()
    by(post, user).save(update_fields=["deleted_at"])
    return post


@transaction.atomic
def post_flag(*, post: Post, user, reason: str) -> Flag:
    """Flag a post; enough flags from different people hide it pending review."""
    post = Post.objects.select_for_update().select_related("topic__space").get(pk=post.pk)
    if not permissions.can_flag(user, post):
        raise ValidationError(_("You cannot flag this post."))
    # One report per person and post, reviewed or not (the database holds no more): a second
    # one after the secretariat's review is refused as a repeat, not left to fail there.
    flag, created = Flag.objects.get_or_create(post=post, user=user, defaults={"reason": reason})
    if not created:
        raise ValidationError(_("You have already flagged this post."))
    open_flags = post.flags.filter(resolved_at=None).values("user").distinct().count()
    if open_flags >= settings.DISCUSSIONS_FLAGS_TO_HIDE and post.moderation == "visible":
        post.moderation = Post.Moderation.PENDING
        post.moderated_at = timezone.now()
        by(post, user).save(update_fields=["moderation", "moderated_at"])
    return flag


def _tell_author(decision: str, pk: int, reason: str) -> None:
    """Once the decision is committed, email it to the author of the post (or topic) `pk`,
    with the reason. `decision` is "hidden", "kept" (a post) or "locked" (a topic)."""
    from .tasks import moderation_notice

    key = uuid.uuid4().hex  # this decision's, so that the task run twice sends it once
    transaction.on_commit(lambda: moderation_notice.delay(decision, pk, reason, key))


@transaction.atomic
def post_moderate(*, post: Post, user, moderation: str, reason: str = "") -> Post:
    """The secretariat hides a post (with a reason) or shows it again; either way the flags
    on it are reviewed. Its author is emailed the decision and the reason, in their language,
    when it hides the post (or gives a new reason) and when it keeps visible a post that was
    reported or hidden; not when nothing was decided. Atomic."""
    if not is_secretariat(user):
        raise ValidationError(_("Only the secretariat moderates posts."))
    if moderation == Post.Moderation.HIDDEN and not reason.strip():
        raise ValidationError(_("Say why the post is hidden."))
    post = Post.objects.select_for_update().get(pk=post.pk)
    before = post.moderation, post.moderation_reason
    reported = post.flags.filter(resolved_at=None).exists()
    now = timezone.now()
    post.moderation = moderation
    post.moderation_reason = reason.strip() if moderation == Post.Moderation.HIDDEN else ""
    post.moderated_by = user
    post.moderated_at = now
    by(post, user).save(
        update_fields=["moderation", "moderation_reason", "moderated_by", "moderated_at"]
    )
    post.flags.filter(resolved_at=None).update(resolved_at=now)
    if moderation == Post.Moderation.HIDDEN and before != (moderation, post.moderation_reason):
        _tell_author("hidden", post.pk, post.moderation_reason)
    elif moderation == Post.Moderation.VISIBLE and (before[0] != moderation or reported):
        _tell_author("kept", post.pk, "")
    return post


@transaction.atomic
def topic_moderate(
    *,
    topic: Topic,
    user,
    pinned: bool | None = None,
    locked: bool | None = None,
    reason: str = "",
):
    """The secretariat pins or unpins a topic (pinned ones head their space) and locks or
    unlocks it (a locked one takes no more replies). Locking needs a reason, emailed to the
    topic's author in their language. Returns whether anything changed. A save, so the
    space's cached pages and search follow. Atomic."""
    if not is_secretariat(user):
        raise ValidationError(_("Only the secretariat moderates topics."))
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    changes = {
        field: value
        for field, value in [("pinned", pinned), ("locked", locked)]
        if value is not None and getattr(topic, field) != value
    }
    if changes.get("locked") and not reason.strip():
        raise ValidationError(_("Say why the topic is locked."))
    if not changes:
        return False
    for field, value in changes.items():
        setattr(topic, field, value)
    by(topic, user).save(update_fields=list(changes))
    if changes.get("locked"):
        _tell_author("locked", topic.pk, reason.strip())
    return True


def reader_for(user, language: str | None = None) -> Reader:
    """The account's discussion-email settings, made on first use. `language` is the page's:
    the account's emails take it if the person has not said one yet (members.services)."""
    reader, _created = Reader.objects.get_or_create(user=user)
    user_language_said(user, language)
    return reader


@transaction.atomic
def follow(*, user, language: str, space: Space | None = None, topic: Topic | None = None):
    if topic is not None:
        follow, _created = Follow.objects.get_or_create(user=user, topic=topic)
    else:
        follow, _created = Follow.objects.get_or_create(user=user, space=space)
    reader = reader_for(user, language)
    if reader.frequency == Reader.Frequency.NEVER:
        reader.frequency = Reader.Frequency.IMMEDIATE
        reader.save(update_fields=["frequency"])
    return follow


def unfollow(*, user, space: Space | None = None, topic: Topic | None = None) -> None:
    Follow.objects.filter(user=user, space=space, topic=topic).delete()


@transaction.atomic
def consultation_save(consultation: Consultation) -> Consultation:
    """Save a consultation, giving it its own discussion space and contributions topic."""
    if consultation.space_id is None:
        space = Space.objects.create(
            slug=unique_slug(Space, consultation.slug, "consultation"),
            title_en=consultation.question_en,
            title_fr=consultation.question_fr,
            title_es=consultation.question_es,
            write_access=Space.Write.VERIFIED,
            position=30,
        )
        consultation.space = space
        consultation.topic = Topic.objects.create(
            space=space,
            title=consultation.question_en,
            author=consultation.moderator,
            created_at=consultation.opens_at,
            last_posted_at=consultation.opens_at,
            pinned=True,
        )
    consultation.save()
    return consultation


@transaction.atomic
def synthesis_publish(*, consultation: Consultation, now=None) -> Consultation:
    """Publish the moderator's synthesis of a closed consultation and email it to everyone
    who took part (once, however often this is called)."""
    from .tasks import synthesis_sent

    now = now or timezone.now()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.state(now) != "closed":
        raise ValidationError(_("A synthesis is published once the consultation has closed."))
    if not (consultation.synthesis_en or "").strip():
        raise ValidationError(_("Write the synthesis (in English at least) before publishing."))
    if consultation.synthesis_published_at is None:
        consultation.synthesis_published_at = now
        consultation.save(update_fields=["synthesis_published_at"])
    transaction.on_commit(lambda: synthesis_sent.delay(consultation.pk))
    return consultation
