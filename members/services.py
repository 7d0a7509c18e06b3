"""Writes to the members app. Each function is atomic and validates before it saves."""

import dataclasses
import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mountainpartnership.dates import date_format
from mountainpartnership.db import saved_in_bulk, unique_slug
from mountainpartnership.history import by, record_now

from .models import (
    DecisionNotice,
    FocalPoint,
    FocalPointProposal,
    Invitation,
    Member,
    MemberQuerySet,
    MembershipApplication,
    Representation,
    TermRenewal,
    User,
    add_years,
)


@transaction.atomic
def focal_point_replace(
    *,
    member: Member,
    name: str,
    email: str,
    start_date: datetime.date,
    title_en: str = "",
    title_fr: str = "",
    title_es: str = "",
    phone: str = "",
    languages: str = "",
    language: str | None = None,
    invited_by=None,
) -> FocalPoint:
    """Make a new person the member's focal point from `start_date`.

    The current focal point, if any, ends the day before, and stays as history; so do the
    rights of their account (see focal_point_handover). The new focal point is invited to
    the portal in `language` (by default the first of the portal's languages they speak).
    Atomic: on a ValidationError nothing is saved and no one is invited. The current row is
    locked, so two replacements at once cannot both succeed.
    """
    current = (
        FocalPoint.objects.select_for_update()
        .filter(member=member)
        .focal_points()
        .current()
        .first()
    )
    if current is not None:
        if start_date <= current.start_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "The new focal point must start after the current one, who started on %(date)s."
                    )
                    % {"date": date_format(current.start_date)}
                }
            )
        current.end_date = start_date - datetime.timedelta(days=1)
        current.full_clean()
        by(current, invited_by).save(update_fields=["end_date"])
    new = FocalPoint(
        member=member,
        role=FocalPoint.Role.FOCAL_POINT,
        name=name,
        email=email,
        start_date=start_date,
        title_en=title_en,
        title_fr=title_fr,
        title_es=title_es,
        phone=phone,
        languages=languages,
    )
    new.full_clean()
    by(new, invited_by).save()
    focal_point_handover(
        member=member, previous=current, new=new, language=language, invited_by=invited_by
    )
    return new


@transaction.atomic
def focal_point_handover(
    *,
    member: Member,
    previous: FocalPoint | None,
    new: FocalPoint,
    language: str | None = None,
    invited_by=None,
) -> Invitation:
    """What follows a change of focal point, however it was made (the replace page, a
    confirmed proposal, the member's inline in the admin).

    Accounts that speak as the member's focal point, or from the outgoing focal point's
    address, without holding a designation (linked before designations were recorded, or by
    hand) are tied to the outgoing one, so that they end with it; and the new focal point is
    invited in `language` (by default the first of the portal's languages they speak).
    Atomic."""
    from .tasks import spoken_language

    representations_link_designations(member=member)
    if previous is not None:
        Representation.objects.filter(
            Q(role=Representation.Role.FOCAL_POINT) | Q(user__email__iexact=previous.email),
            member=member,
            focal_point=None,
        ).update(focal_point=previous)
    return invitation_send(
        member=member,
        email=new.email,
        role=Representation.Role.FOCAL_POINT,
        language=language or spoken_language(new.languages),
        invited_by=invited_by,
        focal_point=new,
    )


@transaction.atomic
def members_mark_inactive(*, members: MemberQuerySet) -> list[int]:
    """Mark the active members among `members` inactive; returns the ids of those changed.

    Withdrawn members stay withdrawn. One UPDATE, then every save listener (cached pages,
    search) hears of each changed member. Safe to repeat: a second run changes nothing.
    """
    pks = list(members.active().values_list("pk", flat=True))
    Member.objects.filter(pk__in=pks).update(status=Member.Status.INACTIVE, updated=timezone.now())
    saved_in_bulk(Member, pks, ["status", "updated"])
    return pks


def renewal_refusal(member: Member, today: datetime.date | None = None) -> str | None:
    """Why `member`'s term cannot be renewed today, or None. The rule for everyone, the
    secretariat included: a term is renewed inside its renewal window (from
    MEMBERSHIP_RENEWAL_WINDOW_DAYS before it ends, or after it has ended), and renewing takes
    the end out of the window, so each term is renewed once. A member that has withdrawn has
    no term to renew: it applies again."""
    today = today or timezone.localdate()
    if member.status == Member.Status.WITHDRAWN:
        return _("%(name)s has withdrawn from the partnership; to return, it applies again.") % {
            "name": member.name
        }
    if member.renewal_open(today):
        return None
    return _("The term ends on %(end)s; it can be renewed from %(opens)s.") % {
        "end": date_format(member.term_ends),
        "opens": date_format(member.renewal_opens),
    }


def renewed_term_ends(member: Member, today: datetime.date) -> datetime.date:
    """Where a renewal made today takes the term: a full term on from its end, or from today
    for a term that has already ended."""
    return add_years(max(member.term_ends, today), settings.MEMBERSHIP_TERM_YEARS)


@transaction.atomic
def member_term_renew(*, member: Member, user) -> TermRenewal:
    """Renew one member's term on behalf of `user`: its focal point, an alternate or the
    secretariat (permissions.can_renew_term), inside the renewal window (renewal_refusal).

    Atomic; the member is locked, so renewals sent at once renew once. Raises PermissionDenied
    or ValidationError, and then changes nothing."""
    from .permissions import can_renew_term

    member = Member.objects.select_for_update().get(pk=member.pk)
    if not can_renew_term(user, member):
        raise PermissionDenied
    today = timezone.localdate()
    problem = renewal_refusal(member, today)
    if problem:
        raise ValidationError(problem)
    member.term_ends = renewed_term_ends(member, today)
    by(member, user).save(update_fields=["term_ends", "updated"])
    return TermRenewal.objects.create(member=member, renewed_on=today, term_ends=member.term_ends)


@dataclasses.dataclass
class Renewals:
    renewed: list = dataclasses.field(default_factory=list)
    refused: list = dataclasses.field(default_factory=list)  # (member, reason)


@transaction.atomic
def members_renew_term(*, members: MemberQuerySet) -> Renewals:
    """The secretariat's bulk renewal (the admin's action): each of `members` inside its
    renewal window is renewed by one full term, the others are left with the reason. The
    same rule as for a representative: the window is what keeps a term to one renewal, and
    an early renewal is what the window is there to refuse.

    Atomic; the members are locked, so the action sent twice renews once. One UPDATE and one
    INSERT in all, whatever the number of members; then every save listener (cached pages,
    search) hears of each renewed member."""
    now = timezone.now()
    today = timezone.localdate()
    result = Renewals()
    for member in Member.objects.select_for_update().filter(pk__in=members.values("pk")):
        problem = renewal_refusal(member, today)
        if problem:
            result.refused.append((member, problem))
        else:
            member.term_ends = renewed_term_ends(member, today)
            member.updated = now
            result.renewed.append(member)
    if result.renewed:
        Member.objects.bulk_update(result.renewed, ["term_ends", "updated"])
        TermRenewal.objects.bulk_create(
            TermRenewal(member=member, renewed_on=today, term_ends=member.term_ends)
            for member in result.renewed
        )
        saved_in_bulk(Member, [member.pk for member in result.renewed], ["term_ends", "updated"])
    return result


# Fields a representative edits on the site.
EDITABLE_FIELDS = [
    "description_en",
    "description_fr",
    "description_es",
    "website",
    "contact_email",
    "logo",
]


def member_snapshot(member: Member) -> dict:
    """The editable record as plain JSON values: areas as sorted slugs, the logo as its name."""
    values = {field: getattr(member, field) or "" for field in EDITABLE_FIELDS}
    values["logo"] = member.logo.name if member.logo else ""
    values["areas"] = sorted(member.areas.values_list("slug", flat=True))
    return values


@transaction.atomic
def member_update(*, member: Member, user, data: dict, areas=None):
    """Apply a representative's (or the secretariat's) edits; the member's history records
    them, areas included, as one change by `user`.

    `data` holds values for EDITABLE_FIELDS (others are ignored); `areas` is an iterable of
    Area, or None to leave them. Atomic; validates with full_clean, so nothing is saved on a
    ValidationError. Returns the historical record of the change, or None when nothing
    changed (and then nothing is recorded).
    """
    before = member_snapshot(member)
    fields = [field for field in EDITABLE_FIELDS if field in data]
    for field in fields:
        setattr(member, field, data[field])
    member.full_clean()
    by(member, user)
    member.skip_history_when_saving = True
    try:
        member.save(update_fields=[*fields, "updated"] if fields else ["updated"])
        if areas is not None:
            member.areas.set(areas)
    finally:
        del member.skip_history_when_saving
    if member_snapshot(member) == before:
        return None
    record_now(member)
    return member.history.first()


@transaction.atomic
def member_record_confirm(*, member: Member, user) -> None:
    """A representative confirms the record and focal point are current (once a year); the
    member's history records when, and who."""
    member.record_confirmed_at = timezone.now()
    by(member, user)
    member.save(update_fields=["record_confirmed_at", "updated"])


def new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def representations_link_designations(*, member: Member) -> int:
    """Tie the member's accounts that hold no designation (linked by hand in the admin) to
    the current focal point or alternate at the account's address, so that they end with it.
    Returns how many were tied. Idempotent."""
    linked = 0
    current = list(member.focal_points.current())
    unlinked = member.representations.filter(focal_point=None).select_related("user")
    for representation in unlinked:
        matches = [
            fp for fp in current if fp.email.casefold() == representation.user.email.casefold()
        ]
        if matches:
            representation.focal_point = matches[0]
            representation.save(update_fields=["focal_point"])
            linked += 1
    return linked


DESIGNATED_ROLES = {
    Representation.Role.FOCAL_POINT: FocalPoint.Role.FOCAL_POINT,
    Representation.Role.ALTERNATE: FocalPoint.Role.ALTERNATE,
}


@transaction.atomic
def invitation_send(
    *,
    member: Member,
    email: str,
    role: str,
    language: str,
    invited_by,
    focal_point: FocalPoint | None = None,
) -> Invitation:
    """Invite a person to represent `member`: an email in their language with a single-use link
    valid for INVITATION_DAYS. Sent by Celery once the transaction commits.

    A focal point or alternate is invited as the holder of their designation (`focal_point`;
    by default the member's current one of that role at that address), so that the account
    it makes ends with the designation."""
    from .tasks import invitation_email

    if focal_point is None and role in DESIGNATED_ROLES:
        focal_point = (
            FocalPoint.objects.current()
            .filter(member=member, role=DESIGNATED_ROLES[role], email__iexact=email)
            .first()
        )
    invitation = Invitation(
        member=member,
        email=email,
        role=role,
        focal_point=focal_point,
        language=language,
        token=new_token(),
        invited_by=invited_by,
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: invitation_email.delay(invitation.pk))
    return invitation


@transaction.atomic
def focal_points_invite(*, members, invited_by) -> tuple[list[Invitation], list[Member]]:
    """Invite each member's current focal point to the portal, in the language they speak.

    Returns the invitations sent and the members left out because they have no current
    focal point, so that the caller can say so. Atomic: all are sent, or none.
    """
    from .tasks import spoken_language

    invitations, without = [], []
    for member in members.prefetch_related(None).with_current_focal_point().order_by("name_en"):
        focal_point = member.current_focal_point
        if focal_point is None:
            without.append(member)
            continue
        invitations.append(
            invitation_send(
                member=member,
                email=focal_point.email,
                role=Representation.Role.FOCAL_POINT,
                language=spoken_language(focal_point.languages),
                invited_by=invited_by,
            )
        )
    return invitations, without


class InvitationError(Exception):
    """An invitation that cannot be used: unknown, used, expired, or for another address."""


@transaction.atomic
def invitation_accept(*, token: str, user, language: str | None = None) -> Representation:
    """Link `user` to the invitation's member with its role. Single use; atomic. The account
    takes, if it has not said one, the language of the emails: `language` (that of the page
    the invitation was accepted on), else the invitation's.

    The account's email must be the invited address: the link proves the person reads that
    mailbox, so an account created from it counts as verified. An account that already
    represented the member (an ended focal point coming back as a colleague, an alternate
    becoming the focal point) takes the invitation's role and designation instead.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("focal_point")
        .filter(token=token)
        .first()
    )
    if invitation is None or invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used or does not exist."))
    if invitation.expires_at < timezone.now():
        raise InvitationError(_("This invitation has expired. Ask the secretariat for a new one."))
    if invitation.focal_point is not None and invitation.focal_point.has_ended():
        raise InvitationError(
            _(
                "This invitation was for a focal point or alternate whose term has since "
                "ended. Ask the secretariat if you should still represent the member."
            )
        )
    if user.email.casefold() != invitation.email.casefold():
        raise InvitationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    representation, _created = Representation.objects.update_or_create(
        user=user,
        member=invitation.member,
        defaults={
            "role": invitation.role,
            "focal_point": invitation.focal_point,
            "added_by": invitation.invited_by,
        },
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    user_language_said(user, language if language in _portal_languages() else invitation.language)
    return representation


@transaction.atomic
def colleague_remove(*, representation: Representation) -> None:
    """Remove a colleague's link to a member. The focal point's own link stays (the
    secretariat changes focal points)."""
    if representation.role == Representation.Role.FOCAL_POINT:
        raise ValidationError(_("The focal point cannot be removed here."))
    representation.delete()


def pending_invitation(*, member: Member, pk) -> Invitation | None:
    """The member's invitation `pk` if it is still waiting to be accepted."""
    return Invitation.objects.filter(member=member, pk=pk, accepted_at=None).first()


@transaction.atomic
def invitation_resend(*, invitation: Invitation, user) -> Invitation:
    """Send a waiting invitation again, on behalf of `user` (permissions.can_manage_invitation):
    a new link, valid for INVITATION_DAYS from now; the earlier link stops working. Atomic;
    PermissionDenied (and nothing changed) for anyone else or an invitation already used."""
    from .permissions import can_manage_invitation
    from .tasks import invitation_email

    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not can_manage_invitation(user, invitation):
        raise PermissionDenied
    invitation.token = new_token()
    invitation.expires_at = timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS)
    invitation.save(update_fields=["token", "expires_at"])
    transaction.on_commit(lambda: invitation_email.delay(invitation.pk))
    return invitation


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, user) -> None:
    """Withdraw a waiting invitation, on behalf of `user` (permissions.can_manage_invitation):
    its link stops working. Atomic; PermissionDenied (and nothing changed) for anyone else or
    an invitation already used."""
    from .permissions import can_manage_invitation

    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not can_manage_invitation(user, invitation):
        raise PermissionDenied
    invitation.delete()


APPLICATION_SALT = "members.application.confirm"


@transaction.atomic
def application_submit(*, form) -> MembershipApplication:
    """Save an application from the public form, in the language the applicant says they
    write in (the form's `language`); a confirmation link goes to the proposed focal point's
    address. Nothing reaches the secretariat's queue until it is confirmed."""
    from .tasks import application_confirmation_email

    application = form.save(commit=False)
    application.status = MembershipApplication.Status.UNCONFIRMED
    application.full_clean()
    application.save()
    form.save_m2m()
    transaction.on_commit(lambda: application_confirmation_email.delay(application.pk))
    return application


def application_token(application: MembershipApplication) -> str:
    return signing.dumps(application.pk, salt=APPLICATION_SALT)


@transaction.atomic
def application_from_token(token: str, *, lock: bool = False) -> MembershipApplication | None:
    """The application of an emailed confirmation link, valid for a week; None for a link
    that is not (or no longer) valid."""
    try:
        pk = signing.loads(token, salt=APPLICATION_SALT, max_age=datetime.timedelta(days=7))
    except signing.BadSignature:
        return None
    applications = MembershipApplication.objects.all()
    return (applications.select_for_update() if lock else applications).filter(pk=pk).first()


def application_confirm(*, token: str) -> MembershipApplication | None:
    """Confirm the applicant's address from the emailed link; valid for a week, idempotent.
    Returns None for a link that is not (or no longer) valid."""
    application = application_from_token(token, lock=True)
    if application is None:
        return None
    if application.status == MembershipApplication.Status.UNCONFIRMED:
        application.status = MembershipApplication.Status.PENDING
        application.email_confirmed_at = timezone.now()
        application.save(update_fields=["status", "email_confirmed_at"])
    return application


@transaction.atomic
def application_approve(*, application: MembershipApplication, user) -> Member:
    """Admit the organisation: create the member and its focal point, and invite the focal
    point. Only a confirmed, pending application whose checklist is complete and whose region
    is chosen. Atomic: on any error nothing is created."""
    application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    problems = []
    if application.status != MembershipApplication.Status.PENDING:
        problems.append(_("Only a confirmed application that is waiting can be approved."))
    if not (application.organisation_verified and application.focal_point_confirmed):
        problems.append(
            _("Complete the checklist first: organisation verified, focal point confirmed.")
        )
    if application.region is None:
        problems.append(_("Choose the member's region first."))
    if problems:
        raise ValidationError(problems)
    today = timezone.localdate()
    member = Member(
        type=application.type,
        sector=application.sector,
        acronym=application.acronym,
        slug=unique_slug(Member, application.name, fallback="member"),
        country=application.country,
        region=application.region,
        website=application.website,
        date_joined=today,
        # The organisation's own name, the one every language shows until the secretariat
        # adds a translated one; the description stays in the language it was written in.
        name_en=application.name,
        **{f"description_{application.language}": application.description},
    )
    member.full_clean()
    by(member, user).save()
    member.areas.set(application.areas.all())
    focal_point = FocalPoint(
        member=member,
        name=application.focal_point_name,
        email=application.focal_point_email,
        phone=application.focal_point_phone,
        languages=application.focal_point_languages,
        start_date=today,
        **{f"title_{application.language}": application.focal_point_title},
    )
    focal_point.full_clean()
    by(focal_point, user).save()
    application.status = MembershipApplication.Status.APPROVED
    application.member = member
    application.decided_at = timezone.now()
    application.decided_by = user
    application.save(update_fields=["status", "member", "decided_at", "decided_by"])
    invitation_send(
        member=member,
        email=application.focal_point_email,
        role=Representation.Role.FOCAL_POINT,
        language=application.language,
        invited_by=user,
    )
    return member


@transaction.atomic
def application_reject(*, application: MembershipApplication, user, reason: str) -> None:
    """Decline an application with a reason, emailed to the applicant in their language."""
    from .tasks import application_rejected_email

    application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if application.status in {
        MembershipApplication.Status.APPROVED,
        MembershipApplication.Status.REJECTED,
    }:
        raise ValidationError(_("This application has already been decided."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for rejecting; it is sent to the applicant."))
    application.status = MembershipApplication.Status.REJECTED
    application.decision_reason = reason.strip()
    application.decided_at = timezone.now()
    application.decided_by = user
    application.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    transaction.on_commit(lambda: application_rejected_email.delay(application.pk))


@transaction.atomic
def focal_point_proposal_confirm(*, proposal: FocalPointProposal, user) -> FocalPoint:
    """The secretariat confirms a proposed focal point: it replaces the current one (whose
    account's rights end with it) and is invited in the proposal's language."""
    from .tasks import spoken_language

    proposal = FocalPointProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != FocalPointProposal.Status.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    language = proposal.language or spoken_language(proposal.languages)
    new = focal_point_replace(
        member=proposal.member,
        name=proposal.name,
        email=proposal.email,
        phone=proposal.phone,
        languages=proposal.languages,
        start_date=max(proposal.start_date, timezone.localdate()),
        # In the language the proposer gave; staff may translate it.
        **{f"title_{language}": proposal.title},
        language=language,
        invited_by=user,
    )
    proposal.status = FocalPointProposal.Status.CONFIRMED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    decision_tell(
        record=proposal,
        decision=DecisionNotice.Decision.CONFIRMED,
        author=proposal.proposed_by,
        title=proposal.name,
        written_in=proposal.language,
    )
    return new


def proposal_decline_reason_check(reason: str) -> None:
    """A proposed focal point is declined only with a reason (it is emailed to the person who
    proposed it): ValidationError on `decline_reason` without one. The service's rule, which
    the admin's change page also asks before it saves anything."""
    if not reason.strip():
        raise ValidationError(
            {"decline_reason": _("Give the reason for declining; it is sent to the author.")}
        )


@transaction.atomic
def focal_point_proposal_decline(*, proposal: FocalPointProposal, user, reason: str) -> bool:
    """The secretariat declines a proposed focal point, with a reason emailed to the person
    who proposed it; the current focal point stays. False (and nothing changed) if the
    proposal was already decided; ValidationError (nothing changed) without a reason. Atomic."""
    proposal_decline_reason_check(reason)
    proposal = FocalPointProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != FocalPointProposal.Status.PENDING:
        return False
    proposal.status = FocalPointProposal.Status.DECLINED
    # The reason alone: rows proposed before every field was required stay declinable.
    proposal.decline_reason = FocalPointProposal._meta.get_field("decline_reason").clean(
        reason.strip(), proposal
    )
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decline_reason", "decided_at"])
    decision_tell(
        record=proposal,
        decision=DecisionNotice.Decision.DECLINED,
        author=proposal.proposed_by,
        title=proposal.name,
        reason=proposal.decline_reason,
        written_in=proposal.language,
    )
    return True


def _portal_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def user_language(user, written_in: str | None = None) -> str:
    """The one language the portal writes to `user` in, whatever the email (a decision, a
    discussion email, the inbox digest): the one they said (User.language), else the best
    guess from what is known of them (_guessed_language). One function, so that no one gets
    French decisions and English digests."""
    if user is not None and user.language in _portal_languages():
        return user.language
    return _guessed_language(user, written_in)


def _guessed_language(user, written_in: str | None = None) -> str:
    """For someone who has not said their language: the first of the portal's languages their
    focal point or alternate record says they speak, else the language they were last invited
    in, else `written_in` (the language of what they sent), else the portal's default."""
    from .tasks import spoken_language

    if user is None or user.pk is None:
        return written_in if written_in in _portal_languages() else settings.LANGUAGE_CODE
    held = (
        FocalPoint.objects.filter(accounts__user=user)
        .exclude(languages="")
        .order_by("-start_date")
        .values_list("languages", flat=True)
        .first()
    )
    spoken = spoken_language(held, default=None) if held else None
    invited = (
        Invitation.objects.filter(accepted_by=user)
        .order_by("-accepted_at")
        .values_list("language", flat=True)
        .first()
    )
    for language in [spoken, invited, written_in]:
        if language in _portal_languages():
            return language
    return settings.LANGUAGE_CODE


def user_language_set(*, user, language: str) -> None:
    """The person chooses the language of the portal's emails (their settings page).
    ValidationError, nothing saved, for anything but one of the portal's languages."""
    if language not in _portal_languages():
        raise ValidationError(
            {"language": _("Choose English, French or Spanish for the portal's emails.")}
        )
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def user_language_said(user, language: str | None) -> bool:
    """Record the language a person first used with the portal (the page they signed up,
    accepted an invitation, followed or posted in, or the invitation's language), unless they
    have said one already: a choice made on the settings page is never overwritten. True if
    it was recorded."""
    if user is None or user.language or language not in _portal_languages():
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True


def decision_tell(
    *, record, decision: str, author, title: str, reason: str = "", written_in: str | None = None
) -> DecisionNotice | None:
    """Email `author` the secretariat's `decision` on `record` (their news post, newsletter
    item or proposed focal point), with the reason, in their language (user_language), once
    the transaction commits. Once per record and decision: a decision already told is not
    told again, however often the record is saved. Nothing for a record without an author
    (the secretariat's own) or an author who is gone. Call it inside the deciding service's
    transaction; returns the notice, or None when nothing is to be sent."""
    from django.contrib.contenttypes.models import ContentType

    from .tasks import decision_notice_email

    if author is None or not author.is_active or not author.email:
        return None
    notice, created = DecisionNotice.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        decision=decision,
        defaults={
            "title": str(title)[: DecisionNotice._meta.get_field("title").max_length],
            "reason": reason,
            "email": author.email,
            "language": user_language(author, written_in),
        },
    )
    if not created:
        return None
    transaction.on_commit(lambda: decision_notice_email.delay(notice.pk))
    return notice


@transaction.atomic
def invitation_signup(*, token: str, password: str, language: str | None = None):
    """Create the invited person's account (its address counts as verified: the link was
    emailed there) and accept the invitation. Atomic: no account without the link."""
    from allauth.account.models import EmailAddress

    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise InvitationError(_("This invitation has already been used or does not exist."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError(_("An account already exists for this address: sign in to accept."))
    user = User.objects.create_user(email=invitation.email, password=password)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    invitation_accept(token=token, user=user, language=language)
    return user
