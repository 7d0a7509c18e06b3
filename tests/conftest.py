import pytest
from django.contrib.auth.models import Group

from members.permissions import SECRETARIAT_GROUP
from tests import services
from tests.factories import UserFactory


def pytest_configure(config):
    found = services.problems()
    if found:
        pytest.exit("\n".join(found), returncode=3)


@pytest.fixture(autouse=True)
def _on_postgresql(settings):
    # The suite is about the real thing: refuse to pass quietly on another database.
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql", (
        "The tests run on PostgreSQL: use `make test`, or set DATABASE_URL."
    )


@pytest.fixture
def secretariat_user(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    return user


@pytest.fixture
def secretariat_client(client, secretariat_user):
    client.force_login(secretariat_user)
    return client
