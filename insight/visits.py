"""Page views, counted on the server: no cookie, no IP address, no user agent kept.

A successful GET of a public page (under a language prefix) by someone who is not a crawler
adds one to that day's count for its path and language. Counts gather in the cache (Redis in
production: one INCR per view) and a beat task writes them to PageView every few minutes; with
no Redis (make run) each view is written at once.
"""

import re

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mountainpartnership.pagecache import redis_client

from .models import PageView

CRAWLERS = re.compile(
    r"bot|crawl|spider|slurp|bingpreview|facebookexternalhit|embedly|quora link|"
    r"headless|lighthouse|curl|wget|python-|java/|go-http|libwww|httpclient|scrapy|"
    r"monitor|uptime|pingdom|feedfetcher|preview",
    re.IGNORECASE,
)
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/anymail/", "/healthz")
KEYS = "visits:keys"


def is_crawler(user_agent: str) -> bool:
    return not user_agent or bool(CRAWLERS.search(user_agent))


def counted(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    path = request.path_info
    if path.startswith(SKIPPED_PREFIXES) or "/accounts/" in path or "/dashboard/" in path:
        return False
    language = getattr(request, "LANGUAGE_CODE", "")
    if not path.startswith(f"/{language}/"):
        return False
    return not is_crawler(request.META.get("HTTP_USER_AGENT", ""))


def record(path: str, language: str) -> None:
    day = timezone.localdate().isoformat()
    path = path[:300]
    client = redis_client()
    if client is not None:
        # One round trip: the count, its expiry, and the key in the set flush() empties.
        key = f"visits:{day}|{language}|{path}"
        stored = cache.make_key(key)
        pipeline = client.pipeline(transaction=False)
        pipeline.incr(stored)
        pipeline.expire(stored, 7 * 24 * 3600)
        pipeline.sadd(cache.make_key(KEYS), key)
        pipeline.execute()
    else:
        add(day, path, language, 1)


def add(day, path: str, language: str, count: int) -> None:
    updated = PageView.objects.filter(day=day, path=path, language=language).update(
        count=F("count") + count
    )
    if not updated:
        with transaction.atomic():
            view, created = PageView.objects.select_for_update().get_or_create(
                day=day, path=path, language=language, defaults={"count": count}
            )
            if not created:
                PageView.objects.filter(pk=view.pk).update(count=F("count") + count)


def flush() -> int:
    """Move the counts gathered in the cache to the database; returns how many views."""
    redis = redis_client()
    if redis is None:
        return 0
    moved = 0
    while True:
        key = redis.spop(cache.make_key(KEYS))
        if key is None:
            return moved
        key = key.decode() if isinstance(key, bytes) else key
        raw = redis.getdel(cache.make_key(key))
        if raw is None:
            continue
        count = int(raw)
        day, language, path = key.removeprefix("visits:").split("|", 2)
        add(day, path, language, count)
        moved += count


class PageViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if counted(request, response):
            record(request.path_info, request.LANGUAGE_CODE)
        return response
