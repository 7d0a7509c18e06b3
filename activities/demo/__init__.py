"""Joint activities, events, funding and news from the secretariat's 2006 report, and the
partnership's work since, up to the day the demo is loaded, for demonstration. The JSON files
beside this module hold them; FORMAT.md describes them."""

import datetime
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from activities.models import (
    Activity,
    Event,
    Funding,
    FundingOpportunity,
    Milestone,
    News,
    Output,
    Participation,
    StatusChange,
)
from members.demo import dated, day, drawn
from members.demo.pictures import landscape
from members.models import Area, Member, Region
from mountainpartnership import zones

DEMO_DIR = Path(__file__).resolve().parent


def read(name: str) -> list[dict]:
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def translated(field: str, values) -> dict[str, str]:
    values = values or {}
    return {f"{field}_{code}": values.get(code, "") for code, _name in settings.LANGUAGES}


def at_noon_utc(value: str) -> datetime.datetime:
    return datetime.datetime.combine(day(value), datetime.time(12), tzinfo=datetime.UTC)


def local(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(dated(value))


def on_weekdays(item) -> datetime.timedelta:
    """How far to move a coming event, dated from today, so that it does not open on a weekend
    (one that has begun, such as an open e-consultation, keeps its dates)."""
    starts = local(item["starts"])
    fixed = item["starts"] == dated(item["starts"])
    if fixed or starts.date() <= day("today") or starts.weekday() < 5:
        return datetime.timedelta(0)
    return datetime.timedelta(days=7 - starts.weekday())


def with_picture(record, item) -> None:
    """A drawn landscape for the records whose item asks for one, with its alt text."""
    if item.get("picture"):
        drawn(record.picture, f"{item['slug']}.png", lambda: landscape(item["slug"]))
        for code, _name in settings.LANGUAGES:
            setattr(record, f"picture_alt_{code}", item["picture"]["alt"][code])


@transaction.atomic
def demo_load() -> Counter:
    """Create the demo activities, events, funding opportunities and news that are missing
    (matched by slug); existing ones are left as they are. Needs the members' demo data."""
    created = Counter()
    members = {member.slug: member for member in Member.objects.all()}
    areas = {area.slug: area for area in Area.objects.all()}
    regions = {region.slug: region for region in Region.objects.all()}

    activities = {activity.slug: activity for activity in Activity.objects.all()}
    for item in read("activities.json"):
        if item["slug"] in activities:
            continue
        history = item["history"]
        last = history[-1]
        reason = last["reason"] if isinstance(last["reason"], dict) else {}
        activity = Activity(
            slug=item["slug"],
            countries=item["countries"],
            start_date=day(item["start"]),
            end_date=day(item["end"]),
            status=last["status"],
            status_since=at_noon_utc(last["on"]),
            updated=max(
                at_noon_utc(on)
                for on in [last["on"], *[m["done"] for m in item["milestones"] if m["done"]]]
            ),
            **translated("title", item["title"]),
            **translated("summary", item["summary"]),
            **translated("description", item["description"]),
            **translated("status_reason", reason),
            **translated("other_partners", item["other_partners"]),
        )
        with_picture(activity, item)
        activity.full_clean()
        activity.save()
        activity.areas.set([areas[slug] for slug in item["themes"] + item["geos"]])
        Participation.objects.bulk_create(
            [
                Participation(activity=activity, member=members[slug], role="lead")
                for slug in item["leads"]
            ]
            + [
                Participation(activity=activity, member=members[slug], role="partner")
                for slug in item["partners"]
                if slug not in item["leads"]
            ]
        )
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    activity=activity,
                    status=step["status"],
                    reason=step["reason"].get("en", "") if isinstance(step["reason"], dict) else "",
                    language="en",
                    changed_at=at_noon_utc(step["on"]),
                )
                for step in history
            ]
        )
        Milestone.objects.bulk_create(
            [
                Milestone(
                    activity=activity,
                    due_date=day(milestone["due"]),
                    done_on=day(milestone["done"]),
                    responsible=members.get(milestone["responsible"]),
                    **translated("title", milestone["title"]),
                )
                for milestone in item["milestones"]
            ]
        )
        Funding.objects.bulk_create(
            [
                Funding(
                    activity=activity,
                    kind=funding["kind"],
                    **translated("funder", funding["funder"]),
                    amount=Decimal(funding["amount"]),
                    currency=funding["currency"],
                    received_on=day(funding["on"]),
                )
                for funding in item["funding"]
            ]
        )
        Output.objects.bulk_create(
            [
                Output(
                    activity=activity,
                    published_on=day(output["on"]),
                    url=output["url"],
                    **translated("title", output["title"]),
                )
                for output in item["outputs"]
            ]
        )
        activities[activity.slug] = activity
        created["activities"] += 1

    existing = set(Event.objects.values_list("slug", flat=True))
    for item in read("events.json"):
        if item["slug"] in existing:
            continue
        moved = on_weekdays(item)
        event = Event(
            slug=item["slug"],
            kind=item["kind"],
            # Wall-clock times in the event's zone (FORMAT.md).
            starts_at=zones.to_utc(local(item["starts"]) + moved, item["timezone"]),
            ends_at=zones.to_utc(local(item["ends"]) + moved, item["timezone"]),
            timezone=item["timezone"],
            city=item["city"],
            country=item["country"],
            online_url=item["online_url"],
            **translated("languages", item["languages"]),
            **translated("title", item["title"]),
            **translated("description", item["description"]),
        )
        with_picture(event, item)
        event.full_clean()
        event.save()
        event.organisers.set([members[slug] for slug in item["organisers"]])
        event.areas.set([areas[slug] for slug in item["themes"] + item["geos"]])
        event.activities.set([activities[slug] for slug in item["activities"]])
        created["events"] += 1

    existing = set(FundingOpportunity.objects.values_list("slug", flat=True))
    for item in read("funding.json"):
        if item["slug"] in existing:
            continue
        opportunity = FundingOpportunity(
            slug=item["slug"],
            amount_min=Decimal(item["amount_min"]) if item["amount_min"] else None,
            amount_max=Decimal(item["amount_max"]) if item["amount_max"] else None,
            currency=item["currency"],
            deadline=day(item["deadline"]),
            for_governments=item["for_governments"],
            for_igos=item["for_igos"],
            for_major_groups=item["for_major_groups"],
            url=item["url"],
            **translated("title", item["title"]),
            **translated("description", item["description"]),
            **translated("donor", item["donor"]),
        )
        opportunity.full_clean()
        opportunity.save()
        opportunity.regions.set([regions[slug] for slug in item["regions"]])
        opportunity.areas.set([areas[slug] for slug in item["themes"]])
        created["funding opportunities"] += 1

    existing = set(News.objects.values_list("slug", flat=True))
    for item in read("news.json"):
        if item["slug"] in existing:
            continue
        news = News(
            slug=item["slug"],
            status=News.Status.PUBLISHED,
            published_at=local(item["published"].replace("Z", "+00:00")),
            member=members.get(item["member"]) if item["member"] else None,
            **translated("title", item["title"]),
            **translated("summary", item["summary"]),
            **translated("body", item["body"]),
        )
        with_picture(news, item)
        news.full_clean()
        news.save()
        created["news posts"] += 1
    return created
