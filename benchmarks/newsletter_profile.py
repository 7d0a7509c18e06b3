"""Where a newsletter worker's time goes (run by hand: `.venv/bin/python benchmarks/newsletter_profile.py`).

One process sends an edition of 2 items to PROFILE_SUBSCRIBERS HTML subscribers (default
3,000, as the shared harness's campaign) over ONE SMTP connection, under cProfile, into an
aiosmtpd sink in a process of its own that logs nothing. Printed twice: by wall-clock time
(waiting for the sink and the database included) and by this process's CPU time, in parts:
claim, render, MIME encoding, filling in per subscriber, token, rate permits, SMTP commands,
recording the outcome. Measures; asserts nothing.
"""

import cProfile
import datetime
import os
import pstats
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import production_environment, recreate_database  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mountainpartnership_newsletter_prof"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SUBSCRIBERS = int(os.environ.get("PROFILE_SUBSCRIBERS", "3000"))

SINK = """
import asyncio, logging, sys
from aiosmtpd.controller import Controller
logging.disable(logging.CRITICAL)
class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
sys.stdin.read()
"""

# (part, functions whose cumulative time is that part: the first found in a call's stack)
PARTS = [
    ("claim (SELECT ... FOR UPDATE SKIP LOCKED + UPDATE)", ["claim"]),
    ("render (templates, once per language)", ["render_edition"]),
    ("MIME encoding (once per language and format)", ["encoded_template"]),
    ("token signing (manage_token)", ["manage_token"]),
    ("rate permits (Redis)", ["wait_for_rate"]),
    ("SMTP MAIL FROM", ["mail"]),
    ("SMTP RCPT TO", ["rcpt"]),
    ("SMTP DATA (command, body, answer)", ["data"]),
    ("SMTP connect/EHLO/QUIT", ["open", "close"]),
    ("SMTP transaction of the new sender (MAIL, RCPT, DATA, body)", ["transaction_smtp"]),
    ("recording the outcome (UPDATE, commit)", ["record"]),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def report(profile, total, label):
    stats = pstats.Stats(profile)
    print(
        f"\n{label}: {total:.2f} s for {SUBSCRIBERS} messages = {1000 * total / SUBSCRIBERS:.2f} ms/message"
    )
    accounted = 0.0
    for part, names in PARTS:
        seconds = sum(
            cumulative
            for (filename, _line, name), (
                _cc,
                _nc,
                _tt,
                cumulative,
                _callers,
            ) in stats.stats.items()
            if name in names
            and (
                ("newsletter" in filename and name not in {"open", "close", "mail", "rcpt", "data"})
                or (name in {"mail", "rcpt", "data"} and filename.endswith("smtplib.py"))
                or (name in {"open", "close"} and filename.endswith("smtp.py"))
            )
        )
        accounted += seconds
        print(
            f"  {1000 * seconds / SUBSCRIBERS:6.3f} ms/msg {100 * seconds / total:5.1f} %  {part}"
        )
    rest = total - accounted
    print(
        f"  {1000 * rest / SUBSCRIBERS:6.3f} ms/msg {100 * rest / total:5.1f} %  the rest (loop, filling in, Python)"
    )


def main():
    port = free_port()
    sink = subprocess.Popen([sys.executable, "-c", SINK, str(port)], stdin=subprocess.PIPE)
    time.sleep(1)
    env = production_environment(
        DATABASE_URL,
        REDIS_URL,
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=tempfile.mkdtemp(prefix="prof-static-"),
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        NEWSLETTER_RATE="100000",
        NEWSLETTER_CONNECTIONS="1",
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    recreate_database(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command

    from members.models import Region
    from newsletter import sending
    from newsletter.models import Edition, Item, Subscriber
    from newsletter.services import edition_mark_ready

    call_command("migrate", verbosity=0)
    region = Region.objects.create(slug="europe", name="Europe")
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"user{n}@bench.test",
            language=["en", "fr", "es"][n % 3],
            region=region,
            status="confirmed",
            format="html",
        )
        for n in range(SUBSCRIBERS)
    )
    month = datetime.date(2030, 1, 1)
    edition = Edition.objects.create(
        month=month, intro_en="Welcome.", intro_fr="Bienvenue.", intro_es="Bienvenidos."
    )
    for n in range(2):
        Item.objects.create(
            edition=edition,
            status="approved",
            target_month=month,
            position=n,
            title_en=f"Story {n}",
            title_fr=f"Article {n}",
            title_es=f"Artículo {n}",
            body_en="Lorem ipsum dolor sit amet. " * 12,
            body_fr="Lorem ipsum dolor sit amet. " * 12,
            body_es="Lorem ipsum dolor sit amet. " * 12,
        )
    edition_mark_ready(edition=edition)
    sending.edition_start(edition=edition)
    for clock, label in [
        (time.perf_counter, "wall clock"),
        (time.process_time, "CPU of this process"),
    ]:
        from newsletter.models import Delivery

        Delivery.objects.update(status="pending", claimed_until=None, attempts=0)
        Edition.objects.filter(pk=edition.pk).update(status="sending")
        profile = cProfile.Profile(clock)
        started = clock()
        profile.runcall(sending.edition_send_due, edition_id=edition.pk)
        report(profile, clock() - started, label)
    sink.stdin.close()
    sink.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
