from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from members.tasks import spoken_language
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
    language = spoken_language(focal_point.languages)
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
