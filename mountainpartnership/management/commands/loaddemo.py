from django.core.management.base import BaseCommand
from django.db import transaction

from activities.demo import demo_load as activities_demo_load
from discussions.demo import demo_load as discussions_demo_load
from members.demo import demo_load as members_demo_load


class Command(BaseCommand):
    help = (
        "Load the partnership described in the secretariat's 2006 report: regions, areas, 133 "
        "members with their focal points, joint activities, events, funding, news and "
        "discussions. Creates "
        "what is missing and changes nothing else."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            created = members_demo_load() + activities_demo_load() + discussions_demo_load()
        if options["verbosity"] < 1:
            return
        if created:
            self.stdout.write(
                "Demo data created: "
                + ", ".join(f"{count} {kind}" for kind, count in created.items())
                + " (records already there were left as they are)."
            )
        else:
            self.stdout.write("Demo data already loaded: nothing changed.")
