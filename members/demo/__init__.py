"""The partnership as the secretariat's 2006 report describes it, for demonstration.

The JSON files beside this module hold the records; FORMAT.md describes them.
"""

import datetime
import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from members.models import Area, FocalPoint, Member, Region, add_years

DEMO_DIR = Path(__file__).resolve().parent
MEMBER_FILES = ["governments.json", "igos.json", "major_groups.json"]


def read(name: str) -> list[dict]:
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def translated(field: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{field}_{code}": values.get(code, "") for code, _name in settings.LANGUAGES}


def term_end(joined: datetime.date) -> datetime.date:
    """The end of the current term: every demo member has renewed its four-year terms."""
    years = settings.MEMBERSHIP_TERM_YEARS
    end = add_years(joined, years)
    while end <= timezone.localdate():
        end = add_years(end, years)
    return end


def person(member: Member, role: str, data: dict) -> FocalPoint:
    focal_point = FocalPoint(
        member=member,
        role=role,
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        languages=data["languages"],
        start_date=datetime.date.fromisoformat(data["start"]),
        end_date=datetime.date.fromisoformat(data["end"]) if data.get("end") else None,
        **translated("title", data["title"]),
    )
    focal_point.full_clean()
    focal_point.save()
    return focal_point


@transaction.atomic
def demo_load() -> Counter:
    """Create the demo regions, areas and members that are missing.

    An existing record (matched by slug) is left as it is, so running this twice changes
    nothing and edits made in the admin since are kept. Atomic: all or nothing.
    Returns how many of each kind were created.
    """
    created = Counter()
    regions = {}
    for item in read("regions.json"):
        regions[item["slug"]], new = Region.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "position": item["position"],
                **translated("name", item["name"]),
                **translated("description", item["description"]),
            },
        )
        created["regions"] += new
    areas = {}
    for item in read("areas.json"):
        areas[item["slug"]], new = Area.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "kind": item["kind"],
                **translated("name", item["name"]),
                **translated("description", item["description"]),
            },
        )
        created["areas"] += new

    existing = set(Member.objects.values_list("slug", flat=True))
    for filename in MEMBER_FILES:
        for item in read(filename):
            if item["slug"] in existing:
                continue
            joined = datetime.date.fromisoformat(item["joined"])
            member = Member(
                slug=item["slug"],
                type=item["type"],
                sector=item["sector"],
                acronym=item["acronym"],
                country=item["country"],
                region=regions[item["region"]],
                website=item["website"],
                date_joined=joined,
                term_ends=term_end(joined),
                status=item["status"],
                **translated("name", item["name"]),
                **translated("description", item["description"]),
            )
            member.full_clean()
            member.save()
            member.areas.set([areas[slug] for slug in item["themes"] + item["geos"]])
            for slug in item["leads"]:
                areas[slug].leading_members.add(member)
            for earlier in item["earlier_focal_points"]:
                person(member, FocalPoint.Role.FOCAL_POINT, earlier)
            person(member, FocalPoint.Role.FOCAL_POINT, item["focal_point"])
            for alternate in item["alternates"]:
                person(member, FocalPoint.Role.ALTERNATE, alternate)
            existing.add(member.slug)
            created["members"] += 1
    return created
