import os

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache

from members.permissions import SECRETARIAT_GROUP
from mountainpartnership.celery import app as celery_app
from tests import services
from tests.factories import UserFactory

PASSWORD = "a long enough password"


# Tests marked `sqlite_too` also run on SQLite, the database of `make run`:
# tests/test_sqlite.py runs them again there, as `pytest -m sqlite_too` with an SQLite
# DATABASE_URL, so that the two back ends of one feature are held to the same tests.
SQLITE_TOO = "sqlite_too"


def sqlite_run(config) -> bool:
    return config.getoption("markexpr", "") == SQLITE_TOO and os.environ.get(
        "DATABASE_URL", ""
    ).startswith("sqlite:")


def pytest_configure(config):
    found = services.problems(postgres=not sqlite_run(config))
    if found:
        pytest.exit("\n".join(found), returncode=3)


@pytest.fixture(autouse=True)
def _on_postgresql(request, settings):
    # The suite is about the real thing: refuse to pass quietly on another database.
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == "django.db.backends.sqlite3" and request.node.get_closest_marker(SQLITE_TOO):
        return
    assert engine == "django.db.backends.postgresql", (
        "The tests run on PostgreSQL: use `make test`, or set DATABASE_URL."
    )


def clear_cache():
    """Forget this checkout's cached values (rate limits, pages, counts) and no one else's:
    another checkout's suite may be using the same Redis server at the same time."""
    from mountainpartnership.pagecache import redis_client

    client = redis_client()
    if client is None:
        cache.clear()
        return
    prefix = django_settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _fresh_rate_limits_and_fast_hashing(settings):
    # Rate limits live in the (Redis) cache: each test starts with none used.
    clear_cache()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Tasks run at once in the test's process; tests of sending start a real worker."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def verified_user(**fields):
    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def totp_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, user, secret=None):
    """Sign in through the site's real login (and its second-factor step when `secret`)."""
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    if secret:
        assert response.url == "/en/accounts/2fa/authenticate/", response.url
        response = client.post("/en/accounts/2fa/authenticate/", {"code": totp_code(secret)})
        assert response.status_code == 302, response.content.decode()[:2000]
    return client


@pytest.fixture
def secretariat_user(db):
    user = verified_user(is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


@pytest.fixture
def secretariat_client(client, secretariat_user):
    return sign_in(client, secretariat_user, secretariat_user.totp_secret)
