"""A member's people's news posts, for their "my submissions" page."""

from django.conf import settings

from mountainpartnership.submissions import (
    DECLINED,
    PER_KIND,
    PUBLISHED,
    WAITING,
    Submission,
    from_history,
    in_any_language,
)

from .models import News

TEXT_FIELDS = [
    f"{field}_{code}"
    for field in ["title", "summary", "body"]
    for code, _name in settings.LANGUAGES
]


def submissions_of(user) -> list[Submission]:
    news = list(News.objects.filter(author=user).order_by("-pk")[:PER_KIND])
    edited, sent = from_history(News, [post.pk for post in news], TEXT_FIELDS)
    status = {
        News.Status.DRAFT: WAITING,
        News.Status.PUBLISHED: PUBLISHED,
        News.Status.DECLINED: DECLINED,
    }
    return [
        Submission(
            kind=str(News._meta.verbose_name),
            title=in_any_language(post, "title"),
            submitted_at=sent.get(post.pk, post.published_at),
            status=status[post.status],
            reason=post.decline_reason if post.status == News.Status.DECLINED else "",
            edited=post.pk in edited,
            url=post.get_absolute_url() if post.status == News.Status.PUBLISHED else "",
        )
        for post in news
    ]
