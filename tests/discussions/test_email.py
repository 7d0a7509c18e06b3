"""Discussion emails, both ways: notifications out, replies in."""

import subprocess
import sys
import time
from email import message_from_bytes

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, inbound
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.management import call_command

from discussions import services
from discussions.inbound import receive_reply, reply_text
from discussions.models import Follow, Notice, Post, Reader
from discussions.tasks import send_digests
from members.services import user_language_set
from mountainpartnership.celery import app as celery_app
from tests.conftest import verified_user
from tests.discussions.conftest import client_for, old_account, representative
from tests.factories import SpaceFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def space():
    return SpaceFactory(slug="microfinance", title_en="Microfinance", title_fr="Microfinance FR")


def post_reply(topic, user, body="A new idea about *credit*", language="en"):
    return services.reply_post(topic=topic, user=user, body=body, language=language)


def follower(space, language="fr", frequency="immediate", **fields):
    user = representative(**fields)
    services.follow(user=user, language=language, space=space)
    Reader.objects.filter(user=user).update(frequency=frequency)
    return user


def test_following_a_space_sends_each_new_post_in_the_readers_language(
    client, space, django_capture_on_commit_callbacks
):
    reader = representative(first_name="Amina")
    client_for(client, reader)
    client.post("/fr/discussions/microfinance/follow/")
    assert Follow.objects.filter(user=reader, space=space).exists()
    reader.refresh_from_db()
    assert reader.language == "fr"  # the page's, the first time they said nothing else

    topic = TopicFactory(space=space, title="Cajamarca dairy credit")
    author = old_account(representative(first_name="Marco", last_name="Paredes"))
    with django_capture_on_commit_callbacks(execute=True):
        post = post_reply(topic, author)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reader.email]
    assert message.subject == "[Microfinance FR] Cajamarca dairy credit"
    assert "Marco Paredes" in message.body and "A new idea about *credit*" in message.body
    assert author.email not in message.body  # addresses are never shown
    assert message.reply_to[0].startswith("reply+") and "@reply.localhost" in message.reply_to[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/fr/discussions/unfollow/" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert f"/fr/discussions/posts/{post.pk}/" in message.body
    assert message.message().get_content_type() == "text/plain"
    # The author follows the topic now, and is not sent their own post.
    assert Follow.objects.filter(user=author, topic=topic).exists()


def test_a_task_run_twice_sends_once(space, django_capture_on_commit_callbacks):
    from discussions.tasks import notify_post

    follower(space)
    topic = TopicFactory(space=space)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_reply(topic, old_account(representative()))
    assert notify_post(post.pk) == 0
    assert len(mail.outbox) == 1


def test_one_click_unsubscribe_stops_that_notification_without_a_session(
    client, space, django_capture_on_commit_callbacks
):
    reader = follower(space)
    topic = TopicFactory(space=space)
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(topic, old_account(representative()))
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = url.split("://", 1)[1].split("/", 1)[1]
    # A link scanner's GET changes nothing; the mail program's POST does.
    assert client.get(f"/{path}").status_code == 200
    assert Follow.objects.filter(user=reader).exists()
    assert client.post(f"/{path}", {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Follow.objects.filter(user=reader).exists()


def test_readers_who_may_not_read_the_space_are_not_sent_its_posts(
    space, django_capture_on_commit_callbacks
):
    space.read_access = "members"
    space.save()
    outsider = verified_user()
    Follow.objects.create(user=outsider, space=space)
    member = follower(space)
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(TopicFactory(space=space), old_account(representative()))
    assert [message.to for message in mail.outbox] == [[member.email]]


def ended_focal_point(space, frequency="immediate"):
    """A follower of `space` who was a member's focal point until yesterday: replaced."""
    import datetime

    from django.utils import timezone

    from members.models import Representation
    from tests.factories import FocalPointFactory

    user = verified_user()
    designation = FocalPointFactory(
        email=user.email, end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    Representation.objects.create(
        user=user,
        member=designation.member,
        role=Representation.Role.FOCAL_POINT,
        focal_point=designation,
    )
    services.follow(user=user, language="en", space=space)
    Reader.objects.filter(user=user).update(frequency=frequency)
    return user


def secretariat_follower(space, authenticator: bool):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    from members.permissions import SECRETARIAT_GROUP

    user = verified_user(is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    if authenticator:
        TOTP.activate(user, generate_totp_secret())
    services.follow(user=user, language="en", space=space)
    return user


@pytest.mark.parametrize("frequency", ["immediate", "daily"])
def test_an_ended_focal_point_is_sent_nothing_of_a_members_only_space_it_follows(
    space, frequency, django_capture_on_commit_callbacks
):
    space.read_access = "members"
    space.save()
    ended = ended_focal_point(space, frequency)
    member = follower(space, frequency=frequency)
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(TopicFactory(space=space), old_account(representative()))
    send_digests()
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert not Notice.objects.filter(user=ended).exists()
    # In a space open to everyone, the same account is a reader like any other.
    space.read_access = "everyone"
    space.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(TopicFactory(space=space), old_account(representative()))
    send_digests()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([member.email, ended.email])


def test_a_digest_leaves_out_a_members_only_space_whose_reader_was_replaced_since(
    space, django_capture_on_commit_callbacks
):
    from members.models import FocalPoint

    space.read_access = "members"
    space.save()
    reader = follower(space, frequency="daily")
    designation = FocalPoint.objects.create(
        member=reader.representations.get().member,
        name="Reader",
        email=reader.email,
        start_date="2004-01-01",
        end_date="2005-01-01",
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(TopicFactory(space=space), old_account(representative()))
    assert Notice.objects.filter(user=reader, sent_at=None).exists()
    # Replaced before the digest goes out: the account's designation has ended.
    reader.representations.update(focal_point=designation)
    assert send_digests() == 0
    assert mail.outbox == []


def test_secretariat_staff_are_sent_a_members_only_space_only_with_a_second_factor(
    space, django_capture_on_commit_callbacks
):
    space.read_access = "members"
    space.save()
    with_factor = secretariat_follower(space, authenticator=True)
    secretariat_follower(space, authenticator=False)
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(TopicFactory(space=space), old_account(representative()))
    assert [message.to for message in mail.outbox] == [[with_factor.email]]


def test_a_members_only_consultations_synthesis_skips_participants_who_may_no_longer_read_it():
    import datetime

    from django.utils import timezone

    from discussions.models import Space
    from discussions.tasks import synthesis_sent
    from tests.factories import consultation_for

    consultation = consultation_for("closed", verified_user())
    Space.objects.filter(pk=consultation.space_id).update(read_access=Space.Read.MEMBERS)
    current = representative()
    ended = ended_focal_point(SpaceFactory())
    for author in [current, ended]:
        Post.objects.create(topic=consultation.topic, author=author, body="Mine.", language="en")
    consultation.synthesis_en = "What we heard."
    consultation.synthesis_published_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()
    mail.outbox.clear()
    assert synthesis_sent(consultation.pk) == 1
    assert [message.to for message in mail.outbox] == [[current.email]]


def test_the_daily_digest_groups_the_days_posts_by_topic(space, django_capture_on_commit_callbacks):
    reader = follower(space, language="es", frequency="daily")
    first, second = (
        TopicFactory(space=space, title="Café"),
        TopicFactory(space=space, title="Leche"),
    )
    author = old_account(representative(first_name="Elena", last_name="Ruiz"))
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(first, author, "Sobre el café")
        post_reply(second, author, "Sobre la leche")
        hidden = post_reply(second, author, "Algo que se ocultará")
    Post.objects.filter(pk=hidden.pk).update(moderation="hidden", moderation_reason="Spam")
    assert mail.outbox == []  # nothing at once for a digest reader

    assert send_digests() == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [reader.email]
    assert digest.subject == "Debates de la Alianza para las Montañas: 2 mensajes nuevos"
    body = digest.body
    assert body.index("Café") < body.index("Sobre el café") < body.index("Leche")
    assert "Sobre la leche" in body and "Algo que se ocultará" not in body
    assert "Elena Ruiz escribió el" in body
    assert "/es/discussions/emails-off/" in digest.extra_headers["List-Unsubscribe"]
    assert body.count("/es/discussions/unfollow/") == 1  # one follow: the space
    # Sent once: the next day's run has nothing for this reader.
    assert send_digests() == 0 and len(mail.outbox) == 1
    assert not Notice.objects.filter(sent_at=None).exists()


def test_a_real_worker_sends_the_notification(space, transactional_db):
    reader = follower(space)
    topic = TopicFactory(space=space)
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, perform_ping_check=False, concurrency=1, pool="solo"):
        post_reply(topic, old_account(representative()))
        deadline = time.monotonic() + 20
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)
    assert [message.to for message in mail.outbox] == [[reader.email]]


def reply_email(to, sender, body, **headers):
    lines = [f"From: {sender}", f"To: {to}", "Subject: Re: the topic"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\n".join(lines) + "\n\n" + body).encode()


@pytest.fixture
def notified(space, django_capture_on_commit_callbacks):
    """A reader who got a notification, and its Reply-To address."""
    reader = old_account(follower(space, first_name="Amina"))
    topic = TopicFactory(space=space)
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(topic, old_account(representative()))
    return reader, topic, mail.outbox[0].reply_to[0]


QUOTED = (
    "Yes: credit unions in Nepal do this already.\n\n"
    "Regards,\n"
    "-- \n"  # the signature delimiter, with its space
    "Amina, Kathmandu\n\n"
    "On Tue, 3 Mar 2026 at 10:00, Mountain Partnership <secretariat@localhost> wrote:\n"
    "> A new idea about *credit*\n"
)


def test_a_reply_by_email_is_posted_without_quotes_or_signature(notified):
    reader, topic, address = notified
    message = AnymailInboundMessage.parse_raw_mime_bytes(reply_email(address, reader.email, QUOTED))
    outcome = receive_reply(message)
    assert outcome.status == "posted", outcome.detail
    post = outcome.post
    assert post.author == reader and post.topic == topic and post.source == "email"
    assert post.body == "Yes: credit unions in Nepal do this already.\n\nRegards,"
    assert post.language == "fr"  # the reader's language


def test_the_command_a_mail_server_pipes_into(notified, tmp_path):
    reader, topic, address = notified
    message = tmp_path / "reply.eml"
    message.write_bytes(reply_email(address.upper(), reader.email, "Piped reply"))
    call_command("receive_reply", file=str(message), recipient=address.upper())
    assert Post.objects.filter(topic=topic, body="Piped reply", author=reader).exists()


def test_the_anymail_inbound_webhook_signal_posts_the_reply(notified):
    reader, topic, address = notified
    message = AnymailInboundMessage.parse_raw_mime_bytes(reply_email(address, reader.email, "Hook"))
    message.envelope_recipient = address
    inbound.send(
        sender=object,
        event=AnymailInboundEvent(event_type="inbound", message=message),
        esp_name="Test",
    )
    assert Post.objects.filter(topic=topic, body="Hook").exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X_Autoreply": "yes"},
        {"Subject_": ""},
    ],
)
def test_automatic_replies_are_dropped(notified, headers):
    reader, topic, address = notified
    if "Subject_" in headers:
        raw = reply_email(address, reader.email, "I am away until Monday.").replace(
            b"Subject: Re: the topic", b"Subject: Out of office: the topic"
        )
    else:
        raw = reply_email(address, reader.email, "I am away until Monday.", **headers)
    outcome = receive_reply(AnymailInboundMessage.parse_raw_mime_bytes(raw))
    assert outcome.status == "dropped"
    assert not Post.objects.filter(body__contains="away").exists()


def test_bad_tokens_and_strangers_are_refused(notified):
    reader, topic, address = notified
    count = Post.objects.count()
    forged = address.replace("reply+", "reply+9").replace("@", "0@")
    other_topic = TopicFactory(space=topic.space)
    user_pk, _topic_pk, mac = address.split("+")[1].split("@")[0].split("-")
    cases = [
        (forged, reader.email),
        (f"reply+{user_pk}-{other_topic.pk}-{mac}@reply.localhost", reader.email),
        ("someone@reply.localhost", reader.email),
        (address, "stranger@example.org"),
    ]
    for to, sender in cases:
        outcome = receive_reply(
            AnymailInboundMessage.parse_raw_mime_bytes(reply_email(to, sender, "Hi"))
        )
        assert outcome.status == "refused", (to, sender)
    assert Post.objects.count() == count


def test_a_reply_by_email_obeys_the_same_rules_as_the_site(notified):
    reader, topic, address = notified
    topic.locked = True
    topic.save()
    outcome = receive_reply(
        AnymailInboundMessage.parse_raw_mime_bytes(reply_email(address, reader.email, "Hi"))
    )
    # Refused, with the reason in the reader's language (for the mail server's bounce).
    assert outcome.status == "refused" and "verrouillé" in outcome.detail


def test_the_piped_command_exits_with_a_bounce_status_when_refused(tmp_path):
    raw = reply_email("reply+1-2-abc@reply.localhost", "x@example.org", "Hi")
    result = subprocess.run(
        [sys.executable, "manage.py", "receive_reply"],
        input=raw,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite://:memory:"},
        check=False,
    )
    assert result.returncode == 77, result.stderr
    assert b"refused" in result.stderr


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Merci !\n\nLe mar. 3 mars 2026 à 10:00, MP <a@b.org> a écrit :\n> old", "Merci !"),
        ("¡Gracias!\n\nEl mar, 3 mar 2026 a las 10:00, MP escribió:\n> viejo", "¡Gracias!"),
        ("Agreed.\n\n-----Original Message-----\nFrom: MP", "Agreed."),
        ("Short.\n\nSent from my phone", "Short."),
        ("Top\n> quoted line\nBottom", "Top\nBottom"),
    ],
)
def test_quoted_text_is_stripped_in_each_language(text, expected):
    assert reply_text(text) == expected


def test_every_notification_parses_as_a_standard_message(notified):
    message = message_from_bytes(mail.outbox[0].message().as_bytes())
    assert message["Reply-To"].startswith("reply+")
    assert message.get_content_type() == "text/plain"


@pytest.mark.parametrize(
    ("body", "reason"),
    [("x" * 20_001, "20000"), ("A reply with a NUL \x00 in it.", "Null characters")],
)
def test_a_reply_by_email_the_site_would_refuse_is_refused_with_the_reason(notified, body, reason):
    reader, topic, address = notified
    count = Post.objects.count()
    user_language_set(user=reader, language="en")
    outcome = receive_reply(
        AnymailInboundMessage.parse_raw_mime_bytes(reply_email(address, reader.email, body))
    )
    assert outcome.status == "refused" and reason in outcome.detail, outcome.detail
    assert Post.objects.count() == count
