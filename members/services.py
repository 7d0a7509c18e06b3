"""Writes to the members app. Each function is atomic and validates before it saves."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import FocalPoint, Member, MemberQuerySet, add_years


@transaction.atomic
def focal_point_replace(
    *,
    member: Member,
    name: str,
    email: str,
    start_date: datetime.date,
    title_en: str = "",
    title_fr: str = "",
    title_es: str = "",
    phone: str = "",
    languages: str = "",
) -> FocalPoint:
    """Make a new person the member's focal point from `start_date`.

    The current focal point, if any, ends the day before, and stays as history. Atomic:
    on a ValidationError nothing is saved. The current row is locked, so two replacements
    at once cannot both succeed.
    """
    current = (
        FocalPoint.objects.select_for_update()
        .filter(member=member)
        .focal_points()
        .current()
        .first()
    )
    if current is not None:
        if start_date <= current.start_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "The new focal point must start after the current one, who started on %(date)s."
                    )
                    % {"date": date_format(current.start_date)}
                }
            )
        current.end_date = start_date - datetime.timedelta(days=1)
        current.full_clean()
        current.save(update_fields=["end_date"])
    new = FocalPoint(
        member=member,
        role=FocalPoint.Role.FOCAL_POINT,
        name=name,
        email=email,
        start_date=start_date,
        title_en=title_en,
        title_fr=title_fr,
        title_es=title_es,
        phone=phone,
        languages=languages,
    )
    new.full_clean()
    new.save()
    return new


@transaction.atomic
def members_mark_inactive(*, members: MemberQuerySet) -> int:
    """Mark the active members among `members` inactive; returns how many changed.

    Withdrawn members stay withdrawn. Safe to repeat: a second run changes nothing.
    """
    return members.active().update(status=Member.Status.INACTIVE, updated=timezone.now())


@transaction.atomic
def members_renew_term(*, members: MemberQuerySet) -> int:
    """Extend each member's term by one full term from its current end; one UPDATE in all."""
    now = timezone.now()
    renewed = list(Member.objects.filter(pk__in=members.values("pk")).only("pk", "term_ends"))
    for member in renewed:
        member.term_ends = add_years(member.term_ends, settings.MEMBERSHIP_TERM_YEARS)
        member.updated = now
    Member.objects.bulk_update(renewed, ["term_ends", "updated"])
    return len(renewed)
