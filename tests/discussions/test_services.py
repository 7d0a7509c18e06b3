"""What the discussion services save, refuse and send, as the pages, the admin and the email
gateway rely on (discussions/services.py)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from discussions import services
from discussions.models import Flag, Follow, Post, Reader, Space, Topic
from members.models import Area, Representation
from members.services import user_language
from tests.conftest import as_secretariat, verified_user
from tests.discussions.conftest import old_account, representative
from tests.factories import (
    AreaFactory,
    MemberFactory,
    PostFactory,
    SpaceFactory,
    TopicFactory,
    consultation_for,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def refusal(call):
    """The sentence a refused call gives its reader (and check that it changed nothing)."""
    with pytest.raises(ValidationError) as error:
        call()
    return " ".join(error.value.messages)


# A new area's discussion space


@pytest.mark.parametrize(("kind", "position"), [("thematic", 10), ("geographic", 20)])
def test_a_new_area_gets_its_space_with_its_names_in_every_language(kind, position):
    area = Area.objects.create(
        kind=kind,
        slug="water-towers",
        name_en="Water towers",
        name_fr="Châteaux d’eau",
        name_es="Torres de agua",
        description_en="Glaciers and snow.",
        description_fr="Glaciers et neige.",
        description_es="Glaciares y nieve.",
    )
    space = Space.objects.get(area=area)
    assert space.slug == "water-towers"
    assert (space.title_en, space.title_fr, space.title_es) == (
        "Water towers",
        "Châteaux d’eau",
        "Torres de agua",
    )
    assert (space.description_en, space.description_fr, space.description_es) == (
        "Glaciers and snow.",
        "Glaciers et neige.",
        "Glaciares y nieve.",
    )
    assert space.position == position
    # Asked again, the area keeps the one space it has.
    assert services.space_for_area(area) == space
    assert Space.objects.filter(area=area).count() == 1


def test_an_area_whose_slug_a_space_already_has_gets_a_slug_of_its_own():
    SpaceFactory(slug="soils")
    area = AreaFactory(slug="soils", name_en="Soils")
    assert Space.objects.get(area=area).slug == "soils-2"


# Posting limits


def topics_by(user, count, ago=datetime.timedelta(0)):
    space = SpaceFactory()
    for _ in range(count):
        topic = TopicFactory(space=space, author=user, created_at=timezone.now() - ago)
        PostFactory(topic=topic, author=user, created_at=topic.created_at)


def replies_by(user, count, ago=datetime.timedelta(0)):
    topic = TopicFactory(space=SpaceFactory())
    for _ in range(count):
        PostFactory(topic=topic, author=user, created_at=timezone.now() - ago)


def test_an_account_is_new_for_its_first_24_hours():
    user = representative()
    topics_by(user, 1)
    now = timezone.now()
    user.date_joined = now - 24 * HOUR + datetime.timedelta(seconds=1)
    assert "as a new account may" in services.rate_refusal(user, "topic", now=now)
    user.date_joined = now - 24 * HOUR
    assert services.rate_refusal(user, "topic", now=now) is None


def test_an_established_account_may_start_ten_topics_an_hour():
    user = old_account(representative())
    topics_by(user, 9)
    assert services.rate_refusal(user, "topic") is None
    topics_by(user, 1)
    with translation.override("en"):
        assert services.rate_refusal(user, "topic") == (
            "You have started many topics in the last hour. Please wait a while before "
            "starting another."
        )
    space = SpaceFactory()
    assert "Please wait a while" in refusal(
        lambda: services.topic_start(space=space, user=user, title="T", body="B", language="en")
    )
    assert not Topic.objects.filter(space=space).exists()


def test_topics_older_than_the_limits_window_no_longer_count():
    user = old_account(representative())
    topics_by(user, 10, ago=datetime.timedelta(seconds=3600 + 5))
    assert services.rate_refusal(user, "topic") is None
    # One started exactly as long ago as the window still counts.
    now = timezone.now()
    Topic.objects.filter(author=user).update(created_at=now - datetime.timedelta(seconds=3600))
    assert services.rate_refusal(user, "topic", now=now) is not None


def test_an_established_account_may_post_sixty_replies_an_hour():
    user = old_account(representative())
    replies_by(verified_user(), 70)  # another account's replies are theirs
    replies_by(user, 59)
    assert services.rate_refusal(user, "reply") is None
    replies_by(user, 1)
    with translation.override("en"):
        assert services.rate_refusal(user, "reply") == (
            "You have posted many replies in the last hour. Please wait a while before "
            "posting again."
        )
    Post.objects.filter(author=user).update(created_at=timezone.now() - HOUR - HOUR)
    assert services.rate_refusal(user, "reply") is None


def test_the_post_that_opens_a_topic_is_not_counted_as_a_reply():
    user = representative()  # new: ten replies on the first day
    topics_by(user, 1)
    replies_by(user, 9)
    assert services.rate_refusal(user, "reply") is None
    replies_by(user, 1)
    with translation.override("en"):
        assert services.rate_refusal(user, "reply") == (
            "You have posted as many replies as a new account may on its first day. You can "
            "post again tomorrow."
        )


def test_the_new_accounts_topic_limit_says_so_in_the_readers_language():
    user = representative()
    topics_by(user, 1)
    with translation.override("fr"):
        message = services.rate_refusal(user, "topic")
    assert message.startswith("Vous avez ouvert autant de sujets qu’un nouveau compte")


def test_the_sentence_why_one_may_not_post_comes_before_the_limits(cast):
    user = old_account(representative())
    topic = TopicFactory(space=SpaceFactory(), locked=True)
    replies_by(user, 60)
    assert refusal(
        lambda: services.reply_post(topic=topic, user=user, body="x", language="en")
    ) == ("This topic is locked: it takes no more replies.")


# Posts and topics as saved


def test_a_topic_starts_with_its_first_post_in_the_writers_language_as_the_member_they_speak_for(
    django_capture_on_commit_callbacks,
):
    user = old_account(representative())
    space = SpaceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_start(
            space=space,
            user=user,
            title="Glacier lakes",
            body="Who *measures* them?",
            language="es",
        )
    topic.refresh_from_db()
    assert (topic.space, topic.title, topic.language, topic.author) == (
        space,
        "Glacier lakes",
        "es",
        user,
    )
    assert topic.post_count == 1 and not topic.pinned and not topic.locked
    (post,) = topic.posts.all()
    assert (post.author, post.body, post.language, post.source) == (
        user,
        "Who *measures* them?",
        "es",
        Post.Source.WEB,
    )
    assert post.body_html == "<p>Who <em>measures</em> them?</p>"
    assert post.member == user.representations.get().member
    assert topic.created_at == topic.last_posted_at == post.created_at
    # The author follows what they started.
    assert Follow.objects.filter(user=user, topic=topic).exists()


def test_a_reply_counts_on_its_topic_and_moves_it_up_and_its_followers_are_told(
    django_capture_on_commit_callbacks,
):
    space = SpaceFactory()
    topic = TopicFactory(space=space, last_posted_at=timezone.now() - HOUR)
    PostFactory(topic=topic, author=topic.author)
    follower = verified_user(email="follower@example.org")
    Follow.objects.create(user=follower, topic=topic)
    user = old_account(verified_user(first_name="Vera"))
    space.write_access = Space.Write.VERIFIED
    space.save()
    with django_capture_on_commit_callbacks(execute=True):
        post = services.reply_post(
            topic=topic, user=user, body="By email", language="fr", source=Post.Source.EMAIL
        )
    topic.refresh_from_db()
    assert topic.post_count == 2
    assert topic.last_posted_at == post.created_at
    assert post.source == Post.Source.EMAIL and post.language == "fr"
    assert post.member is None  # Vera speaks for no member
    assert Follow.objects.filter(user=user, topic=topic).count() == 1
    assert [message.to for message in mail.outbox] == [["follower@example.org"]]
    # Replying again does not follow the topic twice.
    services.reply_post(topic=topic, user=user, body="Again", language="fr")
    assert Follow.objects.filter(user=user, topic=topic).count() == 1
    topic.refresh_from_db()
    assert topic.post_count == 3


def test_a_post_speaks_for_the_first_member_the_author_currently_represents():
    user = old_account(verified_user())
    first, second = MemberFactory(), MemberFactory()
    today = timezone.localdate()
    ended = Representation.objects.create(
        user=user, member=MemberFactory(), role=Representation.Role.COLLEAGUE
    )
    Representation.objects.create(user=user, member=first, role=Representation.Role.COLLEAGUE)
    Representation.objects.create(user=user, member=second, role=Representation.Role.COLLEAGUE)
    from members.models import FocalPoint

    ended.focal_point = FocalPoint.objects.create(
        member=ended.member,
        name="Gone",
        email=user.email,
        start_date=today - datetime.timedelta(days=30),
        end_date=today - datetime.timedelta(days=1),
    )
    ended.save()
    post = services.reply_post(
        topic=TopicFactory(space=SpaceFactory()), user=user, body="Hi", language="en"
    )
    assert post.member == first


REPLY_QUERIES = 16  # the checks of the form and the limits, the post, its history, the follow
EDIT_QUERIES = 3


def statements(queries) -> list[str]:
    """The statements run, without savepoints: mutation testing wraps each service in one
    more atomic block than it has, which adds a savepoint and is not the service's doing."""
    return [
        query["sql"]
        for query in queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_replying_and_editing_take_a_fixed_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Replies arrive by email in bursts: the topic's space, the member spoken for and the
    # post's topic are read with the rows that need them, not one query later each.
    user = old_account(representative())
    topic = TopicFactory(space=SpaceFactory())
    # The first reply fills what the process keeps (content types and the like), which other
    # tests may have filled already: the second one is counted.
    services.reply_post(topic=topic, user=user, body="Hi", language="en")
    with CaptureQueriesContext(connection) as reply:
        post = services.reply_post(topic=topic, user=user, body="Hello", language="en")
    assert len(statements(reply.captured_queries)) == REPLY_QUERIES, reply.captured_queries
    post = Post.objects.get(pk=post.pk)
    with CaptureQueriesContext(connection) as edit:
        services.post_edit(post=post, user=user, body="Hello again")
    assert len(statements(edit.captured_queries)) == EDIT_QUERIES, edit.captured_queries


def test_a_reply_by_email_too_long_for_the_site_is_refused_and_nothing_is_saved():
    from mountainpartnership.limits import LONG_TEXT

    topic = TopicFactory(space=SpaceFactory())
    user = old_account(representative())
    with pytest.raises(ValidationError):
        services.reply_post(
            topic=topic, user=user, body="x" * (LONG_TEXT + 1), language="en", source="email"
        )
    assert not Post.objects.filter(topic=topic).exists()
    topic.refresh_from_db()
    assert topic.post_count == 1


def test_editing_keeps_the_post_unmarked_when_the_text_is_the_same():
    author = old_account(representative())
    post = PostFactory(author=author, body="As it was")
    services.post_edit(post=post, user=author, body="As it was")
    post.refresh_from_db()
    assert post.edited_at is None
    services.post_edit(post=post, user=author, body="As it *is*")
    post.refresh_from_db()
    assert post.body == "As it *is*" and post.body_html == "<p>As it <em>is</em></p>"
    assert post.edited_at is not None
    # The post's history says who changed it.
    assert post.history.latest().history_user == author


def test_editing_after_the_window_is_refused_with_the_window_in_the_readers_language(settings):
    author = old_account(representative())
    post = PostFactory(author=author, body="First")
    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - 50 * datetime.timedelta(minutes=1)
    )
    settings.DISCUSSIONS_EDIT_MINUTES = 45
    with translation.override("en"):
        message = refusal(lambda: services.post_edit(post=post, user=author, body="Second"))
    assert message == "This post can no longer be edited: posts can be changed for 45 minutes."
    post.refresh_from_db()
    assert post.body == "First" and post.edited_at is None


def test_only_the_author_deletes_a_post():
    author = old_account(representative())
    post = PostFactory(author=author)
    with translation.override("en"):
        message = refusal(lambda: services.post_delete(post=post, user=verified_user()))
    assert message == "You can delete only your own posts."
    post.refresh_from_db()
    assert post.deleted_at is None
    services.post_delete(post=post, user=author)
    post.refresh_from_db()
    assert post.deleted_at is not None and not post.shown
    assert post.history.latest().history_user == author


# Reports and moderation


def test_a_report_is_kept_with_its_reason_and_one_person_reports_a_post_once():
    post = PostFactory(topic=TopicFactory(space=SpaceFactory()))
    reporter = verified_user()
    flag = services.post_flag(post=post, user=reporter, reason="Spam link")
    assert (flag.post, flag.user, flag.reason, flag.resolved_at) == (
        post,
        reporter,
        "Spam link",
        None,
    )
    with translation.override("en"):
        message = refusal(lambda: services.post_flag(post=post, user=reporter, reason="Again"))
    assert message == "You have already flagged this post."
    assert Flag.objects.get().reason == "Spam link"
    with translation.override("en"):
        message = refusal(lambda: services.post_flag(post=post, user=post.author, reason="x"))
    assert message == "You cannot flag this post."


def test_the_number_of_reports_that_hides_a_post_is_a_setting(settings):
    settings.DISCUSSIONS_FLAGS_TO_HIDE = 2
    post = PostFactory(topic=TopicFactory(space=SpaceFactory()))
    services.post_flag(post=post, user=verified_user(), reason="One")
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.VISIBLE and post.moderated_at is None
    second = verified_user()
    services.post_flag(post=post, user=second, reason="Two")
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.PENDING and post.moderated_at is not None
    # The post's history says whose report hid it.
    latest = post.history.order_by("-history_id").first()
    assert latest.moderation == Post.Moderation.PENDING and latest.history_user == second


def test_reports_already_reviewed_do_not_count_again(settings):
    settings.DISCUSSIONS_FLAGS_TO_HIDE = 2
    post = PostFactory(topic=TopicFactory(space=SpaceFactory()))
    secretariat = as_secretariat(verified_user(is_staff=True, is_superuser=True))
    old_account(secretariat)
    services.post_flag(post=post, user=verified_user(), reason="One")
    services.post_moderate(post=post, user=secretariat, moderation=Post.Moderation.VISIBLE)
    services.post_flag(post=post, user=verified_user(), reason="Two")
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.VISIBLE


def test_the_secretariat_hides_with_a_reason_then_shows_again(cast):
    secretariat = cast["secretariat"]
    post = PostFactory(topic=TopicFactory(space=SpaceFactory()))
    services.post_flag(post=post, user=verified_user(), reason="Rude")
    with translation.override("en"):
        message = refusal(
            lambda: services.post_moderate(
                post=post, user=secretariat, moderation=Post.Moderation.HIDDEN, reason="  "
            )
        )
    assert message == "Say why the post is hidden."
    with pytest.raises(ValidationError):
        services.post_moderate(post=post, user=secretariat, moderation=Post.Moderation.HIDDEN)
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.VISIBLE and post.moderated_by is None
    assert Flag.objects.filter(resolved_at=None).count() == 1

    services.post_moderate(
        post=post, user=secretariat, moderation=Post.Moderation.HIDDEN, reason="  Insults \n"
    )
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.HIDDEN
    assert post.moderation_reason == "Insults"
    assert post.moderated_by == secretariat and post.moderated_at is not None
    assert not Flag.objects.filter(resolved_at=None).exists()
    assert Flag.objects.get().resolved_at == post.moderated_at

    services.post_moderate(
        post=post, user=secretariat, moderation=Post.Moderation.VISIBLE, reason="Insults"
    )
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.VISIBLE and post.moderation_reason == ""


def test_only_the_secretariat_moderates_posts_and_topics(cast):
    post = PostFactory(topic=TopicFactory(space=SpaceFactory()))
    for who in ["verified", "representative"]:
        with translation.override("en"):
            assert refusal(
                lambda who=who: services.post_moderate(
                    post=post, user=cast[who], moderation="hidden", reason="x"
                )
            ) == ("Only the secretariat moderates posts.")
            assert refusal(
                lambda who=who: services.topic_moderate(
                    topic=post.topic, user=cast[who], pinned=True
                )
            ) == ("Only the secretariat moderates topics.")
    post.refresh_from_db()
    post.topic.refresh_from_db()
    assert post.moderation == "visible" and not post.topic.pinned


def test_pinning_and_locking_say_whether_anything_changed(cast):
    secretariat = cast["secretariat"]
    topic = TopicFactory(space=SpaceFactory())
    assert services.topic_moderate(topic=topic, user=secretariat) is False
    assert services.topic_moderate(topic=topic, user=secretariat, pinned=True) is True
    assert services.topic_moderate(topic=topic, user=secretariat, pinned=True) is False
    topic.refresh_from_db()
    assert topic.pinned and not topic.locked
    with translation.override("en"):
        message = refusal(
            lambda: services.topic_moderate(topic=topic, user=secretariat, locked=True)
        )
    assert message == "Say why the topic is locked."
    assert services.topic_moderate(topic=topic, user=secretariat, locked=True, reason="Off topic")
    topic.refresh_from_db()
    assert topic.pinned and topic.locked
    assert services.topic_moderate(topic=topic, user=secretariat, pinned=False, locked=False)
    topic.refresh_from_db()
    assert not topic.pinned and not topic.locked


# Following


def test_a_reader_keeps_the_language_they_used_first():
    user = verified_user()
    services.reader_for(user)
    user.refresh_from_db()
    assert user.language == "" and user_language(user) == "en"  # not said: the default
    other = verified_user()
    services.reader_for(other, "es")
    services.reader_for(other, "fr")
    other.refresh_from_db()
    assert other.language == "es"
    assert Reader.objects.count() == 2


def test_following_a_space_or_a_topic_turns_emails_back_on():
    user = verified_user()
    space = SpaceFactory()
    topic = TopicFactory(space=space)
    follow = services.follow(user=user, language="fr", space=space)
    assert (follow.space, follow.topic) == (space, None)
    reader = Reader.objects.get(user=user)
    assert reader.user.language == "fr" and reader.frequency == Reader.Frequency.IMMEDIATE
    Reader.objects.filter(user=user).update(frequency=Reader.Frequency.NEVER)
    follow = services.follow(user=user, language="fr", topic=topic)
    assert (follow.space, follow.topic) == (None, topic)
    assert Reader.objects.get(user=user).frequency == Reader.Frequency.IMMEDIATE
    # A daily digest stays a daily digest.
    Reader.objects.filter(user=user).update(frequency=Reader.Frequency.DAILY)
    assert services.follow(user=user, language="fr", space=space) == Follow.objects.get(
        user=user, space=space
    )
    assert Reader.objects.get(user=user).frequency == Reader.Frequency.DAILY

    # Unfollowing ends that one follow, and no one else's.
    other_space, other_topic, other_user = SpaceFactory(), TopicFactory(), verified_user()
    services.follow(user=user, language="fr", space=other_space)
    services.follow(user=user, language="fr", topic=other_topic)
    services.follow(user=other_user, language="en", space=space)
    services.follow(user=other_user, language="en", topic=topic)

    def followed():
        return {(f.user, f.space, f.topic) for f in Follow.objects.all()}

    everyone = followed()
    services.unfollow(user=user, space=space)
    assert followed() == everyone - {(user, space, None)}
    services.unfollow(user=user, topic=topic)
    assert followed() == everyone - {(user, space, None), (user, None, topic)}


# Consultations


def test_a_consultation_gets_its_space_and_pinned_contributions_topic(cast):
    consultation = consultation_for(
        "open",
        cast["secretariat"],
        slug="water-2027",
        question_en="Water?",
        question_fr="L’eau ?",
        question_es="¿Agua?",
    )
    space = consultation.space
    assert space.slug == "water-2027"
    assert (space.title_en, space.title_fr, space.title_es) == ("Water?", "L’eau ?", "¿Agua?")
    assert space.write_access == Space.Write.VERIFIED and space.position == 30
    topic = consultation.topic
    assert (topic.space, topic.title, topic.author, topic.pinned) == (
        space,
        "Water?",
        cast["secretariat"],
        True,
    )
    assert topic.created_at == topic.last_posted_at == consultation.opens_at
    # Saved again, it keeps them.
    services.consultation_save(consultation)
    assert Space.objects.filter(consultation=consultation).get() == space
    assert Topic.objects.filter(space=space).count() == 1


def test_a_synthesis_is_published_once_and_only_after_closing(cast):
    consultation = consultation_for("upcoming", cast["secretariat"], synthesis_en="Done")
    with translation.override("en"):
        assert refusal(lambda: services.synthesis_publish(consultation=consultation)) == (
            "A synthesis is published once the consultation has closed."
        )
    # At the moment it closes, it is closed.
    at_close = consultation.closes_at
    published = services.synthesis_publish(consultation=consultation, now=at_close)
    assert published.synthesis_published_at == at_close
    services.synthesis_publish(consultation=consultation, now=at_close + HOUR)
    consultation.refresh_from_db()
    assert consultation.synthesis_published_at == at_close


def test_a_synthesis_of_blanks_is_not_published(cast):
    consultation = consultation_for("closed", cast["secretariat"], synthesis_en="  \n ")
    with translation.override("en"):
        assert refusal(lambda: services.synthesis_publish(consultation=consultation)) == (
            "Write the synthesis (in English at least) before publishing."
        )
    consultation.refresh_from_db()
    assert consultation.synthesis_published_at is None


def test_a_synthesis_is_judged_at_the_moment_given(cast):
    # The admin's action passes the moment it acts, for every consultation it publishes.
    consultation = consultation_for("open", cast["secretariat"], synthesis_en="Done")
    after = consultation.closes_at + HOUR
    published = services.synthesis_publish(consultation=consultation, now=after)
    assert published.synthesis_published_at == after
    before = consultation_for("closed", cast["secretariat"], slug="c2", synthesis_en="Done")
    with pytest.raises(ValidationError):
        services.synthesis_publish(consultation=before, now=before.opens_at - HOUR)


def test_a_reader_whose_report_was_reviewed_is_told_they_already_reported_it(client, cast):
    # One report per person and post (the database allows no more): a second one after the
    # secretariat's review was a 500 (IntegrityError) instead of this answer.
    post = PostFactory(topic=TopicFactory(space=SpaceFactory()))
    reporter = verified_user()
    services.post_flag(post=post, user=reporter, reason="Rude")
    services.post_moderate(post=post, user=cast["secretariat"], moderation="visible")
    with translation.override("en"):
        assert refusal(lambda: services.post_flag(post=post, user=reporter, reason="Again")) == (
            "You have already flagged this post."
        )
    client.force_login(reporter)
    response = client.post(f"/fr/discussions/posts/{post.pk}/flag/", {"reason": "Encore"})
    assert response.status_code == 200
    assert "Vous avez déjà signalé ce message." in response.content.decode()
    assert Flag.objects.get().reason == "Rude"
