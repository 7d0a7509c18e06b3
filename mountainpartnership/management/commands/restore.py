from pathlib import Path

from django.core.management.base import BaseCommand

from mountainpartnership.backups import restore


class Command(BaseCommand):
    help = "Restore a backup made by `make backup` into an empty database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The backup-<time>.tar file.")

    def handle(self, *args, archive, **options):
        restore(Path(archive))
        self.stdout.write(f"Restored {archive}.")
