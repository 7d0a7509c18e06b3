"""Check that PostgreSQL and Redis answer before the suite runs.

`python -m tests.services` prints one line naming what is missing and how to start it,
and exits 1; it prints nothing and exits 0 when both answer. Never a traceback.
"""

import os
import sys
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mountainpartnership"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
    "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def postgres_problem(url: str) -> str | None:
    import psycopg

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        return f"the tests need PostgreSQL, but DATABASE_URL is {parts.scheme}://..."
    where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    try:
        # The maintenance database: the test database is created by the suite itself.
        psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as error:
        # psycopg's first line ends with the cause: "... failed: Connection refused".
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        reason = first_line.rsplit(":", 1)[-1].strip() or "no answer"
        return (
            f"cannot connect to PostgreSQL at {where} (DATABASE_URL): {reason}. "
            f"If it is not running, start it with: {START_POSTGRES}"
        )
    return None


def redis_problem(url: str) -> str | None:
    import redis

    parts = urlsplit(url)
    where = f"{parts.hostname or 'localhost'}:{parts.port or 6379}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as error:
        reason = str(error).rsplit(".", 2)[-2].strip() if "." in str(error) else str(error)
        return (
            f"cannot connect to Redis at {where} (REDIS_URL): {reason}. "
            f"If it is not running, start it with: {START_REDIS}"
        )
    return None


def problems(postgres: bool = True) -> list[str]:
    """What is missing; `postgres=False` for the run of the tests marked for SQLite too."""
    found = [
        postgres_problem(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
        if postgres
        else None,
        redis_problem(os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL),
    ]
    return [problem for problem in found if problem]


def main() -> int:
    found = problems()
    for problem in found:
        print(f"make test: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
