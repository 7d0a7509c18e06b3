from django.core.management.base import BaseCommand

from insight.search import rebuild


class Command(BaseCommand):
    help = "Index every public record for site search again (saves keep it current after)."

    def handle(self, *args, **options):
        written = rebuild()
        if options["verbosity"]:
            self.stdout.write(f"Search index rebuilt: {written} entries.")
