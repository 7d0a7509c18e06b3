"""Reading and posting, for the whole cast, in each kind of space."""

import datetime

import pytest
from django.utils import timezone

from discussions.models import Post, Space, Topic
from tests.conftest import verified_user
from tests.discussions.conftest import client_for, old_account
from tests.factories import PostFactory, SpaceFactory, TopicFactory

pytestmark = pytest.mark.django_db

# Who may post in a space that takes posts from member representatives, and from any
# verified account. Unverified accounts and anonymous visitors never may.
MAY_POST = {
    "representatives": {"representative", "secretariat"},
    "verified": {"verified", "representative", "secretariat"},
}
# Who may read a space open to signed-in member representatives only.
MAY_READ_MEMBERS_ONLY = {"representative", "secretariat"}


@pytest.mark.parametrize("write_access", ["representatives", "verified"])
@pytest.mark.parametrize(
    "who", ["anonymous", "unverified", "verified", "representative", "secretariat"]
)
def test_who_may_start_a_topic_and_reply(client, cast, who, write_access):
    user = cast[who]
    if user is not None:
        old_account(user)
    space = SpaceFactory(write_access=write_access)
    topic = TopicFactory(space=space)
    PostFactory(topic=topic, author=topic.author)
    client = client_for(client, user)
    allowed = who in MAY_POST[write_access]

    response = client.post(
        f"/en/discussions/{space.slug}/new/",
        {"title": "Seed money", "body": "Who has *seed money*?", "language": "en"},
    )
    assert Topic.objects.filter(title="Seed money").exists() == allowed
    assert response.status_code == (302 if allowed else 403)

    response = client.post(
        f"/en/discussions/{space.slug}/{topic.pk}/", {"body": "A reply.", "language": "fr"}
    )
    assert Post.objects.filter(body="A reply.").exists() == allowed
    if allowed:
        assert response.status_code == 302
        post = Post.objects.get(body="A reply.")
        assert post.language == "fr" and post.author == user
    else:
        assert response.status_code == 403
        # The form is replaced by the reason, in the reader's language.
        assert b'class="note"' in response.content


@pytest.mark.parametrize(
    "who", ["anonymous", "unverified", "verified", "representative", "secretariat"]
)
def test_a_members_only_space_is_read_only_by_members(client, cast, who):
    space = SpaceFactory(read_access=Space.Read.MEMBERS, write_access=Space.Write.VERIFIED)
    topic = TopicFactory(space=space, title="Internal budget")
    PostFactory(topic=topic, body="Confidential figures")
    client = client_for(client, cast[who])
    may_read = who in MAY_READ_MEMBERS_ONLY
    for url in [
        f"/en/discussions/{space.slug}/",
        f"/en/discussions/{space.slug}/{topic.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == (200 if may_read else 404), url
    listing = client.get("/en/discussions/").content.decode()
    assert (space.title in listing) == may_read
    # Even with a verified account, someone who may not read cannot post either.
    if cast[who] is not None:
        old_account(cast[who])
    response = client.post(
        f"/en/discussions/{space.slug}/{topic.pk}/", {"body": "Let me in", "language": "en"}
    )
    assert Post.objects.filter(body="Let me in").exists() == may_read


def test_a_post_shows_its_language_and_the_reply_form_explains_the_markup(client, cast):
    topic = TopicFactory(space=SpaceFactory())
    PostFactory(topic=topic, body="Hola *a todos*", language="es")
    client = client_for(client, old_account(cast["representative"]))
    page = client.get(f"/fr/discussions/{topic.space.slug}/{topic.pk}/").content.decode()
    assert '<div class="body" lang="es"><p>Hola <em>a todos</em></p></div>' in page
    assert "Votre message" in page  # the form, in French


def test_the_author_may_edit_for_30_minutes_then_edited_shows(client, cast):
    author = old_account(cast["representative"])
    post = PostFactory(author=author, body="First version")
    client = client_for(client, author)
    response = client.post(f"/en/discussions/posts/{post.pk}/edit/", {"body": "Second version"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Second version" and post.edited_at is not None
    page = client.get(response.url, follow=True).content.decode()
    assert "Second version" in page and "edited" in page

    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    client.post(f"/en/discussions/posts/{post.pk}/edit/", {"body": "Too late"})
    post.refresh_from_db()
    assert post.body == "Second version"


def test_nobody_else_may_edit_or_delete_a_post(client, cast):
    post = PostFactory(author=cast["representative"], body="Mine")
    for who in ["verified", "secretariat"]:
        client.logout()
        client = client_for(client, cast[who])
        assert client.post(
            f"/en/discussions/posts/{post.pk}/edit/", {"body": "Theirs"}
        ).status_code in {
            302,
            404,
        }
        assert client.post(f"/en/discussions/posts/{post.pk}/delete/").status_code == 404
    post.refresh_from_db()
    assert post.body == "Mine" and post.deleted_at is None


def test_a_deleted_post_says_so_and_its_replies_stay(client, cast):
    author = cast["representative"]
    topic = TopicFactory(space=SpaceFactory())
    post = PostFactory(topic=topic, author=author, body="Original thought")
    PostFactory(topic=topic, body="A reply that stays")
    client = client_for(client, author)
    assert client.post(f"/en/discussions/posts/{post.pk}/delete/").status_code == 302
    page = client.get(f"/en/discussions/{topic.space.slug}/{topic.pk}/").content.decode()
    assert "Deleted by the author." in page
    assert "Original thought" not in page and "A reply that stays" in page


def test_the_honeypot_refuses_the_post_and_saves_nothing(client, cast):
    space = SpaceFactory()
    client = client_for(client, old_account(cast["representative"]))
    response = client.post(
        f"/fr/discussions/{space.slug}/new/",
        {"title": "Spam", "body": "Buy now", "language": "en", "website_confirmation": "x"},
    )
    assert response.status_code == 200
    assert "Ce formulaire n’a pas pu être envoyé" in response.content.decode()
    assert not Topic.objects.exists()


def test_bad_input_gets_messages_and_no_500(client, cast):
    space = SpaceFactory()
    topic = TopicFactory(space=space)
    client = client_for(client, old_account(cast["representative"]))
    response = client.post(f"/es/discussions/{space.slug}/new/", {"title": "", "body": ""})
    assert response.status_code == 200 and "Este campo es obligatorio" in response.content.decode()
    response = client.post(
        f"/en/discussions/{space.slug}/{topic.pk}/", {"body": "x" * 20001, "language": "xx"}
    )
    assert response.status_code == 200
    for url in [
        "/en/discussions/nope/",
        f"/en/discussions/{space.slug}/99999/",
        "/en/discussions/posts/99999/",
        f"/en/discussions/{space.slug}/{topic.pk}/?page=abc",
        f"/en/discussions/{space.slug}/{topic.pk}/?page=9999",
        "/en/discussions/unfollow/garbage/",
        "/en/discussions/emails-off/1:bad/",
        "/en/consultations/nope/",
    ]:
        assert client.get(url).status_code in {200, 404}, url


def test_a_reader_sets_the_name_shown_with_posts_and_how_emails_come(client, cast):
    user = cast["representative"]
    user.first_name = user.last_name = ""
    user.save()
    client_for(client, user)
    topic = TopicFactory(space=SpaceFactory())
    page = client.get(f"/en/discussions/{topic.space.slug}/{topic.pk}/").content.decode()
    assert "add your name" in page
    response = client.post(
        "/es/discussions/settings/",
        {"first_name": "Rosa", "last_name": "Mamani", "frequency": "daily", "language": "es"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.get_full_name() == "Rosa Mamani"
    assert user.discussion_reader.frequency == "daily"
    assert client.get("/en/discussions/settings/").status_code == 200
    client.logout()
    assert client.get("/en/discussions/settings/").status_code == 302


@pytest.mark.parametrize("read_access", ["everyone", "members"])
def test_readers_among_agrees_with_can_read_for_the_whole_cast(cast, read_access):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from discussions.permissions import can_read, readers_among

    # Away from a session, staff are sent what the secretariat reads when their account has
    # a second factor to pass (the cast's secretariat is marked as having passed it).
    TOTP.activate(cast["secretariat"], generate_totp_secret())
    space = SpaceFactory(read_access=read_access)
    users = [user for user in cast.values() if user is not None]
    users.append(verified_user(is_active=False))
    expected = {user.pk for user in users if can_read(user, space) and user.is_active}
    assert readers_among(space, users) == expected
    assert (cast["representative"].pk in expected) and (
        (cast["verified"].pk in expected) == (read_access == "everyone")
    )
