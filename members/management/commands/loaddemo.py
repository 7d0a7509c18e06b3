from django.core.management.base import BaseCommand

from members.demo import demo_load


class Command(BaseCommand):
    help = (
        "Load the partnership described in the secretariat's 2006 report: regions, areas and "
        "133 members with their focal points. Creates what is missing and changes nothing else."
    )

    def handle(self, *args, **options):
        created = demo_load()
        if options["verbosity"] >= 1:
            self.stdout.write(
                "Demo data: {regions} regions, {areas} areas and {members} members created "
                "(records already there were left as they are).".format(
                    regions=created["regions"], areas=created["areas"], members=created["members"]
                )
            )
