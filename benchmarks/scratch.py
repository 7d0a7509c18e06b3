"""What the benchmarks share: a scratch PostgreSQL database, made anew for each run."""

from urllib.parse import urlsplit


def recreate_database(url: str) -> None:
    """Drop and create the database named in `url` (connecting to the server's `postgres`)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def production_environment(database_url: str, redis_url: str, **values: str) -> dict:
    """The environment of a process started with production settings for a benchmark: this
    process's own, the scratch database and Redis, DEBUG off, and `values` on top."""
    import os

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mountainpartnership.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        **values,
    }
