"""Writes of the insight app: nudges to dormant members, messages between members, the
secretariat's notes on members, and the record of failed tasks."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity
from discussions.models import Space, Topic
from members.models import Member
from members.tasks import spoken_language
from mountainpartnership.dates import date_format
from mountainpartnership.history import by
from mountainpartnership.mail import site_url

from .engagement import NUDGE_EVERY
from .matching import LOOKING_FOR_PARTNERS
from .models import MemberNote, Nudge, PartnerMessage, TaskFailure

# How many messages one account may send to other members in a day.
MESSAGES_PER_DAY = 10


# Failed tasks are counted over the last hour; older rows are kept a while for the admin.
TASK_FAILURES_KEPT = datetime.timedelta(days=30)


def task_failure_record(*, task: str, task_id: str, exception: str, retries: int) -> TaskFailure:
    """Record one task that failed for good, and forget those older than TASK_FAILURES_KEPT.
    Called by the worker (insight.failures); idempotent for one task id."""
    now = timezone.now()
    TaskFailure.objects.filter(failed_at__lt=now - TASK_FAILURES_KEPT).delete()
    failure, _created = TaskFailure.objects.get_or_create(
        task_id=task_id[:64],
        defaults={
            "task": task[:200],
            "exception": exception[:200],
            "retries": retries,
            "failed_at": now,
        },
    )
    return failure


class MessageRefused(Exception):
    pass


def nudge_context(member: Member) -> dict:
    """What goes on in the member's areas: open activities and lively discussions."""
    areas = member.areas.all()
    activities = (
        Activity.objects.filter(areas__in=areas)
        .exclude(status__in=[Activity.Status.COMPLETED, Activity.Status.CANCELLED])
        .distinct()
        .order_by("-updated")[:8]
    )
    topics = (
        Topic.objects.filter(
            space__area__in=areas, space__read_access__in=[Space.Read.EVERYONE, Space.Read.MEMBERS]
        )
        .select_related("space")
        .order_by("-last_posted_at")[:8]
    )
    return {
        "member": member,
        "activities": [
            (
                activity,
                site_url(activity.get_absolute_url()),
                activity.status in LOOKING_FOR_PARTNERS,
            )
            for activity in activities
        ],
        "topics": [(topic, site_url(topic.get_absolute_url())) for topic in topics],
        "member_url": site_url(member.get_absolute_url()),
    }


class NudgeRefused(Exception):
    pass


@transaction.atomic
def nudge_send(*, member: Member, user) -> Nudge:
    """Email the member's focal point, in their language, what goes on in its areas (a Celery
    task once the transaction commits); recorded as the secretariat's last contact.

    At most one nudge per member every NUDGE_EVERY: a second click, or two people at once (the
    member's row is locked), sends nothing and raises NudgeRefused saying when the last went.
    Raises NudgeRefused too when the member has no current focal point. Atomic.
    """
    from .tasks import nudge_email

    member = Member.objects.select_for_update().with_current_focal_point().get(pk=member.pk)
    last = member.nudges.order_by("-sent_at").first()
    if last is not None and last.sent_at > timezone.now() - NUDGE_EVERY:
        raise NudgeRefused(
            _("%(member)s was already nudged on %(date)s; the next nudge can go from %(next)s.")
            % {
                "member": member,
                "date": date_format(timezone.localtime(last.sent_at).date()),
                "next": date_format(timezone.localtime(last.sent_at + NUDGE_EVERY).date()),
            }
        )
    focal_point = member.current_focal_point
    if focal_point is None:
        raise NudgeRefused(
            _("%(member)s has no current focal point to write to.") % {"member": member}
        )
    nudge = Nudge.objects.create(
        member=member,
        email=focal_point.email,
        language=spoken_language(focal_point.languages),
        sent_by=user,
    )
    transaction.on_commit(lambda: nudge_email.delay(nudge.pk))
    return nudge


def partner_message_send(*, sender, from_member, to_member, subject, body) -> PartnerMessage:
    """Send a message to another member's focal point (a Celery task); its address is never
    shown to the sender, whose own address goes as Reply-To so that the answer comes back."""
    from .tasks import partner_message_email

    if to_member.current_focal_point is None:
        raise MessageRefused(_("This member has no focal point to write to at the moment."))
    since = timezone.now() - datetime.timedelta(days=1)
    if PartnerMessage.objects.filter(sender=sender, sent_at__gte=since).count() >= MESSAGES_PER_DAY:
        raise MessageRefused(_("You have sent many messages today. Please try again tomorrow."))
    with transaction.atomic():
        message = PartnerMessage.objects.create(
            sender=sender, from_member=from_member, to_member=to_member, subject=subject, body=body
        )
        transaction.on_commit(lambda: partner_message_email.delay(message.pk))
    return message


@transaction.atomic
def member_note_save(*, note: MemberNote, user) -> MemberNote:
    """Record a call, meeting or email with a member, or correct one (mark its follow-up
    done). A new note is the writer's unless it names another of the secretariat. Validated
    whole; its history records who wrote each version. For the secretariat (the admin)."""
    if note.pk is None and note.by_id is None:
        note.by = user
    note.full_clean()
    by(note, user)
    note.save()
    return note


@transaction.atomic
def member_note_delete(*, note: MemberNote, user) -> None:
    """Remove a note recorded by mistake; its history keeps it, and who removed it."""
    by(note, user)
    note.delete()
