from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from members.tasks import focal_point_language
from mountainpartnership.mail import send_templated, site_url

from . import visits
from .models import Nudge, PartnerMessage


@shared_task
def flush_page_views() -> int:
    """Every five minutes (Celery beat): page views counted in Redis into the database."""
    return visits.flush()


@shared_task
def nudge_email(nudge_id: int) -> None:
    from .services import nudge_context

    nudge = Nudge.objects.select_related("member").filter(pk=nudge_id).first()
    if nudge is None:
        return
    focal_point = nudge.member.current_focal_point
    with translation.override(nudge.language):
        context = {**nudge_context(nudge.member), "focal_point": focal_point}
    send_templated("insight/email/nudge", context, [nudge.email], nudge.language)


@shared_task
def partner_message_email(message_id: int) -> None:
    message = (
        PartnerMessage.objects.select_related("sender", "from_member", "to_member")
        .filter(pk=message_id)
        .first()
    )
    focal_point = message.to_member.current_focal_point if message else None
    if focal_point is None or message.sender is None:
        return
    language = focal_point_language(focal_point)
    with translation.override(language):
        subject = _("[Mountain Partnership] %(member)s: %(subject)s") % {
            "member": message.from_member.name,
            "subject": message.subject,
        }
        body = render_to_string(
            "insight/email/partner_message_body.txt",
            {
                "message": message,
                "sender_name": message.sender.get_full_name() or message.sender.email,
                "sender_email": message.sender.email,
                "from_url": site_url(message.from_member.get_absolute_url()),
                "focal_point": focal_point,
            },
        )
    EmailMessage(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [focal_point.email],
        reply_to=[message.sender.email],
    ).send()


def secretariat_readers() -> list[tuple[str, str]]:
    """(email, language) of each active staff member of the secretariat, each in the language
    of all their emails from the portal (members.services.user_language)."""
    from members.models import User
    from members.permissions import SECRETARIAT_GROUP
    from members.services import user_language

    users = User.objects.filter(
        is_active=True, is_staff=True, groups__name=SECRETARIAT_GROUP
    ).order_by("email")
    return [(user.email, user_language(user)) for user in users]


@shared_task
def inbox_digest() -> int:
    """Daily (Celery beat): email the secretariat's inbox to each of its staff, in their own
    language, when something waits that is newer than what the last such email listed; returns
    how many emails went out. Run twice, the second finds nothing new and sends nothing; the
    email sent is recorded (InboxDigest) in the same transaction, under a lock held from
    before the check, so two runs at once send once: the second waits for the first to
    commit, then finds what it recorded."""
    from django.db import transaction
    from django.urls import reverse

    from mountainpartnership.db import transaction_lock

    from . import inbox
    from .models import InboxDigest

    with transaction.atomic():
        # Not a row lock on the last digest: there is none the first time, and a second run
        # waiting on it would read that same row again, not the one the first run added.
        transaction_lock("insight.inbox_digest")
        last = InboxDigest.objects.order_by("-sent_at").first()
        dated = [entry for entry in inbox.entries(translations=False) if entry.since is not None]
        if not dated:
            return 0
        newest = max(entry.since_moment for entry in dated)
        if last is not None and newest <= last.newest:
            return 0
        readers = secretariat_readers()
        by_language = {}
        for email, language in readers:
            if language not in by_language:
                with translation.override(language):
                    by_language[language] = inbox.entries()
            entries = by_language[language]
            send_templated(
                "insight/email/inbox",
                {
                    "entries": entries,
                    "new_since": last.newest if last else None,
                    "inbox_url": site_url(reverse("admin-inbox")),
                    "site_url": site_url(),
                },
                [email],
                language,
            )
        InboxDigest.objects.create(newest=newest, entries=len(dated), recipients=len(readers))
    return len(readers)
