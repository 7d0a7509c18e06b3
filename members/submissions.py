"""A member's people's proposed focal points and membership application, for their "my
submissions" page."""

from mountainpartnership.submissions import (
    ACCEPTED,
    DECLINED,
    PER_KIND,
    WAITING,
    Submission,
)

from .models import FocalPointProposal, MembershipApplication
from .permissions import has_verified_email


def submissions_of(user) -> list[Submission]:
    found = [
        Submission(
            kind=str(FocalPointProposal._meta.verbose_name),
            title=f"{proposal.name} – {proposal.member}",
            submitted_at=proposal.created,
            status={
                FocalPointProposal.Status.PENDING: WAITING,
                FocalPointProposal.Status.CONFIRMED: ACCEPTED,
                FocalPointProposal.Status.DECLINED: DECLINED,
            }[proposal.status],
            reason=proposal.decline_reason,
        )
        for proposal in FocalPointProposal.objects.filter(proposed_by=user)
        .select_related("member")
        .order_by("-created")[:PER_KIND]
    ]
    # An application is made before any account: it is the account's if it came from the
    # address the account has proved it reads.
    if has_verified_email(user):
        found += [
            Submission(
                kind=str(MembershipApplication._meta.verbose_name),
                title=application.name,
                submitted_at=application.created,
                status={
                    MembershipApplication.Status.APPROVED: ACCEPTED,
                    MembershipApplication.Status.REJECTED: DECLINED,
                }.get(application.status, WAITING),
                reason=application.decision_reason
                if application.status == MembershipApplication.Status.REJECTED
                else "",
                url=application.member.get_absolute_url() if application.member else "",
            )
            for application in MembershipApplication.objects.filter(
                focal_point_email__iexact=user.email
            )
            .select_related("member")
            .order_by("-created")[:PER_KIND]
        ]
    return found
