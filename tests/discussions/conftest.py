import pytest
from django.contrib.auth.models import Group

from members.models import Representation
from members.permissions import SECRETARIAT_GROUP
from tests.conftest import as_secretariat, force_login_with_second_factor, verified_user
from tests.factories import MemberFactory, SpaceFactory, UserFactory


def representative(**fields):
    """A verified account that speaks for a member."""
    user = verified_user(**fields)
    Representation.objects.create(
        user=user, member=MemberFactory(), role=Representation.Role.FOCAL_POINT
    )
    return user


def old_account(user):
    """Past the tighter limits that apply to new accounts."""
    import datetime

    from django.utils import timezone

    user.date_joined = timezone.now() - datetime.timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def cast(db):
    """Everyone who may come to a discussion: who may do what is tested for each of them."""
    secretariat = verified_user(is_staff=True, first_name="Sara", last_name="Secretariat")
    secretariat.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    return {
        "anonymous": None,
        "unverified": UserFactory(first_name="Una"),
        "verified": verified_user(first_name="Vera", last_name="Verified"),
        "representative": representative(first_name="Rosa", last_name="Mamani"),
        # Marked as a session past the second factor, for the services called directly.
        "secretariat": as_secretariat(secretariat),
    }


def client_for(client, user):
    """A client with `user`'s session (the login itself is tested with the accounts); staff
    sign in as the secretariat does, past the second factor."""
    if user is not None and user.is_staff:
        force_login_with_second_factor(client, user)
    elif user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def open_space(db):
    """Read by everyone, posts by member representatives: the usual area space."""
    return SpaceFactory(slug="andes-talk")
