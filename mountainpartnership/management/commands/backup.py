from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from mountainpartnership.backups import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format, compressed) and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            default=str(settings.VAR_DIR / "backups"),
            help="Where to write backup-<time>.tar (var/backups by default).",
        )

    def handle(self, *args, directory, **options):
        archive = backup(Path(directory))
        self.stdout.write(f"Backup written: {archive} ({archive.stat().st_size:,} bytes)")
