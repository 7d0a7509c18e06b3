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
