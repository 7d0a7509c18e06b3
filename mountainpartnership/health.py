"""/healthz: 200 with a short JSON body when the database, Redis and at least one Celery worker
answer; 503 naming what does not. Nothing else: no versions, no hosts, no error texts."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

WORKER_TIMEOUT = 2.0


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def redis_answers() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        return bool(client.ping())
    except Exception:
        return False


def worker_answers() -> bool:
    from mountainpartnership.celery import app

    try:
        return bool(app.control.ping(timeout=WORKER_TIMEOUT))
    except Exception:
        return False


@never_cache
def healthz(request):
    checks = {"database": database_answers()}
    if settings.REDIS_URL:
        checks["redis"] = redis_answers()
        checks["worker"] = checks["redis"] and worker_answers()
    failing = [name for name, ok in checks.items() if not ok]
    body = {"status": "ok" if not failing else "failing", "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)
