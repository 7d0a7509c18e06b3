"""The anonymous page cache (mountainpartnership/pagecache.py), in front of a stand-in view:
what is stored, what is served, to whom, and when a change makes it stale."""

import gzip

import pytest
from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from members.models import Member
from mountainpartnership import pagecache
from mountainpartnership.pagecache import (
    GENERATION_KEY,
    MAX_BYTES,
    AnonymousPageCacheMiddleware,
    AnonymousVaryMiddleware,
    pages_changed,
)
from newsletter.models import Subscriber
from tests.factories import AreaFactory, MemberFactory, RegionFactory

pytestmark = pytest.mark.django_db

factory = RequestFactory()


class View:
    """Stands for the site below the middleware: counts the requests that reach it."""

    def __init__(self, make=None):
        self.calls = 0
        self.make = make or self.page

    @staticmethod
    def page():
        response = HttpResponse("<h1>Members</h1>", content_type="text/html; charset=utf-8")
        response["Content-Language"] = "fr"
        response["X-Frame-Options"] = "DENY"
        response["X-Request-Specific"] = "not for everyone"
        return response

    def __call__(self, request):
        self.calls += 1
        return self.make()


def get(middleware, path="/fr/members/", **extra):
    return middleware(factory.get(path, **extra))


def test_an_anonymous_page_is_served_from_the_cache_with_its_own_headers_only():
    view = View()
    middleware = AnonymousPageCacheMiddleware(view)
    first = get(middleware)
    second = get(middleware)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert view.calls == 1
    assert second.status_code == 200 and second.content == b"<h1>Members</h1>"
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert second["Content-Language"] == "fr" and second["X-Frame-Options"] == "DENY"
    assert "X-Request-Specific" not in second and "Content-Encoding" not in second
    assert second["Vary"] == "Accept-Encoding"


def test_a_reader_who_accepts_gzip_gets_the_page_compressed_once_when_stored():
    middleware = AnonymousPageCacheMiddleware(View())
    get(middleware)
    response = get(middleware, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip" and response["X-Page-Cache"] == "hit"
    assert gzip.decompress(response.content) == b"<h1>Members</h1>"
    assert get(middleware, HTTP_ACCEPT_ENCODING="identity").content == b"<h1>Members</h1>"


def test_each_address_is_a_page_of_its_own(settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    view = View()
    middleware = AnonymousPageCacheMiddleware(view)
    get(middleware, "/fr/members/")
    assert get(middleware, "/fr/members/?type=government")["X-Page-Cache"] == "miss"
    assert get(middleware, "/es/members/")["X-Page-Cache"] == "miss"
    assert get(middleware, "/fr/members/", HTTP_HOST="other.example")["X-Page-Cache"] == "miss"
    assert get(middleware, "/fr/members/?type=government")["X-Page-Cache"] == "hit"
    assert view.calls == 4


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_someone_with_a_session_or_messages_never_gets_or_fills_a_cached_page(cookie):
    view = View()
    middleware = AnonymousPageCacheMiddleware(view)
    factory.cookies[cookie] = "x"
    try:
        for _ in range(2):
            assert "X-Page-Cache" not in get(middleware)
    finally:
        del factory.cookies[cookie]
    assert get(middleware)["X-Page-Cache"] == "miss"  # nothing was stored for the others
    get(middleware)
    factory.cookies[cookie] = "x"
    try:
        assert "X-Page-Cache" not in get(middleware)
    finally:
        del factory.cookies[cookie]
    assert view.calls == 4


def test_only_get_and_head_are_cached():
    view = View()
    middleware = AnonymousPageCacheMiddleware(view)
    for method in ["post", "put", "delete", "options"]:
        response = middleware(getattr(factory, method)("/fr/members/"))
        assert "X-Page-Cache" not in response
    assert middleware(factory.head("/fr/members/"))["X-Page-Cache"] == "miss"
    assert middleware(factory.head("/fr/members/"))["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    "path", ["/admin/", "/static/site.css", "/media/logo.png", "/healthz", "/anymail/x/", "/bench/"]
)
def test_the_admin_files_health_and_webhooks_are_never_cached(path):
    view = View()
    middleware = AnonymousPageCacheMiddleware(view)
    for _ in range(2):
        assert "X-Page-Cache" not in get(middleware, path)
    assert view.calls == 2


def test_the_cache_can_be_turned_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    view = View()
    middleware = AnonymousPageCacheMiddleware(view)
    for _ in range(2):
        assert "X-Page-Cache" not in get(middleware)
    assert view.calls == 2


def answering(status=200, body=b"page", cookie=False, cache_control=None, streaming=False):
    def make():
        if streaming:
            response = StreamingHttpResponse(iter([body]))
        else:
            response = HttpResponse(body, status=status)
        if cookie:
            response.set_cookie("csrftoken", "x")
        if cache_control:
            response["Cache-Control"] = cache_control
        return response

    return make


@pytest.mark.parametrize(
    "make",
    [
        answering(status=404),
        answering(status=302),
        answering(status=500),
        answering(cookie=True),
        answering(cache_control="private"),
        answering(cache_control="max-age=0, no-store"),
        answering(streaming=True),
        answering(body=b"x" * (MAX_BYTES + 1)),
    ],
    ids=["404", "302", "500", "cookie", "private", "no-store", "streaming", "too-big"],
)
def test_responses_that_are_not_for_everyone_are_not_stored(make):
    view = View(make)
    middleware = AnonymousPageCacheMiddleware(view)
    for _ in range(2):
        assert "X-Page-Cache" not in get(middleware)
    assert view.calls == 2


def test_a_page_of_the_largest_size_allowed_is_stored():
    view = View(answering(body=b"x" * MAX_BYTES, cache_control="public, max-age=60"))
    middleware = AnonymousPageCacheMiddleware(view)
    get(middleware)
    assert get(middleware)["X-Page-Cache"] == "hit" and view.calls == 1


def test_saving_a_record_the_pages_show_makes_every_page_stale(
    django_capture_on_commit_callbacks,
):
    member = MemberFactory()
    view = View()
    middleware = AnonymousPageCacheMiddleware(view)
    get(middleware)
    assert get(middleware)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        member.acronym = "NEW"
        member.save()
    assert get(middleware)["X-Page-Cache"] == "miss"
    assert get(middleware)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        member.areas.add(AreaFactory())  # a change to a member's areas only
    assert get(middleware)["X-Page-Cache"] == "miss"
    get(middleware)
    with django_capture_on_commit_callbacks(execute=True):
        Member.objects.filter(pk=member.pk).delete()
    assert get(middleware)["X-Page-Cache"] == "miss"
    assert view.calls == 4


def test_a_change_moves_the_generation_on_again_when_committed(
    django_capture_on_commit_callbacks,
):
    member = MemberFactory()
    before = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        member.acronym = "NEW"
        member.save()
        # A page read now, still showing the old record, is stored under this generation...
        during = pagecache.generation()
    assert during > before
    for callback in callbacks:
        callback()
    # ...which the commit leaves behind.
    assert pagecache.generation() > during


def test_records_the_pages_do_not_show_leave_the_cache_alone(django_capture_on_commit_callbacks):
    region = RegionFactory()
    view = View()
    middleware = AnonymousPageCacheMiddleware(view)
    get(middleware)
    with django_capture_on_commit_callbacks(execute=True):
        subscriber = Subscriber.objects.create(email="s@example.org", language="en", region=region)
        subscriber.delete()
    assert get(middleware)["X-Page-Cache"] == "hit"


def test_loading_fixtures_raw_does_not_count_as_a_change():
    from django.db.models.signals import post_save

    before = pagecache.generation()
    member = MemberFactory.build()
    # Never saved: it has no row, so no version in its history either.
    member.skip_history_when_saving = True
    post_save.send(sender=Member, instance=member, created=True, raw=True, using="default")
    assert pagecache.generation() == before
    post_save.send(sender=Member, instance=member, created=True, raw=False, using="default")
    assert pagecache.generation() > before


def test_pages_stored_before_the_generation_was_lost_are_not_served():
    """Redis may drop the generation (evicted, flushed): the pages stored under the first one
    must not come back when it starts again."""
    view = View()
    middleware = AnonymousPageCacheMiddleware(view)
    assert pagecache.generation() == 1
    get(middleware)
    cache.delete(GENERATION_KEY)
    pages_changed()
    assert pagecache.generation() == 2
    assert get(middleware)["X-Page-Cache"] == "miss"
    pages_changed()
    assert pagecache.generation() == 3


@pytest.fixture
def without_redis(settings):
    """`make run` without REDIS_URL: Django's in-memory cache instead of Redis."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    pagecache.redis_client.cache_clear()
    cache.clear()  # this process's memory: what an earlier test left there
    yield
    cache.clear()
    pagecache.redis_client.cache_clear()


def test_the_cache_works_without_redis_too(without_redis):
    assert pagecache.redis_client() is None
    view = View()
    middleware = AnonymousPageCacheMiddleware(view)
    assert get(middleware)["X-Page-Cache"] == "miss"
    assert get(middleware)["X-Page-Cache"] == "hit"
    pages_changed()
    assert get(middleware)["X-Page-Cache"] == "miss"
    assert view.calls == 2


def vary_of(vary, cookie=None, sets_cookie=False):
    def make():
        response = HttpResponse("page")
        if vary is not None:
            response["Vary"] = vary
        if sets_cookie:
            response.set_cookie("csrftoken", "x")
        return response

    if cookie:
        factory.cookies[cookie] = "x"
    try:
        return AnonymousVaryMiddleware(View(make))(factory.get("/en/"))
    finally:
        if cookie:
            del factory.cookies[cookie]


def test_anonymous_pages_do_not_vary_on_cookie():
    assert vary_of("Cookie, Accept-Language")["Vary"] == "Accept-Language"
    assert vary_of("Accept-Language,cookie , Accept-Encoding")["Vary"] == (
        "Accept-Language, Accept-Encoding"
    )
    assert not vary_of("Cookie").has_header("Vary")
    assert not vary_of(None).has_header("Vary")


def test_pages_for_someone_signed_in_or_setting_a_cookie_still_vary_on_cookie():
    assert vary_of("Cookie, Accept-Language", cookie="sessionid")["Vary"] == (
        "Cookie, Accept-Language"
    )
    assert vary_of("Cookie", cookie="messages")["Vary"] == "Cookie"
    assert vary_of("Cookie", sets_cookie=True)["Vary"] == "Cookie"


def test_a_stored_page_expires_after_page_cache_seconds(settings):
    import time

    settings.PAGE_CACHE_SECONDS = 1
    view = View()
    middleware = AnonymousPageCacheMiddleware(view)
    get(middleware)
    assert get(middleware)["X-Page-Cache"] == "hit"
    time.sleep(1.2)
    assert get(middleware)["X-Page-Cache"] == "miss"
    assert view.calls == 2


def test_a_stored_page_expires_after_page_cache_seconds_without_redis_too(settings, without_redis):
    test_a_stored_page_expires_after_page_cache_seconds(settings)


def test_the_generation_itself_never_expires():
    """If it expired, it would start again at 1, and pages stored under 1 would come back."""
    client = pagecache.redis_client()
    key = cache.make_key(GENERATION_KEY)
    pagecache.generation()
    assert client.ttl(key) == -1  # kept until Redis drops it
    cache.delete(GENERATION_KEY)
    pages_changed()
    assert client.ttl(key) == -1
    pages_changed()
    assert client.ttl(key) == -1 and pagecache.generation() == 3


def test_connecting_the_signals_again_neither_doubles_nor_loses_them():
    """The app connects them when it starts; connecting again (a second start, a test) must
    leave one receiver for saves, deletions and changes to many-to-many links."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from mountainpartnership.pagecache import connect_signals

    def moves():
        steps = []
        for change in [
            lambda: MemberFactory(),
            lambda: member.areas.add(AreaFactory()),
            lambda: MemberFactory().delete(),
        ]:
            before = pagecache.generation()
            change()
            steps.append(pagecache.generation() - before)
        return steps

    member = MemberFactory()
    as_started = moves()
    assert all(as_started)
    connect_signals()
    assert moves() == as_started
    for signal, name in [(post_save, "save"), (post_delete, "delete"), (m2m_changed, "m2m")]:
        signal.disconnect(dispatch_uid=f"pagecache-{name}")
    connect_signals()
    assert moves() == as_started
