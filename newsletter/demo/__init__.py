"""The newsletter's last two editions, for demonstration: the months before the one the demo is
loaded in, each sent through the newsletter's own services. Held in editions.json."""

import datetime
import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from members.models import Member
from newsletter.models import Edition, Item, Subscriber
from newsletter.sending import edition_send_due, edition_start
from newsletter.services import edition_mark_ready

DEMO_FILE = Path(__file__).resolve().parent / "editions.json"


def translated(field: str, values) -> dict[str, str]:
    values = values or {}
    return {f"{field}_{code}": values.get(code, "") for code, _name in settings.LANGUAGES}


def months_ago(count: int) -> datetime.date:
    month = timezone.localdate().replace(day=1)
    for _step in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


@transaction.atomic
def demo_load() -> Counter:
    """Create the editions that are missing (matched by month) and send them.

    Sending goes through the services, to the confirmed subscribers: in a demo there are none,
    so nobody gets an email and the edition is recorded as sent. Where the list already has
    confirmed subscribers, no edition is made at all: loading a demo must never mail anyone.
    """
    created = Counter()
    if Subscriber.objects.confirmed().exists():
        return created
    members = {member.slug: member for member in Member.objects.all()}
    for item in json.loads(DEMO_FILE.read_text(encoding="utf-8")):
        month = months_ago(item["months_ago"])
        if Edition.objects.filter(month=month).exists():
            continue
        edition = Edition(month=month, **translated("intro", item["intro"]))
        edition.full_clean()
        edition.save()
        for position, entry in enumerate(item["items"], start=1):
            piece = Item(
                edition=edition,
                status=Item.Status.APPROVED,
                position=position,
                target_month=month,
                member=members.get(entry["member"]),
                link=entry["link"],
                **translated("title", entry["title"]),
                **translated("body", entry["body"]),
            )
            piece.full_clean()
            piece.save()
        edition_mark_ready(edition=edition)
        edition_start(edition=edition)
        edition_send_due(edition_id=edition.pk)
        created["newsletter editions"] += 1
    return created
