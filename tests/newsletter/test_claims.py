"""Claims between workers, with real PostgreSQL connections and real threads: two workers
claiming at the same moment, a heartbeat that keeps a live worker's claims, and a dead worker's
claims taken over as soon as they expire."""

import contextlib
import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connections

from newsletter import sending
from newsletter.models import Delivery, Edition, Subscriber
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def edition_sending_to(count, month=11):
    """An edition being sent, with `count` due deliveries (committed: the threads see them)."""
    region = RegionFactory()
    edition = Edition.objects.create(month=datetime.date(2026, month, 1), status="sending")
    people = Subscriber.objects.bulk_create(
        Subscriber(
            email=f"m{month}-{n}@example.org", language="en", region=region, status="confirmed"
        )
        for n in range(count)
    )
    Delivery.objects.bulk_create(
        Delivery(
            edition=edition,
            subscriber=person,
            language="en",
            message_id=f"<{month}-{person.pk}@test>",
        )
        for person in people
    )
    return edition


def in_threads(count, function):
    """`function(n)` in `count` threads at once, each with its own database connection
    (closed at its end); their results, in order."""
    results, failures = [None] * count, []

    def run(n):
        try:
            results[n] = function(n)
        except Exception as error:  # noqa: BLE001 - failed below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures, failures
    return results


def test_two_workers_claiming_at_the_same_moment_get_disjoint_batches_covering_all_due():
    """Many rounds: each a fresh edition of 12 due deliveries, two workers released by a
    barrier at the same moment, each asking for up to 8. Neither may wait for the other's
    locks (SKIP LOCKED): a wait longer than 50 ms fails the claim, and so the test."""
    from django.db import connection

    for round_ in range(1, 13):
        edition = edition_sending_to(12, month=round_)
        due = set(Delivery.objects.filter(edition=edition).values_list("pk", flat=True))
        barrier = threading.Barrier(2)

        def worker(_n, edition=edition, barrier=barrier):
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '50ms'")
            barrier.wait()
            return [delivery.pk for delivery in sending.claim(edition.pk, size=8)]

        first, second = in_threads(2, worker)
        assert not set(first) & set(second)
        assert set(first) | set(second) == due  # neither waited and came back short
        assert len(first) + len(second) == 12


def test_a_heartbeat_renews_the_claims_its_worker_still_holds(settings):
    settings.NEWSLETTER_CLAIM_SECONDS = 3
    edition = edition_sending_to(4)
    batch = sending.claim(edition.pk)
    first_hold = Delivery.objects.get(pk=batch[0].pk).claimed_until
    with sending.Heartbeat() as heartbeat:
        heartbeat.hold(batch)
        sending.record(batch[3], Delivery.Status.SENT)  # done: no longer held
        heartbeat.release(batch[3])
        time.sleep(4.5)  # past the first hold: renewed at 1 s, 2 s, 3 s, 4 s
        assert sending.claim(edition.pk) == []  # still held: no one else takes them
        holds = dict(Delivery.objects.values_list("pk", "claimed_until"))
    assert all(
        holds[delivery.pk] > first_hold + datetime.timedelta(seconds=2) for delivery in batch[:3]
    )
    assert holds[batch[3].pk] is None
    assert not Delivery.objects.filter(status="sent").exclude(pk=batch[3].pk).exists()


def test_a_dead_workers_claims_are_taken_over_once_expired_with_the_same_message_id(settings):
    settings.NEWSLETTER_CLAIM_SECONDS = 3  # room for a live worker's beat on a busy machine
    edition = edition_sending_to(20)
    # A worker claims a batch and dies: no heartbeat renews its claims.
    dead = sending.claim(edition.pk, size=5)
    started = time.monotonic()
    # Two live workers, each with several connections: they send the 15 free ones, wait for
    # the dead worker's claims to expire and send those too.
    sent = in_threads(2, lambda _n: sending.edition_send_due(edition_id=edition.pk))
    assert sum(sent) == 20
    assert time.monotonic() - started < 2 * settings.NEWSLETTER_CLAIM_SECONDS + 2
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert sorted(ids) == sorted(Delivery.objects.values_list("message_id", flat=True))
    for delivery in dead:
        assert [
            m.extra_headers["Message-ID"]
            for m in mail.outbox
            if m.to == [delivery.subscriber.email]
        ] == [delivery.message_id]


def test_a_live_workers_claims_are_not_taken_while_its_heartbeat_renews_them(settings):
    settings.NEWSLETTER_CLAIM_SECONDS = 2
    edition = edition_sending_to(6)
    held = sending.claim(edition.pk, size=3)
    with sending.Heartbeat() as heartbeat:
        heartbeat.hold(held)
        # Another worker sends the rest and waits for the held ones (two claim periods at
        # most), but the holder is alive: it gives up without them.
        assert sending.edition_send_due(edition_id=edition.pk) == 3
    sent_to = {m.to[0] for m in mail.outbox}
    assert sent_to.isdisjoint(delivery.subscriber.email for delivery in held)
    assert Delivery.objects.filter(status="pending").count() == 3
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING


class PipeliningServer:
    """A minimal SMTP server that offers PIPELINING and notes, for each message, whether MAIL,
    RCPT and DATA came together, before any answer (they would not come at all, without
    pipelining, until it answered MAIL: it waits a second for them)."""

    def __init__(self):
        import socket

        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.together, self.bodies = [], []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        connection, _address = self.listener.accept()
        connection.settimeout(1)
        stream = connection.makefile("rb")
        connection.sendall(b"220 test\r\n")
        while line := stream.readline():
            command = line[:4].upper()
            if command == b"EHLO":
                connection.sendall(b"250-test\r\n250-PIPELINING\r\n250 SIZE 1000000\r\n")
            elif command == b"MAIL":
                lines = [line]
                with contextlib.suppress(TimeoutError):
                    lines += [stream.readline(), stream.readline()]
                self.together.append(len(lines) == 3)
                connection.sendall(b"250 ok\r\n250 ok\r\n354 go on\r\n")
                body = b""
                connection.settimeout(5)
                while (part := stream.readline()) != b".\r\n":
                    body += part
                self.bodies.append(body)
                connection.sendall(b"250 queued\r\n")
            elif command == b"QUIT":
                connection.sendall(b"221 bye\r\n")
                break
            else:
                connection.sendall(b"250 ok\r\n")
        connection.close()


def test_mail_rcpt_and_data_go_in_one_round_trip_where_the_server_offers_pipelining(settings):
    server = PipeliningServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = (
        "127.0.0.1",
        server.port,
        False,
    )
    settings.EMAIL_TIMEOUT = 5
    edition = edition_sending_to(2)
    Subscriber.objects.update(format="text")
    assert sending.edition_send_due(edition_id=edition.pk) == 2
    assert server.together == [True, True]
    assert all(b"Message-ID: <11-" in body for body in server.bodies)
    assert Delivery.objects.filter(status="sent").count() == 2


class CheckingSink:
    """An SMTP sink that, as each message ends, counts the deliveries recorded as sent in the
    database (a connection of its own): each message the server took before this one must be
    recorded by then, or a worker killed now would leave more than one in doubt."""

    def __init__(self, database):
        import psycopg

        self.database = psycopg.connect(
            host=database["HOST"] or None,
            port=database["PORT"] or None,
            user=database["USER"],
            dbname=database["NAME"],
            autocommit=True,
        )
        self.accepted, self.unrecorded = 0, []

    async def handle_DATA(self, server, session, envelope):
        sent = self.database.execute(
            "SELECT count(*) FROM newsletter_delivery WHERE status = 'sent'"
        ).fetchone()[0]
        if sent != self.accepted:
            self.unrecorded.append(self.accepted - sent)
        self.accepted += 1
        return "250 OK"


def test_a_worker_process_has_at_most_one_message_in_doubt_whatever_its_connections(settings):
    """Four connections in one process: whenever the server takes a message, every message it
    took before is recorded, so a kill at any moment leaves at most one sent twice."""
    from django.db import connection

    from tests.newsletter.smtp import serving

    settings.NEWSLETTER_CONNECTIONS = 4
    sink = CheckingSink(connection.settings_dict)
    try:
        with serving(sink, settings):
            edition = edition_sending_to(300)
            Subscriber.objects.update(format="text")
            assert sending.edition_send_due(edition_id=edition.pk) == 300
    finally:
        sink.database.close()
    assert sink.accepted == 300
    assert sink.unrecorded == []
