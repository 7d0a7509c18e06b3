"""The partnership as the secretariat's 2006 report describes it, and as it has grown since,
for demonstration.

The JSON files beside this module hold the records; FORMAT.md describes them. The history keeps
its fixed dates; what is recent is dated relative to the day `loaddemo` runs ("today-25"), so
the demo never looks abandoned.
"""

import datetime
import json
import re
from collections import Counter
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from members.models import Area, FocalPoint, Member, Region, add_years

from .pictures import initials, logo

DEMO_DIR = Path(__file__).resolve().parent
MEMBER_FILES = ["governments.json", "igos.json", "major_groups.json", "since_2006.json"]
RELATIVE = re.compile(r"^today([+-]\d+)?")


def read(name: str) -> list[dict]:
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def dated(value: str | None) -> str | None:
    """A date or time as the demo files write it, in ISO form: fixed ("2006-04-01",
    "2006-04-10T09:00:00Z") or counted in days from the day the demo is loaded ("today-25",
    "today+60T09:00")."""
    match = RELATIVE.match(value or "")
    if match is None:
        return value
    day = timezone.localdate() + datetime.timedelta(days=int(match.group(1) or 0))
    return day.isoformat() + value[match.end() :]


def day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(dated(value)) if value else None


def drawn(field, name: str, picture) -> None:
    """Put a drawn picture in an image field, without saving the record. The drawing depends
    only on its name, so a file already stored under that name (an earlier load) is kept."""
    path = field.field.generate_filename(field.instance, name)
    if default_storage.exists(path):
        field.name = path
        # The image's width and height fields, as a save of the file would fill them.
        field.field.update_dimension_fields(field.instance, force=True)
    else:
        field.save(name, ContentFile(picture()), save=False)


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
        start_date=day(data["start"]),
        end_date=day(data.get("end")),
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
            joined = day(item["joined"])
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
            if item.get("logo"):
                mark = item["acronym"] or initials(item["name"]["en"])
                drawn(member.logo, f"{item['slug']}.png", partial(logo, item["slug"], mark))
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
