"""Writes to the activities app: atomic, validated."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.models import DecisionNotice
from members.services import decision_tell
from mountainpartnership.db import unique_slug
from mountainpartnership.history import by
from mountainpartnership.i18n import written_in

from .models import Activity, News, StatusChange

NEEDS_REASON = {Activity.Status.STALLED, Activity.Status.CANCELLED}


@transaction.atomic
def activity_status_change(
    *,
    activity: Activity,
    status: str,
    user=None,
    reason: str = "",
    language: str | None = None,
    translations: dict[str, str] | None = None,
    when=None,
) -> StatusChange:
    """Move an activity to `status` and record who did it, when and why.

    The reason belongs to this change alone: it is written in `language` (by default the
    active one) and stored in that language's field, the earlier status's reason in every
    language is dropped, and `translations` may give the same reason in other languages.
    Stalled and cancelled need a reason. Atomic; nothing changes on a ValidationError.
    """
    if status not in Activity.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    languages = [code for code, _name in settings.LANGUAGES]
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language not in languages:
        raise ValidationError({"language": _("Unknown language.")})
    reason = reason.strip()
    if status in NEEDS_REASON and not reason:
        raise ValidationError({"reason": _("Say why the activity is stalled or cancelled.")})
    reasons = {code: "" for code in languages}
    reasons.update(
        {code: text.strip() for code, text in (translations or {}).items() if code in reasons}
    )
    reasons[language] = reason
    when = when or timezone.now()
    activity.status = status
    for code, text in reasons.items():
        setattr(activity, f"status_reason_{code}", text)
    activity.status_since = when
    activity.updated = when
    activity.full_clean()
    by(activity, user).save(
        update_fields=[
            "status",
            *[f"status_reason_{code}" for code in languages],
            "status_since",
            "updated",
        ]
    )
    return StatusChange.objects.create(
        activity=activity,
        status=status,
        reason=reason,
        language=language,
        changed_by=user,
        changed_at=when,
    )


@transaction.atomic
def news_submit(*, member, user, language: str, title: str, summary: str, body: str) -> News:
    """A member's news post, kept in the language it is written in (`language`) and in no
    other until the secretariat translates it, as a draft for the secretariat to approve (it
    then publishes it from the admin). Atomic; validates before saving."""
    news = News(
        member=member,
        author=user,
        status=News.Status.DRAFT,
        slug=unique_slug(News, title, fallback="post"),
        **{
            f"{field}_{language}": value
            for field, value in [("title", title), ("summary", summary), ("body", body)]
        },
    )
    news.full_clean()
    by(news, user).save()
    return news


def news_tell_author(news: News) -> None:
    """Tell a member's post's author the decision on it (once per decision; see
    members.services.decision_tell). Inside the deciding transaction."""
    if news.status == News.Status.PUBLISHED:
        decision, reason = DecisionNotice.Decision.PUBLISHED, ""
    elif news.status == News.Status.DECLINED:
        decision, reason = DecisionNotice.Decision.DECLINED, news.decline_reason
    else:
        return
    decision_tell(
        record=news,
        decision=decision,
        author=news.author,
        title=news.title,
        reason=reason,
        written_in=written_in(news),
    )


@transaction.atomic
def news_publish(*, news: News, user=None) -> bool:
    """Approve a draft (or a declined post) and publish it now; False (and nothing changed) if
    it was already published. A save, so the news list, the home page, the feed and search
    show it at once; its author is emailed once. For the secretariat (the admin's action and
    form). Atomic; idempotent."""
    news = News.objects.select_for_update().get(pk=news.pk)
    if news.status == News.Status.PUBLISHED:
        return False
    news.status = News.Status.PUBLISHED
    news.published_at = timezone.now()
    news.full_clean()
    by(news, user).save(update_fields=["status", "published_at"])
    news_tell_author(news)
    return True


@transaction.atomic
def news_decline(*, news: News, user=None, reason: str) -> bool:
    """Decline a member's post with a reason, emailed to its author once; it leaves the public
    pages if it was on them. False (and nothing changed) if it was already declined;
    ValidationError (nothing changed) without a reason. For the secretariat. Atomic."""
    news = News.objects.select_for_update().get(pk=news.pk)
    if news.status == News.Status.DECLINED:
        return False
    news.status = News.Status.DECLINED
    news.decline_reason = reason.strip()
    news.full_clean()
    by(news, user).save(update_fields=["status", "decline_reason"])
    news_tell_author(news)
    return True


@transaction.atomic
def news_decide(*, news: News, user=None, status: str, reason: str = "") -> bool:
    """The admin form's status change, made through the service of that decision (publish,
    decline, or back to draft). Returns whether anything changed. Atomic."""
    if status == News.Status.PUBLISHED:
        return news_publish(news=news, user=user)
    if status == News.Status.DECLINED:
        return news_decline(news=news, user=user, reason=reason)
    news = News.objects.select_for_update().get(pk=news.pk)
    if news.status == status:
        return False
    news.status = status
    news.full_clean()
    by(news, user).save(update_fields=["status"])
    return True
