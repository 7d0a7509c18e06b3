"""The secretariat's moderation decisions (hide, keep, lock) reach the author by email, with
the reason, in the author's language, from the admin's actions, forms and queue alike."""

import pytest
from django.core import mail

from discussions import services
from discussions.models import Flag, Post
from discussions.tasks import moderation_notice
from tests.conftest import as_secretariat, verified_user
from tests.discussions.conftest import representative
from tests.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/discussions/moderationqueue/"
POSTS = "/admin/discussions/post/"
TOPICS = "/admin/discussions/topic/"


@pytest.fixture
def admin(secretariat_client, django_capture_on_commit_callbacks):
    """POST to the admin as the secretariat (signed in with its second factor), running what
    waits for the commit (the email task) as a real commit does."""

    def post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            response = secretariat_client.post(url, data)
        assert response.status_code in {200, 302}
        return response

    return post


def author_in(language):
    """A representative whose discussion emails are in `language`."""
    author = representative(first_name="Rosa")
    services.reader_for(author, language)
    return author


def reported(post, times=1):
    for number in range(times):
        Flag.objects.create(post=post, user=verified_user(), reason=f"Report {number}")
    return post


def only_message_to(user):
    assert [message.to for message in mail.outbox] == [[user.email]]
    return mail.outbox[0]


def test_a_hidden_post_reaches_its_author_with_the_reason_in_their_language(admin):
    author = author_in("fr")
    post = reported(PostFactory(author=author, body="Achetez mes montres", language="en"))
    topic = post.topic
    admin(
        QUEUE,
        {"action": "hide", "_selected_action": [post.pk], "apply": "1", "reason": "Publicité"},
    )
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.HIDDEN
    message = only_message_to(author)
    assert message.subject == f"Votre message dans «\u202f{topic.title}\u202f» est masqué"
    assert "Le secrétariat du Partenariat de la montagne a masqué votre message" in message.body
    assert "Publicité" in message.body and "Achetez mes montres" in message.body
    assert f"/fr/discussions/posts/{post.pk}/" in message.body
    assert "secretariat" not in message.body  # no English left in it


def test_a_post_kept_visible_reaches_its_author_in_their_language(admin):
    author = author_in("es")
    post = reported(PostFactory(author=author), times=3)
    post.moderation = Post.Moderation.PENDING
    post.save(update_fields=["moderation"])
    admin(QUEUE, {"action": "keep_visible", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.VISIBLE
    message = only_message_to(author)
    assert message.subject == f"Su mensaje en «{post.topic.title}» sigue visible"
    assert "respeta las normas de los debates" in message.body
    assert f"/es/discussions/posts/{post.pk}/" in message.body


def test_a_reported_post_still_visible_and_kept_reaches_its_author(
    secretariat_user, django_capture_on_commit_callbacks
):
    # One report (fewer than hide a post): the post never left "visible", yet the secretariat
    # reviewed it, and its author hears that it stays.
    author = author_in("en")
    post = reported(PostFactory(author=author))
    assert post.moderation == Post.Moderation.VISIBLE
    with django_capture_on_commit_callbacks(execute=True):
        services.post_moderate(
            post=post, user=as_secretariat(secretariat_user), moderation=Post.Moderation.VISIBLE
        )
    message = only_message_to(author)
    assert message.subject == f"Your post in “{post.topic.title}” stays visible"


def test_each_decision_is_emailed_even_two_at_once(
    secretariat_user, django_capture_on_commit_callbacks
):
    # One email per decision, however often its task runs; two decisions are two emails.
    author = author_in("en")
    first, second = PostFactory(author=author), PostFactory(author=author)
    with django_capture_on_commit_callbacks(execute=True):
        for post in [first, second]:
            services.post_moderate(
                post=post, user=as_secretariat(secretariat_user), moderation="hidden", reason="Spam"
            )
    assert [message.to for message in mail.outbox] == [[author.email], [author.email]]


def test_hiding_from_a_posts_page_in_the_admin_tells_the_author_too(admin):
    author = author_in("en")
    post = PostFactory(author=author)
    admin(
        f"{POSTS}{post.pk}/change/",
        {"moderation": "hidden", "moderation_reason": "Personal attack", **no_flags()},
    )
    message = only_message_to(author)
    assert message.subject == f"Your post in “{post.topic.title}” is hidden"
    assert "Personal attack" in message.body


def no_flags():
    return {
        "flags-TOTAL_FORMS": "0",
        "flags-INITIAL_FORMS": "0",
        "flags-MIN_NUM_FORMS": "0",
        "flags-MAX_NUM_FORMS": "1000",
    }


def test_nothing_is_sent_when_nothing_was_decided(admin):
    author = author_in("en")
    quiet = PostFactory(author=author)  # visible, never reported
    admin(POSTS, {"action": "keep_visible", "_selected_action": [quiet.pk]})
    hidden = PostFactory(author=author)
    for _ in range(2):  # the second time, the same reason: nothing new to tell
        admin(
            POSTS,
            {"action": "hide", "_selected_action": [hidden.pk], "apply": "1", "reason": "Spam"},
        )
    assert len(mail.outbox) == 1 and "Spam" in mail.outbox[0].body


def test_a_locked_topic_reaches_its_author_with_the_reason(admin):
    author = author_in("fr")
    topic = TopicFactory(author=author, title="Eau et glaciers")
    PostFactory(topic=topic, author=author)
    # Without a reason, the reason is asked for and nothing is locked.
    page = admin(TOPICS, {"action": "lock", "_selected_action": [topic.pk], "index": 0})
    assert "Lock the topics" in page.content.decode()
    admin(TOPICS, {"action": "lock", "_selected_action": [topic.pk], "apply": "1", "reason": ""})
    topic.refresh_from_db()
    assert not topic.locked and not mail.outbox
    admin(
        TOPICS,
        {
            "action": "lock",
            "_selected_action": [topic.pk],
            "apply": "1",
            "reason": "La discussion est terminée.",
        },
    )
    topic.refresh_from_db()
    assert topic.locked
    message = only_message_to(author)
    assert message.subject == "Votre sujet «\u202fEau et glaciers\u202f» est verrouillé"
    assert "La discussion est terminée." in message.body
    assert "il n’accepte plus de réponses" in message.body


def test_locking_a_topic_from_its_page_in_the_admin_needs_a_reason(admin):
    author = author_in("en")
    topic = TopicFactory(author=author, title="Water funds")
    fields = {"title": topic.title, "space": topic.space.pk, "author": author.pk, "locked": "on"}
    page = admin(f"{TOPICS}{topic.pk}/change/", fields)
    assert "Say why the topic is locked." in page.content.decode()
    topic.refresh_from_db()
    assert not topic.locked and not mail.outbox
    admin(f"{TOPICS}{topic.pk}/change/", {**fields, "lock_reason": "Off topic"})
    topic.refresh_from_db()
    assert topic.locked
    message = only_message_to(author)
    assert message.subject == "Your topic “Water funds” is locked"
    assert "Off topic" in message.body


def test_without_a_language_chosen_the_email_is_in_the_language_they_wrote_in(admin):
    author = verified_user()
    post = PostFactory(author=author, language="es")
    admin(POSTS, {"action": "hide", "_selected_action": [post.pk], "apply": "1", "reason": "x"})
    assert only_message_to(author).subject.startswith("Su mensaje en")


def test_the_task_run_twice_sends_once_and_an_undone_decision_not_at_all(admin):
    author = author_in("en")
    post = PostFactory(author=author)
    admin(POSTS, {"action": "hide", "_selected_action": [post.pk], "apply": "1", "reason": "x"})
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    assert moderation_notice("hidden", post.pk, "x", "one-decision") == 1
    assert moderation_notice("hidden", post.pk, "x", "one-decision") == 0
    assert len(mail.outbox) == 1
    # Shown again before its email went: "hidden" is no longer true, so it is not sent.
    Post.objects.filter(pk=post.pk).update(moderation=Post.Moderation.VISIBLE)
    assert moderation_notice("hidden", post.pk, "x", "another-decision") == 0
