"""Reads from the members app that more than one page needs."""

from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mountainpartnership.dates import date_format

from .models import Area, Member, MemberChange, MemberQuerySet

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


def field_label(model, name: str) -> str:
    """What the secretariat calls a field: its verbose name, with the language of a
    translated one ("Description (French)"), never its name in the database."""
    languages = dict(settings.LANGUAGES)
    base, _sep, code = name.rpartition("_")
    if code in languages and base:
        try:
            field = model._meta.get_field(base)
        except FieldDoesNotExist:
            pass
        else:
            return gettext("%(field)s (%(language)s)") % {
                "field": capfirst(str(field.verbose_name)),
                "language": languages[code],
            }
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


def readable_changes(changes: Iterable[MemberChange]) -> list[MemberChange]:
    """`changes`, each with `lines`: (field, before, after) as the secretariat reads them,
    dates written out and areas named (one query for all the areas)."""
    changes = list(changes)
    slugs = {
        slug
        for change in changes
        for values in [change.fields.get("areas")]
        if values
        for slug in [*(values["old"] or []), *(values["new"] or [])]
    }
    names = {area.slug: area.name for area in Area.objects.filter(slug__in=slugs)} if slugs else {}

    def shown(name, value):
        if value in ("", None, []):
            return ""
        if name == "areas":
            return ", ".join(str(names.get(slug, slug)) for slug in value)
        try:
            field = Member._meta.get_field(name)
        except FieldDoesNotExist:
            return str(value)
        if isinstance(field, models.DateTimeField) and (moment := parse_datetime(str(value))):
            return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        return str(value)

    for change in changes:
        change.lines = [
            (field_label(Member, name), shown(name, values["old"]), shown(name, values["new"]))
            for name, values in change.fields.items()
        ]
    return changes
