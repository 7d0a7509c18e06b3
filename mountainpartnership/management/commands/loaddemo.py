from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext, ngettext

from activities.demo import demo_load as activities_demo_load
from discussions.demo import demo_load as discussions_demo_load
from members.demo import demo_load as members_demo_load
from newsletter.demo import demo_load as newsletter_demo_load

# What the loaders count, said with the plural each number needs ("1 discussion space").
COUNTED = {
    "regions": lambda n: ngettext("%(count)d region", "%(count)d regions", n),
    "areas": lambda n: ngettext("%(count)d area", "%(count)d areas", n),
    "members": lambda n: ngettext("%(count)d member", "%(count)d members", n),
    "activities": lambda n: ngettext("%(count)d activity", "%(count)d activities", n),
    "events": lambda n: ngettext("%(count)d event", "%(count)d events", n),
    "funding opportunities": lambda n: ngettext(
        "%(count)d funding opportunity", "%(count)d funding opportunities", n
    ),
    "news posts": lambda n: ngettext("%(count)d news post", "%(count)d news posts", n),
    "people in discussions": lambda n: ngettext(
        "%(count)d person in discussions", "%(count)d people in discussions", n
    ),
    "discussion spaces": lambda n: ngettext(
        "%(count)d discussion space", "%(count)d discussion spaces", n
    ),
    "topics": lambda n: ngettext("%(count)d topic", "%(count)d topics", n),
    "posts": lambda n: ngettext("%(count)d post", "%(count)d posts", n),
    "e-consultations": lambda n: ngettext(
        "%(count)d e-consultation", "%(count)d e-consultations", n
    ),
    "newsletter editions": lambda n: ngettext(
        "%(count)d newsletter edition", "%(count)d newsletter editions", n
    ),
}


class Command(BaseCommand):
    help = (
        "Load the partnership described in the secretariat's 2006 report (regions, areas, 133 "
        "members with their focal points, joint activities, events, funding, news and "
        "discussions) and its story since, up to today: members that joined later, recent news, "
        "coming events, open calls, discussions, an open e-consultation and the newsletter's "
        "last two editions. Creates what is missing and changes nothing else."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            created = (
                members_demo_load()
                + activities_demo_load()
                + discussions_demo_load()
                + newsletter_demo_load()
            )
        if options["verbosity"] < 1:
            return
        if created:
            what = ", ".join(COUNTED[kind](n) % {"count": n} for kind, n in created.items())
            self.stdout.write(
                gettext(
                    "Demo data created: %(what)s (records already there were left as they are)."
                )
                % {"what": what}
            )
        else:
            self.stdout.write(gettext("Demo data already loaded: nothing changed."))
