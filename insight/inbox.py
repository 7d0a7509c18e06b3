"""The secretariat's inbox: everything that waits for a decision of the secretariat, oldest
first, each entry with what it is, who it comes from, since when, and where it is decided.

Read-only: this module only queries. The admin page (insight.views.inbox), the count in the
admin's header (insight.templatetags.inbox) and the daily email (insight.tasks.inbox_digest)
all read from here.
"""

import dataclasses
import datetime

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import News
from discussions.models import Consultation, Flag, Post
from members.models import FocalPointProposal, Member, MembershipApplication
from mountainpartnership.listing import shown
from newsletter.models import Delivery, Edition, Item

from . import coverage
from .models import MemberNote

# Links to where an entry is decided carry this flag; the admin then returns to the inbox
# after the decision (mountainpartnership.admin.BackToInbox).
INBOX_FLAG = "_inbox=1"

# Failed deliveries of editions sent this long ago or less are shown: older failures are
# history (the subscriber's address has bounced since, or the next edition reached them).
FAILED_DELIVERIES_SHOWN = datetime.timedelta(days=31)

# A member's confirmation counts as changing something when a representative edited the
# record in the year before it.
CONFIRMATION_YEAR = datetime.timedelta(days=365)


@dataclasses.dataclass(frozen=True)
class Entry:
    kind: str  # what sort of thing, for grouping and tests: "application", "news"...
    label: str  # the sort of thing, as the reader reads it
    what: str
    who: str
    since: datetime.datetime | datetime.date | None  # None: waiting, with no date to give
    url: str  # a path on the portal, where it is decided

    @property
    def since_moment(self) -> datetime.datetime:
        """`since` as a moment, for sorting: a date counts from its start; undated last."""
        if self.since is None:
            return datetime.datetime.max.replace(tzinfo=datetime.UTC)
        if isinstance(self.since, datetime.datetime):
            return self.since
        return timezone.make_aware(datetime.datetime.combine(self.since, datetime.time.min))


def admin_change(model, pk) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    return f"{url}?{INBOX_FLAG}"


# What waits, as querysets: the header's count unites them in one query (`count()`), the
# page and the email read their rows (`entries()`).


def pending_applications():
    return MembershipApplication.objects.filter(status=MembershipApplication.Status.PENDING)


def news_drafts():
    return News.objects.filter(status=News.Status.DRAFT)


def submitted_items():
    # Items the secretariat writes itself are approved as it places them; only members'
    # submissions wait for its decision.
    return Item.objects.filter(status=Item.Status.SUBMITTED).filter(
        Q(member__isnull=False) | Q(submitted_by__is_staff=False)
    )


def pending_proposals():
    return FocalPointProposal.objects.filter(status=FocalPointProposal.Status.PENDING)


def reported_posts():
    return Post.objects.filter(Exists(Flag.objects.filter(post=OuterRef("pk"), resolved_at=None)))


def changed_confirmations():
    """Members whose representative confirmed the record after changing it, changes the
    secretariat has not looked at since (it has not saved the record after the confirmation)."""
    history = Member.history.model
    by_members = history.objects.filter(
        id=OuterRef("pk"),
        history_type="~",
        history_date__lte=OuterRef("record_confirmed_at"),
        history_date__gte=OuterRef("record_confirmed_at") - CONFIRMATION_YEAR,
    ).filter(Q(history_user=None) | Q(history_user__is_staff=False))
    seen = history.objects.filter(
        id=OuterRef("pk"),
        history_user__is_staff=True,
        history_date__gt=OuterRef("record_confirmed_at"),
    )
    return Member.objects.filter(record_confirmed_at__isnull=False).filter(
        Exists(by_members), ~Exists(seen)
    )


def consultations_without_synthesis(now=None):
    return Consultation.objects.closed(now).filter(synthesis_published_at=None)


def editions_with_failures(now=None):
    now = now or timezone.now()
    failed = Delivery.objects.filter(edition=OuterRef("pk"), status=Delivery.Status.FAILED)
    return Edition.objects.filter(started_at__gte=now - FAILED_DELIVERIES_SHOWN).filter(
        Exists(failed)
    )


def due_follow_ups(today=None):
    return MemberNote.objects.filter(done=False, follow_up_on__lte=today or timezone.localdate())


def waiting_querysets(now=None):
    return [
        pending_applications(),
        news_drafts(),
        submitted_items(),
        pending_proposals(),
        reported_posts(),
        changed_confirmations(),
        consultations_without_synthesis(now),
        editions_with_failures(now),
        due_follow_ups(),
    ]


def count(now=None) -> int:
    """How many entries wait, records with missing translations left out (their count takes
    a query per translated model): one query, for the admin's header."""
    first, *others = [qs.order_by().values("pk") for qs in waiting_querysets(now)]
    return first.union(*others, all=True).count()


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def entries(now=None, *, translations=True) -> list[Entry]:
    """Everything waiting, oldest first (undated entries last)."""
    now = now or timezone.now()
    found = []
    for application in pending_applications():
        found.append(
            Entry(
                "application",
                _("Membership application"),
                application.name,
                application.focal_point_name,
                application.email_confirmed_at or application.created,
                admin_change(MembershipApplication, application.pk),
            )
        )
    for news in news_drafts().select_related("member", "author"):
        found.append(
            Entry(
                "news",
                _("News draft"),
                str(news),
                str(news.member or "") or person(news.author),
                news.published_at,
                admin_change(News, news.pk),
            )
        )
    for item in submitted_items().select_related("member", "submitted_by"):
        found.append(
            Entry(
                "item",
                _("Newsletter item"),
                str(item),
                str(item.member or "") or person(item.submitted_by),
                item.created,
                admin_change(Item, item.pk),
            )
        )
    for proposal in pending_proposals().select_related("member"):
        found.append(
            Entry(
                "proposal",
                _("Proposed focal point"),
                proposal.name,
                str(proposal.member),
                proposal.created,
                admin_change(FocalPointProposal, proposal.pk),
            )
        )
    posts = (
        reported_posts()
        .select_related("author", "topic")
        .annotate(first_flag=Min("flags__created_at", filter=Q(flags__resolved_at=None)))
    )
    for post in posts:
        found.append(
            Entry(
                "post",
                _("Reported post"),
                post.topic.title,
                person(post.author),
                post.first_flag,
                reverse("admin:discussions_moderationqueue_change", args=[post.pk])
                + f"?{INBOX_FLAG}",
            )
        )
    for member in changed_confirmations():
        found.append(
            Entry(
                "confirmation",
                _("Record confirmed with changes"),
                str(member),
                str(member),
                member.record_confirmed_at,
                reverse("admin:members_member_history", args=[member.pk]),
            )
        )
    for consultation in consultations_without_synthesis(now):
        found.append(
            Entry(
                "consultation",
                _("Consultation closed without a synthesis"),
                consultation.question,
                "",
                consultation.closes_at,
                admin_change(Consultation, consultation.pk),
            )
        )
    failed_count = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED))
    for edition in editions_with_failures(now).annotate(failed=failed_count):
        failed = edition.failed
        found.append(
            Entry(
                "deliveries",
                _("Failed newsletter deliveries"),
                ngettext(
                    "%(edition)s: %(count)d message not delivered",
                    "%(edition)s: %(count)d messages not delivered",
                    failed,
                )
                % {"edition": edition, "count": failed},
                "",
                edition.started_at,
                admin_change(Edition, edition.pk),
            )
        )
    for note in due_follow_ups(timezone.localdate(now)).select_related("member", "by"):
        found.append(
            Entry(
                "follow-up",
                _("Follow-up due"),
                shown(note.text, 120),
                f"{note.member} · {person(note.by)}" if note.by else str(note.member),
                note.follow_up_on,
                admin_change(Member, note.member_id),
            )
        )
    if translations:
        found.extend(translation_entries())
    return sorted(found, key=lambda entry: entry.since_moment)


def translation_entries() -> list[Entry]:
    """One entry per language whose translations are missing, linking to its queue."""
    found = []
    missing = {code: 0 for code in ("fr", "es")}
    for row in coverage.coverage():
        for code in missing:
            missing[code] += row.missing[code]
    names = {"fr": _("French"), "es": _("Spanish")}
    for code, number in missing.items():
        if number:
            found.append(
                Entry(
                    "translations",
                    _("Missing translations"),
                    ngettext(
                        "%(language)s: %(count)d record lacks its text",
                        "%(language)s: %(count)d records lack their text",
                        number,
                    )
                    % {"count": number, "language": names[code]},
                    "",
                    None,
                    reverse("insight:translation-queue", kwargs={"language": code}),
                )
            )
    return found
