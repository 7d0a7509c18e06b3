"""Writes to the activities app: atomic, validated."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mountainpartnership.db import unique_slug

from .models import Activity, News, StatusChange

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


@transaction.atomic
def news_submit(*, member, user, language: str, title: str, summary: str, body: str) -> News:
    """A member's news post, in the writer's language, as a draft for the secretariat to
    approve (it then publishes it from the admin). Atomic; validates before saving."""
    news = News(
        member=member,
        author=user,
        status=News.Status.DRAFT,
        slug=unique_slug(News, title, fallback="post"),
        # English is required; the secretariat translates, and until then it shows the original.
        **{
            f"{field}_{code}": value
            for field, value in [("title", title), ("summary", summary), ("body", body)]
            for code in {"en", language}
        },
    )
    news.full_clean()
    news.save()
    return news


@transaction.atomic
def news_publish(*, news: News) -> bool:
    """Approve a draft and publish it now; False (and nothing changed) if it was already
    published. A save, so the news list, the home page, the feed and search show it at once.
    For the secretariat (the admin's action). Atomic; idempotent."""
    news = News.objects.select_for_update().get(pk=news.pk)
    if news.status == News.Status.PUBLISHED:
        return False
    news.status = News.Status.PUBLISHED
    news.published_at = timezone.now()
    news.full_clean()
    news.save(update_fields=["status", "published_at"])
    return True
