"""Every error is seen, and nothing personal goes with it.

The portal runs in another process under production settings (DEBUG false, read from the
environment as docker-compose gives them): gunicorn for the web, a Celery worker for tasks.
Its standard output is read line by line; error reports go to a fake Sentry on 127.0.0.1 that
records the envelopes it receives (Sentry's interface), or, without SENTRY_DSN, to ADMINS
through a local SMTP server.
"""

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from insight.models import TaskFailure
from members.services import new_token
from mountainpartnership.celery import app as celery_app
from tests.conftest import verified_user
from tests.test_project import ROOT

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "alice.andes@example.org"
POST_BODY = "Our private notes on the Cusco meeting"
PASSWORD = "hunter2-very-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


class FakeSentry(BaseHTTPRequestHandler):
    """Records each envelope posted to /api/<project>/envelope/ and answers as Sentry does."""

    envelopes: list[bytes]

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.envelopes.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_sentry():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSentry)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def events(envelopes: list[bytes]) -> list[dict]:
    """The error events among the envelopes' items (an envelope is JSON lines: its header,
    then a header and a payload for each item)."""
    found = []
    for envelope in envelopes:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.original_content)
        return "250 Message accepted"


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


def production_env(**extra) -> dict:
    """The environment docker-compose gives the portal, pointed at this test's database."""
    database = urlsplit(os.environ["DATABASE_URL"])
    test_database = urlunsplit(database._replace(path="/" + connection.settings_dict["NAME"]))
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SENTRY_DSN", "ADMINS", "EMAIL_URL"}
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "tests.mountainpartnership.production.settings",
        "DEBUG": "false",
        # The same key as this process, so that the session signed in here is valid there.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": test_database,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def run_gunicorn(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mountainpartnership.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def listening():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return process.poll() is not None

    assert wait_for(listening, 60), "gunicorn did not start"
    assert process.poll() is None, process.communicate()[1]
    return process


def stop(process: subprocess.Popen) -> tuple[str, str]:
    process.send_signal(signal.SIGTERM)
    try:
        return process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


def fail_a_page(port: int, cookie: str, token: str) -> int:
    """A signed-in visitor posts to the page that fails, from a link with a token and their
    address in the query string."""
    data = urlencode({"email": ADDRESS, "body": POST_BODY, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/en/fails/{token}/?{urlencode({'email': ADDRESS})}",
        data=data,
        headers={"Cookie": f"sessionid={cookie}", "Referer": f"http://127.0.0.1/{token}"},
    )
    try:
        urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        return error.code
    return 200


def signed_in(client):
    user = verified_user(email=ADDRESS)
    client.force_login(user)
    return user, client.cookies["sessionid"].value


def personal(text: str, token: str, session: str) -> list[str]:
    """What of the visitor's is in `text` (nothing, if all is well)."""
    found = [
        value
        for value in [ADDRESS, ADDRESS.replace("@", "%40"), token, POST_BODY, PASSWORD, session]
        if value in text
    ]
    return found + (["an email address"] if "@example.org" in text else [])


# Celery's worker writes this itself when it is stopped, straight to the output, not through
# logging: the one line that is not ours.
CELERY_SHUTDOWN_NOTICE = "worker: Warm shutdown (MainProcess)"


def json_lines(stdout: str) -> list[dict]:
    lines = [
        line for line in stdout.splitlines() if line.strip() not in {"", CELERY_SHUTDOWN_NOTICE}
    ]
    # Every line on standard output is one JSON object.
    return [json.loads(line) for line in lines]


def test_a_failing_page_leaves_one_json_line_and_one_scrubbed_sentry_report(client, fake_sentry):
    user, session = signed_in(client)
    token = new_token()
    port = free_port()
    env = production_env(SENTRY_DSN=f"http://public@127.0.0.1:{fake_sentry.server_port}/1")
    process = run_gunicorn(env, port)
    try:
        assert fail_a_page(port, session, token) == 500
        assert wait_for(lambda: events(fake_sentry.envelopes), 30), "no report reached Sentry"
        time.sleep(1)  # a second report would come now
    finally:
        stdout, stderr = stop(process)

    lines = json_lines(stdout)
    assert len(lines) == 1, stdout
    (line,) = lines
    assert line["event"] == "request_failed" and line["level"] == "error"
    assert line["code"] == 500 and line["path"] == "/en/fails/[token]/"
    assert line["user_id"] == user.pk and line["request_id"]
    assert isinstance(line["duration_ms"], int)
    assert "Traceback (most recent call last)" in line["exception"]
    assert "RuntimeError: Could not reach [email] for [token]" in line["exception"]
    assert personal(stdout, token, session) == []

    reports = events(fake_sentry.envelopes)
    assert len(reports) == 1, reports
    (report,) = reports
    assert report["exception"]["values"][-1]["type"] == "RuntimeError"
    assert report["request"]["url"] == f"http://127.0.0.1:{port}/en/fails/[token]/"
    everything = b"\n".join(fake_sentry.envelopes).decode()
    assert personal(everything, token, session) == []
    assert "hunter2" not in everything and "Cusco" not in everything


def test_without_sentry_the_error_is_mailed_to_admins_scrubbed(client, mailbox):
    box, smtp_port = mailbox
    user, session = signed_in(client)
    token = new_token()
    port = free_port()
    env = production_env(ADMINS="ops@portal.example.net", EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}")
    process = run_gunicorn(env, port)
    try:
        assert fail_a_page(port, session, token) == 500
        assert wait_for(lambda: box.messages, 30), "no report was mailed"
        time.sleep(1)
    finally:
        stdout, stderr = stop(process)

    assert len(json_lines(stdout)) == 1, stdout
    assert personal(stdout, token, session) == []
    assert len(box.messages) == 1
    message = message_from_bytes(box.messages[0], policy=email_policy)
    assert message["To"] == "ops@portal.example.net"
    text = message["Subject"] + "\n" + message.get_body(("plain",)).get_content()
    assert "RuntimeError" in text and "/en/fails/[token]/" in text
    assert personal(text, token, session) == []
    assert "hunter2" not in text and "Cusco" not in text


def test_a_task_that_fails_after_its_retry_is_logged_with_its_id_and_retries(fake_sentry):
    env = production_env(SENTRY_DSN=f"http://public@127.0.0.1:{fake_sentry.server_port}/1")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "--app", "mountainpartnership", "--quiet", "worker"]
        + ["--pool", "solo", "--concurrency", "1", "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        from tests.mountainpartnership.production.tasks import fails_after_a_retry

        celery_app.conf.task_always_eager = False
        result = fails_after_a_retry.delay(ADDRESS)
        assert wait_for(lambda: TaskFailure.objects.exists(), 90), "the failure was not recorded"
        assert wait_for(lambda: events(fake_sentry.envelopes), 30), "no report reached Sentry"
        time.sleep(1)
    finally:
        stdout, stderr = stop(worker)

    lines = json_lines(stdout)
    # How the task went, as django-structlog tells it (leaving out the retry's publishing).
    mine = [
        line
        for line in lines
        if line.get("task_id") == result.id
        and line["logger"].startswith("django_structlog")
        and line["event"] != "task_enqueued"
    ]
    assert [line["event"] for line in mine] == [
        "task_started",
        "task_retrying",
        "task_started",
        "task_failed",
    ], stdout
    assert [line["retries"] for line in mine] == [0, 0, 1, 1]
    failed = mine[-1]
    assert failed["level"] == "error" and failed["task"] == fails_after_a_retry.name
    assert "ConnectionError: Could not reach [email]" in failed["exception"]
    assert ADDRESS not in stdout and "@example.org" not in stdout

    failure = TaskFailure.objects.get()
    assert (failure.task, failure.task_id) == (fails_after_a_retry.name, result.id)
    assert (failure.exception, failure.retries) == ("ConnectionError", 1)

    reports = events(fake_sentry.envelopes)
    assert len(reports) == 1, reports
    everything = b"\n".join(fake_sentry.envelopes).decode()
    assert "ConnectionError" in everything and ADDRESS not in everything
    assert "@example.org" not in everything
