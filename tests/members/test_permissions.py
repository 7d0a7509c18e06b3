"""Who may do what with members' records (members/permissions.py), asked for a wide cast:
every rule from the side that must be refused as well as the side that may."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.http import Http404
from django.test import RequestFactory

from members import permissions
from members.models import Member, Representation
from members.permissions import SECRETARIAT_GROUP
from tests.conftest import as_secretariat, sign_in, verified_user
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def secretariat(**fields):
    user = verified_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    return user


def represents(user, member, role=Representation.Role.COLLEAGUE):
    Representation.objects.create(user=user, member=member, role=role)
    return user


@pytest.fixture
def members():
    return {"A": MemberFactory(slug="a"), "B": MemberFactory(slug="b")}


@pytest.fixture
def people(members):
    a = members["A"]
    in_group_not_staff = verified_user()
    in_group_not_staff.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    return {
        "anonymous": AnonymousUser(),
        "registered": verified_user(),
        "unverified": UserFactory(),
        "focal point of A": represents(verified_user(), a, Representation.Role.FOCAL_POINT),
        "alternate of A": represents(verified_user(), a, Representation.Role.ALTERNATE),
        "colleague of A": represents(verified_user(), a),
        "unverified focal point of A": represents(UserFactory(), a, "focal_point"),
        "inactive colleague of A": represents(verified_user(is_active=False), a),
        "focal point of B": represents(verified_user(), members["B"], "focal_point"),
        # Each as the site's middleware marks it for a session that passed the second factor.
        "secretariat": as_secretariat(secretariat()),
        "inactive secretariat": as_secretariat(secretariat(is_active=False)),
        "staff outside the secretariat": as_secretariat(verified_user(is_staff=True)),
        "in the group but not staff": as_secretariat(in_group_not_staff),
        "superuser": as_secretariat(verified_user(is_staff=True, is_superuser=True)),
        "superuser who is not staff": as_secretariat(verified_user(is_superuser=True)),
        # Signed in with a password or an emailed code only, or loaded away from any session.
        "secretariat without a second factor": permissions.mark_second_factor(secretariat(), False),
        "superuser without a second factor": permissions.mark_second_factor(
            verified_user(is_staff=True, is_superuser=True), False
        ),
        "secretariat outside any session": secretariat(),
    }


def who(people, check):
    return {name for name, user in people.items() if check(user)}


def test_the_secretariat_is_its_active_staff_and_the_superusers(people):
    assert who(people, permissions.is_secretariat) == {"secretariat", "superuser"}


def test_a_verified_address_is_one_the_account_still_has(people):
    assert who(people, permissions.has_verified_email) == set(people) - {
        "anonymous",
        "unverified",
        "unverified focal point of A",
    }
    user = UserFactory(email="ana@example.org")
    EmailAddress.objects.create(user=user, email="Ana@Example.org", verified=True)
    assert permissions.has_verified_email(user)  # whatever the case
    user.email = "ana@elsewhere.org"
    assert not permissions.has_verified_email(user)
    EmailAddress.objects.create(user=user, email="ana@elsewhere.org", verified=False)
    assert not permissions.has_verified_email(user)


def test_representatives_edit_their_own_members_record_and_the_secretariat_any(people, members):
    may_edit_a = who(people, lambda user: permissions.can_edit_member(user, members["A"]))
    assert may_edit_a == {
        "focal point of A",
        "alternate of A",
        "colleague of A",
        "secretariat",
        "superuser",
    }
    may_edit_b = who(people, lambda user: permissions.can_edit_member(user, members["B"]))
    assert may_edit_b == {"focal point of B", "secretariat", "superuser"}


def test_the_focal_point_and_alternates_manage_colleagues(people, members):
    may = who(people, lambda user: permissions.can_manage_colleagues(user, members["A"]))
    assert may == {"focal point of A", "alternate of A", "secretariat", "superuser"}


def test_contacts_are_shown_to_representatives_and_the_secretariat(people):
    assert who(people, permissions.can_see_contacts) == {
        "focal point of A",
        "alternate of A",
        "colleague of A",
        "unverified focal point of A",
        "focal point of B",
        "secretariat",
        "superuser",
    }


def test_represented_members_are_the_public_ones_an_account_speaks_for(people, members):
    rosa = people["focal point of A"]
    represents(rosa, members["B"])
    assert set(permissions.represented_members(rosa)) == {members["A"], members["B"]}
    gone = MemberFactory(status=Member.Status.WITHDRAWN)
    represents(rosa, gone)
    assert gone not in permissions.represented_members(rosa)
    assert not permissions.represented_members(people["anonymous"]).exists()
    assert not permissions.represented_members(people["registered"]).exists()


def test_representation_of_is_this_accounts_link_to_that_member(people, members):
    rosa = people["focal point of A"]
    link = permissions.representation_of(rosa, members["A"])
    assert (link.user, link.member, link.role) == (rosa, members["A"], "focal_point")
    assert permissions.representation_of(rosa, members["B"]) is None
    assert permissions.representation_of(people["anonymous"], members["A"]) is None


def test_another_members_edit_page_is_a_404(people, members):
    rosa = people["focal point of A"]
    assert permissions.editable_member_or_404(rosa, "a") == members["A"]
    for slug in ["b", "nonexistent"]:
        with pytest.raises(Http404):
            permissions.editable_member_or_404(rosa, slug)
    with pytest.raises(Http404):
        permissions.editable_member_or_404(people["anonymous"], "a")
    assert permissions.editable_member_or_404(people["secretariat"], "b") == members["B"]
    members["A"].status = Member.Status.WITHDRAWN
    members["A"].save()
    with pytest.raises(Http404):
        permissions.editable_member_or_404(rosa, "a")


def request_of(client):
    request = RequestFactory().get("/admin/")
    request.session = client.session
    from django.contrib.auth import get_user

    request.user = get_user(request)
    return request


def test_a_second_factor_counts_only_when_the_sign_in_used_one(client, secretariat_user):
    sign_in(client, secretariat_user, secretariat_user.totp_secret)
    assert permissions.used_second_factor(request_of(client))
    client.logout()
    password_only = verified_user(is_staff=True)
    sign_in(client, password_only)
    assert not permissions.used_second_factor(request_of(client))


def test_the_secretariat_group_may_change_the_portals_records_and_only_read_accounts():
    group = Group.objects.get(name=SECRETARIAT_GROUP)
    granted = {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related()
    }
    for permission in [
        "members.change_member",
        "members.add_focalpoint",
        "members.delete_area",
        "activities.add_activity",
        "newsletter.change_edition",
        "discussions.delete_post",
        "insight.view_pageview",
        "members.view_user",
    ]:
        assert permission in granted, permission
    for permission in [
        "members.change_user",
        "members.add_user",
        "members.delete_user",
        "auth.change_group",
        "auth.add_permission",
        "admin.delete_logentry",
    ]:
        assert permission not in granted, permission


def test_syncing_the_group_again_adds_and_never_removes():
    group = Group.objects.get(name=SECRETARIAT_GROUP)
    by_hand = Permission.objects.get(codename="view_group")
    group.permissions.add(by_hand)
    removed = Permission.objects.get(codename="change_member")
    group.permissions.remove(removed)
    count = group.permissions.count()
    assert permissions.secretariat_group_sync() == group
    assert permissions.secretariat_group_sync() == group
    assert group.permissions.count() == count + 1
    assert group.permissions.filter(pk__in=[by_hand.pk, removed.pk]).count() == 2


def test_syncing_makes_the_group_when_it_is_missing():
    Group.objects.filter(name=SECRETARIAT_GROUP).delete()
    group = permissions.secretariat_group_sync()
    assert group.name == SECRETARIAT_GROUP
    assert group.permissions.filter(codename="change_member").exists()
    assert not group.permissions.filter(codename="change_user").exists()
    assert group.permissions.filter(codename="view_user").exists()
