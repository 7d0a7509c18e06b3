"""Signs of life from members (§27: mobilising inactive members and focal points).

A sign of life is anything a member's people do that the portal sees: a change to its record,
a post in the discussions, an update to an activity it takes part in, a newsletter item or
news it sends, an event it organises, a representative signing in, its record confirmed, its
term renewed. Each source is one subquery; a page of members costs a fixed number of queries.
"""

import dataclasses
import datetime

from django.conf import settings
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from activities.models import Activity, Event, News
from discussions.models import Post
from members.models import Member, TermRenewal, User
from newsletter.models import Item, Subscriber

from .models import Nudge

# A dormant member's focal point hears from the secretariat at most this often.
NUDGE_EVERY = datetime.timedelta(days=30)


def members_own_changes():
    """Changes to member records in their history, but for the secretariat's own and the
    record's creation."""
    return Member.history.exclude(history_type="+").filter(
        Q(history_user=None) | Q(history_user__is_staff=False)
    )


# name → (model, or a function giving the rows, the member it belongs to, its moment)
SOURCES = {
    "record": (members_own_changes, "id", "history_date"),
    "post": (Post, "member", "created_at"),
    "activity": (Activity, "participations__member", "updated"),
    "item": (Item, "member", "created"),
    "news": (News, "member", "published_at"),
    "event": (Event, "organisers", "created"),
    "login": (User, "representations__member", "last_login"),
    "renewal": (TermRenewal, "member", "renewed_on"),
}


def _rows(source):
    return source._default_manager.all() if isinstance(source, type) else source()


def _latest(model, member_path, moment):
    return Subquery(
        _rows(model)
        .filter(**{member_path: OuterRef("pk")})
        .order_by()
        .values(member_path)
        .annotate(latest=Max(moment))
        .values("latest")[:1]
    )


def _count_since(model, member_path, moment, since):
    return Coalesce(
        Subquery(
            _rows(model)
            .filter(**{member_path: OuterRef("pk"), f"{moment}__gte": since})
            .order_by()
            .values(member_path)
            .annotate(n=Count("pk", distinct=True))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def with_signs_of_life(members, now=None):
    """`members` annotated with the latest moment of each source and the count of each over
    the last 12 months."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=365)
    annotations = {}
    for name, (model, path, moment) in SOURCES.items():
        annotations[f"last_{name}"] = _latest(model, path, moment)
        annotations[f"count_{name}"] = _count_since(
            model, path, moment, since.date() if name == "renewal" else since
        )
    last_nudge = Nudge.objects.filter(member=OuterRef("pk")).order_by("-sent_at")
    return members.annotate(**annotations, last_contact=Subquery(last_nudge.values("sent_at")[:1]))


def as_datetime(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time(12), tzinfo=datetime.UTC)


@dataclasses.dataclass
class Engagement:
    member: Member
    last_sign: datetime.datetime | None
    last_kind: str
    signs_12_months: int
    last_contact: datetime.datetime | None

    @property
    def nudge_due(self) -> bool:
        """Whether a nudge may go now (none in the last NUDGE_EVERY)."""
        return self.last_contact is None or self.last_contact <= timezone.now() - NUDGE_EVERY


def engagement(member) -> Engagement:
    """Read the annotations of `with_signs_of_life` for one member."""
    moments = {name: as_datetime(getattr(member, f"last_{name}")) for name in SOURCES} | {
        "confirmed": member.record_confirmed_at
    }
    known = {name: moment for name, moment in moments.items() if moment}
    last_kind = max(known, key=known.get) if known else ""
    count = sum(getattr(member, f"count_{name}") for name in SOURCES)
    year_ago = timezone.now() - datetime.timedelta(days=365)
    if member.record_confirmed_at and member.record_confirmed_at >= year_ago:
        count += 1
    return Engagement(
        member=member,
        last_sign=known.get(last_kind),
        last_kind=last_kind,
        signs_12_months=count,
        last_contact=member.last_contact,
    )


def dormant_members(months=None, now=None) -> list[Engagement]:
    """Public members with no sign of life for `months` (DORMANT_MONTHS), longest silent first."""
    now = now or timezone.now()
    months = settings.DORMANT_MONTHS if months is None else months
    limit = now - datetime.timedelta(days=round(months * 30.44))
    members = with_signs_of_life(
        Member.objects.public().select_related("region").with_current_focal_point(), now
    )
    found = [engagement(member) for member in members]
    dormant = [item for item in found if item.last_sign is None or item.last_sign < limit]
    oldest = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return sorted(dormant, key=lambda item: (item.last_sign or oldest, item.member.name))


def unconfirmed_focal_points(now=None):
    """Members whose record (and focal point) nobody confirmed in the last year."""
    now = now or timezone.now()
    return (
        Member.objects.public()
        .filter(
            Q(record_confirmed_at__isnull=True)
            | Q(record_confirmed_at__lt=now - datetime.timedelta(days=365))
        )
        .with_current_focal_point()
        .order_by("record_confirmed_at", "name")
    )


def bouncing_focal_points():
    """Current focal points whose address the newsletter's provider reported as bouncing."""
    from members.models import FocalPoint

    bounced = Subscriber.objects.filter(status=Subscriber.Status.BOUNCED).values(
        address=Lower("email")
    )
    return (
        FocalPoint.objects.current()
        .annotate(address=Lower("email"))
        .filter(address__in=bounced)
        .select_related("member")
        .order_by("member__name")
    )
