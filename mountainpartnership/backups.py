"""Backups: the PostgreSQL database as a compressed pg_dump (custom format) and the uploaded
files, together in one tar archive; and their restore into an empty database."""

import datetime
import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"


def database_url(alias="default") -> str:
    """A libpq URI for the database `alias` (pg_dump and pg_restore take it as --dbname)."""
    conf = settings.DATABASES[alias]
    if conf["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("Backups are of PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    user = conf.get("USER") or ""
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = conf.get("HOST") or "127.0.0.1"
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    return f"postgresql://{credentials}{host}{port}/{conf['NAME']}"


def run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def backup(directory: Path, url: str | None = None) -> Path:
    """Write backup-<UTC timestamp>.tar into `directory`; returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = directory / f"backup-{stamp}.tar"
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DUMP_NAME
        run(
            [
                "pg_dump",
                "--format=custom",
                "--compress=9",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
                f"--dbname={url or database_url()}",
            ]
        )
        media = Path(scratch) / MEDIA_NAME
        with tarfile.open(media, "w:gz") as files:
            root = Path(settings.MEDIA_ROOT)
            if root.is_dir():
                files.add(root, arcname="media")
        with tarfile.open(archive, "w") as bundle:
            bundle.add(dump, arcname=DUMP_NAME)
            bundle.add(media, arcname=MEDIA_NAME)
    return archive


def table_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as database:
        return database.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]


def restore(archive: Path, url: str | None = None) -> None:
    """Restore `archive` into the database (which must be empty) and MEDIA_ROOT."""
    if not archive.is_file():
        raise CommandError(f"No such backup: {archive}")
    with tarfile.open(archive) as bundle:
        if not {DUMP_NAME, MEDIA_NAME} <= set(bundle.getnames()):
            raise CommandError(f"{archive} is not a backup made by `make backup`.")
    url = url or database_url()
    if table_count(url):
        raise CommandError(
            "The database is not empty. Restore into a new, empty database (createdb) "
            "and point DATABASE_URL at it."
        )
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(archive) as bundle:
        bundle.extract(DUMP_NAME, scratch, filter="data")
        run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={url}",
                str(Path(scratch) / DUMP_NAME),
            ]
        )
        media = io.BytesIO(bundle.extractfile(MEDIA_NAME).read())
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=media, mode="r:gz") as files:
        for member in files.getmembers():
            if member.name == "media":
                continue
            member.name = member.name.removeprefix("media/")
            files.extract(member, root, filter="data")
