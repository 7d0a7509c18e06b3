"""Every URL of the portal, tried as an attacker would from each role: what must be refused
is refused, and a refused POST changes nothing in the database.

The URLs are read from the URL conf, not listed by hand: a pattern with no entry in ACCESS
(below) fails `test_every_url_pattern_has_an_expected_access`, so a new page cannot escape
the walk. Each pattern is built with real objects of member A (its record, a members-only
space with a topic and a post by A's focal point, a members-only consultation, ...).

The cast: anonymous, a verified user with no organisation, A's focal point, A's colleague,
A's former focal point (replaced: designation ended yesterday), B's focal point, a staff
account of the Secretariat group whose session did not pass the second factor, and the
secretariat, which did.
"""

import dataclasses
import datetime
import re
from collections.abc import Callable

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from members.models import Representation
from members.permissions import SECRETARIAT_APPS, SECRETARIAT_GROUP
from tests.conftest import clear_cache, force_login_with_second_factor, verified_user
from tests.test_input_walk import changed, fingerprint

ANONYMOUS = "anonymous"
USER = "verified user"
REP_A = "representative of A"
COLLEAGUE_A = "colleague of A"
ENDED_A = "ended focal point of A"
REP_B = "representative of B"
STAFF = "staff without second factor"
SECRETARIAT = "secretariat"
ROLES = [ANONYMOUS, USER, REP_A, COLLEAGUE_A, ENDED_A, REP_B, STAFF, SECRETARIAT]

EVERYONE = frozenset(ROLES)
NOBODY = frozenset()
SIGNED_IN = EVERYONE - {ANONYMOUS}
EDITORS_OF_A = frozenset({REP_A, COLLEAGUE_A, SECRETARIAT})
MANAGERS_OF_A = frozenset({REP_A, SECRETARIAT})
# Who reads a members-only space: current representatives with a verified address, and the
# secretariat. Not A's former focal point, not staff without the second factor.
READERS = frozenset({REP_A, COLLEAGUE_A, REP_B, SECRETARIAT})
ONLY_SECRETARIAT = frozenset({SECRETARIAT})


@dataclasses.dataclass(frozen=True)
class Access:
    """Who may GET and who may POST a URL, and how to build it.

    A role outside `get` or `post` must be refused: 403, 404, 405, or a redirect to the
    login or the second-factor step (`refusal="status"`); with `refusal="redirect"`, any
    redirect (the view sends refused people back where they came from, with a message).
    With `refusal="unchanged"` only the database is checked (a one-click link answers alike
    whatever it is given). Every refused POST must leave the database as it was.

    `data(world)` is a valid form for the POST; then the POST of `changes_by` (the
    secretariat by default, when it may) must change the database: the side that may."""

    get: frozenset = EVERYONE
    post: frozenset = EVERYONE
    kwargs: Callable = lambda world: {}  # noqa: E731
    data: Callable | None = None
    changes_by: str = SECRETARIAT
    refusal: str = "status"
    # POST answers as GET does, saving nothing, for everyone (a page, a feed, a download).
    read_only: bool = False
    # Pages about the signed-in account only (allauth's): opened by everyone, never POSTed.
    own_account: bool = False


def public(**kwargs):
    return Access(read_only=True, **kwargs)


def slug_of_a(world):
    return {"slug": world.member_a.slug}


def post_of_a(world):
    return {"post": world.post.pk}


def closed_space(world):
    return {"space": world.space.slug}


def closed_topic(world):
    return {"space": world.space.slug, "topic": world.topic.pk}


def reply(world):
    return {"body": "A reply.", "language": "en"}


BAD_TOKEN = {"token": "not-a-token-of-ours"}

ACCESS = {
    "healthz": public(),
    "home": public(),
    "privacy": public(),
    "accessibility": public(),
    "style": public(),
    "media": public(kwargs=lambda world: {"path": world.logo}),
    # members
    "members:member-list": public(),
    "members:member-csv": public(),
    "members:join": Access(),
    "members:join-sent": public(),
    "members:join-confirm": Access(get=NOBODY, post=NOBODY, kwargs=lambda w: BAD_TOKEN),
    "members:member-detail": public(kwargs=slug_of_a),
    "members:area-list": public(),
    "members:area-detail": public(kwargs=lambda world: {"slug": world.area.slug}),
    "members:my-members": Access(get=SIGNED_IN, post=SIGNED_IN, read_only=True),
    "members:my-member-edit": Access(get=EDITORS_OF_A, post=EDITORS_OF_A, kwargs=slug_of_a),
    "members:my-member-confirm": Access(
        get=NOBODY, post=EDITORS_OF_A, kwargs=slug_of_a, data=lambda world: {}
    ),
    "members:my-member-renew": Access(
        get=EDITORS_OF_A, post=MANAGERS_OF_A, kwargs=slug_of_a, data=lambda world: {}
    ),
    "members:my-member-colleagues": Access(
        get=EDITORS_OF_A,
        post=MANAGERS_OF_A,
        kwargs=slug_of_a,
        data=lambda world: {"email": "new.colleague@example.org", "language": "en"},
    ),
    "members:my-member-focal-point": Access(get=EDITORS_OF_A, post=EDITORS_OF_A, kwargs=slug_of_a),
    "members:my-member-invitation": Access(
        get=NOBODY,
        post=MANAGERS_OF_A,
        kwargs=lambda world: {"slug": world.member_a.slug, "pk": world.invitation.pk},
        data=lambda world: {"resend": "1"},
    ),
    "members:invitation-accept": Access(get=NOBODY, post=NOBODY, kwargs=lambda w: BAD_TOKEN),
    # activities
    "activities:activity-list": public(),
    "activities:activity-detail": public(kwargs=lambda world: {"slug": world.activity.slug}),
    "activities:event-list": public(),
    "activities:event-list-past": public(),
    "activities:event-feed": public(),
    "activities:event-detail": public(kwargs=lambda world: {"slug": world.event.slug}),
    "activities:event-ics": public(kwargs=lambda world: {"slug": world.event.slug}),
    "activities:funding-list": public(),
    "activities:news-list": public(),
    "activities:news-feed": public(),
    "activities:news-detail": public(kwargs=lambda world: {"slug": world.news.slug}),
    "activities:news-submit": Access(
        get=EDITORS_OF_A,
        post=EDITORS_OF_A,
        kwargs=slug_of_a,
        data=lambda world: {
            "title": "Terraces restored",
            "summary": "Forty hectares of terraces.",
            "body": "The whole story.",
            "language": "en",
        },
    ),
    # newsletter
    "newsletter:subscribe": Access(),
    "newsletter:subscribe-sent": public(),
    "newsletter:confirm": Access(get=NOBODY, post=NOBODY, kwargs=lambda w: BAD_TOKEN),
    "newsletter:preferences": Access(get=NOBODY, post=NOBODY, kwargs=lambda w: BAD_TOKEN),
    "newsletter:unsubscribe": Access(get=NOBODY, post=NOBODY, kwargs=lambda w: BAD_TOKEN),
    "newsletter:edition": public(kwargs=lambda world: {"month": world.edition_month}),
    "newsletter:item-submit": Access(
        get=EDITORS_OF_A,
        post=EDITORS_OF_A,
        kwargs=slug_of_a,
        data=lambda world: {
            "title": "A seminar on watersheds",
            "body": "In Cusco, in May.",
            "link": "",
            "target_month": (timezone.localdate() + datetime.timedelta(days=40)).strftime("%Y-%m"),
            "language": "en",
        },
    ),
    # discussions
    "discussions:space-list": public(),
    "discussions:settings": Access(get=SIGNED_IN, post=SIGNED_IN),
    "discussions:settings-unfollow": Access(
        get=NOBODY,
        post=frozenset({REP_A}),
        kwargs=lambda world: {"follow": world.follow.pk},
        data=lambda world: {},
        changes_by=REP_A,
        refusal="redirect",
    ),
    "discussions:unfollow": Access(
        get=NOBODY, post=NOBODY, kwargs=lambda w: BAD_TOKEN, refusal="unchanged"
    ),
    "discussions:emails-off": Access(get=NOBODY, post=NOBODY, kwargs=lambda w: BAD_TOKEN),
    "discussions:post-detail": Access(get=READERS, post=READERS, kwargs=post_of_a, read_only=True),
    "discussions:post-edit": Access(
        get=frozenset({REP_A}),
        post=frozenset({REP_A}),
        kwargs=post_of_a,
        data=lambda world: {"body": "Changed by its author."},
        changes_by=REP_A,
        refusal="redirect",
    ),
    "discussions:post-delete": Access(
        get=frozenset({REP_A}),
        post=frozenset({REP_A}),
        kwargs=post_of_a,
        data=lambda world: {},
        changes_by=REP_A,
    ),
    "discussions:post-flag": Access(
        get=READERS - {REP_A},
        post=READERS - {REP_A},
        kwargs=post_of_a,
        data=lambda world: {"reason": "Off topic."},
    ),
    "discussions:space-detail": Access(
        get=READERS, post=READERS, kwargs=closed_space, read_only=True
    ),
    "discussions:topic-new": Access(
        get=READERS,
        post=READERS,
        kwargs=closed_space,
        data=lambda world: {"title": "A new topic", "body": "Its first post.", "language": "en"},
    ),
    "discussions:space-follow": Access(
        get=NOBODY, post=READERS, kwargs=closed_space, data=lambda world: {}
    ),
    "discussions:topic-detail": Access(get=READERS, post=READERS, kwargs=closed_topic, data=reply),
    "discussions:topic-follow": Access(
        get=NOBODY, post=READERS, kwargs=closed_topic, data=lambda world: {}
    ),
    "discussions:consultation-list": public(),
    "discussions:consultation-detail": Access(
        get=READERS,
        post=READERS,
        kwargs=lambda world: {"slug": world.consultation.slug},
        data=reply,
    ),
    "discussions:consultation-export": Access(
        get=ONLY_SECRETARIAT,
        post=ONLY_SECRETARIAT,
        kwargs=lambda world: {"slug": world.consultation.slug, "format": "csv"},
        read_only=True,
    ),
    # insight
    "insight:dashboard": Access(get=ONLY_SECRETARIAT, post=ONLY_SECRETARIAT, read_only=True),
    "insight:report": Access(get=ONLY_SECRETARIAT, post=ONLY_SECRETARIAT, read_only=True),
    "insight:engagement": Access(get=ONLY_SECRETARIAT, post=ONLY_SECRETARIAT, read_only=True),
    "insight:nudge": Access(get=NOBODY, post=ONLY_SECRETARIAT, kwargs=slug_of_a),
    "insight:translation-queue": Access(
        get=ONLY_SECRETARIAT,
        post=ONLY_SECRETARIAT,
        kwargs=lambda world: {"language": "fr"},
        read_only=True,
    ),
    "insight:partners": Access(
        get=EDITORS_OF_A, post=EDITORS_OF_A, kwargs=slug_of_a, read_only=True
    ),
    "insight:partner-message": Access(
        get=EDITORS_OF_A,
        post=EDITORS_OF_A,
        kwargs=lambda world: {"slug": world.member_a.slug, "to": world.member_b.slug},
        data=lambda world: {"subject": "Working together", "body": "Shall we?"},
    ),
    "insight:search": public(),
    "insight:data": public(),
    "insight:dataset-download": public(kwargs=lambda world: {"name": "members", "format": "csv"}),
    "insight:dataset-api": public(kwargs=lambda world: {"name": "members"}),
    # The admin signs in through the site's login; people signed in without staff rights are
    # told the admin is for the secretariat (403).
    "admin/login/": Access(
        get=frozenset({ANONYMOUS, STAFF, SECRETARIAT}),
        post=frozenset({ANONYMOUS, STAFF, SECRETARIAT}),
        read_only=True,
    ),
    # The secretariat's inbox, in the admin: its login, then the second factor's middleware.
    "admin-inbox": Access(get=ONLY_SECRETARIAT, post=ONLY_SECRETARIAT, read_only=True),
    # The admin's own login, under the same address: the one above answers.
    "admin:login": Access(
        get=frozenset({ANONYMOUS, STAFF, SECRETARIAT}),
        post=frozenset({ANONYMOUS, STAFF, SECRETARIAT}),
        read_only=True,
    ),
    # Signing out is a POST (not tried here: it would end the secretariat's session).
    # Anonymous visitors are sent to the admin's index (then to the login): nothing to end.
    "admin:logout": Access(get=NOBODY, post=ONLY_SECRETARIAT, refusal="unchanged"),
}

# allauth's pages: each about the signed-in account itself (or a link's key), never about
# another person's records; allauth's own tests cover them. Opened here by every role.
ACCOUNT_PAGES = re.compile(r"^(account_|mfa_)")


def walk(patterns=None, prefix="", namespace=None):
    """(key, route, pattern) for every URL pattern of the URL conf; the key is the pattern's
    namespaced name, or its route when it has none."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name or route  # the admin's redirects and catch-all have none
            yield f"{namespace}:{name}" if namespace else name, route, entry


def is_admin(key: str) -> bool:
    return key.startswith("admin:")


def expected(key: str) -> Access | None:
    if key in ACCESS:
        return ACCESS[key]
    if is_admin(key):
        return Access(get=ONLY_SECRETARIAT, post=ONLY_SECRETARIAT)
    if ACCOUNT_PAGES.match(key):
        return Access(own_account=True)
    return None


def test_every_url_pattern_has_an_expected_access():
    keys = [key for key, _route, _pattern in walk()]
    missing = [key for key in keys if expected(key) is None]
    assert not missing, f"URL patterns with no entry in ACCESS: {missing}"
    stale = sorted(set(ACCESS) - set(keys))
    assert not stale, f"entries in ACCESS for no URL pattern: {stale}"
    assert len(keys) > 250  # the admin's included


class World:
    """Member A with its focal point, a colleague and a former focal point; member B with its
    focal point; a members-only space and consultation with posts by A's focal point."""

    def __init__(self, media_root):
        from discussions.models import Follow, Post, Space
        from discussions.services import consultation_save
        from members.services import invitation_send
        from newsletter.models import Edition
        from tests.factories import (
            ActivityFactory,
            AreaFactory,
            EventFactory,
            MemberFactory,
            NewsFactory,
            SpaceFactory,
            TopicFactory,
        )

        today = timezone.localdate()
        long_ago = timezone.now() - datetime.timedelta(days=60)
        # A's term ends soon: its renewal is open, so renewing is something that changes.
        self.member_a = MemberFactory(slug="uganda", term_ends=today + datetime.timedelta(days=20))
        self.member_b = MemberFactory(slug="peru")
        self.area = AreaFactory(slug="watersheds")
        self.member_a.areas.add(self.area)
        self.users = {
            USER: verified_user(date_joined=long_ago),
            REP_A: self.representative(self.member_a, long_ago),
            COLLEAGUE_A: verified_user(date_joined=long_ago),
            ENDED_A: self.representative(
                self.member_a, long_ago, ended=today - datetime.timedelta(days=1)
            ),
            REP_B: self.representative(self.member_b, long_ago),
            STAFF: self.secretariat_account(long_ago),
            SECRETARIAT: self.secretariat_account(long_ago),
        }
        Representation.objects.create(
            user=self.users[COLLEAGUE_A],
            member=self.member_a,
            role=Representation.Role.COLLEAGUE,
        )
        self.invitation = invitation_send(
            member=self.member_a,
            email="invited.colleague@example.org",
            role=Representation.Role.COLLEAGUE,
            language="en",
            invited_by=self.users[REP_A],
        )
        self.activity = ActivityFactory(slug="terraces")
        self.event = EventFactory(slug="cusco-meeting")
        self.news = NewsFactory(slug="news-of-a", member=self.member_a)
        month = today.replace(day=1) - datetime.timedelta(days=1)
        Edition.objects.create(month=month, status=Edition.Status.SENT, intro_en="Hello.")
        self.edition_month = month.strftime("%Y-%m")

        self.space = SpaceFactory(
            slug="members-room",
            read_access=Space.Read.MEMBERS,
            write_access=Space.Write.REPRESENTATIVES,
        )
        self.topic = TopicFactory(space=self.space, author=self.users[REP_A])
        self.post = Post.objects.create(
            topic=self.topic, author=self.users[REP_A], body="For members only.", language="en"
        )
        self.follow = Follow.objects.create(user=self.users[REP_A], space=self.space)
        self.consultation = consultation_save(
            _consultation(slug="members-consultation", moderator=verified_user())
        )
        Space.objects.filter(pk=self.consultation.space_id).update(read_access=Space.Read.MEMBERS)
        Post.objects.create(
            topic=self.consultation.topic,
            author=self.users[REP_A],
            member=self.member_a,
            body="A contribution for members only.",
            language="en",
        )
        (media_root / "members").mkdir(parents=True)
        (media_root / "members" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        self.logo = "members/logo.png"

    @staticmethod
    def representative(member, joined, ended=None):
        from tests.factories import FocalPointFactory

        user = verified_user(date_joined=joined)
        designation = FocalPointFactory(member=member, email=user.email, end_date=ended)
        Representation.objects.create(
            user=user,
            member=member,
            role=Representation.Role.FOCAL_POINT,
            focal_point=designation,
        )
        return user

    @staticmethod
    def secretariat_account(joined):
        user = verified_user(is_staff=True, date_joined=joined)
        user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
        TOTP.activate(user, generate_totp_secret())
        return user

    def clients(self) -> dict[str, Client]:
        clients = {ANONYMOUS: Client(raise_request_exception=False)}
        for role, user in self.users.items():
            client = Client(raise_request_exception=False)
            if role == SECRETARIAT:
                force_login_with_second_factor(client, user)
            else:
                # The staff account has an authenticator but signed in with its password
                # only (or an emailed code): no second-factor record in its session.
                client.force_login(user)
            clients[role] = client
        return clients


def _consultation(**fields):
    from discussions.models import Consultation

    now = timezone.now()
    return Consultation(
        question_en="Who keeps the mountain watersheds?",
        background_en="Background.",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=10),
        **fields,
    )


def sent_to_sign_in(response) -> bool:
    """A redirect to the login, or to the second factor's step (set up, or pass it)."""
    target = response.get("Location", "") if response.status_code == 302 else ""
    return any(step in target for step in ["/accounts/login/", "/admin/login/", "/accounts/2fa/"])


def refused(response, refusal: str) -> bool:
    if refusal == "unchanged":
        return True
    if response.status_code in {403, 404, 405}:
        return True
    if refusal == "redirect" and response.status_code == 302:
        return True
    return sent_to_sign_in(response)


def healthz_failing(key, response) -> bool:
    """/healthz's 503: its report that no Celery worker answered its ping (none runs during
    the tests, unless one of another checkout on this machine answers): an answer."""
    return key == "healthz" and response.status_code == 503


def server_error(key, response) -> bool:
    return response.status_code >= 500 and not healthz_failing(key, response)


def allowed(response) -> bool:
    return response.status_code < 400


def admin_row(key):
    """The first row of the model an admin URL is about, if any."""
    row = None
    for model in admin.site._registry:
        if key.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            row = model._default_manager.order_by("pk").first()
    return row


def admin_kwargs(pattern, key, world):
    """Real objects for the admin's URLs: the first row of the model the URL is about (for
    `object_id` and the admin's own `member_id`, `edition_id`, ...)."""
    row = admin_row(key)
    kwargs = {}
    for name in pattern.pattern.regex.groupindex:
        if name == "app_label":
            kwargs[name] = "members"
        elif name == "language":
            kwargs[name] = "en"
        elif name == "content_type_id":
            kwargs[name] = str(ContentType.objects.get_for_model(type(world.member_a)).pk)
        elif name == "object_id" and "content_type_id" in pattern.pattern.regex.groupindex:
            kwargs[name] = str(world.member_a.pk)
        elif name.endswith("id"):
            kwargs[name] = str(row.pk if row else 0)
        else:
            kwargs[name] = "nothing-here"
    return kwargs


def url_of(pattern, key, route, access, world) -> str:
    from django.urls import reverse

    if is_admin(key):
        kwargs = admin_kwargs(pattern, key, world)
    elif ACCOUNT_PAGES.match(key):
        # A link's key that is not one of ours: allauth says so on its page.
        kwargs = {name: "abc123" for name in pattern.pattern.regex.groupindex}
    else:
        kwargs = access.kwargs(world)
    if is_admin(key) and pattern.pattern.regex.groups > len(kwargs):
        # django-simple-history's page of one version: two unnamed groups, the record's id
        # and its version's.
        row = admin_row(key)
        version = row.history.order_by("history_id").first() if row else None
        return reverse(key, args=[row.pk if row else 0, version.history_id if version else 0])
    if pattern.name is None:
        # No name to reverse: fill the route's parameters in ("<path:object_id>", "(?P<url>.*)").
        return "/" + re.sub(
            r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)",
            lambda match: kwargs.get(match[1] or match[2], "nothing-here"),
            route.replace("^", "").replace("$", ""),
        )
    return reverse(key, kwargs=kwargs)


def try_everyone(world, clients, key, route, pattern, answers=None) -> list[str]:
    """What goes wrong when every role GETs and POSTs `key`'s URL. `answers`, when given,
    collects each role's GET status."""
    access = expected(key)
    url = url_of(pattern, key, route, access, world)
    problems = []

    def note(role, method, response, what):
        location = response.get("Location", "")
        problems.append(f"{method} {url} as {role}: {what} ({response.status_code} {location})")

    # The roles that must be refused first, then those that may: a change made by one who
    # may (a renewal, a deleted post) must not be what makes a refusal look like one.
    order = sorted(ROLES, key=lambda role: (role in access.post, role != access.changes_by))
    for role in order:
        client = clients[role]
        clear_cache()  # rate limits would answer before the permission does
        response = client.get(url)
        if answers is not None:
            answers[(key, role)] = response.status_code
        if server_error(key, response):
            note(role, "GET", response, "server error")
        elif access.own_account:
            pass
        elif role in access.get and is_admin(key) and key not in ACCESS:
            # Past the second factor, what the secretariat may do in the admin is the admin's
            # own permissions' business (accounts, schedules and "add" pages are not all its).
            if sent_to_sign_in(response):
                note(role, "GET", response, "sent to sign in again")
        elif role in access.get and not (allowed(response) or healthz_failing(key, response)):
            note(role, "GET", response, "refused, but may")
        elif role not in access.get and not refused(response, access.refusal):
            note(role, "GET", response, "not refused")
        if access.own_account or (is_admin(key) and role in access.post):
            continue  # the admin's own POSTs and allauth's are tested where they belong

        data = access.data(world) if access.data else {}
        clear_cache()
        before = fingerprint()
        response = client.post(url, data)
        after = fingerprint()
        tables = changed(before, after)
        if server_error(key, response):
            note(role, "POST", response, "server error")
        elif role not in access.post or access.read_only:
            if tables:
                note(role, "POST", response, f"refused POST changed {tables}")
            if role not in access.post and not refused(response, access.refusal):
                note(role, "POST", response, "not refused")
        elif not allowed(response):
            note(role, "POST", response, "refused, but may")
        elif access.data is not None and role == access.changes_by and not tables:
            note(role, "POST", response, "allowed POST changed nothing")
    return problems


def site_keys():
    return sorted(
        key for key, _route, _pattern in walk() if not is_admin(key) and expected(key) is not None
    )


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = World(tmp_path)
    return world


@pytest.mark.parametrize("key", site_keys())
def test_every_role_gets_what_it_may_on_each_page_and_nothing_else(world, key):
    route, pattern = next((route, pattern) for found, route, pattern in walk() if found == key)
    problems = try_everyone(world, world.clients(), key, route, pattern)
    assert not problems, "\n".join(problems)


def test_every_admin_page_is_the_secretariats_with_its_second_factor_only(world):
    clients = world.clients()
    problems, answers = [], {}
    for key, route, pattern in walk():
        if is_admin(key):
            problems += try_everyone(world, clients, key, route, pattern, answers)
    assert not problems, "\n".join(problems)
    # The side that may: the secretariat opens the admin's pages of every portal record.
    opened = {
        key for (key, role), status in answers.items() if role == SECRETARIAT and status == 200
    }
    for model in admin.site._registry:
        if model._meta.app_label in SECRETARIAT_APPS:
            info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            assert f"{info}_changelist" in opened, info
            if model._default_manager.exists() and not model._meta.proxy:
                assert f"{info}_change" in opened, info
    assert len(opened) > 60
