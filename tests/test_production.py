"""The production shape: the deploy check, security headers on every public page in each
language, HTTPS, /healthz, the anonymous page cache and uploaded files."""

import json
import os
import secrets
import subprocess
import sys
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Member
from mountainpartnership.celery import app as celery_app
from tests.conftest import verified_user
from tests.pages import LANGUAGES, PUBLIC_PAGES, sent_edition
from tests.test_project import ROOT

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "portal.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def test_the_deploy_check_passes_with_production_values():
    # The browser tests' allowance for Playwright's event loop is no part of production.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "mountainpartnership.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def demo(db):
    call_command("loaddemo", verbosity=0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_carries_the_security_headers(client, demo, language):
    # One page of each kind: the headers come from middleware, the same for every page.
    sent_edition()
    for page in PUBLIC_PAGES:
        url = f"/{language}/{page}"
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        directives = dict(
            (part.split(" ", 1) + [""])[:2]
            for part in (p.strip() for p in policy.split(";"))
            if part
        )
        assert directives["default-src"] == "'self'", url
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
        assert directives["frame-ancestors"] == "'none'" and directives["form-action"] == "'self'"
        assert (
            "unsafe-inline" not in policy and "unsafe-eval" not in policy and "nonce" not in policy
        )
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert b"<script" not in response.content and b' style="' not in response.content, url


def test_plain_http_is_sent_to_https_except_the_health_check(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/en/members/")
    assert response.status_code == 301 and response.url == "https://testserver/en/members/"
    secure = client.get("/en/members/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get("/healthz").status_code in {200, 503}  # answered, not redirected


def health(client):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert set(body) == {"status", "failing"}  # nothing else: no versions, no hosts
    return response.status_code, body


@pytest.mark.django_db(transaction=True)
def test_health_is_ok_only_with_a_worker_answering(client):
    celery_app.conf.task_always_eager = False
    assert health(client) == (503, {"status": "failing", "failing": ["worker"]})
    with start_worker(celery_app, perform_ping_check=False, concurrency=1, pool="solo"):
        deadline = time.monotonic() + 20
        while health(client)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert health(client) == (200, {"status": "ok", "failing": []})


def test_health_names_redis_when_it_does_not_answer(client, settings, db):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert health(client) == (503, {"status": "failing", "failing": ["redis", "worker"]})


def test_anonymous_pages_come_from_the_cache_until_a_record_changes(client, demo):
    url = "/fr/members/condesan/"
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    assert not first.cookies and "Cookie" not in first.get("Vary", "")
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit" and len(queries) == 0
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    condesan = Member.objects.get(slug="condesan")
    condesan.description_fr = "Une description toute neuve."
    condesan.save()
    third = client.get(url)
    assert (
        third["X-Page-Cache"] == "miss" and "Une description toute neuve." in third.content.decode()
    )
    # Another language is another page.
    assert client.get("/es/members/condesan/")["X-Page-Cache"] == "miss"


def test_signed_in_readers_are_never_served_from_the_cache(client, demo):
    url = "/en/members/condesan/"
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    user = verified_user(first_name="Rosa")
    client.force_login(user)
    response = client.get(url)
    assert "X-Page-Cache" not in response and "Sign out" in response.content.decode()
    assert "X-Page-Cache" not in client.get(url)  # nor stored for the next visitor


def test_pages_with_a_form_to_post_are_not_cached(client, db):
    response = client.get("/en/newsletter/")
    assert "csrftoken" in response.cookies and "X-Page-Cache" not in response


def test_uploaded_files_are_served_safely(client, settings, tmp_path, db):
    from discussions.models import Document
    from tests.factories import consultation_for

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "consultations").mkdir()
    (tmp_path / "consultations" / "terms.pdf").write_bytes(b"%PDF-1.7 ...")
    (tmp_path / "consultations" / "page.html").write_bytes(b"<script>alert(1)</script>")
    # Documents of a consultation everyone may read (the page.html one could not be uploaded:
    # it stands for a file that slipped past the checks).
    consultation = consultation_for("open", verified_user())
    for name in ["terms.pdf", "page.html"]:
        Document.objects.create(
            consultation=consultation, title_en=name, file=f"consultations/{name}"
        )
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    pdf = client.get("/media/consultations/terms.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in pdf["Content-Security-Policy"]
    html = client.get("/media/consultations/page.html")
    assert html["Content-Type"] == "application/octet-stream"
    assert html["Content-Disposition"].startswith("attachment")
    logo = client.get("/media/logo.png")
    assert logo["Content-Type"] == "image/png" and "attachment" not in logo.get(
        "Content-Disposition", ""
    )
    for path in ["/media/../settings.py", "/media/%2e%2e/manage.py", "/media/nothing.pdf"]:
        assert client.get(path).status_code == 404


def test_a_cached_page_is_sent_compressed_as_stored(client, demo):
    import gzip

    url = "/en/members/"
    plain = client.get(url).content
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response["X-Page-Cache"] == "hit" and response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain
    assert "Accept-Encoding" in response["Vary"] and "Cookie" not in response["Vary"]
