"""Discussions from the secretariat's 2006 report, for demonstration: the microfinance
"Discussion on-line" (§21), topics in area spaces, and an e-consultation on mountain
ecotourism (§15, §18) with contributions in three languages; then the discussions of recent
weeks in most area spaces and an e-consultation on mountain water that is open, dated relative
to the day the demo is loaded. Held in discussions.json."""

import datetime
import json
from collections import Counter
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import F

from discussions.models import Consultation, Post, Reader, Space, Topic
from discussions.services import consultation_save
from members.demo import dated
from members.models import Member, Representation, User
from members.services import user_language_set
from mountainpartnership import zones

DEMO_FILE = Path(__file__).resolve().parent / "discussions.json"


def translated(field: str, values) -> dict[str, str]:
    values = values or {}
    return {f"{field}_{code}": values.get(code, "") for code, _name in settings.LANGUAGES}


def moment(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(dated(value)) if value else None


def person(item, members) -> tuple[User, bool]:
    """The demo person's account: verified, with no password (they sign in by emailed code
    or after a password reset), representing their member."""
    user = User.objects.filter(email__iexact=item["email"]).first()
    if user is not None:
        return user, False
    first, _space, last = item["name"].partition(" ")
    user = User.objects.create_user(email=item["email"], first_name=first, last_name=last)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user_language_set(user=user, language=item["language"])
    Reader.objects.create(user=user)
    member = members.get(item["member"])
    if member is not None:
        # A focal point or alternate speaks as such, and stops when their designation ends.
        designation = member.focal_points.current().filter(email__iexact=user.email).first()
        Representation.objects.create(
            user=user,
            member=member,
            role=designation.role if designation else Representation.Role.COLLEAGUE,
            focal_point=designation,
        )
    return user, True


def add_post(topic, author, entry, member):
    return Post.objects.create(
        topic=topic,
        author=author,
        member=member,
        body=entry["body"],
        language=entry["language"],
        created_at=moment(entry["at"]),
    )


@transaction.atomic
def demo_load() -> Counter:
    """Create what is missing (people by email, spaces and consultations by slug, topics by
    space and title); leave the rest as it is. Needs the members' demo data."""
    created = Counter()
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    members = {member.slug: member for member in Member.objects.all()}
    people, speaks_for = {}, {}
    for item in data["people"]:
        people[item["key"]], new = person(item, members)
        speaks_for[item["key"]] = members.get(item["member"])
        created["people in discussions"] += new

    for item in data["spaces"]:
        _space, new = Space.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "read_access": item["read_access"],
                "write_access": item["write_access"],
                **translated("title", item["title"]),
                **translated("description", item["description"]),
            },
        )
        created["discussion spaces"] += new

    spaces = {space.slug: space for space in Space.objects.all()}
    for item in data["topics"]:
        space = spaces[item["space"]]
        if space.topics.filter(title=item["title"]).exists():
            continue
        posts = item["posts"]
        first, last = moment(posts[0]["at"]), moment(posts[-1]["at"])
        topic = Topic.objects.create(
            space=space,
            title=item["title"],
            language=posts[0]["language"],
            author=people[posts[0]["by"]],
            created_at=first,
            last_posted_at=last,
            post_count=len(posts),
        )
        for entry in posts:
            add_post(topic, people[entry["by"]], entry, speaks_for[entry["by"]])
        created["topics"] += 1
        created["posts"] += len(posts)

    for item in data["consultations"]:
        if Consultation.objects.filter(slug=item["slug"]).exists():
            continue
        # Opening and closing are wall-clock times in the consultation's zone.
        opens = zones.to_utc(moment(item["opens"]), item["timezone"])
        closes = zones.to_utc(moment(item["closes"]), item["timezone"])
        published = moment(item["synthesis_published"])
        consultation = consultation_save(
            Consultation(
                slug=item["slug"],
                moderator=people[item["moderator"]],
                opens_at=opens,
                closes_at=closes,
                timezone=item["timezone"],
                synthesis_published_at=published,
                # The emails of a consultation that has closed went out at the time.
                closing_sent_at=closes if published else None,
                synthesis_sent_at=published,
                **translated("question", item["question"]),
                **translated("background", item["background"]),
                **translated("synthesis", item["synthesis"]),
            )
        )
        contributions = item["contributions"]
        for entry in contributions:
            add_post(consultation.topic, people[entry["by"]], entry, speaks_for[entry["by"]])
        Topic.objects.filter(pk=consultation.topic_id).update(
            post_count=F("post_count") + len(contributions),
            last_posted_at=moment(contributions[-1]["at"]),
        )
        created["e-consultations"] += 1
        created["posts"] += len(contributions)
    return created
