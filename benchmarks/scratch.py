"""What the benchmarks share: a scratch PostgreSQL database, made anew for each run."""

import contextlib
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


def fill_with_demo(database_url: str) -> None:
    """A scratch database at `database_url` with the demo partnership, and the static files
    collected, in this process set up with production settings (benchmarks/directory.py)."""
    import os

    os.environ["BENCH_DATABASE_URL"] = database_url
    from django.core.management import call_command

    from benchmarks import directory

    directory.DATABASE_URL = database_url
    recreate_database(database_url)
    directory.configure()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("loaddemo", verbosity=0)


@contextlib.contextmanager
def production_server(
    database_url: str,
    redis_url: str,
    port: int,
    name: str,
    *,
    workers: int = 2,
    ready_path: str = "/en/",
    **values: str,
):
    """gunicorn with production settings and `workers` workers on 127.0.0.1:`port`, serving
    the database and the static files of `fill_with_demo`, the anonymous page cache on, with
    the environment `values` on top; yields its base URL once `ready_path` answers and stops it
    on leaving."""
    import os
    import signal
    import subprocess
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = production_environment(
        database_url,
        redis_url,
        **{
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on the loopback: in production TLS ends at the proxy in front.
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": os.environ["STATIC_ROOT"],
            "PAGE_CACHE_SECONDS": "600",
            "REDIS_KEY_PREFIX": f"{name}-{os.getpid()}",
            "LOG_LEVEL": "WARNING",
            **values,
        },
    )
    server = subprocess.Popen(
        [
            str(root / ".venv" / "bin" / "gunicorn"),
            "mountainpartnership.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}{ready_path}", timeout=10)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


CHROMIUM = "/usr/bin/chromium"


def launch_chromium(playwright):
    """Debian's Chromium under Playwright, as the browser tests start it (Playwright's own
    browser download does not work here)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
