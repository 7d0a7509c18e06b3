"""A member's people's contributions to e-consultations, for their "my submissions" page."""

from django.utils.translation import gettext as _

from mountainpartnership.submissions import (
    DECLINED,
    PER_KIND,
    PUBLISHED,
    WAITING,
    Submission,
    in_any_language,
)

from .models import Post


def submissions_of(user) -> list[Submission]:
    posts = (
        Post.objects.filter(author=user, deleted_at=None, topic__space__consultation__isnull=False)
        .select_related("topic__space__consultation")
        .order_by("-created_at", "-pk")[:PER_KIND]
    )
    status = {
        Post.Moderation.VISIBLE: PUBLISHED,
        Post.Moderation.PENDING: WAITING,
        Post.Moderation.HIDDEN: DECLINED,
    }
    return [
        Submission(
            kind=_("Contribution to a consultation"),
            title=in_any_language(post.topic.space.consultation, "question"),
            submitted_at=post.created_at,
            status=status[post.moderation],
            reason=post.moderation_reason if post.moderation == Post.Moderation.HIDDEN else "",
            url=post.get_absolute_url() if post.moderation == Post.Moderation.VISIBLE else "",
        )
        for post in posts
    ]
