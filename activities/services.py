"""Writes to the activities app: atomic, validated."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Activity, StatusChange

NEEDS_REASON = {Activity.Status.STALLED, Activity.Status.CANCELLED}


@transaction.atomic
def activity_status_change(
    *, activity: Activity, status: str, user=None, reason: str = "", when=None
) -> StatusChange:
    """Move an activity to `status` and record who did it, when and why.

    Stalled and cancelled need a reason. Atomic; nothing changes on a ValidationError.
    """
    if status not in Activity.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    when = when or timezone.now()
    activity.status = status
    activity.status_reason_en = reason.strip() if status in NEEDS_REASON else ""
    activity.status_since = when
    activity.updated = when
    activity.full_clean()
    activity.save(update_fields=["status", "status_reason_en", "status_since", "updated"])
    return StatusChange.objects.create(
        activity=activity, status=status, reason=reason.strip(), changed_by=user, changed_at=when
    )
