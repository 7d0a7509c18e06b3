"""Email from the members app. Each task takes ids and is safe to run twice."""

import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from mountainpartnership.mail import send_templated, site_url

from .models import (
    DecisionNotice,
    FocalPoint,
    Invitation,
    Member,
    MembershipApplication,
    Representation,
)
from .permissions import SECRETARIAT_GROUP
from .selectors import readable_changes


@shared_task
def invitation_email(invitation_id: int) -> None:
    """Send an invitation; skipped if it has been accepted or has expired since."""
    invitation = Invitation.objects.select_related("member").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at or invitation.expires_at < timezone.now():
        return
    send_templated(
        "members/email/invitation",
        {"invitation": invitation, "url": site_url(invitation.get_absolute_url())},
        [invitation.email],
        invitation.language,
    )


@shared_task
def decision_notice_email(notice_id: int) -> int:
    """Email a decision on a submission to its author (see services.decision_tell), in the
    language the notice was made in. Once: the notice is locked and marked sent in the same
    transaction, so the task run twice sends once, and a failed send leaves it for a retry.
    Returns how many emails went out."""
    with transaction.atomic():
        notice = (
            DecisionNotice.objects.select_for_update(skip_locked=True)
            .select_related("content_type")
            .filter(pk=notice_id, sent_at=None)
            .first()
        )
        if notice is None:
            return 0
        with translation.override(notice.language):
            url = site_url(reverse("members:my-members"))
            kind = notice.content_type.model_class()._meta.verbose_name
            send_templated(
                "members/email/decision",
                {"notice": notice, "kind": kind, "url": url},
                [notice.email],
                notice.language,
            )
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    return 1


@shared_task
def application_confirmation_email(application_id: int) -> None:
    from .services import application_token

    application = MembershipApplication.objects.filter(
        pk=application_id, status=MembershipApplication.Status.UNCONFIRMED
    ).first()
    if application is None:
        return
    with translation.override(application.language):
        path = reverse("members:join-confirm", kwargs={"token": application_token(application)})
    send_templated(
        "members/email/application_confirm",
        {"application": application, "url": site_url(path)},
        [application.focal_point_email],
        application.language,
    )


@shared_task
def application_rejected_email(application_id: int) -> None:
    application = MembershipApplication.objects.filter(
        pk=application_id, status=MembershipApplication.Status.REJECTED
    ).first()
    if application is None:
        return
    send_templated(
        "members/email/application_rejected",
        {"application": application},
        [application.focal_point_email],
        application.language,
    )


@shared_task
def member_changes_digest() -> int:
    """Email the secretariat the changes members' people made to member records and not yet
    sent (the secretariat's own changes are in each record's history in the admin); returns
    how many were listed.

    The records are locked and marked in the same transaction as the sending, so two runs at
    once do not send the same change twice, and a failed send leaves them for the next run.
    """
    recipients = _by_language(
        Group.objects.get(name=SECRETARIAT_GROUP).user_set.filter(is_active=True).order_by("email")
    )
    history = Member.history.model
    with transaction.atomic():
        records = list(
            history.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(history_user=None) | Q(history_user__is_staff=False), digested_at=None)
            .select_related("history_user")
            .order_by("name_en", "history_date")
        )
        if not records or not recipients:
            return 0
        for language, emails in recipients.items():
            # Labels, choices and dates are written out in the readers' language.
            with translation.override(language):
                changes = [record for record in readable_changes(records) if record.lines]
            for record in changes:
                record.history_url = site_url(
                    reverse("admin:members_member_history", args=[record.id])
                )
            if changes:
                send_templated(
                    "members/email/changes_digest", {"changes": changes}, emails, language
                )
        history.objects.filter(pk__in=[record.pk for record in records]).update(
            digested_at=timezone.now()
        )
    return len(changes)


def _by_language(users) -> dict[str, list[str]]:
    """The users' addresses grouped by the language of their emails (services.user_language):
    one email per language rather than one per person, each in its readers' language."""
    from .services import user_language

    grouped = {}
    for user in users:
        grouped.setdefault(user_language(user), []).append(user.email)
    return grouped


def focal_point_language(focal_point: FocalPoint) -> str:
    """The language to write to a focal point or alternate in: the one said by the account
    that holds the record (services.user_language), else the first of the portal's languages
    the record says they speak."""
    from .services import user_language

    account = (
        Representation.objects.filter(focal_point=focal_point, user__is_active=True)
        .exclude(user__language="")
        .select_related("user")
        .first()
    )
    if account is not None:
        return user_language(account.user)
    return spoken_language(focal_point.languages)


def spoken_language(languages: str, default: str | None = settings.LANGUAGE_CODE) -> str | None:
    """The first of the portal's languages named in a focal point's "languages spoken", else
    `default`."""
    names = {
        "en": ("english", "anglais", "inglés", "ingles"),
        "fr": ("french", "français", "francais", "francés", "frances"),
        "es": ("spanish", "espagnol", "español", "espanol"),
    }
    text = languages.casefold()
    found = [
        (text.find(name), code)
        for code, spellings in names.items()
        for name in spellings
        if name in text
    ]
    return min(found)[1] if found else default


@shared_task
def renewal_reminders() -> int:
    """Email the focal point of each member whose term is in its renewal window (ending within
    MEMBERSHIP_RENEWAL_WINDOW_DAYS), once per term."""
    today = timezone.localdate()
    window = datetime.timedelta(days=settings.MEMBERSHIP_RENEWAL_WINDOW_DAYS)
    members = (
        Member.objects.public()
        .filter(term_ends__gte=today, term_ends__lte=today + window)
        .exclude(renewal_reminder_for=F("term_ends"))
        .with_current_focal_point()
    )
    sent = 0
    for member in members:
        focal_point: FocalPoint | None = member.current_focal_point
        if focal_point is None:
            continue
        language = focal_point_language(focal_point)
        with translation.override(language):
            path = reverse("members:my-member-renew", kwargs={"slug": member.slug})
        send_templated(
            "members/email/renewal",
            {"member": member, "focal_point": focal_point, "url": site_url(path)},
            [focal_point.email],
            language,
        )
        Member.objects.filter(pk=member.pk).update(renewal_reminder_for=member.term_ends)
        sent += 1
    return sent
