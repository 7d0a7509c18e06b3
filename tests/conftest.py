import fcntl
import itertools
import os
from urllib.parse import urlsplit

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
from django.utils import translation

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
    if "MUTANT_UNDER_TEST" in os.environ:
        _apart_from_other_mutants(config)


def pytest_unconfigure(config):
    slot = getattr(config, "_mutant_slot", None)
    if slot is not None:
        slot.close()


def _apart_from_other_mutants(config):
    """Under mutmut (`make mutants`) several test runs go at once, each in a process forked
    from one that has already loaded Django. Each takes the first free slot and, for as long
    as it runs, a test database and Redis keys of that slot's own: a run that empties the
    cache or the tables never disturbs another, and the slot's database is kept for the next
    run in it (--reuse-db) rather than built again for each mutant."""
    from django.conf import settings
    from django.test.signals import setting_changed

    for number in itertools.count():
        lock = open(f".mutant-slot-{number}.lock", "w")  # noqa: SIM115 (held until unconfigure)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        break
    config._mutant_slot = lock
    # From DATABASE_URL, not from NAME: with --reuse-db, pytest-django leaves NAME at the
    # test database's name when a run ends, and the next run in this process starts from it.
    name = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_{name}_mutant{number}"
    if "KEY_PREFIX" in settings.CACHES["default"]:
        caches = {
            **settings.CACHES,
            "default": {
                **settings.CACHES["default"],
                "KEY_PREFIX": f"{settings.REDIS_KEY_PREFIX}mutant{number}",
            },
        }
        settings.CACHES = caches
        # As override_settings does: the cache objects are made again with the new prefix.
        setting_changed.send(sender=None, setting="CACHES", value=caches, enter=True)


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
def _in_the_default_language():
    """Every test starts in the site's default language, whatever language an earlier test's
    request left active in the thread: tests pass in any order (mutmut runs them in its own)."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


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

    # A code read in the last seconds of its 30-second step may reach the server in the next
    # one, where it is refused (no tolerance): on a busy machine, wait for a fresh step.
    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left)
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


def force_login_with_second_factor(client, user):
    """`client.force_login(user)`, and a session that records a passed second factor (TOTP),
    as allauth writes it at the real sign-in's second step: what makes staff the secretariat
    (members.permissions.is_secretariat). Without it a staff account is an ordinary user's.
    For tests of the sign-in itself, use `sign_in` with the TOTP secret."""
    import time

    from allauth.account.internal.flows import login as allauth_login

    client.force_login(user)
    session = client.session
    session[allauth_login.AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time()},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session[allauth_login._AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


def as_secretariat(user):
    """`user` marked as acting in a session that passed the second factor, for tests that
    call permissions or services directly, as the site's middleware marks a request's user."""
    from members.permissions import mark_second_factor

    return mark_second_factor(user, True)


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
