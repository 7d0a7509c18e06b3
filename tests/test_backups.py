"""`make backup` and `make restore`: a round trip through a scratch database."""

import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mountainpartnership import backups

pytestmark = pytest.mark.django_db(transaction=True)


def row_counts(url: str) -> dict:
    with psycopg.connect(url) as database:
        tables = [
            name
            for (name,) in database.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        return {
            table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }


@pytest.fixture
def scratch_database():
    source = backups.database_url()
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin_url = source.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield source.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_every_row_and_file(settings, tmp_path, scratch_database):
    call_command("loaddemo", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "consultations" / "eco").mkdir(parents=True)
    (settings.MEDIA_ROOT / "consultations" / "eco" / "terms.pdf").write_bytes(b"%PDF-1.7 terms")
    archive = backups.backup(tmp_path / "backups")
    assert archive.name.startswith("backup-") and archive.stat().st_size > 10_000

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    backups.restore(archive, url=scratch_database)  # into the empty scratch database
    source = row_counts(backups.database_url())
    restored = row_counts(scratch_database)
    assert restored == source
    assert source["members_member"] == 149 and source["discussions_post"] == 65
    assert (settings.MEDIA_ROOT / "consultations" / "eco" / "terms.pdf").read_bytes() == (
        b"%PDF-1.7 terms"
    )


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    archive = backups.backup(tmp_path)
    with pytest.raises(CommandError, match="not empty"):
        backups.restore(archive)


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    import tarfile

    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w"):
        pass
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(bogus))
