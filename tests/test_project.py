"""The project's shape: settings that fail loudly, the compose file, the service check."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import MemberFactory

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**environ):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('loaded')"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "mountainpartnership.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "portal.example.org"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
    ],
)
def test_production_refuses_to_start_without_its_values(environ, missing):
    result = load_settings(**environ)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_starts_with_its_values():
    result = load_settings(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.example.org")
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stdout


def test_compose_file_is_accepted_by_docker_compose(tmp_path):
    compose = shutil.which("docker-compose")
    assert compose, (
        "docker-compose is missing: `make test` installs it (apt-get install docker-compose)"
    )
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        [compose, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    for service in ["postgres:", "redis:", "web:", "worker:", "beat:"]:
        assert f"  {service}" in result.stdout


def test_service_check_names_what_is_missing_in_one_line_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "tests.services"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
            "REDIS_URL": "redis://127.0.0.1:1/0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "PostgreSQL at 127.0.0.1:1 (DATABASE_URL): Connection refused" in lines[0]
    assert "pg_ctlcluster" in lines[0]
    assert "Redis at 127.0.0.1:1 (REDIS_URL): Connection refused" in lines[1]
    assert "redis-server" in lines[1]
    assert "Traceback" not in result.stderr


def test_root_redirects_to_the_visitors_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="es-PE,es;q=0.9").url == "/es/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9").url == "/fr/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de").url == "/en/"


@pytest.mark.django_db
def test_home_page_shows_the_partnership_in_figures_in_each_language(client):
    MemberFactory.create_batch(3)
    MemberFactory(major_group=True)
    english = client.get("/en/").content.decode()
    assert '<html lang="en">' in english
    assert "4 members" in english
    french = client.get("/fr/").content.decode()
    assert '<html lang="fr">' in french
    assert "4 membres" in french
    spanish = client.get("/es/").content.decode()
    assert "4 miembros" in spanish
    assert client.get("/de/").status_code == 404
    assert reverse("home") == "/en/"


def make_value(checkout: Path, expression: str) -> str:
    """What the Makefile gives `expression` when run from `checkout`, without running a target."""
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-s",
            "-C",
            str(checkout),
            "-f",
            str(ROOT / "Makefile"),
            "--eval",
            f"show-value: ; @echo {expression}",
            "show-value",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.strip()


def test_two_checkouts_test_against_their_own_database_and_redis_keys(tmp_path):
    first, second = tmp_path / "one" / "main", tmp_path / "two" / "main"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    names = [
        (
            make_value(checkout, "mountainpartnership_$(CHECKOUT)"),
            make_value(checkout, "mp$(CHECKOUT)"),
        )
        for checkout in (first, second)
    ]
    assert names[0] != names[1]
    assert all(database[len("mountainpartnership_") :].isdigit() for database, _prefix in names)
    # The test target uses exactly those names.
    makefile = (ROOT / "Makefile").read_text()
    assert (
        "test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mountainpartnership_$(CHECKOUT)"
        in makefile
    )
    assert "test: export REDIS_KEY_PREFIX ?= mp$(CHECKOUT)" in makefile


def test_the_broker_and_the_cache_use_the_checkouts_prefix(settings):
    prefix = os.environ["REDIS_KEY_PREFIX"]
    assert settings.CACHES["default"]["KEY_PREFIX"] == prefix
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] == f"{prefix}:"


def test_the_suite_clears_only_its_own_cached_keys(settings):
    from django.core.cache import cache

    from mountainpartnership.pagecache import redis_client
    from tests.conftest import clear_cache

    client = redis_client()
    others = "another-checkout:1:rate-limit"
    client.set(others, "kept", ex=60)
    cache.set("mine", "gone")
    clear_cache()
    assert cache.get("mine") is None
    assert client.get(others) == b"kept"
    client.delete(others)
