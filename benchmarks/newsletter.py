"""Newsletter benchmark and crash test (run by `make bench-newsletter`). Measures; asserts nothing.

On a scratch PostgreSQL database, with the real Redis broker and real Celery worker processes
sending into a local SMTP sink (aiosmtpd): N confirmed subscribers (default 20,000, three
languages), one edition sent, messages per second reported. Then the crash run: a second
edition, one worker killed with SIGKILL when about half is sent, a fresh worker started, and
the sink's count: subscribers reached, missing, and reached twice (with their Message-IDs).
"""

import datetime
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import production_environment, recreate_database  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mountainpartnership_newsletter_bench"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "20000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CLAIM_SECONDS = 10


class Sink:
    """An SMTP server that accepts everything and remembers who got which Message-ID."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = defaultdict(list)  # address -> [Message-ID, ...]

    async def handle_DATA(self, server, session, envelope):
        message_id = ""
        for line in envelope.original_content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode()
                break
            if not line:
                break
        with self.lock:
            for address in envelope.rcpt_tos:
                self.received[address].append(message_id)
        return "250 OK"

    def count(self):
        with self.lock:
            return sum(len(ids) for ids in self.received.values())


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(smtp_port):
    return production_environment(
        DATABASE_URL,
        REDIS_URL,
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=tempfile.mkdtemp(prefix="bench-static-"),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        NEWSLETTER_RATE="100000",
        NEWSLETTER_CLAIM_SECONDS=str(CLAIM_SECONDS),
    )


def start_worker(env, name):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "mountainpartnership",
            "worker",
            "--pool",
            "solo",
            "--hostname",
            f"{name}@bench",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        # Logging goes through settings.LOGGING, not --loglevel: a line per task would be
        # written (to nowhere) and timed with the sending.
        env={**env, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until(condition, timeout=600, every=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def main():
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = environment(port)
    os.environ.update(env)
    recreate_database(DATABASE_URL)
    import logging

    import django

    django.setup()
    # The sink runs in this process: a log line per SMTP command (aiosmtpd's "mail.log" at the
    # INFO level the production settings give) would cost it more than receiving.
    for name in ("mail.log", "aiosmtpd"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from django.core.management import call_command

    from members.models import Region
    from newsletter.models import Delivery, Edition, Item, Subscriber
    from newsletter.sending import edition_start
    from newsletter.services import edition_mark_ready
    from newsletter.tasks import deliver

    call_command("migrate", verbosity=0)
    call_command("loaddemo", verbosity=0)
    regions = list(Region.objects.all())
    languages = ["en", "fr", "es"]
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"reader{n}@bench.example.org",
                language=languages[n % 3],
                region=regions[n % len(regions)],
                status="confirmed",
                format="text" if n % 5 == 0 else "html",
            )
            for n in range(SUBSCRIBERS)
        ],
        batch_size=5000,
    )

    def edition(month):
        edition = Edition.objects.create(
            month=month,
            intro_en="Welcome.",
            intro_fr="Bienvenue.",
            intro_es="Bienvenidos.",
        )
        for n in range(6):
            Item.objects.create(
                edition=edition,
                status="approved",
                target_month=month,
                position=n,
                title_en=f"Item {n}",
                title_fr=f"Article {n}",
                title_es=f"Artículo {n}",
                body_en="Mountain news. " * 30,
                body_fr="Nouvelles des montagnes. " * 30,
                body_es="Noticias de montaña. " * 30,
            )
        edition_mark_ready(edition=edition)
        edition_start(edition=edition)
        return edition

    def sent(edition):
        return Delivery.objects.filter(edition=edition, status="sent").count()

    workers = [start_worker(env, f"w{n}") for n in range(WORKERS)]
    time.sleep(3)
    print(
        f"{SUBSCRIBERS} subscribers, {WORKERS} Celery worker processes, SMTP sink on 127.0.0.1:{port}"
    )

    # Two months after every edition the demo holds (it sends those of the last two months).
    latest = Edition.objects.order_by("-month").values_list("month", flat=True).first()
    first_month = (latest or datetime.date.today()).replace(day=1) + datetime.timedelta(days=62)
    first_month = first_month.replace(day=1)
    second_month = (first_month + datetime.timedelta(days=31)).replace(day=1)

    # 1. Throughput.
    first = edition(first_month)
    started = time.monotonic()
    for _ in range(WORKERS):
        deliver.delay(first.pk)
    wait_until(lambda: sent(first) == SUBSCRIBERS)
    elapsed = time.monotonic() - started
    print(
        f"throughput: {SUBSCRIBERS} messages in {elapsed:.1f} s = {SUBSCRIBERS / elapsed:.0f} messages/s "
        f"(sink received {sink.count()})"
    )

    # 2. Crash run.
    sink.received.clear()
    second = edition(second_month)
    for _ in range(WORKERS):
        deliver.delay(second.pk)
    wait_until(lambda: sent(second) >= SUBSCRIBERS // 2, every=0.05)
    victim = workers[0]
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    killed_at = sent(second)
    print(f"crash run: killed one worker (SIGKILL) at {killed_at} sent")
    workers[0] = start_worker(env, "w-restarted")
    time.sleep(CLAIM_SECONDS + 2)
    # What the beat task does every minute: keep workers on an edition still sending.
    for _ in range(WORKERS):
        deliver.delay(second.pk)
    wait_until(lambda: sent(second) == SUBSCRIBERS)
    wait_until(lambda: sink.count() >= SUBSCRIBERS, timeout=30)
    expected = {f"reader{n}@bench.example.org" for n in range(SUBSCRIBERS)}
    reached = set(sink.received)
    twice = {address: ids for address, ids in sink.received.items() if len(ids) > 1}
    same_id = all(len(set(ids)) == 1 for ids in twice.values())
    print(
        f"crash run: reached {len(reached & expected)} of {SUBSCRIBERS}, missing {len(expected - reached)}, "
        f"reached twice {len(twice)} (same Message-ID each time: {same_id}), "
        f"deliveries sent {sent(second)}, failed {Delivery.objects.filter(edition=second, status='failed').count()}"
    )
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=30)
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
