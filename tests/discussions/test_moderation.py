"""Posting limits, reports from readers, and the secretariat's moderation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from discussions import services
from discussions.models import Flag, Post, Topic
from tests.conftest import verified_user
from tests.discussions.conftest import client_for, old_account, representative
from tests.factories import PostFactory, SpaceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def start(space, user, title="A topic"):
    return services.topic_start(space=space, user=user, title=title, body="Text", language="en")


def test_a_new_account_may_start_one_topic_per_five_minutes(client, settings):
    space = SpaceFactory()
    user = representative()
    start(space, user, "First")
    with pytest.raises(ValidationError):
        start(space, user, "Second")
    # Through the site: a clear message and nothing saved.
    response = client_for(client, user).post(
        f"/en/discussions/{space.slug}/new/",
        {"title": "Third", "body": "Text", "language": "en"},
    )
    assert "Please wait a few minutes" in response.content.decode()
    assert list(Topic.objects.values_list("title", flat=True)) == ["First"]
    Topic.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=6))
    start(space, user, "Six minutes later")


def test_a_new_account_may_post_ten_replies_on_its_first_day():
    topic = TopicFactory(space=SpaceFactory())
    user = representative()
    for number in range(10):
        services.reply_post(topic=topic, user=user, body=f"Reply {number}", language="en")
    with pytest.raises(ValidationError, match="first day"):
        services.reply_post(topic=topic, user=user, body="Eleventh", language="en")
    assert Post.objects.filter(author=user).count() == 10
    # A day later the account is no longer new and has the ordinary limits.
    old_account(user)
    services.reply_post(topic=topic, user=user, body="Eleventh", language="en")


def test_the_limits_are_settings(settings):
    settings.DISCUSSIONS_LIMITS = {
        "new": {"topic": (3, 300), "reply": (1, 86400)},
        "established": {"topic": (10, 3600), "reply": (60, 3600)},
    }
    space = SpaceFactory()
    user = representative()
    for number in range(3):
        start(space, user, f"Topic {number}")
    with pytest.raises(ValidationError):
        start(space, user, "Fourth")


def test_the_secretariat_has_no_posting_limit(cast):
    topic = TopicFactory(space=SpaceFactory())
    for number in range(12):
        services.reply_post(topic=topic, user=cast["secretariat"], body=f"{number}", language="en")


def test_three_reports_from_different_people_hide_a_post_until_review(client):
    post = PostFactory(topic=TopicFactory(space=SpaceFactory()), body="Offensive words")
    reporters = [verified_user() for _ in range(3)]
    for number, reporter in enumerate(reporters):
        client.logout()
        client_for(client, reporter)
        response = client.post(
            f"/en/discussions/posts/{post.pk}/flag/", {"reason": f"Rude {number}"}
        )
        assert response.status_code == 302
        # The same person reporting again counts once.
        client.post(f"/en/discussions/posts/{post.pk}/flag/", {"reason": "Again"})
        post.refresh_from_db()
        assert post.moderation == ("pending" if number == 2 else "visible")
    assert Flag.objects.filter(post=post).count() == 3
    page = client.get(post.get_absolute_url(), follow=True).content.decode()
    assert "Offensive words" not in page and "until the secretariat reviews it" in page


def test_nobody_flags_their_own_post_and_anonymous_visitors_cannot_flag(client):
    author = verified_user()
    post = PostFactory(author=author)
    assert client.post(f"/en/discussions/posts/{post.pk}/flag/", {"reason": "x"}).status_code == 302
    client_for(client, author)
    assert client.post(f"/en/discussions/posts/{post.pk}/flag/", {"reason": "x"}).status_code == 404
    assert not Flag.objects.exists()


def test_the_moderation_queue_shows_who_reported_what(secretariat_client):
    post = PostFactory(body="Questionable")
    for reason in ["Spam link", "Off topic"]:
        services.post_flag(post=post, user=verified_user(first_name=reason), reason=reason)
    PostFactory(body="Unreported")
    page = secretariat_client.get("/admin/discussions/moderationqueue/").content.decode()
    assert "Spam link" in page and "Off topic" in page and "Unreported" not in page


def test_the_secretariat_hides_a_post_with_a_reason_from_the_queue(secretariat_client):
    post = PostFactory(body="Advertising")
    services.post_flag(post=post, user=verified_user(), reason="Advert")
    url = "/admin/discussions/moderationqueue/"
    # Without a reason, nothing is hidden.
    secretariat_client.post(url, {"action": "hide", "_selected_action": [post.pk], "apply": "1"})
    post.refresh_from_db()
    assert post.moderation == "visible"
    secretariat_client.post(
        url,
        {
            "action": "hide",
            "_selected_action": [post.pk],
            "apply": "1",
            "reason": "Advertising is not allowed",
        },
    )
    post.refresh_from_db()
    assert post.moderation == "hidden" and post.moderation_reason == "Advertising is not allowed"
    assert not Flag.objects.filter(resolved_at=None).exists()
    page = secretariat_client.get(post.get_absolute_url(), follow=True).content.decode()
    assert "Hidden by the secretariat: Advertising is not allowed" in page
    assert secretariat_client.get(url).content.decode().count("Advertising") == 0


def test_the_secretariat_locks_pins_and_moves_topics(secretariat_client, cast):
    space, other = SpaceFactory(), SpaceFactory()
    topic = TopicFactory(space=space)
    base = "/admin/discussions/topic/"
    secretariat_client.post(
        base,
        {"action": "lock", "_selected_action": [topic.pk], "apply": "1", "reason": "Finished"},
    )
    secretariat_client.post(base, {"action": "pin", "_selected_action": [topic.pk]})
    topic.refresh_from_db()
    assert topic.locked and topic.pinned
    with pytest.raises(ValidationError, match="locked"):
        services.reply_post(
            topic=topic, user=old_account(cast["representative"]), body="x", language="en"
        )
    response = secretariat_client.post(
        f"{base}{topic.pk}/change/",
        {"title": topic.title, "space": other.pk, "author": topic.author.pk, "locked": "on"},
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.space == other and not topic.pinned


def test_only_the_secretariat_moderates(client, cast):
    post = PostFactory()
    with pytest.raises(ValidationError):
        services.post_moderate(
            post=post, user=cast["representative"], moderation="hidden", reason="x"
        )
    client_for(client, cast["representative"])
    response = client.get("/admin/discussions/moderationqueue/")
    assert response.status_code == 403
