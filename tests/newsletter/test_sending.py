"""Editions sent exactly once, with the right headers, in the right language."""

import datetime
import html
import re
import threading
import time
from collections import Counter
from email import message_from_bytes

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mountainpartnership import identity
from newsletter import sending
from newsletter.models import Delivery, Edition, Item, Subscriber
from newsletter.services import deliveries_retry_failed, edition_mark_ready
from newsletter.tasks import editions_due
from tests.conftest import clear_cache
from tests.factories import RegionFactory
from tests.newsletter.smtp import serving

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return RegionFactory(slug="europe")


def subscriber(region, email, language="en", format="html", status="confirmed"):
    return Subscriber.objects.create(
        email=email, language=language, region=region, format=format, status=status
    )


def edition_with_items(translated=True, **fields):
    edition = Edition.objects.create(
        month=datetime.date(2026, 12, 1),
        intro_en="Welcome.",
        intro_fr="Bienvenue.",
        intro_es="Bienvenidos.",
        **fields,
    )
    Item.objects.create(
        edition=edition,
        status="approved",
        target_month=edition.month,
        title_en="Ecotourism study published",
        body_en="Four case studies.",
        title_fr="Étude sur l'écotourisme publiée" if translated else "",
        body_fr="Quatre études de cas." if translated else "",
        title_es="Publicado el estudio de ecoturismo",
        body_es="Cuatro estudios de caso.",
    )
    Item.objects.create(
        edition=edition,
        status="submitted",
        target_month=edition.month,
        title_en="Not approved",
        body_en="x",
    )
    return edition


def messages_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_an_edition_goes_to_each_subscriber_once_in_their_language_with_unsubscribe_headers(
    client, region
):
    subscriber(region, "marie@example.org", "fr")
    subscriber(region, "ana@example.org", "es", format="text")
    subscriber(region, "joe@example.org", "en")
    subscriber(region, "pending@example.org", "en", status="pending")
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    editions_due()  # the beat task: starts the edition and runs the workers (in-process here)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert len(mail.outbox) == 3 and not messages_to("pending@example.org")
    french = messages_to("marie@example.org")[0]
    assert "décembre 2026" in french.subject
    assert (
        "ÉTUDE SUR L'ÉCOTOURISME PUBLIÉE" in french.body and "Quatre études de cas." in french.body
    )
    assert "NOT APPROVED" not in french.body
    html = french.alternatives[0][0]
    assert "<script" not in html and len(html.encode()) < 100 * 1024
    # One image, the logo, travelling inside the email: nothing is fetched from anywhere.
    assert re.findall(r"<img [^>]*src=\"([^\"]*)\"", html) == ["cid:logo@mountainpartnership"]
    parsed = message_from_bytes(french.message().as_bytes())
    assert parsed.get_content_type() == "multipart/related"
    logo = [part for part in parsed.walk() if part.get_content_type() == "image/png"]
    assert [part["Content-ID"] for part in logo] == ["<logo@mountainpartnership>"]
    assert logo[0].get_payload(decode=True) == identity.drawn()["mark-email.png"]
    unsubscribe = french.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/fr/newsletter/unsubscribe/" in unsubscribe
    assert french.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery = Delivery.objects.get(subscriber__email="marie@example.org")
    assert french.extra_headers["Message-ID"] == delivery.message_id
    assert french.extra_headers["List-Id"] == (
        "Mountain Partnership newsletter <newsletter.mountainpartnership>"
    )
    assert "/fr/newsletter/preferences/" in french.body
    spanish = messages_to("ana@example.org")[0]
    assert not getattr(spanish, "alternatives", None)  # plain text only, as chosen
    assert "diciembre de 2026" in spanish.subject and "/es/newsletter/preferences/" in spanish.body
    assert spanish.from_email == french.from_email == "Mountain Partnership <secretariat@localhost>"
    assert "PUBLICADO EL ESTUDIO DE ECOTURISMO" in spanish.body
    # The one-click link from the header works without a session or a token.
    url = unsubscribe.strip("<>").replace("http://127.0.0.1:8000", "")
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Subscriber.objects.get(email="marie@example.org").status == "unsubscribed"
    # The archive shows the sent edition in each language.
    archive = client.get("/es/newsletter/2026-12/").content.decode()
    assert "Publicado el estudio de ecoturismo" in archive
    assert 'href="/fr/newsletter/2026-12/"' in client.get("/fr/newsletter/").content.decode()


def test_missing_translations_block_sending_unless_english_fallback(region):
    subscriber(region, "marie@example.org", "fr")
    edition = edition_with_items(translated=False)
    with pytest.raises(ValidationError) as refused:
        edition_mark_ready(edition=edition)
    assert "fr" in " ".join(refused.value.messages)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT
    edition.english_fallback = True
    edition.save()
    edition_mark_ready(edition=edition)
    editions_due()
    assert "ECOTOURISM STUDY PUBLISHED" in messages_to("marie@example.org")[0].body


def test_deliveries_are_unique_per_edition_and_subscriber(region):
    person = subscriber(region, "one@example.org")
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    assert sending.edition_start(edition=edition) == 1
    edition.status = Edition.Status.READY
    edition.save()
    sending.edition_start(edition=edition)  # started twice: no second row
    assert Delivery.objects.filter(edition=edition).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            edition=edition, subscriber=person, language="en", region=region, message_id="<x>"
        )


def test_an_interrupted_send_resumes_and_reaches_everyone_exactly_once(settings, region):
    settings.NEWSLETTER_CLAIM_SECONDS = 2
    for n in range(30):
        subscriber(region, f"reader{n}@example.org")
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    # A worker claims a batch, sends two of them, then dies (kill -9) before recording the
    # second: one delivered and recorded, one delivered and in doubt, eight never sent. Dead,
    # it renews nothing: its claims expire within NEWSLETTER_CLAIM_SECONDS.
    claimed = sending.claim(edition.pk, size=10)
    sending.send_batch(edition, claimed[:1])
    rendered = sending.render_edition(edition, "en")
    sending.message_for(claimed[1], rendered).send()
    # Another worker sends everything not held by the dead one, then waits for its claims to
    # expire and takes them over, with no beat tick and no manual step.
    started = time.monotonic()
    assert sending.edition_send_due(edition_id=edition.pk) == 29
    assert time.monotonic() - started < 2 * settings.NEWSLETTER_CLAIM_SECONDS
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    per_address = Counter(m.to[0] for m in mail.outbox)
    assert set(per_address) == {f"reader{n}@example.org" for n in range(30)}
    duplicates = [address for address, count in per_address.items() if count > 1]
    assert duplicates == [claimed[1].subscriber.email]  # only the one in doubt
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox if m.to == duplicates}
    assert len(ids) == 1  # the same Message-ID both times: receivers drop the copy


class Answering:
    """An SMTP server for tests: refuses some recipients for good (550) or for now (421)."""

    def __init__(self):
        self.received = []
        self.messages = []
        self.senders = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 No such user"
        if address.startswith("busy@"):
            return "421 4.7.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.extend(envelope.rcpt_tos)
        self.messages.append(envelope.original_content)
        self.senders.append(envelope.mail_from)
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings):
    with serving(Answering(), settings) as handler:
        yield handler


def test_permanent_and_temporary_smtp_failures_are_told_apart(region, smtp_server):
    for address in ["ok@example.org", "gone@example.org", "busy@example.org"]:
        subscriber(region, address)
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    sending.edition_send_due(edition_id=edition.pk)
    outcome = dict(Delivery.objects.values_list("subscriber__email", "status"))
    assert outcome == {
        "ok@example.org": "sent",
        "gone@example.org": "failed",
        "busy@example.org": "deferred",
    }
    assert "550" in Delivery.objects.get(subscriber__email="gone@example.org").error
    busy = Delivery.objects.get(subscriber__email="busy@example.org")
    assert busy.next_attempt_at > timezone.now()  # retried later, never marked permanent
    assert smtp_server.received == ["ok@example.org"]
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING  # the deferred one is still to come
    assert deliveries_retry_failed(edition=edition) == 1
    assert Delivery.objects.get(subscriber__email="gone@example.org").status == "pending"
    assert Delivery.objects.get(subscriber__email="ok@example.org").status == "sent"


def test_the_send_rate_holds_across_workers_together(settings):
    settings.NEWSLETTER_RATE = 7
    # A fresh count: permits this process reserved before belong to the count cleared here.
    clear_cache()
    sending._permits.update(second=None, left=0)
    granted = []
    lock = threading.Lock()

    def worker():
        for _ in range(10):
            # The second the permit was for: a busy machine may use it a moment later.
            second = sending.wait_for_rate()
            with lock:
                granted.append(second)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    per_second = Counter(granted)
    assert sum(per_second.values()) == 20
    assert max(per_second.values()) <= 7


WORKER_SCRIPT = """
import time, django
django.setup()
from django.core.cache import cache
from newsletter import sending
granted = []
for _ in range(12):
    granted.append(sending.wait_for_rate())
print(" ".join(map(str, granted)))
"""


def test_the_send_rate_holds_across_two_worker_processes():
    """Two separate processes, sharing only Redis, never send more than the rate in a second."""
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mountainpartnership.settings",
        "NEWSLETTER_RATE": "5",
        "REDIS_KEY_PREFIX": f"rate-test-{os.getpid()}-{time.time()}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    root = django_settings.BASE_DIR
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER_SCRIPT],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=60)[0] for worker in workers]
    granted = [int(second) for output in outputs for second in output.split()]
    per_second = Counter(granted)
    assert sum(per_second.values()) == 24
    assert max(per_second.values()) <= 5


def test_preview_and_test_send_in_the_admin(secretariat_client, region):
    edition = edition_with_items()
    preview = secretariat_client.get(
        reverse("admin:newsletter_edition_preview", args=[edition.pk, "fr"])
    )
    assert "Étude sur l'écotourisme publiée" in html.unescape(preview.content.decode())
    text = secretariat_client.get(
        reverse("admin:newsletter_edition_preview", args=[edition.pk, "es"]) + "?format=text"
    )
    assert text["Content-Type"].startswith("text/plain")
    secretariat_client.post(
        reverse("admin:newsletter_edition_test", args=[edition.pk]),
        {"email": "me@example.org", "language": "es"},
    )
    (sent,) = messages_to("me@example.org")
    assert (
        sent.mixed_subtype == "related"
        and "cid:logo@mountainpartnership" in sent.alternatives[0][0]
    )
    assert [a.get("Content-ID") for a in sent.attachments] == ["<logo@mountainpartnership>"]
    assert not Delivery.objects.exists()  # a test is not a delivery
    # The preview is read in a browser, which knows no cid: address: the logo comes as data.
    assert "cid:" not in preview.content.decode()
    assert 'src="data:image/png;base64,' in preview.content.decode()


def test_sending_is_refused_outside_the_secretariat(client, region):
    from tests.conftest import sign_in, verified_user

    edition = edition_with_items()
    sign_in(client, verified_user())
    response = client.post(
        reverse("admin:newsletter_edition_changelist"),
        {"action": "send_now", "_selected_action": [edition.pk]},
    )
    assert response.status_code == 403
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT
    assert (
        client.get(reverse("admin:newsletter_edition_preview", args=[edition.pk, "fr"])).status_code
        == 403
    )


def test_a_representative_proposes_an_item_that_waits_for_review(client, region):
    from members.models import Representation
    from tests.conftest import sign_in, verified_user
    from tests.factories import MemberFactory

    member = MemberFactory(slug="agoca")
    user = verified_user()
    Representation.objects.create(user=user, member=member, role="focal_point")
    sign_in(client, user)
    response = client.post(
        "/fr/my/agoca/newsletter-item/",
        {
            "title": "Rencontre à Bichkek",
            "body": "Les villages se sont réunis.",
            "target_month": "2026-12",
            "language": "fr",
        },
    )
    assert response.status_code == 302
    item = Item.objects.get()
    assert item.status == Item.Status.SUBMITTED and item.member == member
    assert item.title_fr == "Rencontre à Bichkek" and not item.title_en
    assert item.target_month == datetime.date(2026, 12, 1)
    other = MemberFactory(slug="other")
    assert (
        client.post(
            f"/fr/my/{other.slug}/newsletter-item/",
            {"title": "x", "body": "y", "target_month": "2026-12"},
        ).status_code
        == 404
    )
    assert Item.objects.count() == 1


@pytest.mark.parametrize(
    ("event_type", "status"), [("bounced", "bounced"), ("complained", "complained")]
)
def test_a_hard_bounce_or_complaint_stops_sending(region, event_type, status):
    from anymail.signals import AnymailTrackingEvent, tracking

    subscriber(region, "gone@example.org")
    subscriber(region, "stays@example.org")
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type=event_type, recipient="GONE@example.org"),
        esp_name="Test",
    )
    assert Subscriber.objects.get(email="gone@example.org").status == status
    # A delivery already queued for the address is not sent either.
    edition = edition_with_items()
    Subscriber.objects.filter(email="gone@example.org").update(status="confirmed")
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type=event_type, recipient="gone@example.org"),
        esp_name="Test",
    )
    sending.edition_send_due(edition_id=edition.pk)
    assert [m.to for m in mail.outbox] == [["stays@example.org"]]
    assert f"now {status}" in Delivery.objects.get(subscriber__email="gone@example.org").error


def test_soft_events_change_nothing(region):
    from anymail.signals import AnymailTrackingEvent, tracking

    subscriber(region, "slow@example.org")
    for event_type in ["deferred", "delivered", "opened"]:
        tracking.send(
            sender=object,
            event=AnymailTrackingEvent(event_type=event_type, recipient="slow@example.org"),
            esp_name="Test",
        )
    assert Subscriber.objects.get(email="slow@example.org").status == "confirmed"


def test_messages_encoded_once_per_language_arrive_whole_and_personal(region, smtp_server):
    from email import policy

    from newsletter.tokens import manage_token

    readers = [
        subscriber(
            region, f"r{n}@example.org", ["fr", "es"][n % 2], format=["html", "text"][n // 2 % 2]
        )
        for n in range(4)
    ]
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    sending.edition_send_due(edition_id=edition.pk)
    assert sorted(smtp_server.received) == sorted(r.email for r in readers)
    for raw in smtp_server.messages:
        message = message_from_bytes(raw, policy=policy.default)
        reader = Subscriber.objects.get(email=message["To"])
        delivery = Delivery.objects.get(subscriber=reader)
        assert message["Message-ID"] == delivery.message_id
        token = manage_token(reader)
        assert (
            token in message["List-Unsubscribe"]
            and f"/{reader.language}/newsletter/unsubscribe/" in message["List-Unsubscribe"]
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = message.get_body(("plain",)).get_content()
        assert f"/{reader.language}/newsletter/preferences/{token}/" in text
        assert message["List-Id"] == (
            "Mountain Partnership newsletter <newsletter.mountainpartnership>"
        )
        assert message["From"] == "Mountain Partnership <secretariat@localhost>"
        assert ("décembre 2026" in message["Subject"]) == (reader.language == "fr")
        assert (
            ("Quatre études de cas." in text)
            if reader.language == "fr"
            else ("Cuatro estudios de caso." in text)
        )
        assert (
            "stand-in" not in raw.decode("utf-8", "replace").lower() and b"TOKENSTANDIN" not in raw
        )
        html = message.get_body(("html",))
        assert (html is not None) == (reader.format == "html")
        if html is not None:
            assert f"/newsletter/unsubscribe/{token}/" in html.get_content()
            # The logo arrives inside the encoded template too, whole.
            logo = [part for part in message.walk() if part.get_content_type() == "image/png"]
            assert len(logo) == 1 and logo[0]["Content-ID"] == "<logo@mountainpartnership>"
            assert logo[0].get_content() == identity.drawn()["mark-email.png"]


def test_an_edition_scheduled_for_later_waits_for_its_time(secretariat_client, region):
    subscriber(region, "later@example.org")
    edition = edition_with_items(send_at=timezone.now() + datetime.timedelta(hours=2))
    secretariat_client.post(
        reverse("admin:newsletter_edition_changelist"),
        {"action": "schedule", "_selected_action": [edition.pk]},
    )
    edition.refresh_from_db()
    assert edition.status == Edition.Status.READY
    editions_due()  # a minute later: not due yet
    assert not mail.outbox and not Delivery.objects.exists()
    Edition.objects.filter(pk=edition.pk).update(
        send_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    editions_due()  # its time has come
    assert [m.to for m in mail.outbox] == [["later@example.org"]]


def test_only_a_ready_edition_starts_and_each_delivery_has_a_message_id_of_its_own(
    settings, region
):
    settings.SITE_URL = "https://mountains.example.org:8443/portal"
    ana = subscriber(region, "ana@example.org", "es", format="text")
    joe = subscriber(region, "joe@example.org", "en")
    subscriber(region, "pending@example.org", status="pending")
    subscriber(region, "gone@example.org", status="unsubscribed")
    edition = edition_with_items()
    assert sending.edition_start(edition=edition) == 0  # a draft
    assert not Delivery.objects.exists()
    edition_mark_ready(edition=edition)
    before = timezone.now()
    assert sending.edition_start(edition=edition) == 2
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING and edition.started_at >= before
    deliveries = {d.subscriber: d for d in Delivery.objects.filter(edition=edition)}
    assert set(deliveries) == {ana, joe}
    for person, delivery in deliveries.items():
        assert delivery.message_id == f"<newsletter-2026-12-{person.pk}@mountains.example.org>"
        assert (delivery.language, delivery.region) == (person.language, region)
        assert delivery.status == Delivery.Status.PENDING
    assert sending.edition_start(edition=edition) == 0  # already sending
    assert Delivery.objects.count() == 2


def test_without_a_host_in_the_site_url_message_ids_name_localhost(settings, region):
    settings.SITE_URL = ""
    person = subscriber(region, "joe@example.org")
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    assert Delivery.objects.get().message_id == f"<newsletter-2026-12-{person.pk}@localhost>"


def delivery_for(edition, person, **fields):
    return Delivery.objects.create(
        edition=edition,
        subscriber=person,
        language=person.language,
        region=person.region,
        message_id=f"<{person.pk}@test>",
        **fields,
    )


def claimed_ids(edition, size=sending.BATCH):
    return [delivery.pk for delivery in sending.claim(edition.pk, size)]


def test_a_worker_claims_only_due_deliveries_no_one_holds_in_order_and_holds_them(settings, region):
    settings.NEWSLETTER_CLAIM_SECONDS = 300
    edition = Edition.objects.create(month=datetime.date(2026, 11, 1), status="sending")
    other_edition = Edition.objects.create(month=datetime.date(2026, 10, 1), status="sending")
    now = timezone.now()
    minute = datetime.timedelta(minutes=1)
    people = [subscriber(region, f"p{n}@example.org") for n in range(9)]
    due = delivery_for(edition, people[0])
    retry_due = delivery_for(edition, people[1], status="deferred", next_attempt_at=now - minute)
    delivery_for(edition, people[2], status="deferred", next_attempt_at=now + minute)
    delivery_for(edition, people[3], status="sent")
    delivery_for(edition, people[4], status="failed")
    delivery_for(edition, people[5], claimed_until=now + minute)  # held by a live worker
    expired = delivery_for(edition, people[6], claimed_until=now - minute)  # a dead one
    later = delivery_for(edition, people[7])
    delivery_for(other_edition, people[8])
    assert claimed_ids(edition, size=3) == [due.pk, retry_due.pk, expired.pk]
    claimed = Delivery.objects.get(pk=due.pk).claimed_until
    hold = datetime.timedelta(seconds=300)
    assert now + hold <= claimed <= timezone.now() + hold
    assert claimed_ids(edition) == [later.pk]  # the first three are held now
    assert claimed_ids(edition) == []


def test_outcomes_are_recorded_with_attempts_and_a_growing_wait_before_a_retry(region):
    edition = Edition.objects.create(month=datetime.date(2026, 11, 1), status="sending")
    people = [subscriber(region, f"p{n}@example.org") for n in range(5)]
    claimed = timezone.now() + datetime.timedelta(minutes=5)
    sent = delivery_for(edition, people[0], claimed_until=claimed)
    first_retry = delivery_for(edition, people[1], claimed_until=claimed)
    fourth_retry = delivery_for(edition, people[2], attempts=3)
    many_retries = delivery_for(edition, people[3], attempts=12)
    failed = delivery_for(edition, people[4], attempts=1)
    before = timezone.now()
    sending.record(sent, Delivery.Status.SENT)
    for delivery in [first_retry, fourth_retry, many_retries]:
        sending.record(delivery, Delivery.Status.DEFERRED, "421 busy")
    sending.record(failed, Delivery.Status.FAILED, "550 gone")
    after = timezone.now()
    for delivery in [sent, first_retry, fourth_retry, many_retries, failed]:
        delivery.refresh_from_db()
        assert delivery.claimed_until is None
    assert sent.status == "sent" and before <= sent.sent_at <= after and sent.attempts == 1
    assert sent.error == ""

    minute = datetime.timedelta(minutes=1)
    for delivery, wait, attempts in [
        (first_retry, minute, 1),
        (fourth_retry, 8 * minute, 4),
        (many_retries, datetime.timedelta(hours=6), 13),
    ]:
        assert delivery.status == "deferred" and delivery.error == "421 busy"
        assert delivery.attempts == attempts and delivery.sent_at is None
        assert delivery.next_attempt_at - after <= wait <= delivery.next_attempt_at - before
    assert failed.status == "failed" and failed.error == "550 gone" and failed.attempts == 2
    assert failed.sent_at is None and failed.next_attempt_at < before


def test_smtp_failures_are_permanent_only_for_5xx_answers():
    import smtplib

    def refused(code):
        return smtplib.SMTPRecipientsRefused({"a@example.org": (code, b"No")})

    failed, deferred = Delivery.Status.FAILED, Delivery.Status.DEFERRED
    for code, status in [(499, deferred), (500, failed), (599, failed), (600, deferred)]:
        assert sending.classify(refused(code))[0] == status
    assert sending.classify(refused(421)) == (
        deferred,
        "SMTPRecipientsRefused: {'a@example.org': (421, b'No')}",
    )
    assert sending.classify(refused(550))[1].startswith("550 {'a@example.org'")
    status, reason = sending.classify(smtplib.SMTPResponseException(554, b"Message rejected"))
    assert (status, reason) == (failed, "554 b'Message rejected'")
    assert sending.classify(smtplib.SMTPResponseException(451, b"Later"))[0] == deferred
    assert sending.classify(smtplib.SMTPRecipientsRefused({}))[0] == deferred
    assert sending.classify(TimeoutError("timed out")) == (deferred, "TimeoutError: timed out")
    assert sending.classify(smtplib.SMTPServerDisconnected("gone"))[0] == deferred
    long_answer = smtplib.SMTPResponseException(550, b"x" * 1000)
    assert len(sending.classify(long_answer)[1]) == 500
    assert len(sending.classify(TimeoutError("y" * 1000))[1]) == 500


def test_someone_who_left_after_sending_started_is_not_sent_to(region):
    subscriber(region, "stays@example.org")
    leaves = subscriber(region, "leaves@example.org")
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    leaves.status = Subscriber.Status.UNSUBSCRIBED
    leaves.save()
    assert sending.edition_send_due(edition_id=edition.pk) == 1
    assert [m.to for m in mail.outbox] == [["stays@example.org"]]
    delivery = Delivery.objects.get(subscriber=leaves)
    assert delivery.status == "failed"
    assert delivery.error == "not sent: the subscriber is now unsubscribed"
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT


def test_a_finished_edition_refreshes_the_cached_pages_once(region):
    from mountainpartnership.pagecache import generation

    subscriber(region, "joe@example.org")
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    before = generation()
    assert sending.edition_send_due(edition_id=edition.pk) == 1
    finished = generation()
    assert finished > before
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT and edition.finished_at is not None
    assert sending.edition_send_due(edition_id=edition.pk) == 0  # again: nothing to do
    assert generation() == finished


class CommitWatchingBackend(LocmemBackend):
    """Notes, for each message, whether the database waits for the disk at each commit."""

    seen = []

    def send_messages(self, messages):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            CommitWatchingBackend.seen.append(cursor.fetchone()[0])
        return super().send_messages(messages)


def test_outcomes_are_recorded_without_waiting_for_the_disk_only_while_sending(settings, region):
    from django.db import connection

    settings.EMAIL_BACKEND = f"{__name__}.CommitWatchingBackend"
    CommitWatchingBackend.seen = []
    for n in range(2):
        subscriber(region, f"r{n}@example.org")
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    sending.edition_send_due(edition_id=edition.pk)
    assert CommitWatchingBackend.seen == ["off", "off"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


def test_each_language_and_format_is_encoded_once_however_many_readers(region, smtp_server):
    """Encoding a message costs more than sending it: over SMTP, a template per language and
    format is encoded once and filled in for each reader."""
    from unittest import mock

    from django.core.mail import EmailMessage

    for n in range(12):
        subscriber(region, f"r{n}@example.org", ["fr", "es"][n % 2], ["html", "text"][n // 2 % 2])
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    encode = EmailMessage.message
    with mock.patch.object(EmailMessage, "message", autospec=True, side_effect=encode) as spy:
        assert sending.edition_send_due(edition_id=edition.pk) == 12
    assert spy.call_count == 4
    assert len(smtp_server.messages) == 12
    assert set(smtp_server.senders) == {"secretariat@localhost"}


def test_an_address_with_an_accented_domain_is_sent_whole(region, smtp_server):
    subscriber(region, "ana@exämple.org", "es")
    subscriber(region, "joe@example.org", "es")
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    assert sending.edition_send_due(edition_id=edition.pk) == 2
    assert sorted(smtp_server.received) == ["ana@xn--exmple-cua.org", "joe@example.org"]


def sent_as_text_with(region, smtp_server, body_en):
    """The email one plain-text reader got of an edition with one more item, `body_en`."""
    from email import policy

    subscriber(region, "joe@example.org", "en", format="text")
    edition = edition_with_items()
    Item.objects.create(
        edition=edition,
        status="approved",
        target_month=edition.month,
        title_en="One more",
        body_en=body_en,
        title_fr="Un de plus",
        body_fr="x",
        title_es="Uno más",
        body_es="x",
    )
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    sending.edition_send_due(edition_id=edition.pk)
    return message_from_bytes(smtp_server.messages[0], policy=policy.default)


def test_an_edition_that_quotes_a_stand_in_is_sent_as_written(region, smtp_server):
    """Text that happens to match what the encoded template uses for the parts that differ
    per reader is not mistaken for them."""
    quoted = f"Write to {sending.STAND_IN['email']} about {sending.STAND_IN['token']}."
    message = sent_as_text_with(region, smtp_server, quoted)
    assert quoted in message.get_body(("plain",)).get_content()
    assert message["To"] == "joe@example.org"


def sending_edition(month, region, people):
    edition = Edition.objects.create(month=datetime.date(2026, month, 1), status="sending")
    return edition, [delivery_for(edition, person) for person in people]


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_take_different_deliveries_without_waiting(region):
    from django.db import connection

    people = [subscriber(region, f"p{n}@example.org") for n in range(6)]
    edition, deliveries = sending_edition(11, region, people)
    taken, held, done = [], threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():  # still sending its batch: the rows stay locked
                taken.extend(sending.claim(edition.pk, size=3))
                held.set()
                done.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert held.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # waiting would fail the test, not hang it
        mine = sending.claim(edition.pk, size=10)
    finally:
        done.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    ids = [delivery.pk for delivery in deliveries]
    assert [d.pk for d in taken] == ids[:3] and [d.pk for d in mine] == ids[3:]


def test_a_claimed_batch_comes_with_its_subscribers(region, django_assert_num_queries):
    people = [subscriber(region, f"p{n}@example.org") for n in range(10)]
    edition, _deliveries = sending_edition(11, region, people)
    # Two statements: the claim (its deliveries held, in one), then their subscribers.
    with django_assert_num_queries(2):
        emails = [delivery.subscriber.email for delivery in sending.claim(edition.pk)]
    assert emails == [person.email for person in people]


def test_an_edition_is_marked_sent_when_its_own_deliveries_are_done(region):
    first = subscriber(region, "first@example.org")
    second = subscriber(region, "second@example.org")
    done_edition, _ = sending_edition(10, region, [first])
    waiting_edition, waiting = sending_edition(11, region, [second])
    Delivery.objects.filter(pk=waiting[0].pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert sending.edition_send_due(edition_id=done_edition.pk) == 1
    done_edition.refresh_from_db()
    waiting_edition.refresh_from_db()
    assert done_edition.status == Edition.Status.SENT
    assert waiting_edition.status == Edition.Status.SENDING  # its delivery is not due yet
    assert sending.edition_send_due(edition_id=waiting_edition.pk) == 0
    waiting_edition.refresh_from_db()
    assert waiting_edition.status == Edition.Status.SENDING


def test_a_finished_edition_becomes_searchable_in_each_language(
    region, django_capture_on_commit_callbacks
):
    from insight.models import SearchEntry

    subscriber(region, "joe@example.org")
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    with django_capture_on_commit_callbacks(execute=True):
        sending.edition_start(edition=edition)
    assert not SearchEntry.objects.filter(kind="edition").exists()  # not while sending
    with django_capture_on_commit_callbacks(execute=True):
        sending.edition_send_due(edition_id=edition.pk)
    entries = SearchEntry.objects.filter(kind="edition", object_id=edition.pk)
    assert sorted(entries.values_list("language", flat=True)) == ["en", "es", "fr"]
    assert "Ecotourism study published" in entries.get(language="en").text


def test_an_edition_larger_than_a_batch_reaches_everyone_once(region):
    count = sending.BATCH + 5
    Subscriber.objects.bulk_create(
        Subscriber(email=f"r{n}@example.org", language="en", region=region, status="confirmed")
        for n in range(count)
    )
    edition = edition_with_items()
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    assert sending.edition_send_due(edition_id=edition.pk) == count
    assert len(mail.outbox) == count and len({m.to[0] for m in mail.outbox}) == count


def test_the_send_rate_is_used_in_full_without_asking_redis_more_than_needed(settings):
    """At 11 a second, 33 messages go out in three consecutive seconds, 11 in each, and each
    second's shared count is asked for once per block of permits, plus once when it is spent."""
    from django.core.cache import cache

    from mountainpartnership.pagecache import redis_client

    settings.NEWSLETTER_RATE = 11
    clear_cache()
    sending._permits.update(second=None, left=0)
    granted = [sending.wait_for_rate() for _ in range(33)]
    per_second = Counter(granted)
    assert max(per_second.values()) == 11 and sum(per_second.values()) == 33
    assert max(per_second) - min(per_second) <= 3  # consecutive seconds, one spare for a slow box
    block = min(sending.PERMIT_BLOCK, 11)
    redis = redis_client()
    for second in per_second:
        key = f"newsletter:rate:{second}"
        assert cache.get(key) <= 11 + 2 * block  # two blocks, and one refusal
        assert 0 < redis.ttl(cache.make_key(key)) <= 5  # forgotten after a few seconds


def test_a_worker_compiles_the_templates_and_loads_every_catalogue_before_forking():
    """Celery's worker_init, in the main process: its pool processes inherit both."""
    from django.template import engines
    from django.utils.translation import trans_real

    from newsletter.tasks import prepare_for_sending

    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    trans_real._translations.clear()
    prepare_for_sending()
    assert {"fr", "es", "en"} <= set(trans_real._translations)
    compiled = {name.split(":")[-1] for name in loader.get_template_cache}
    assert {"newsletter/email/edition.html", "newsletter/email/edition.txt"} <= compiled


def test_a_line_that_starts_with_a_dot_arrives_with_its_dot(region, smtp_server):
    """SMTP ends a message with a line holding a single dot and takes away the first dot of any
    other line; the sender doubles it so that the text arrives as written."""
    dots = "Three lines:\n.\n.. and two dots\n.end"
    message = sent_as_text_with(region, smtp_server, dots)
    assert dots in message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert Delivery.objects.get().status == "sent"
