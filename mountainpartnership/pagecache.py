"""Public pages for anonymous visitors, cached per address (the language is in it) in Redis.

- Only GET and HEAD requests that carry no session and no messages cookie are served from the
  cache or stored in it: someone signed in never sees a cached page, and never fills one.
- A response is stored only if it is a 200 that sets no cookie (a page with a POST form sets
  the CSRF cookie, so it is never stored) and is not marked private.
- Anonymous responses do not vary on Cookie: every anonymous visitor gets the same page.
- Every key holds a generation number. Saving or deleting any record that public pages show
  moves the generation on, so nothing stale is served after a change; old entries expire.
  Bulk updates send no signal: the service that makes one then calls
  `mountainpartnership.db.saved_in_bulk`, so this and site search hear of each row.
"""

import functools
import hashlib
import pickle

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

GENERATION_KEY = "pages:generation"
# Records public pages show: a change to any of them refreshes every cached page.
SHOWN_MODELS = {
    "members": {"region", "area", "member", "focalpoint"},
    "activities": {
        "activity",
        "participation",
        "statuschange",
        "milestone",
        "funding",
        "output",
        "event",
        "fundingopportunity",
        "news",
    },
    "newsletter": {"edition", "item"},
    "discussions": {"space", "topic", "post", "consultation", "document"},
}
MAX_BYTES = 1024 * 1024
STORED_HEADERS = {
    "content-type",
    "content-language",
    "content-disposition",
    "vary",
    "access-control-allow-origin",
    "x-frame-options",
}
SKIPPED = ("/admin/", "/static/", "/media/", "/healthz", "/anymail/", "/bench/")


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY) or 1
    return value


def pages_changed(**kwargs) -> None:
    """Every cached page is out of date from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 2, timeout=None)


def _shown(model) -> bool:
    opts = model._meta
    if opts.auto_created:  # a many-to-many table, e.g. a member's areas
        return any(_shown(field.related_model) for field in opts.fields if field.is_relation)
    return opts.model_name in SHOWN_MODELS.get(opts.app_label, set())


def _on_change(sender, **kwargs):
    if not kwargs.get("raw") and _shown(sender):
        # Now, and again once the change is committed: a page read in between (still the old
        # record) is not kept under the new generation.
        pages_changed()
        transaction.on_commit(pages_changed)


def connect_signals() -> None:
    post_save.connect(_on_change, dispatch_uid="pagecache-save")
    post_delete.connect(_on_change, dispatch_uid="pagecache-delete")
    m2m_changed.connect(_on_change, dispatch_uid="pagecache-m2m")


def anonymous(request) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def eligible(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in {"GET", "HEAD"}
        and anonymous(request)
        and not request.path.startswith(SKIPPED)
    )


def key_for(request) -> str:
    address = f"{request.get_host()}{request.get_full_path()}"
    return f"pages:{hashlib.sha256(address.encode()).hexdigest()}"


@functools.cache
def redis_client():
    """One Redis client per process for the hot path (Django's cache builds a new client
    object on every call, which costs more than the round trip); None without Redis."""
    conf = settings.CACHES["default"]
    if not conf["BACKEND"].endswith("RedisCache"):
        return None
    import redis

    return redis.Redis.from_url(conf["LOCATION"])


def lookup(key: str):
    """(current generation, stored entry or None): one round trip to Redis."""
    client = redis_client()
    if client is None:
        return generation(), cache.get(key)
    current, raw = client.mget([cache.make_key(GENERATION_KEY), cache.make_key(key)])
    return (int(current) if current is not None else generation()), (
        pickle.loads(raw) if raw else None
    )


def store(key: str, entry) -> None:
    client = redis_client()
    if client is None:
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    else:
        client.set(cache.make_key(key), pickle.dumps(entry), ex=settings.PAGE_CACHE_SECONDS)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not eligible(request):
            return self.get_response(request)
        key = key_for(request)
        current, stored = lookup(key)
        if stored is not None and stored[0] == current:
            _generation, content, compressed, headers = stored
            gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
            response = HttpResponse(compressed if gzip else content)
            for name, value in headers:
                response[name] = value
            if gzip:
                # Compressed once, when stored; GZipMiddleware leaves it as it is.
                response["Content-Encoding"] = "gzip"
            patch_vary_headers(response, ("Accept-Encoding",))
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self.storable(response):
            headers = [
                (name, value) for name, value in response.items() if name.lower() in STORED_HEADERS
            ]
            content = response.content
            store(key, (current, content, compress_string(content), headers))
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def storable(response) -> bool:
        return (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
            and len(response.content) <= MAX_BYTES
        )


class AnonymousVaryMiddleware:
    """An anonymous page is the same for every anonymous visitor: it does not vary on Cookie.
    Sits outside SessionMiddleware, which adds Cookie to Vary whenever a template looks at
    the (anonymous) user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if anonymous(request) and not response.cookies and response.has_header("Vary"):
            kept = [
                value.strip()
                for value in response["Vary"].split(",")
                if value.strip() and value.strip().lower() != "cookie"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
