"""Under `make run`, an edition scheduled one minute ahead arrives in var/mail without any
other command: `manage.py runportal` runs the web server, a Celery worker and the beat on the
embedded broker (files under var/celery/), on SQLite, as `make run` does.

The stack runs as `make run` starts it, in a scratch VAR_DIR (its SQLite database, mail and
broker) on a free port, with no Redis and no PostgreSQL. Only the beat's round for due editions
is shortened (EDITIONS_DUE_SECONDS) so the test does not wait for the minute to turn.
"""

import contextlib
import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READER = "lectrice@example.org"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"
# Made in the stack's database before it starts, as the secretariat would in the admin: a
# confirmed subscriber and an edition scheduled through the service, one minute ahead.
SETUP = f"""
import datetime
from django.utils import timezone
from newsletter.models import Edition, Subscriber
from newsletter.services import edition_mark_ready

Subscriber.objects.create(
    email="{READER}", language="fr", status=Subscriber.Status.CONFIRMED,
    confirmed_at=timezone.now(),
)
month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
edition = Edition.objects.create(
    month=month, intro_en="Hello, mountains.", intro_fr="Bonjour, les montagnes.",
    intro_es="Hola, montañas.",
)
edition_mark_ready(edition=edition, send_at=timezone.now() + datetime.timedelta(seconds=60))
print(edition.send_at.isoformat())
"""


# One of the processes sharing the SQLite file: transactions that read, then write (as the
# services do), all at once with the others.
WRITER = """
import sys
import django
django.setup()
from django.db import connection, transaction
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS t (n integer)")
for n in range(150):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        cursor.execute("INSERT INTO t VALUES (%s)", [cursor.fetchone()[0]])
print("done")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_lines(pids: list[int]) -> list[str]:
    """State and command line of each process, for a failure's message."""
    lines = []
    for pid in pids:
        with contextlib.suppress(OSError):
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            lines.append(f"{pid} {state} {command}")
    return lines


def session_processes(session: int) -> list[int]:
    """Every process still alive (not a zombie) in the session the stack was started in."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) != session:
                    continue
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (ProcessLookupError, OSError):
                continue
            if state != "Z":
                found.append(int(entry.name))
    return found


def kill_session(session: int) -> None:
    for pid in session_processes(session):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def stack(tmp_path):
    """The environment of `make run` with nothing set, in a scratch directory; whatever the
    test's outcome, no process of the stack outlives it."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "EMAIL_URL"}
    }
    env.update(VAR_DIR=str(tmp_path / "var"), EDITIONS_DUE_SECONDS="5", DEBUG="true")
    (tmp_path / "var").mkdir()
    started = []

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
        return result.stdout

    def start(port: int) -> subprocess.Popen:
        log = (tmp_path / "runportal.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runportal", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    try:
        yield manage, start, tmp_path
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=30)
            kill_session(process.pid)
            process.wait()


def get(url: str) -> int:
    request = urllib.request.Request(url, headers={"User-Agent": BROWSER})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def worker_log(tmp_path: Path) -> str:
    """The stack's output without the server's request lines, to say why it failed."""
    lines = (tmp_path / "runportal.log").read_text().splitlines()
    return "\n".join(line for line in lines if "[django.server]" not in line)[-4000:]


def newsletter_mails(mail: Path) -> list[str]:
    texts = [path.read_text(errors="replace") for path in sorted(mail.glob("*.log"))]
    return [text for text in texts if "List-Id:" in text]


def test_an_edition_scheduled_a_minute_ahead_arrives_in_var_mail(stack):
    manage, start, tmp_path = stack
    manage("migrate", "--noinput")
    send_at = datetime.datetime.fromisoformat(manage("shell", "-c", SETUP).split()[-1])
    port = free_port()
    portal = start(port)
    base = f"http://127.0.0.1:{port}"
    mail = tmp_path / "var" / "mail"

    # Visitors keep reading public pages meanwhile: each view is written to SQLite at once,
    # while the worker and the beat write there too; none may fail on a locked database.
    statuses = []
    reading = threading.Event()

    def visit():
        paths = ["/en/", "/fr/", "/es/", "/fr/newsletter/"]
        while not reading.is_set():
            statuses.append(get(base + paths[len(statuses) % len(paths)]))
            time.sleep(0.2)

    deadline = time.monotonic() + 150
    while get(f"{base}/healthz") != 200:
        assert portal.poll() is None, worker_log(tmp_path)
        assert time.monotonic() < deadline, "the web server did not answer"
        time.sleep(0.5)
    visitor = threading.Thread(target=visit)
    visitor.start()
    try:
        while not newsletter_mails(mail):
            assert portal.poll() is None, worker_log(tmp_path)
            assert time.monotonic() < deadline, worker_log(tmp_path)
            time.sleep(1)
    finally:
        reading.set()
        visitor.join()
    arrived = datetime.datetime.now(datetime.UTC)

    [sent] = newsletter_mails(mail)
    assert f"To: {READER}" in sent and "Bonjour, les montagnes." in sent
    # At its time, not before (the beat looks every 5 s here, every minute by default).
    assert arrived >= send_at
    assert statuses and set(statuses) == {200}, statuses
    log = (tmp_path / "runportal.log").read_text()
    assert "database is locked" not in log

    # Stopped together: SIGTERM (as Ctrl-C) ends the command and every process it started.
    portal.send_signal(signal.SIGTERM)
    assert portal.wait(timeout=30) == 0, log[-4000:]
    # What was SIGKILLed last may take a moment to be gone on a loaded machine.
    deadline = time.monotonic() + 10
    while session_processes(portal.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert session_processes(portal.pid) == [], process_lines(session_processes(portal.pid))


def test_the_server_and_the_worker_write_to_sqlite_at_once(tmp_path):
    """make run's processes share one SQLite file: a transaction that reads, then writes,
    waits for the others' instead of failing with "database is locked"."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "mountainpartnership.settings",
        "PYTHONPATH": str(ROOT),
    }
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [writer.communicate(timeout=120)[0] for writer in writers]
    assert [output.split()[-1] for output in outputs] == ["done"] * 3, outputs


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, dead but not yet reaped by its new parent, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_web_server_and_the_worker_die_with_a_killed_runportal(stack):
    """SIGKILL leaves runportal no time to stop its children: the kernel asks each of them
    to stop as runportal dies (PR_SET_PDEATHSIG), and they stop what they started."""
    manage, start, tmp_path = stack
    manage("migrate", "--noinput")
    port = free_port()
    portal = start(port)
    deadline = time.monotonic() + 150
    while get(f"http://127.0.0.1:{port}/healthz") != 200 or " ready." not in worker_log(tmp_path):
        assert portal.poll() is None, worker_log(tmp_path)
        assert time.monotonic() < deadline, worker_log(tmp_path)
        time.sleep(0.5)
    started = [pid for pid in session_processes(portal.pid) if pid != portal.pid]
    # The server and its reloader, the worker, its pool and the beat.
    assert len(started) >= 4, process_lines(started)

    portal.send_signal(signal.SIGKILL)
    portal.wait()
    killed = time.monotonic()
    # The worker finishes its tasks first (6.6 s here, idle): well within the wait.
    while any(alive(pid) for pid in started) and time.monotonic() < killed + 20:
        time.sleep(0.2)
    assert not [pid for pid in started if alive(pid)], process_lines(started)
    assert get(f"http://127.0.0.1:{port}/healthz") == 0
