"""Reads from the members app that more than one page needs."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from .models import MemberQuerySet


def member_csv_rows(members: MemberQuerySet) -> Iterator[list[str]]:
    """A header row, then one row per member: names in the three languages, the record,
    and its current focal point. Three queries whatever the number of members."""
    yield [
        _("Name (English)"),
        _("Name (French)"),
        _("Name (Spanish)"),
        _("Acronym"),
        _("Type"),
        _("Sector"),
        _("Country"),
        _("Region"),
        _("Status"),
        _("Date joined"),
        _("Membership term ends"),
        _("Website"),
        _("Focal point"),
        _("Focal point's title"),
        _("Focal point's email"),
        _("Focal point's phone"),
    ]
    rows = (
        members.prefetch_related(None)
        .select_related("region")
        .with_current_focal_point()
        .order_by("name_en")
    )
    for member in rows:
        focal_point = member.current_focal_point
        yield [
            member.name_en,
            member.name_fr or "",
            member.name_es or "",
            member.acronym,
            member.get_type_display(),
            member.get_sector_display(),
            member.country.name,
            member.region.name,
            member.get_status_display(),
            member.date_joined.isoformat(),
            member.term_ends.isoformat(),
            member.website,
            focal_point.name if focal_point else "",
            focal_point.title if focal_point else "",
            focal_point.email if focal_point else "",
            focal_point.phone if focal_point else "",
        ]
