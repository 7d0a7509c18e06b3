"""Every write the portal offers, run as its user: each admin action and each public form.

After each, an anonymous visitor (served from the page cache, which the suite keeps on) and
site search see the new state at once, the admin's history records an action's change, and
the person who acted is told what happened in their language (French here).

The cases are drawn from the admin's registry and the URL resolver: an action or a public view
that takes a POST with no case below fails here, so a new write cannot skip this check.
"""

import dataclasses
import datetime
import html
import inspect
import re
from collections.abc import Callable

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from activities.models import News
from discussions.models import Flag, Post
from insight.models import Nudge, PageView, PartnerMessage, SearchEntry
from insight.services import task_failure_record
from members.models import (
    FocalPointProposal,
    Invitation,
    Member,
    MembershipApplication,
    Representation,
    add_years,
)
from members.permissions import SECRETARIAT_APPS
from mountainpartnership import pagecache
from newsletter.models import Delivery, Edition, Item, Subscriber
from tests.conftest import verified_user
from tests.factories import (
    ActivityFactory,
    AreaFactory,
    EventFactory,
    FocalPointFactory,
    FundingOpportunityFactory,
    MemberFactory,
    MembershipApplicationFactory,
    NewsFactory,
    PostFactory,
    RegionFactory,
    SpaceFactory,
    TopicFactory,
    consultation_for,
)

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


class World:
    """The secretariat in the admin (in French), an anonymous visitor, and what they see."""

    def __init__(self, admin_client, user, capture):
        self.admin = admin_client
        self.user = user
        self.visitor = Client()
        self.capture = capture

    def committed(self, make: Callable):
        """Run `make` and what waits for its commit (search, cache), as a real commit does."""
        with self.capture(execute=True):
            return make()

    def page(self, url: str) -> str:
        response = self.visitor.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    def cached(self, url: str) -> str:
        """The anonymous page, now in the page cache: a stale cache would show it again."""
        response = self.visitor.get(url)
        assert response.status_code == 200, url
        if not response.cookies:  # a page with a form sets the CSRF cookie and is never kept
            assert self.visitor.get(url).get("X-Page-Cache") == "hit", url
        return response.content.decode()

    def found(self, query: str, url: str, language: str = "en") -> bool:
        page = self.page(f"/{language}/search/?q={query}")
        return f'href="{url}' in page

    def act(self, objects, action: str, **data):
        """Select `objects` in their admin list and run `action`, as the admin's form does."""
        objects = objects if isinstance(objects, list) else [objects]
        opts = objects[0]._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        fields = {"action": action, "_selected_action": [obj.pk for obj in objects], **data}
        if not data:
            fields["index"] = 0  # the first step; a confirmation step posts without it
        # The request turns French on for this thread; the test's own addresses stay English.
        with translation.override("en"):
            return self.committed(lambda: self.admin.post(url, fields, follow=True, **FRENCH))

    @staticmethod
    def says(response, text: str) -> None:
        assert response.status_code == 200
        assert text in html.unescape(response.content.decode()), text

    def logged(self, obj, flag=CHANGE) -> None:
        assert LogEntry.objects.filter(
            user=self.user,
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
            action_flag=flag,
        ).exists(), f"no history for {obj!r}"

    @staticmethod
    def entries(obj) -> set[int]:
        return set(
            SearchEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
            ).values_list("pk", flat=True)
        )


@pytest.fixture
def world(secretariat_client, secretariat_user, django_capture_on_commit_callbacks):
    return World(secretariat_client, secretariat_user, django_capture_on_commit_callbacks)


# Admin actions ------------------------------------------------------------------------------

ACTIONS: dict[tuple[str, str], Callable] = {}


def action(label: str, name: str):
    def register(function):
        ACTIONS[label, name] = function
        return function

    return register


def registered_actions():
    """(model label, action name) of every action the portal's admin offers."""
    found = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in SECRETARIAT_APPS:
            continue  # Accounts, authenticators and schedules: not the portal's records.
        for _function, name, _description in model_admin._get_base_actions():
            found.append((model._meta.label_lower, name))
    return sorted(found)


@pytest.mark.parametrize("label, name", registered_actions())
def test_every_admin_action_shows_its_change_at_once(world, rf, label, name):
    model = apps.get_model(label)
    request = rf.get("/admin/")
    request.user = world.user
    if name not in admin.site._registry[model].get_actions(request):
        pytest.skip(f"{label}: {name} is not offered to the secretariat")
    if (label, name) in ACTIONS:
        ACTIONS[label, name](world)
    elif name == "delete_selected" and label in DELETABLE:
        deleted_shows_at_once(world, label)
    else:
        pytest.fail(f"No case for the admin action {name} of {label}: add one in {__name__}.")


@action("members.member", "export_csv")
def _(w):
    member = MemberFactory(name_en="Andean Exporters")
    response = w.act(member, "export_csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "Andean Exporters" in response.content.decode("utf-8-sig")


@action("members.member", "mark_inactive")
def _(w):
    member = MemberFactory(name_en="Sleepy Institute")
    before = w.entries(member)
    w.cached(member.get_absolute_url())
    generation = pagecache.generation()
    w.says(w.act(member, "mark_inactive"), "1 membre marqué comme inactif.")
    member.refresh_from_db()
    assert member.status == Member.Status.INACTIVE
    # No public page shows the status, but the cache and search heard of the save.
    assert pagecache.generation() > generation
    assert w.entries(member) and w.entries(member) != before
    w.logged(member)


@action("members.member", "renew_term")
def _(w):
    # A term that ends within the renewal window.
    ends = timezone.localdate() + datetime.timedelta(days=30)
    member = MemberFactory(term_ends=ends)
    generation = pagecache.generation()
    w.says(w.act(member, "renew_term"), "1 mandat d'adhésion renouvelé.")
    member.refresh_from_db()
    assert member.term_ends == add_years(ends, settings.MEMBERSHIP_TERM_YEARS)
    assert member.renewals.count() == 1
    assert pagecache.generation() > generation
    w.logged(member)


@action("members.member", "invite_focal_points")
def _(w):
    member = FocalPointFactory(email="fp@andes.example.org").member
    w.says(w.act(member, "invite_focal_points"), "1 invitation envoyée.")
    assert Invitation.objects.get().email == "fp@andes.example.org"
    assert [message.to for message in mail.outbox] == [["fp@andes.example.org"]]


@action("members.focalpointproposal", "confirm")
def _(w):
    member = FocalPointFactory(name="Outgoing Person").member
    proposal = FocalPointProposal.objects.create(
        member=member,
        name="Lucía Mamani",
        email="l.mamani@example.org",
        start_date=timezone.localdate(),
    )
    assert "Outgoing Person" in w.cached(member.get_absolute_url())
    w.says(w.act(proposal, "confirm"), "Lucía Mamani est désormais le point focal")
    page = w.page(member.get_absolute_url())
    assert "Lucía Mamani" in page and "Outgoing Person" not in page
    w.logged(proposal)


@action("members.focalpointproposal", "decline")
def _(w):
    member = FocalPointFactory(name="Staying Person").member
    proposal = FocalPointProposal.objects.create(
        member=member,
        name="Not Chosen",
        email="n@example.org",
        start_date=timezone.localdate(),
    )
    form = w.act(proposal, "decline")
    assert "Refuser les propositions" in form.content.decode()  # the reason is asked first
    w.says(
        w.act(proposal, "decline", apply="1", reason="Not a staff member of the organisation."),
        "1 proposition refusée",
    )
    proposal.refresh_from_db()
    assert proposal.status == FocalPointProposal.Status.DECLINED
    assert "Staying Person" in w.page(member.get_absolute_url())
    w.logged(proposal)


@action("activities.news", "publish")
def _(w):
    news = NewsFactory(status=News.Status.DRAFT, title_en="Seed fairs in Cusco")
    assert "Seed fairs in Cusco" not in w.cached("/en/news/")
    assert not w.found("cusco", news.get_absolute_url())
    w.says(w.act(news, "publish"), "1 actualité approuvée et publiée.")
    assert "Seed fairs in Cusco" in w.page("/en/news/")
    assert w.found("cusco", news.get_absolute_url())
    w.logged(news)


def edition_to_send(**fields):
    edition = Edition.objects.create(
        month=datetime.date(2026, 5, 1),
        intro_en="Welcome to the May issue.",
        english_fallback=True,
        **fields,
    )
    Item.objects.create(
        edition=edition,
        status=Item.Status.APPROVED,
        target_month=edition.month,
        title_en="Páramo restoration begins",
        body_en="Three valleys.",
    )
    return edition


@action("newsletter.edition", "schedule")
def _(w):
    edition = edition_to_send(send_at=timezone.now() + datetime.timedelta(days=3))
    w.says(w.act(edition, "schedule"), "partira le")
    edition.refresh_from_db()
    assert edition.status == Edition.Status.READY
    w.logged(edition)


@action("newsletter.edition", "send_now")
def _(w):
    edition = edition_to_send()
    Subscriber.objects.create(
        email="reader@example.org", language="en", region=RegionFactory(), status="confirmed"
    )
    assert edition.get_absolute_url() not in w.page("/en/newsletter/")
    w.says(w.act(edition, "send_now"), "partira dans la minute")
    edition.refresh_from_db()
    # Tasks run at once in the suite: the edition went out and is in the archive and search.
    assert edition.status == Edition.Status.SENT
    assert [message.to for message in mail.outbox] == [["reader@example.org"]]
    assert edition.get_absolute_url() in w.page("/en/newsletter/")
    assert w.found("páramo", edition.get_absolute_url())
    w.logged(edition)


@action("newsletter.edition", "retry_failed")
def _(w):
    edition = edition_to_send(status=Edition.Status.SENT, finished_at=timezone.now())
    w.committed(edition.save)
    subscriber = Subscriber.objects.create(
        email="bounced@example.org", language="en", region=RegionFactory(), status="confirmed"
    )
    Delivery.objects.create(
        edition=edition,
        subscriber=subscriber,
        language="en",
        region=subscriber.region,
        status=Delivery.Status.FAILED,
        message_id="<1@example.org>",
    )
    generation = pagecache.generation()
    response = w.act(edition, "retry_failed")
    w.says(response, "2026-05\u202f: 1 envoi remis dans la file.")
    assert pagecache.generation() > generation
    w.logged(edition)


def topic_in_space(**fields):
    topic = TopicFactory(title="Water funds in the Andes", **fields)
    PostFactory(topic=topic, body="Who has set one up?")
    return topic


def topic_action(name, field, value, message, mark, reason=None):
    @action("discussions.topic", name)
    def _(w):
        topic = w.committed(lambda: topic_in_space(**{field: not value}))
        space_url = topic.space.get_absolute_url()
        row = w.cached(space_url).split("Water funds in the Andes")[0].rsplit("<li>", 1)[1]
        assert (mark in row) is not value
        if reason is None:
            w.says(w.act(topic, name), message)
        else:
            assert "Verrouiller les sujets" in w.act(topic, name).content.decode()  # asked first
            w.says(w.act(topic, name, apply="1", reason=reason), message)
            assert [message.to for message in mail.outbox] == [[topic.author.email]]
        row = w.page(space_url).split("Water funds in the Andes")[0].rsplit("<li>", 1)[1]
        assert (mark in row) is value
        topic.refresh_from_db()
        assert getattr(topic, field) is value
        w.logged(topic)


topic_action("pin", "pinned", True, "1 sujet épinglé.", "Pinned")
topic_action("unpin", "pinned", False, "1 sujet désépinglé.", "Pinned")
topic_action("lock", "locked", True, "1 sujet verrouillé.", "Locked", reason="Hors sujet")
topic_action("unlock", "locked", False, "1 sujet déverrouillé.", "Locked")


def reported_post(w, body):
    post = w.committed(lambda: PostFactory(body=body))
    for _ in range(3):
        Flag.objects.create(post=post, user=verified_user(), reason="Spam?")
    post.moderation = Post.Moderation.PENDING
    w.committed(lambda: post.save(update_fields=["moderation"]))
    return post


def keep_visible(model):
    @action(model._meta.label_lower, "keep_visible")
    def _(w):
        post = reported_post(w, "Quinoa prices in Puno")
        url = post.topic.get_absolute_url()
        assert "Quinoa prices in Puno" not in w.cached(url)
        assert not w.found("quinoa", post_url(post))
        w.says(w.act(model.objects.get(pk=post.pk), "keep_visible"), "sont visibles")
        assert "Quinoa prices in Puno" in w.page(url)
        assert w.found("quinoa", post_url(post))
        assert not post.flags.filter(resolved_at=None).exists()
        w.logged(model.objects.get(pk=post.pk))


def hide(model):
    @action(model._meta.label_lower, "hide")
    def _(w):
        post = w.committed(lambda: PostFactory(body="Buy cheap watches"))
        Flag.objects.create(post=post, user=verified_user(), reason="Spam")
        url = post.topic.get_absolute_url()
        assert "Buy cheap watches" in w.cached(url)
        assert w.found("watches", post_url(post))
        target = model.objects.get(pk=post.pk)
        form = w.act(target, "hide")
        assert "Masquer" in form.content.decode()  # the reason is asked first
        w.says(w.act(target, "hide", apply="1", reason="Advertising"), "Les messages sont masqués.")
        page = w.page(url)
        assert "Buy cheap watches" not in page and "Advertising" in page
        assert not w.found("watches", post_url(post))
        w.logged(target)


for proxy in [Post, *[m for m in admin.site._registry if m._meta.proxy_for_model is Post]]:
    keep_visible(proxy)
    hide(proxy)


@action("discussions.consultation", "publish_synthesis")
def _(w):
    consultation = w.committed(
        lambda: consultation_for(
            "closed", w.user, synthesis_en="Participants favour community-run lodges."
        )
    )
    url = consultation.get_absolute_url()
    assert "community-run lodges" not in w.cached(url)
    w.says(w.act(consultation, "publish_synthesis"), "Synthèse publiée")
    assert "community-run lodges" in w.page(url)
    w.logged(consultation)


# Deleting, with Django's own action: every portal record the secretariat may delete, made
# fresh, and where the public sees it: a page and a text on it, and the address search gives
# for it when it is indexed.


def sent_edition_with_item():
    edition = edition_to_send(status=Edition.Status.SENT, finished_at=timezone.now())
    return edition.items.get()


def post_url(post):
    return reverse("discussions:post-detail", args=[post.pk])


@dataclasses.dataclass
class Deletable:
    make: Callable
    page: Callable | None = None
    text: str = ""
    search: tuple[str, Callable] | None = None  # (a word, the address search gives)


DELETABLE = {
    "members.member": Deletable(
        lambda w: MemberFactory(name_en="Vanishing Institute"),
        lambda obj: "/en/members/",
        "Vanishing Institute",
        ("vanishing", lambda obj: obj.get_absolute_url()),
    ),
    "members.region": Deletable(
        lambda w: RegionFactory(name_en="Atlantis"), lambda obj: "/en/members/", "Atlantis"
    ),
    "members.area": Deletable(
        lambda w: AreaFactory(name_en="Volcanology"),
        lambda obj: "/en/areas/",
        "Volcanology",
        ("volcanology", lambda obj: obj.get_absolute_url()),
    ),
    "members.focalpoint": Deletable(
        lambda w: FocalPointFactory(name="Departing Person"),
        lambda obj: obj.member.get_absolute_url(),
        "Departing Person",
    ),
    "members.focalpointproposal": Deletable(
        lambda w: FocalPointProposal.objects.create(
            member=MemberFactory(), name="P", email="p@example.org", start_date=timezone.localdate()
        )
    ),
    "members.invitation": Deletable(
        lambda w: Invitation.objects.create(
            member=MemberFactory(),
            email="i@example.org",
            role="colleague",
            language="en",
            token="t" * 40,
            expires_at=timezone.now() + datetime.timedelta(days=14),
        )
    ),
    "members.membershipapplication": Deletable(lambda w: MembershipApplicationFactory()),
    "activities.activity": Deletable(
        lambda w: ActivityFactory(title_en="Terraces of Ifugao"),
        lambda obj: "/en/activities/",
        "Terraces of Ifugao",
        ("ifugao", lambda obj: obj.get_absolute_url()),
    ),
    "activities.event": Deletable(
        lambda w: EventFactory(title_en="Cusco summit"),
        lambda obj: "/en/events/",
        "Cusco summit",
        ("summit", lambda obj: obj.get_absolute_url()),
    ),
    "activities.fundingopportunity": Deletable(
        lambda w: FundingOpportunityFactory(title_en="Alpine grants"),
        lambda obj: "/en/funding/",
        "Alpine grants",
        ("alpine", lambda obj: f"/en/funding/#{obj.slug}"),
    ),
    "activities.news": Deletable(
        lambda w: NewsFactory(title_en="Avalanche report"),
        lambda obj: "/en/news/",
        "Avalanche report",
        ("avalanche", lambda obj: obj.get_absolute_url()),
    ),
    "newsletter.subscriber": Deletable(
        lambda w: Subscriber.objects.create(
            email="gone@example.org", language="en", region=RegionFactory()
        )
    ),
    "newsletter.item": Deletable(
        lambda w: sent_edition_with_item(),
        lambda obj: obj.edition.get_absolute_url(),
        "Páramo restoration begins",
        ("páramo", lambda obj: obj.edition.get_absolute_url()),
    ),
    "newsletter.edition": Deletable(
        lambda w: edition_to_send(status=Edition.Status.SENT, finished_at=timezone.now()),
        lambda obj: "/en/newsletter/",
        'href="/en/newsletter/2026-05/"',
        ("páramo", lambda obj: obj.get_absolute_url()),
    ),
    "discussions.space": Deletable(
        lambda w: SpaceFactory(title_en="Yak herders"),
        lambda obj: "/en/discussions/",
        "Yak herders",
    ),
    "discussions.topic": Deletable(
        lambda w: topic_in_space(),
        lambda obj: obj.space.get_absolute_url(),
        "Water funds in the Andes",
        ("water", lambda obj: post_url(obj.posts.get())),
    ),
    "discussions.post": Deletable(
        lambda w: PostFactory(body="Terraced potatoes"),
        lambda obj: obj.topic.get_absolute_url(),
        "Terraced potatoes",
        ("potatoes", post_url),
    ),
    "discussions.moderationqueue": Deletable(lambda w: reported_post(w, "Terraced potatoes")),
    "discussions.consultation": Deletable(
        lambda w: consultation_for("open", w.user, question_en="Which glaciers to watch?"),
        lambda obj: "/en/consultations/",
        "Which glaciers to watch?",
    ),
    "insight.nudge": Deletable(
        lambda w: Nudge.objects.create(
            member=MemberFactory(), email="fp@example.org", language="en", sent_by=w.user
        )
    ),
    "insight.partnermessage": Deletable(
        lambda w: PartnerMessage.objects.create(
            sender=w.user,
            from_member=MemberFactory(),
            to_member=MemberFactory(),
            subject="Hello",
            body="Shall we?",
        )
    ),
    "insight.pageview": Deletable(
        lambda w: PageView.objects.create(
            day=datetime.date(2026, 11, 1), path="/en/", language="en", count=3
        )
    ),
    "insight.taskfailure": Deletable(
        lambda w: task_failure_record(
            task="insight.tasks.flush_page_views", task_id="t-1", exception="E", retries=0
        )
    ),
}


def deleted_shows_at_once(w, label):
    case = DELETABLE[label]
    obj = w.committed(lambda: case.make(w))
    url = case.page(obj) if case.page else None
    hit = case.search[1](obj) if case.search else None
    if url:
        assert case.text in w.cached(url)
    if hit:
        assert w.found(case.search[0], hit)
    w.says(w.act(obj, "delete_selected"), "Voulez-vous vraiment supprimer")
    w.says(w.act(obj, "delete_selected", post="yes"), "La suppression de 1")
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    if url:
        assert case.text not in w.page(url)
    if hit:
        assert not w.found(case.search[0], hit)
    w.logged(obj, DELETION)


# Public forms ---------------------------------------------------------------------------------

POSTS: dict[str, Callable] = {}
# Public views that take no POST (reads, downloads, links followed from an email).
NO_POST = {
    "home",
    "privacy",
    "accessibility",
    "style",
    "members:member-list",
    "members:member-csv",
    "members:join-sent",
    "members:member-detail",
    "members:area-list",
    "members:area-detail",
    "members:my-members",
    "activities:activity-list",
    "activities:activity-detail",
    "activities:event-list",
    "activities:event-list-past",
    "activities:event-feed",
    "activities:event-detail",
    "activities:event-ics",
    "activities:funding-list",
    "activities:news-list",
    "activities:news-feed",
    "activities:news-detail",
    "newsletter:subscribe-sent",
    "newsletter:edition",
    "discussions:space-list",
    "discussions:post-detail",
    "discussions:space-detail",
    "discussions:consultation-list",
    "discussions:consultation-export",
    "insight:dashboard",
    "insight:report",
    "insight:engagement",
    "insight:translation-queue",
    "insight:partners",
    "insight:search",
    "insight:data",
    "insight:dataset-download",
    "insight:dataset-api",
}


def post_view(name: str):
    def register(function):
        POSTS[name] = function
        return function

    return register


def public_views():
    """(URL name, view) of the public site, under the language prefixes. The accounts pages
    are allauth's own and write only accounts, which no public page shows."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}", pattern.callback

    with translation.override("en"):
        prefixed = [
            p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.pattern
        ]
        for resolver in prefixed:
            if str(resolver.pattern).startswith("en/"):
                for name, view in walk(resolver.url_patterns):
                    if not getattr(view, "__module__", "").startswith("allauth"):
                        yield name, view


def test_every_public_view_is_known_to_take_a_post_or_not():
    views = dict(public_views())
    assert views, "no public view found"
    unknown = set(views) - set(POSTS) - NO_POST
    assert not unknown, f"Add a case for each public view that takes a POST, here: {unknown}"
    for name in NO_POST & set(views):
        view = inspect.unwrap(views[name])
        source = inspect.getsource(view if inspect.isfunction(view) else type(view))
        assert not re.search(r"request\.POST|\"POST\"|require_POST|require_http", source), (
            f"{name} takes a POST: give it a case in POSTS"
        )


@pytest.mark.parametrize("name", sorted({name for name, _view in public_views()} - NO_POST))
def test_every_public_form_shows_its_change_at_once(world, name):
    if name not in POSTS:
        pytest.fail(f"No case for the public form {name}: add one in {__name__}.")
    with translation.override("en"):
        POSTS[name](world)


def speaking_for(member):
    user = verified_user()
    Representation.objects.create(user=user, member=member, role=Representation.Role.FOCAL_POINT)
    client = Client()
    client.force_login(user)
    return client, user


def send(w, client, url, data=None, status=302):
    response = w.committed(lambda: client.post(url, data or {}, **FRENCH))
    assert response.status_code == status, (url, response.content.decode()[:2000])
    return response


@post_view("members:join")
def _(w):
    area = AreaFactory()
    send(
        w,
        Client(),
        "/en/members/join/",
        {
            "name": "Asociación de Páramos",
            "type": Member.Type.MAJOR_GROUP,
            "sector": Member.Sector.NGO,
            "country": "EC",
            "description": "Páramos.",
            "language": "es",
            "areas": [area.pk],
            "focal_point_name": "Ana",
            "focal_point_email": "ana@example.org",
            "contribution": "Our experience.",
            "consent": "on",
        },
    )
    assert MembershipApplication.objects.get().status == MembershipApplication.Status.UNCONFIRMED
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]


@post_view("members:join-confirm")
def _(w):
    from members.services import application_token

    application = MembershipApplicationFactory()
    url = f"/en/members/join/confirm/{application_token(application)}/"
    # The link followed (by a person or a mail scanner) confirms nothing; the button does.
    assert w.committed(lambda: Client().get(url)).status_code == 200
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.UNCONFIRMED
    send(w, Client(), url, status=200)
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.PENDING


@post_view("members:my-member-edit")
def _(w):
    member = w.committed(lambda: MemberFactory(description_en="Old words."))
    client, _user = speaking_for(member)
    assert "Old words." in w.cached(member.get_absolute_url())
    send(
        w,
        client,
        f"/en/my/{member.slug}/",
        {"description_en": "Cloud forests of Yungas.", "website": "", "contact_email": ""},
    )
    assert "Cloud forests of Yungas." in w.page(member.get_absolute_url())
    assert w.found("yungas", member.get_absolute_url())
    assert member.history.filter(history_type="~", history_user=_user).exists()


@post_view("members:my-member-confirm")
def _(w):
    member = MemberFactory()
    client, _user = speaking_for(member)
    send(w, client, f"/en/my/{member.slug}/confirm/")
    member.refresh_from_db()
    assert member.record_confirmed_at is not None


@post_view("members:my-member-renew")
def _(w):
    ends = timezone.localdate() + datetime.timedelta(days=30)
    member = MemberFactory(term_ends=ends)
    client, _user = speaking_for(member)
    generation = pagecache.generation()
    send(w, client, f"/en/my/{member.slug}/renew/")
    member.refresh_from_db()
    assert member.term_ends == add_years(ends, settings.MEMBERSHIP_TERM_YEARS)
    assert pagecache.generation() > generation


@post_view("members:my-member-colleagues")
def _(w):
    member = MemberFactory()
    client, _user = speaking_for(member)
    send(
        w,
        client,
        f"/en/my/{member.slug}/colleagues/",
        {"email": "colleague@example.org", "language": "es"},
    )
    assert Invitation.objects.get(member=member).email == "colleague@example.org"


@post_view("members:my-member-invitation")
def _(w):
    member = MemberFactory()
    client, _user = speaking_for(member)
    send(
        w,
        client,
        f"/en/my/{member.slug}/colleagues/",
        {"email": "colleague@example.org", "language": "es"},
    )
    invitation = Invitation.objects.get(member=member)
    page = f"/en/my/{member.slug}/colleagues/"
    assert "Send again" in client.get(page).content.decode()
    send(w, client, f"/en/my/{member.slug}/invitations/{invitation.pk}/", {"resend": "1"})
    assert Invitation.objects.get(pk=invitation.pk).token != invitation.token
    send(w, client, f"/en/my/{member.slug}/invitations/{invitation.pk}/", {"cancel": "1"})
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert "Send again" not in client.get(page).content.decode()


@post_view("members:my-member-focal-point")
def _(w):
    member = MemberFactory()
    client, _user = speaking_for(member)
    send(
        w,
        client,
        f"/en/my/{member.slug}/focal-point/",
        {
            "name": "Nueva Persona",
            "email": "n@example.org",
            "start_date": "2030-01-01",
            "language": "es",
        },
    )
    assert FocalPointProposal.objects.get(member=member).status == "pending"


@post_view("members:invitation-accept")
def _(w):
    member = MemberFactory()
    user = verified_user(email="invited@example.org")
    Invitation.objects.create(
        member=member,
        email="invited@example.org",
        role="colleague",
        language="en",
        token="t" * 40,
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    client = Client()
    client.force_login(user)
    send(w, client, f"/en/invitations/{'t' * 40}/")
    assert Representation.objects.filter(user=user, member=member).exists()


@post_view("activities:news-submit")
def _(w):
    member = MemberFactory()
    client, _user = speaking_for(member)
    w.cached("/en/news/")
    send(
        w,
        client,
        f"/en/my/{member.slug}/news/",
        {
            "title": "Draft about llamas",
            "summary": "Llamas.",
            "body": "Many llamas.",
            "language": "en",
        },
    )
    assert News.objects.get().status == News.Status.DRAFT
    # A draft waits for the secretariat: not on the public pages, nor in search.
    assert "Draft about llamas" not in w.page("/en/news/")
    assert not SearchEntry.objects.filter(kind="news").exists()


def subscriber(**fields):
    return Subscriber.objects.create(
        email="reader@example.org", language="en", region=RegionFactory(slug="europe"), **fields
    )


@post_view("newsletter:subscribe")
def _(w):
    region = RegionFactory(slug="europe")
    send(
        w,
        Client(),
        "/en/newsletter/",
        {"email": "new@example.org", "language": "fr", "region": region.pk, "format": "html"},
    )
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


@post_view("newsletter:confirm")
def _(w):
    from newsletter.tokens import confirm_token

    reader = subscriber()
    send(w, Client(), f"/en/newsletter/confirm/{confirm_token(reader)}/", status=200)
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.CONFIRMED


@post_view("newsletter:preferences")
def _(w):
    from newsletter.tokens import manage_token

    reader = subscriber(status="confirmed")
    send(
        w,
        Client(),
        f"/en/newsletter/preferences/{manage_token(reader)}/",
        {"language": "es", "region": reader.region_id, "format": "text"},
        status=200,
    )
    reader.refresh_from_db()
    assert (reader.language, reader.format) == ("es", "text")


@post_view("newsletter:unsubscribe")
def _(w):
    from newsletter.tokens import manage_token

    reader = subscriber(status="confirmed")
    send(w, Client(), f"/en/newsletter/unsubscribe/{manage_token(reader)}/", status=200)
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED


@post_view("newsletter:item-submit")
def _(w):
    member = MemberFactory()
    client, _user = speaking_for(member)
    send(
        w,
        client,
        f"/en/my/{member.slug}/newsletter-item/",
        {"title": "Our item", "body": "Text.", "target_month": "2030-01-01", "language": "en"},
    )
    assert Item.objects.get().status == Item.Status.SUBMITTED


def follower(w, **where):
    from discussions import services

    user = verified_user()
    client = Client()
    client.force_login(user)
    follow = services.follow(user=user, language="en", **where)
    return client, user, follow


@post_view("discussions:settings")
def _(w):
    from discussions.models import Reader

    client, user, _follow = follower(w, space=SpaceFactory())
    send(w, client, "/en/discussions/settings/", {"frequency": "daily", "language": "es"})
    assert Reader.objects.get(user=user).frequency == "daily"


@post_view("discussions:settings-unfollow")
def _(w):
    client, user, follow = follower(w, space=SpaceFactory())
    send(w, client, f"/en/discussions/settings/unfollow/{follow.pk}/")
    assert not user.follows.exists()


@post_view("discussions:unfollow")
def _(w):
    from discussions.tokens import unfollow_token

    _client, user, follow = follower(w, space=SpaceFactory())
    send(w, Client(), f"/en/discussions/unfollow/{unfollow_token(follow)}/", status=200)
    assert not user.follows.exists()


@post_view("discussions:emails-off")
def _(w):
    from discussions.models import Reader
    from discussions.tokens import emails_off_token

    _client, user, _follow = follower(w, space=SpaceFactory())
    send(w, Client(), f"/en/discussions/emails-off/{emails_off_token(user)}/", status=200)
    assert Reader.objects.get(user=user).frequency == Reader.Frequency.NEVER


def author_of(w, body):
    from tests.discussions.conftest import representative

    user = representative()
    post = w.committed(lambda: PostFactory(author=user, body=body))
    client = Client()
    client.force_login(user)
    return client, post


@post_view("discussions:post-edit")
def _(w):
    client, post = author_of(w, "Alpaca wool prices")
    url = post.topic.get_absolute_url()
    assert "Alpaca wool prices" in w.cached(url)
    send(w, client, f"/en/discussions/posts/{post.pk}/edit/", {"body": "Vicuña fibre prices"})
    page = w.page(url)
    assert "Vicuña fibre prices" in page and "Alpaca wool" not in page
    assert w.found("vicuña", post_url(post)) and not w.found("alpaca", post_url(post))


@post_view("discussions:post-delete")
def _(w):
    client, post = author_of(w, "Alpaca wool prices")
    url = post.topic.get_absolute_url()
    assert "Alpaca wool prices" in w.cached(url)
    send(w, client, f"/en/discussions/posts/{post.pk}/delete/")
    assert "Alpaca wool prices" not in w.page(url)
    assert not w.found("alpaca", post_url(post))


@post_view("discussions:post-flag")
def _(w):
    _author, post = author_of(w, "Alpaca wool prices")
    client = Client()
    client.force_login(verified_user())
    send(w, client, f"/en/discussions/posts/{post.pk}/flag/", {"reason": "Off topic"})
    assert post.flags.get().reason == "Off topic"


@post_view("discussions:topic-new")
def _(w):
    from tests.discussions.conftest import representative

    space = w.committed(SpaceFactory)
    client = Client()
    client.force_login(representative())
    assert "Snow leopards" not in w.cached(space.get_absolute_url())
    send(
        w,
        client,
        f"/en/discussions/{space.slug}/new/",
        {"title": "Snow leopards", "body": "Sightings in Ladakh.", "language": "en"},
    )
    assert "Snow leopards" in w.page(space.get_absolute_url())
    assert w.found("ladakh", post_url(Post.objects.get()))


@post_view("discussions:space-follow")
def _(w):
    space = SpaceFactory()
    client = Client()
    user = verified_user()
    client.force_login(user)
    send(w, client, f"/en/discussions/{space.slug}/follow/")
    assert user.follows.get().space == space


@post_view("discussions:topic-follow")
def _(w):
    topic = TopicFactory()
    client = Client()
    user = verified_user()
    client.force_login(user)
    send(w, client, f"/en/discussions/{topic.space.slug}/{topic.pk}/follow/")
    assert user.follows.get().topic == topic


@post_view("discussions:topic-detail")
def _(w):
    from tests.discussions.conftest import representative

    topic = w.committed(lambda: topic_in_space())
    client = Client()
    client.force_login(representative())
    url = topic.get_absolute_url()
    assert "Puna grasslands" not in w.cached(url)
    send(w, client, url, {"body": "We did, in the Puna grasslands.", "language": "en"})
    assert "Puna grasslands" in w.page(url)
    assert w.found("grasslands", post_url(topic.posts.latest("pk")))


@post_view("discussions:consultation-detail")
def _(w):
    consultation = w.committed(lambda: consultation_for("open", w.user))
    client = Client()
    client.force_login(verified_user())
    url = consultation.get_absolute_url()
    assert "Homestays in Sagarmatha" not in w.cached(url)
    send(w, client, url, {"body": "Homestays in Sagarmatha work.", "language": "en"})
    assert "Homestays in Sagarmatha" in w.page(url)
    assert w.found("sagarmatha", post_url(consultation.topic.posts.latest("pk")))


@post_view("insight:nudge")
def _(w):
    member = FocalPointFactory(email="fp@quiet.example.org").member
    send(w, w.admin, f"/en/dashboard/members/{member.slug}/nudge/")
    assert Nudge.objects.get().member == member
    assert [message.to for message in mail.outbox] == [["fp@quiet.example.org"]]


@post_view("insight:partner-message")
def _(w):
    sender = MemberFactory()
    other = FocalPointFactory(email="fp@other.example.org").member
    client, _user = speaking_for(sender)
    send(
        w,
        client,
        f"/en/my/{sender.slug}/partners/{other.slug}/",
        {"subject": "Seed banks", "body": "Shall we work together?"},
    )
    assert PartnerMessage.objects.get().to_member == other
    assert [message.to for message in mail.outbox] == [["fp@other.example.org"]]
