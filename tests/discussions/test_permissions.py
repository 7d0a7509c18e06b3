"""Who may read, post, edit, delete, flag, moderate and export (discussions/permissions.py),
asked for a wide cast: each rule is tested from the side that must be refused too."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import AnonymousUser, Group
from django.utils import timezone, translation
from django.utils.formats import date_format

from discussions import permissions
from discussions.models import Post, Space
from members.models import Representation
from members.permissions import SECRETARIAT_GROUP, mark_second_factor
from tests.conftest import as_secretariat, verified_user
from tests.discussions.conftest import representative
from tests.factories import MemberFactory, PostFactory, SpaceFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    secretariat = verified_user(is_staff=True)
    secretariat.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    secretariat_without = verified_user(is_staff=True)
    secretariat_without.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    in_group_not_staff = verified_user()
    in_group_not_staff.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    unverified_rep = UserFactory()
    Representation.objects.create(user=unverified_rep, member=MemberFactory(), role="colleague")
    unconfirmed_rep = UserFactory()
    EmailAddress.objects.create(user=unconfirmed_rep, email=unconfirmed_rep.email, verified=False)
    Representation.objects.create(user=unconfirmed_rep, member=MemberFactory(), role="colleague")
    moved_rep = representative()
    # Changed the account's address since verifying the old one.
    moved_rep.email = "new-address@example.org"
    moved_rep.save()
    return {
        "anonymous": AnonymousUser(),
        "unverified": UserFactory(),
        "verified": verified_user(),
        "representative": representative(),
        "inactive representative": representative(is_active=False),
        "unverified representative": unverified_rep,
        "representative with an unconfirmed address": unconfirmed_rep,
        "representative with a new address": moved_rep,
        # Each as the site's middleware marks it for a session that passed the second factor.
        "secretariat": as_secretariat(secretariat),
        "inactive secretariat": as_secretariat(verified_user(is_staff=True, is_active=False)),
        "staff outside the secretariat": as_secretariat(verified_user(is_staff=True)),
        "in the group but not staff": as_secretariat(in_group_not_staff),
        "superuser": as_secretariat(verified_user(is_staff=True, is_superuser=True)),
        # Signed in with a password or an emailed code only: an ordinary user's session.
        "secretariat without a second factor": mark_second_factor(secretariat_without, False),
        "superuser without a second factor": mark_second_factor(
            verified_user(is_staff=True, is_superuser=True), False
        ),
    }


REPRESENTATIVES = {
    "representative",
    "unverified representative",
    "representative with an unconfirmed address",
    "representative with a new address",
}
READ_MEMBERS_ONLY = {"representative", "secretariat", "superuser"}


def test_representatives_are_active_accounts_that_speak_for_a_member(people):
    found = {who for who, user in people.items() if permissions.is_representative(user)}
    assert found == REPRESENTATIVES


def test_a_space_open_to_everyone_is_read_by_everyone(people):
    space = SpaceFactory(read_access=Space.Read.EVERYONE)
    assert all(permissions.can_read(user, space) for user in people.values())


def test_a_members_only_space_is_read_by_verified_representatives_and_the_secretariat(people):
    space = SpaceFactory(read_access=Space.Read.MEMBERS)
    found = {who for who, user in people.items() if permissions.can_read(user, space)}
    assert found == READ_MEMBERS_ONLY


@pytest.mark.parametrize("read_access", [Space.Read.EVERYONE, Space.Read.MEMBERS])
def test_readers_among_gives_the_same_answer_as_can_read(people, read_access):
    # Away from a session, staff count as the secretariat when their account has a second
    # factor to pass: those marked as having passed it here have one.
    for who in ["secretariat", "inactive secretariat", "superuser", "in the group but not staff"]:
        TOTP.activate(people[who], generate_totp_secret())
    space = SpaceFactory(read_access=read_access)
    users = [user for user in people.values() if user.is_authenticated]
    expected = {user.pk for user in users if user.is_active and permissions.can_read(user, space)}
    assert permissions.readers_among(space, users) == expected
    assert permissions.readers_among(space, []) == set()


def test_staff_with_no_second_factor_are_sent_nothing_of_a_members_only_space(people):
    closed = SpaceFactory(read_access=Space.Read.MEMBERS)
    open_space = SpaceFactory(read_access=Space.Read.EVERYONE)
    staff = people["secretariat"]
    assert permissions.readers_among(closed, [staff]) == set()
    assert permissions.readers_among(open_space, [staff]) == {staff.pk}
    # Recovery codes alone are not a second factor one signs in with.
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=staff, type=Authenticator.Type.RECOVERY_CODES, data={})
    assert permissions.readers_among(closed, [staff]) == set()
    TOTP.activate(staff, generate_totp_secret())
    assert permissions.readers_among(closed, [staff]) == {staff.pk}


def test_readable_spaces_leaves_out_the_members_only_spaces_for_others(people):
    open_space = SpaceFactory(read_access=Space.Read.EVERYONE)
    closed = SpaceFactory(read_access=Space.Read.MEMBERS)
    spaces = Space.objects.filter(pk__in=[open_space.pk, closed.pk])
    for who, user in people.items():
        expected = {open_space, closed} if who in READ_MEMBERS_ONLY else {open_space}
        assert set(permissions.readable_spaces(user, spaces)) == expected, who


REFUSALS = {
    "sign in": "Sign in to take part in this discussion.",
    "members only": "Only member representatives may take part in this discussion.",
    "confirm": "Confirm your email address to take part in discussions.",
    "locked": "This topic is locked: it takes no more replies.",
    "representatives": "Only representatives of partnership members may post in this space.",
}


def refusal(user, space, topic=None):
    with translation.override("en"):
        reason = permissions.posting_refusal(user, space, topic)
    return next((key for key, text in REFUSALS.items() if text == reason), reason)


def test_who_may_post_in_a_space_for_representatives(people):
    space = SpaceFactory(write_access=Space.Write.REPRESENTATIVES)
    answers = {who: refusal(user, space) for who, user in people.items()}
    assert answers == {
        "anonymous": "sign in",
        "unverified": "confirm",
        "verified": "representatives",
        "representative": None,
        "inactive representative": "members only",
        "unverified representative": "confirm",
        "representative with an unconfirmed address": "confirm",
        "representative with a new address": "confirm",
        "secretariat": None,
        "inactive secretariat": "members only",
        "staff outside the secretariat": "representatives",
        "in the group but not staff": "representatives",
        "superuser": None,
        "secretariat without a second factor": "representatives",
        "superuser without a second factor": "representatives",
    }
    for who, user in people.items():
        assert permissions.can_post(user, space) == (answers[who] is None)


def test_who_may_post_in_a_space_for_any_verified_account(people):
    space = SpaceFactory(write_access=Space.Write.VERIFIED)
    may = {who for who, user in people.items() if refusal(user, space) is None}
    assert may == {
        "verified",
        "representative",
        "secretariat",
        "staff outside the secretariat",
        "in the group but not staff",
        "superuser",
        "secretariat without a second factor",
        "superuser without a second factor",
    }


def test_in_a_members_only_space_those_who_may_not_read_may_not_post(people):
    space = SpaceFactory(read_access=Space.Read.MEMBERS, write_access=Space.Write.VERIFIED)
    assert refusal(people["verified"], space) == "members only"
    assert refusal(people["unverified representative"], space) == "members only"
    assert refusal(people["representative"], space) is None


def test_a_locked_topic_takes_replies_from_the_secretariat_only(people):
    space = SpaceFactory(write_access=Space.Write.VERIFIED)
    locked = TopicFactory(space=space, locked=True)
    unlocked = TopicFactory(space=space)
    assert refusal(people["representative"], space, locked) == "locked"
    assert refusal(people["verified"], space, locked) == "locked"
    assert refusal(people["representative"], space, unlocked) is None
    assert refusal(people["secretariat"], space, locked) is None
    assert refusal(people["superuser"], space, locked) is None
    assert permissions.can_post(people["representative"], space, locked) is False


def test_a_consultation_takes_contributions_only_while_it_is_open(people):
    from tests.factories import consultation_for

    moderator = people["secretariat"]
    upcoming = consultation_for("upcoming", moderator, timezone="America/La_Paz")
    closed = consultation_for("closed", moderator, slug="closed", timezone="America/La_Paz")
    opened = consultation_for("open", moderator, slug="opened")
    with translation.override("en"):
        upcoming_times = [
            date_format(upcoming.local_opens(), "DATETIME_FORMAT"),
            date_format(upcoming.local_closes(), "DATETIME_FORMAT"),
        ]
        closed_times = [
            date_format(closed.local_opens(), "DATETIME_FORMAT"),
            date_format(closed.local_closes(), "DATETIME_FORMAT"),
        ]
    assert ":" in upcoming_times[0] or "m." in upcoming_times[0]  # a time, not only a day
    for user in [people["representative"], people["secretariat"], people["anonymous"]]:
        before = refusal(user, upcoming.space)
        after = refusal(user, closed.space)
        assert "opens on {} and closes on {} (".format(*upcoming_times) in before
        assert "was open from {} to {} (".format(*closed_times) in after
        assert before.startswith("This consultation opens on ")
        assert "(America/La Paz)" in before and before.endswith("welcome from its opening.")
        assert after.startswith("This consultation was open from ")
        assert "(America/La Paz) and is now closed." in after
    with translation.override("fr"):
        before = permissions.posting_refusal(people["verified"], upcoming.space)
        after = permissions.posting_refusal(people["verified"], closed.space)
    assert before.startswith("Cette consultation s’ouvre le ")
    assert before.endswith("Les contributions sont les bienvenues dès son ouverture.")
    assert after.startswith("Cette consultation était ouverte du ")
    assert after.endswith("Merci à toutes les personnes qui y ont participé.")
    assert refusal(people["verified"], opened.space) is None
    assert refusal(people["anonymous"], opened.space) == "sign in"
    # Its opening and closing, as the consultation's own clock shows them.
    at_opening = upcoming.opens_at
    with translation.override("en"):
        assert (
            permissions.posting_refusal(people["verified"], upcoming.space, now=at_opening) is None
        )
        just_before = at_opening - datetime.timedelta(seconds=1)
        assert permissions.posting_refusal(people["verified"], upcoming.space, now=just_before)


def test_the_author_edits_a_shown_post_within_the_window_only(people, settings):
    settings.DISCUSSIONS_EDIT_MINUTES = 30
    author = people["representative"]
    post = PostFactory(author=author)
    end = post.created_at + datetime.timedelta(minutes=30)
    assert permissions.can_edit_post(author, post, now=end)
    assert not permissions.can_edit_post(author, post, now=end + datetime.timedelta(seconds=1))
    assert permissions.can_edit_post(author, post)  # now, just after posting
    for who in ["anonymous", "secretariat", "verified"]:
        assert not permissions.can_edit_post(people[who], post, now=end), who
    post.moderation = Post.Moderation.PENDING
    assert not permissions.can_edit_post(author, post, now=end)
    post.moderation = Post.Moderation.VISIBLE
    post.deleted_at = timezone.now()
    assert not permissions.can_edit_post(author, post, now=end)
    post.deleted_at = None
    post.topic.locked = True
    assert not permissions.can_edit_post(author, post, now=end)


def test_only_the_author_deletes_a_post_and_only_once(people):
    author = people["representative"]
    post = PostFactory(author=author)
    assert permissions.can_delete_post(author, post)
    for who in ["anonymous", "secretariat", "verified"]:
        assert not permissions.can_delete_post(people[who], post), who
    post.deleted_at = timezone.now()
    assert not permissions.can_delete_post(author, post)


def test_who_may_flag_a_post(people):
    author = people["representative"]
    members_only = SpaceFactory(read_access=Space.Read.MEMBERS)
    post = PostFactory(author=author, topic=TopicFactory(space=members_only))
    may = {who for who, user in people.items() if permissions.can_flag(user, post)}
    assert may == {"secretariat", "superuser"}  # the author does not flag their own post
    everyone = PostFactory(author=author, topic=TopicFactory(space=SpaceFactory()))
    may = {who for who, user in people.items() if permissions.can_flag(user, everyone)}
    assert may == set(people) - {
        "anonymous",
        "representative",
        "inactive representative",
        "inactive secretariat",
    }
    everyone.moderation = Post.Moderation.HIDDEN
    assert not permissions.can_flag(people["verified"], everyone)
    # What the page already knows about the space is taken as it is.
    assert permissions.can_flag(people["verified"], post, space_readable=True)
    visible = PostFactory(author=author)
    assert not permissions.can_flag(people["verified"], visible, space_readable=False)


def test_the_secretariat_moderates(people):
    may = {who for who, user in people.items() if permissions.can_moderate(user)}
    assert may == {"secretariat", "superuser"}


def test_a_consultations_contributions_are_exported_by_the_secretariat_and_its_moderator(people):
    from tests.factories import consultation_for

    moderator = people["representative"]
    consultation = consultation_for("open", moderator)
    may = {who for who, user in people.items() if permissions.can_export(user, consultation)}
    assert may == {"secretariat", "superuser", "representative"}
    moderator.is_active = False
    assert not permissions.can_export(moderator, consultation)


def test_a_verified_address_must_be_the_accounts_own(people):
    """Verifying one address and then changing the account's to another is not enough."""
    moved = people["representative with a new address"]
    assert EmailAddress.objects.filter(user=moved, verified=True).exists()
    space = SpaceFactory(read_access=Space.Read.MEMBERS)
    assert not permissions.can_read(moved, space)
    assert permissions.readers_among(space, [moved]) == set()
