"""Reads from the members app that more than one page needs."""

from collections.abc import Callable, Iterable, Iterator

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mountainpartnership.dates import date_format
from mountainpartnership.i18n import field_label

from .models import Area, Member, MemberQuerySet

Column = tuple[str, Callable[[Member], str]]


def focal_point_value(attribute: str) -> Callable[[Member], str]:
    def value(member: Member) -> str:
        focal_point = member.current_focal_point
        return getattr(focal_point, attribute) if focal_point else ""

    return value


def area_names(kind: str) -> Callable[[Member], str]:
    def value(member: Member) -> str:
        return "; ".join(area.name for area in member.areas.all() if area.kind == kind)

    return value


RECORD_COLUMNS: list[Column] = [
    (_("Acronym"), lambda m: m.acronym),
    (_("Type"), lambda m: m.get_type_display()),
    (_("Sector"), lambda m: m.get_sector_display()),
    (_("Country"), lambda m: m.country.name),
    (_("Region"), lambda m: m.region.name),
]

# The secretariat's export: names in every language, status, term and the focal point's contacts.
ADMIN_COLUMNS: list[Column] = [
    (_("Name (English)"), lambda m: m.name_en),
    (_("Name (French)"), lambda m: m.name_fr or ""),
    (_("Name (Spanish)"), lambda m: m.name_es or ""),
    *RECORD_COLUMNS,
    (_("Status"), lambda m: m.get_status_display()),
    (_("Date joined"), lambda m: m.date_joined.isoformat()),
    (_("Membership term ends"), lambda m: m.term_ends.isoformat()),
    (_("Website"), lambda m: m.website),
    (_("Focal point"), focal_point_value("name")),
    (_("Focal point's title"), focal_point_value("title")),
    (_("Focal point's email"), focal_point_value("email")),
    (_("Focal point's phone"), focal_point_value("phone")),
]

# The public directory's download: what the public pages show, in the reader's language.
PUBLIC_COLUMNS: list[Column] = [
    (_("Name"), lambda m: m.name),
    *RECORD_COLUMNS,
    (_("Date joined"), lambda m: m.date_joined.isoformat()),
    (_("Website"), lambda m: m.website),
    (_("Thematic areas"), area_names(Area.Kind.THEMATIC)),
    (_("Geographic areas"), area_names(Area.Kind.GEOGRAPHIC)),
    (_("Focal point"), focal_point_value("name")),
    (_("Focal point's title"), focal_point_value("title")),
]


def member_csv_rows(members: MemberQuerySet, columns: list[Column]) -> Iterator[list[str]]:
    """A header row, then one row per member, in the order of `members`. A fixed number of
    queries whatever the number of members."""
    yield [str(header) for header, _value in columns]
    rows = (
        members.prefetch_related(None)
        .select_related("region")
        .with_current_focal_point()
        .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("kind", "slug")))
    )
    for member in rows:
        yield [value(member) for _header, value in columns]


# Bookkeeping the history keeps but the secretariat's digest leaves out.
UNREAD_IN_DIGEST = {"id", "renewal_reminder_for", "logo_width", "logo_height", "created"}


def readable_changes(records: Iterable) -> list:
    """Members' historical records (see members/history.py), each with `lines`: (field,
    before, after) against the member's record before it, as the secretariat reads them:
    fields by their label, dates written out, choices and areas named. A fixed number of
    queries however many records; a record with nothing to read has no lines."""
    records = list(records)
    if not records:
        return []
    history = Member.history.model
    earlier = {}
    for record in history.objects.filter(
        id__in={record.id for record in records},
        history_date__lte=max(record.history_date for record in records),
    ).order_by("id", "history_date", "history_id"):
        earlier.setdefault(record.id, []).append(record)
    previous = {}
    for rows in earlier.values():
        for before, after in zip(rows, rows[1:], strict=False):
            previous[after.history_id] = before
    ids = {record.history_id for record in [*records, *previous.values()]}
    areas = {}
    for history_id, area_id in history.areas.model.objects.filter(history_id__in=ids).values_list(
        "history_id", "area_id"
    ):
        areas.setdefault(history_id, set()).add(area_id)
    names = {
        area.pk: str(area.name)
        for area in Area.objects.filter(pk__in={pk for group in areas.values() for pk in group})
    }
    fields = [field for field in history.tracked_fields if field.name not in UNREAD_IN_DIGEST]

    def shown(field, value):
        if value in ("", None):
            return ""
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.DateTimeField):
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(field, models.DateField):
            return date_format(value, "DATE_FORMAT")
        return str(value)

    def area_names(record):
        return ", ".join(
            sorted(names[pk] for pk in areas.get(record.history_id, ()) if pk in names)
        )

    for record in records:
        before = previous.get(record.history_id)
        record.lines = []
        if before is None:
            continue
        for field in fields:
            old, new = getattr(before, field.attname), getattr(record, field.attname)
            if old != new:
                record.lines.append(
                    (field_label(Member, field.name), shown(field, old), shown(field, new))
                )
        if area_names(before) != area_names(record):
            record.lines.append(
                (field_label(Member, "areas"), area_names(before), area_names(record))
            )
    return records


def country_counts(members: MemberQuerySet) -> dict[str, int]:
    """How many of `members` have their seat in each country (ISO alpha-2), in one query."""
    return dict(members.order_by().values_list("country").annotate(total=models.Count("pk")))


def country_region_counts(members: MemberQuerySet) -> list[tuple[str, int, int]]:
    """(country, region id, how many) for `members`, in one query, in a stable order."""
    return list(
        members.order_by("country", "region")
        .values_list("country", "region")
        .annotate(total=models.Count("pk"))
    )
