"""The figures of the dashboard and of the report to the CSD, computed from the records."""

import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation

from activities.models import STALE_AFTER, Activity, StatusChange
from discussions.models import Post, Topic
from members.models import Area, Member, Region, TermRenewal
from newsletter.models import Delivery, Edition, Subscriber

from . import failures
from .models import PageView

TYPES = [Member.Type.GOVERNMENT, Member.Type.IGO, Member.Type.MAJOR_GROUP]


def launched() -> datetime.date:
    return datetime.date.fromisoformat(settings.PARTNERSHIP_LAUNCHED)


def members_on(day: datetime.date):
    """Members of the partnership on `day`: joined by then and not yet left."""
    return Member.objects.filter(date_joined__lte=day).exclude(left_on__lte=day)


def by_type(members) -> dict:
    counts = Counter(dict(members.values_list("type").annotate(n=Count("pk")).order_by()))
    return {kind: counts.get(kind, 0) for kind in TYPES}


def membership_by_year(today=None) -> list[tuple[int, dict]]:
    """(year, members by type at the end of the year, or today for this year), from the launch."""
    today = today or timezone.localdate()
    rows = list(Member.objects.values_list("type", "date_joined", "left_on"))
    years = []
    for year in range(launched().year, today.year + 1):
        end = min(datetime.date(year, 12, 31), today)
        counts = Counter(
            kind for kind, joined, left in rows if joined <= end and (left is None or left > end)
        )
        years.append((year, {kind: counts.get(kind, 0) for kind in TYPES}))
    return years


def movements_by_year() -> list[tuple[int, int, int, int]]:
    """(year, joined, left, terms renewed) for every year with any of them."""
    joined = Counter(Member.objects.values_list("date_joined__year", flat=True))
    left = Counter(
        Member.objects.filter(left_on__isnull=False).values_list("left_on__year", flat=True)
    )
    renewed = Counter(TermRenewal.objects.values_list("renewed_on__year", flat=True))
    years = sorted(set(joined) | set(left) | set(renewed))
    return [(year, joined[year], left[year], renewed[year]) for year in years]


def current_breakdowns() -> dict:
    members = Member.objects.public()
    return {
        "regions": list(
            Region.objects.by_name().annotate(n=Count("members", filter=Q(members__in=members)))
        ),
        "sectors": [
            (label, count)
            for value, label in Member.Sector.choices
            if (count := members.filter(sector=value).count())
        ],
        "areas": list(
            Area.objects.by_name().annotate(n=Count("members", filter=Q(members__in=members)))
        ),
    }


def activity_figures(now=None) -> dict:
    now = now or timezone.now()
    open_activities = Activity.objects.exclude(
        status__in=[Activity.Status.COMPLETED, Activity.Status.CANCELLED]
    )
    return {
        "by_status": [
            (label, Activity.objects.filter(status=value).count())
            for value, label in Activity.Status.choices
        ],
        "by_area": list(Area.objects.by_name().annotate(n=Count("activities")).filter(n__gt=0)),
        "stalled": list(Activity.objects.filter(status=Activity.Status.STALLED).order_by("title")),
        "stale": list(
            open_activities.exclude(status=Activity.Status.STALLED)
            .filter(updated__lt=now - STALE_AFTER)
            .order_by("updated")
        ),
    }


def newsletter_figures(editions=6) -> dict:
    confirmed = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)
    languages = dict(confirmed.values_list("language").annotate(n=Count("pk")).order_by())
    recent = list(
        Edition.objects.filter(status__in=[Edition.Status.SENDING, Edition.Status.SENT])
        .annotate(
            deliveries_made=Count("deliveries"),
            sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
            deferred=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.DEFERRED)),
            failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        )
        .order_by("-month")[:editions]
    )
    edition_reach(recent)
    return {
        "total": confirmed.count(),
        "languages": [(name, languages.get(code, 0)) for code, name in settings.LANGUAGES],
        "regions": list(
            Region.objects.by_name().annotate(
                n=Count("subscribers", filter=Q(subscribers__status=Subscriber.Status.CONFIRMED))
            )
        ),
        # Those who did not say, counted apart rather than in a region.
        "region_not_said": confirmed.filter(region=None).count(),
        "editions": recent,
    }


def edition_reach(editions: list[Edition]) -> None:
    """Set on each of `editions` `views` (its page in the web archive, in any language),
    `views_by_language` ((language name, views) in each language), `unsubscribed`
    (subscribers who left by their own link between its sending and the next edition's, or
    until now for the last) and `bounced` (addresses the provider reported as bouncing or
    complaining in that time): two queries for all of them. No pixel, no rewritten link:
    only what the server sees anyway."""
    paths = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.update({edition.get_absolute_url(): (edition, code) for edition in editions})
    views = defaultdict(Counter)
    counted = PageView.objects.filter(path__in=paths).values_list("path").annotate(n=Sum("count"))
    for path, count in counted.order_by():
        edition, code = paths[path]
        views[edition.pk][code] += count
    started = sorted((e.started_at, e.pk) for e in editions if e.started_at is not None)
    left, bounced = Counter(), Counter()
    if started:
        gone = Subscriber.objects.filter(unsubscribed_at__gte=started[0][0]).values_list(
            "unsubscribed_at", "status"
        )
        for when, status in gone:
            # Counted for the last edition sent before the subscriber left.
            edition = [pk for start, pk in started if start <= when][-1]
            if status == Subscriber.Status.UNSUBSCRIBED:
                left[edition] += 1
            elif status in {Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED}:
                bounced[edition] += 1
    for edition in editions:
        edition.views = sum(views[edition.pk].values())
        edition.views_by_language = [
            (name, views[edition.pk][code]) for code, name in settings.LANGUAGES
        ]
        edition.unsubscribed = left[edition.pk]
        edition.bounced = bounced[edition.pk]


def failure_figures() -> dict:
    """What went wrong: newsletter deliveries that failed for good (all editions), those in
    doubt (claimed by a worker that has not reported back, as the edition's admin page counts
    them), and background tasks that failed in the last hour."""
    return {
        "deliveries_failed": Delivery.objects.filter(status=Delivery.Status.FAILED).count(),
        "deliveries_in_doubt": Delivery.objects.filter(claimed_until__isnull=False)
        .exclude(status=Delivery.Status.SENT)
        .count(),
        "tasks_failed": failures.failed_in_last_hour(),
    }


def months_back(count: int, today=None) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first, this month last."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def per_month(queryset, field: str, months: list[datetime.date]) -> list[int]:
    """How many of `queryset` fall in each of `months`, by the datetime `field`."""
    start = datetime.datetime.combine(months[0], datetime.time.min, tzinfo=datetime.UTC)
    counts = dict(
        queryset.filter(**{f"{field}__gte": start})
        .annotate(month=TruncMonth(field))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    normalised = {
        (key.date() if isinstance(key, datetime.datetime) else key): value
        for key, value in counts.items()
    }
    return [normalised.get(month, 0) for month in months]


def discussion_figures(months: list[datetime.date]) -> list[tuple]:
    posts = Post.objects.filter(deleted_at=None)
    rows = zip(
        months,
        per_month(Topic.objects.filter(space__consultation=None), "created_at", months),
        per_month(posts.filter(topic__space__consultation=None), "created_at", months),
        per_month(posts.filter(topic__space__consultation__isnull=False), "created_at", months),
        strict=True,
    )
    return list(rows)


def visits(months: list[datetime.date]) -> list[tuple]:
    """(month, views in each language, total) for `months`."""
    end = (months[-1] + datetime.timedelta(days=32)).replace(day=1)
    counts = defaultdict(Counter)
    rows = (
        PageView.objects.filter(day__gte=months[0], day__lt=end)
        .annotate(month=TruncMonth("day"))
        .values_list("month", "language")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for month, language, count in rows:
        month = month.date() if isinstance(month, datetime.datetime) else month
        counts[month][language] += count
    languages = [code for code, _name in settings.LANGUAGES]
    return [
        (month, [counts[month][code] for code in languages], sum(counts[month].values()))
        for month in months
    ]


# The report to the CSD, as of a date.


def activities_on(day: datetime.date) -> list[tuple[Activity, str]]:
    """Joint activities that had begun by `day` (a first status recorded), each with its
    status on that day."""
    end = datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)
    latest = StatusChange.objects.filter(activity=OuterRef("pk"), changed_at__lte=end).order_by(
        "-changed_at", "-pk"
    )
    activities = (
        Activity.objects.annotate(status_then=Subquery(latest.values("status")[:1]))
        .filter(status_then__isnull=False)
        .prefetch_related("areas")
        .order_by("title")
    )
    return [(activity, activity.status_then) for activity in activities]


def report(day: datetime.date) -> dict:
    members = members_on(day)
    types = by_type(members)
    at_launch = by_type(members_on(launched()))
    activities = activities_on(day)
    statuses = dict(Activity.Status.choices)
    areas = list(
        Area.objects.by_name().prefetch_related(
            Prefetch("leading_members", queryset=Member.objects.by_name())
        )
    )
    by_area = []
    for area in areas:
        counts = Counter(status for activity, status in activities if area in activity.areas.all())
        if counts:
            by_area.append((area, [(statuses[s], counts[s]) for s in statuses if counts[s]]))
    end = datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)
    recipients = Subscriber.objects.filter(confirmed_at__lte=end).exclude(unsubscribed_at__lte=end)
    months = months_back(12, day)
    return {
        "day": day,
        "types": types,
        "total": sum(types.values()),
        "at_launch": at_launch,
        "launch_total": sum(at_launch.values()),
        "launched": launched(),
        "areas": areas,
        "activities_by_area": by_area,
        "activities_by_status": [
            (statuses[s], n)
            for s, n in sorted(
                Counter(status for _a, status in activities).items(),
                key=lambda x: list(statuses).index(x[0]),
            )
        ],
        "recipients": list(
            Region.objects.by_name().annotate(
                n=Count("subscribers", filter=Q(subscribers__in=recipients))
            )
        ),
        "recipients_not_said": recipients.filter(region=None).count(),
        "recipients_total": recipients.count(),
        "visits": visits(months),
    }
