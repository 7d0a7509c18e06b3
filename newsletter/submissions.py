"""A member's people's newsletter items, for their "my submissions" page."""

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

from .models import Item

TEXT_FIELDS = [
    f"{field}_{code}" for field in ["title", "body"] for code, _name in settings.LANGUAGES
]


def submissions_of(user) -> list[Submission]:
    items = list(Item.objects.filter(submitted_by=user).order_by("-pk")[:PER_KIND])
    edited, _sent = from_history(Item, [item.pk for item in items], TEXT_FIELDS)
    status = {
        Item.Status.SUBMITTED: WAITING,
        Item.Status.APPROVED: PUBLISHED,
        Item.Status.DECLINED: DECLINED,
    }
    return [
        Submission(
            kind=str(Item._meta.verbose_name),
            title=in_any_language(item, "title"),
            submitted_at=item.created,
            status=status[item.status],
            reason=item.decline_reason if item.status == Item.Status.DECLINED else "",
            edited=item.pk in edited,
        )
        for item in items
    ]
