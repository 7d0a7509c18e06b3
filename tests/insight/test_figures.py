"""The figures of the dashboard and of the report to the CSD (insight/figures.py), each on a
few records made for it, with the days on which a count changes."""

import datetime

import pytest
from django.utils import timezone, translation

from activities.models import STALE_AFTER, Activity, StatusChange
from discussions.models import Post, Topic
from insight import figures
from insight.models import PageView
from members.models import Area, Member, TermRenewal
from newsletter.models import Delivery, Edition, Subscriber
from tests.conftest import verified_user
from tests.factories import (
    ActivityFactory,
    AreaFactory,
    MemberFactory,
    RegionFactory,
    TopicFactory,
    UserFactory,
    consultation_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """Titles sort, and labels read, in the reader's language: English here."""
    with translation.override("en"):
        yield


GOV, IGO, MAJOR = Member.Type.GOVERNMENT, Member.Type.IGO, Member.Type.MAJOR_GROUP
date = datetime.date


def utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


JOINED = date(2003, 1, 1)


def member(kind=GOV, joined=JOINED, left=None, **fields):
    if left is not None:
        fields.update(status=Member.Status.WITHDRAWN, left_on=left)
    if kind == MAJOR:
        fields.setdefault("sector", Member.Sector.NGO)
    return MemberFactory(type=kind, date_joined=joined, **fields)


def counts(**by_type):
    return {GOV: by_type.get("gov", 0), IGO: by_type.get("igo", 0), MAJOR: by_type.get("mg", 0)}


def test_membership_by_year_counts_the_members_at_each_year_end_from_the_launch():
    member(GOV, date(2002, 10, 1))
    member(GOV, date(2002, 12, 31), left=date(2004, 12, 31))  # gone on the last day of 2004
    member(IGO, date(2003, 12, 31))  # in on the last day of 2003
    member(MAJOR, date(2004, 1, 1))
    member(GOV, date(2005, 7, 1))  # after "today"
    years = figures.membership_by_year(today=date(2005, 6, 30))
    assert years == [
        (2002, counts(gov=2)),
        (2003, counts(gov=2, igo=1)),
        (2004, counts(gov=1, igo=1, mg=1)),
        (2005, counts(gov=1, igo=1, mg=1)),  # as of today, not the end of 2005
    ]


def test_membership_this_year_is_counted_as_of_today():
    member(GOV, date(2002, 10, 1))
    member(IGO, date(2006, 3, 1))
    member(GOV, date(2002, 10, 1), left=date(2006, 2, 1))
    assert figures.membership_by_year(today=date(2006, 2, 28))[-1] == (2006, counts(gov=1))
    assert figures.membership_by_year(today=date(2006, 3, 1))[-1] == (2006, counts(gov=1, igo=1))


def test_members_on_a_day_are_those_joined_by_then_and_not_yet_gone():
    joined_that_day = member(GOV, date(2004, 5, 1))
    left_that_day = member(IGO, date(2003, 1, 1), left=date(2004, 5, 1))
    left_the_day_after = member(MAJOR, date(2003, 1, 1), left=date(2004, 5, 2))
    member(GOV, date(2004, 5, 2))
    on = figures.members_on(date(2004, 5, 1))
    assert set(on) == {joined_that_day, left_the_day_after}
    assert left_that_day not in figures.members_on(date(2004, 5, 1))
    assert figures.by_type(on) == counts(gov=1, mg=1)
    assert figures.by_type(Member.objects.none()) == counts()


def test_movements_by_year_gives_joined_left_and_renewed_for_each_year_with_any():
    first = member(GOV, date(2003, 2, 1))
    member(IGO, date(2003, 6, 1), left=date(2007, 1, 1))
    member(GOV, date(2005, 1, 1), left=date(2007, 5, 1))
    TermRenewal.objects.create(
        member=first, renewed_on=date(2009, 3, 1), term_ends=date(2013, 3, 1)
    )
    TermRenewal.objects.create(
        member=first, renewed_on=date(2009, 4, 1), term_ends=date(2014, 3, 1)
    )
    assert figures.movements_by_year() == [
        (2003, 2, 0, 0),
        (2005, 1, 0, 0),
        (2007, 0, 2, 0),
        (2009, 0, 0, 2),
    ]


def test_current_breakdowns_count_the_public_members_by_region_sector_and_area():
    # Listed by name in the reader's language, whatever their slugs and positions.
    second = RegionFactory(slug="b-second", name_en="Zambezi", position=2)
    first = RegionFactory(slug="z-first", name_en="Europe", position=1)
    also_first = RegionFactory(slug="a-first", name_en="Éire", position=1)
    # Geographic areas come before thematic ones, each by name, whatever their slugs.
    water = AreaFactory(slug="water", name_en="Watershed management", kind=Area.Kind.THEMATIC)
    andes = AreaFactory(slug="zagros-andes", name_en="Andes", kind=Area.Kind.GEOGRAPHIC)
    AreaFactory(slug="biodiversity", name_en="Biodiversity", kind=Area.Kind.THEMATIC)
    member(GOV, region=first).areas.set([andes, water])
    member(MAJOR, region=first, sector=Member.Sector.PRIVATE).areas.set([andes])
    member(MAJOR, region=second, sector=Member.Sector.PRIVATE)
    member(MAJOR, region=second, sector=Member.Sector.NGO, left=date(2005, 1, 1)).areas.set([water])
    breakdowns = figures.current_breakdowns()
    assert [(region.slug, region.n) for region in breakdowns["regions"]] == [
        ("a-first", 0),
        ("z-first", 2),
        ("b-second", 1),
    ]  # "Éire" sorts among the Es, before "Europe"
    assert also_first in breakdowns["regions"]
    assert breakdowns["sectors"] == [("Private sector", 2)]  # none left in the NGO sector
    assert [(area.slug, area.n) for area in breakdowns["areas"]] == [
        ("zagros-andes", 2),
        ("biodiversity", 0),
        ("water", 1),
    ]


def test_activity_figures_count_by_status_and_area_and_name_the_stalled_and_the_stale():
    now = utc(2026, 6, 1, 12)
    water = AreaFactory(slug="water", name_en="Water", kind=Area.Kind.THEMATIC)
    andes = AreaFactory(slug="zagros-andes", name_en="Andes", kind=Area.Kind.GEOGRAPHIC)
    AreaFactory(slug="empty", name_en="Empty", kind=Area.Kind.THEMATIC)
    forests = AreaFactory(slug="forests", name_en="Forests", kind=Area.Kind.THEMATIC)

    def activity(title, status, updated=now, areas=()):
        made = ActivityFactory(title_en=title, status=status, updated=updated)
        made.areas.set(areas)
        return made

    long_ago = now - STALE_AFTER - datetime.timedelta(seconds=1)
    stale_old = activity(
        "Old plan", Activity.Status.PLANNING, long_ago - datetime.timedelta(days=9)
    )
    stale = activity("Quiet work", Activity.Status.UNDER_WAY, long_ago, [andes])
    activity("Just in time", Activity.Status.UNDER_WAY, now - STALE_AFTER, [andes, water])
    activity("Recent", Activity.Status.PROPOSED, now, [water, forests])
    activity("Done long ago", Activity.Status.COMPLETED, long_ago)
    activity("Dropped long ago", Activity.Status.CANCELLED, long_ago)
    stalled_b = activity("B stalled", Activity.Status.STALLED, long_ago)
    stalled_a = activity("A stalled", Activity.Status.STALLED, now)
    found = figures.activity_figures(now=now)
    assert found["by_status"] == [
        ("Proposed", 1),
        ("Planning", 1),
        ("Workplan agreed", 0),
        ("Under way", 2),
        ("Completed", 1),
        ("Stalled", 2),
        ("Cancelled", 1),
    ]
    assert [(area.slug, area.n) for area in found["by_area"]] == [
        ("zagros-andes", 2),
        ("forests", 1),
        ("water", 2),
    ]
    assert found["stalled"] == [stalled_a, stalled_b]
    assert found["stale"] == [stale_old, stale]


def test_activity_figures_are_as_of_now_by_default():
    old = ActivityFactory(status=Activity.Status.PLANNING, updated=timezone.now() - STALE_AFTER * 2)
    ActivityFactory(status=Activity.Status.PLANNING)
    assert figures.activity_figures()["stale"] == [old]


def test_newsletter_figures_count_confirmed_subscribers_and_recent_editions():
    # Listed by name in the reader's language, not by position or slug.
    europe = RegionFactory(slug="europe", name_en="Europe", position=1)
    africa = RegionFactory(slug="africa", name_en="Africa", position=2)
    asia = RegionFactory(slug="a-asia", name_en="Asia", position=2)

    def subscriber(email, language="en", region=europe, status=Subscriber.Status.CONFIRMED):
        return Subscriber.objects.create(
            email=email, language=language, region=region, status=status
        )

    a = subscriber("a@example.org", "fr")
    b = subscriber("b@example.org", "fr", africa)
    c = subscriber("c@example.org", "en")
    subscriber("d@example.org", "es", status=Subscriber.Status.PENDING)
    subscriber("e@example.org", "es", africa, status=Subscriber.Status.UNSUBSCRIBED)
    editions = {
        month: Edition.objects.create(month=date(2026, month, 1), status=status)
        for month, status in [(1, "sent"), (2, "sent"), (3, "sending"), (4, "ready"), (5, "draft")]
    }
    for person, status in [(a, "sent"), (b, "deferred"), (c, "failed")]:
        Delivery.objects.create(
            edition=editions[3],
            subscriber=person,
            language=person.language,
            region=person.region,
            status=status,
            message_id=f"<{person.pk}>",
        )
    Delivery.objects.create(
        edition=editions[2], subscriber=a, language="fr", region=europe, status="sent"
    )
    found = figures.newsletter_figures(editions=2)
    assert found["total"] == 3
    assert found["languages"] == [("English", 1), ("French", 2), ("Spanish", 0)]
    assert [(region.slug, region.n) for region in found["regions"]] == [
        ("africa", 1),
        ("a-asia", 0),
        ("europe", 2),
    ]
    assert asia in found["regions"]
    assert found["editions"] == [editions[3], editions[2]]
    march, february = found["editions"]
    assert (march.sent, march.deferred, march.failed) == (1, 1, 1)
    assert (february.sent, february.deferred, february.failed) == (1, 0, 0)
    assert len(figures.newsletter_figures()["editions"]) == 3
    for month in range(6, 12):
        Edition.objects.create(month=date(2026, month, 1), status="sent")
    assert len(figures.newsletter_figures()["editions"]) == 6  # six at most by default


def test_months_back_gives_the_first_days_of_the_last_months_oldest_first():
    assert figures.months_back(3, date(2026, 3, 31)) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert figures.months_back(2, date(2026, 1, 1)) == [date(2025, 12, 1), date(2026, 1, 1)]
    assert figures.months_back(1, date(2024, 3, 1)) == [date(2024, 3, 1)]
    this_month = timezone.localdate().replace(day=1)
    assert figures.months_back(1) == [this_month]


def test_discussion_figures_count_topics_and_posts_per_month_apart_from_consultations():
    months = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    author = UserFactory()
    general = TopicFactory(created_at=utc(2026, 1, 10), author=author)
    TopicFactory(created_at=utc(2026, 3, 31, 23, 59), author=author)
    TopicFactory(created_at=utc(2025, 12, 31, 23, 59), author=author)  # before the months

    def post(topic, when, deleted=False):
        return Post.objects.create(
            topic=topic,
            author=author,
            body="x",
            language="en",
            created_at=when,
            deleted_at=when if deleted else None,
        )

    post(general, utc(2026, 1, 1, 0, 0))
    post(general, utc(2026, 2, 14))
    post(general, utc(2026, 2, 15), deleted=True)
    post(general, utc(2025, 12, 31, 23, 59))
    moderator = verified_user()
    consultation = consultation_for("open", moderator)
    post(consultation.topic, utc(2026, 2, 20))
    post(consultation.topic, utc(2026, 3, 2))
    TopicFactory(space=consultation.space, created_at=utc(2026, 3, 3), author=author)
    assert figures.discussion_figures(months) == [
        (date(2026, 1, 1), 1, 1, 0),
        (date(2026, 2, 1), 0, 1, 1),
        (date(2026, 3, 1), 1, 0, 1),
    ]


def test_per_month_counts_by_the_given_date_field():
    months = [date(2026, 1, 1), date(2026, 2, 1)]
    author = UserFactory()
    TopicFactory(created_at=utc(2026, 1, 5), last_posted_at=utc(2026, 2, 5), author=author)
    topics = Topic.objects.all()
    assert figures.per_month(topics, "created_at", months) == [1, 0]
    assert figures.per_month(topics, "last_posted_at", months) == [0, 1]


def test_visits_count_page_views_per_month_and_language_with_a_total():
    months = [date(2026, 1, 1), date(2026, 2, 1)]
    for day, language, count in [
        (date(2025, 12, 31), "en", 100),  # before
        (date(2026, 1, 1), "en", 3),
        (date(2026, 1, 31), "fr", 2),
        (date(2026, 1, 15), "fr", 1),
        (date(2026, 2, 28), "es", 5),
        (date(2026, 3, 1), "es", 100),  # after
    ]:
        PageView.objects.create(day=day, path=f"/{language}/{day}/", language=language, count=count)
    assert figures.visits(months) == [
        (date(2026, 1, 1), [3, 3, 0], 6),
        (date(2026, 2, 1), [0, 0, 5], 5),
    ]


def status_on(activity, status, when):
    StatusChange.objects.create(activity=activity, status=status, changed_at=when)


def test_activities_on_a_day_have_the_status_they_had_then():
    day = date(2006, 4, 1)
    begun = ActivityFactory(title_en="B begun", status=Activity.Status.COMPLETED)
    status_on(begun, Activity.Status.PLANNING, utc(2005, 1, 1))
    status_on(begun, Activity.Status.UNDER_WAY, utc(2006, 4, 1, 23, 59, 59))  # that very day
    status_on(begun, Activity.Status.COMPLETED, utc(2006, 4, 2))
    later = ActivityFactory(title_en="C later")
    status_on(later, Activity.Status.PLANNING, utc(2006, 4, 2))
    ActivityFactory(title_en="D never begun")
    recorded_late = ActivityFactory(title_en="E recorded late")
    status_on(recorded_late, Activity.Status.UNDER_WAY, utc(2006, 3, 1))
    status_on(recorded_late, Activity.Status.PLANNING, utc(2005, 1, 1))  # entered afterwards
    same_time = ActivityFactory(title_en="A same time")
    status_on(same_time, Activity.Status.PROPOSED, utc(2006, 1, 1))
    status_on(same_time, Activity.Status.STALLED, utc(2006, 1, 1))  # recorded last
    assert figures.activities_on(day) == [
        (same_time, Activity.Status.STALLED),
        (begun, Activity.Status.UNDER_WAY),
        (recorded_late, Activity.Status.UNDER_WAY),
    ]


def test_the_report_gives_the_partnership_on_its_day(settings):
    day = date(2006, 4, 1)
    europe = RegionFactory(slug="europe", name_en="Europe", position=1)
    africa = RegionFactory(slug="africa", name_en="Africa", position=2)
    water = AreaFactory(slug="water", name_en="Water", kind=Area.Kind.THEMATIC)
    andes = AreaFactory(slug="zagros-andes", name_en="Andes", kind=Area.Kind.GEOGRAPHIC)
    lead = member(GOV, date(2002, 9, 4), region=europe)  # at the launch
    andes.leading_members.set([lead])
    member(IGO, date(2002, 9, 5), region=africa)  # the day after
    member(MAJOR, date(2004, 1, 1), left=date(2006, 4, 1), region=africa)  # gone that day
    member(MAJOR, date(2005, 1, 1), region=africa)
    member(GOV, date(2006, 4, 2), region=africa)  # too late
    first = ActivityFactory(title_en="First")
    first.areas.set([andes, water])
    status_on(first, Activity.Status.UNDER_WAY, utc(2005, 1, 1))
    second = ActivityFactory(title_en="Second")
    second.areas.set([andes])
    status_on(second, Activity.Status.PLANNING, utc(2005, 1, 1))
    third = ActivityFactory(title_en="Third")
    third.areas.set([andes])
    status_on(third, Activity.Status.PLANNING, utc(2005, 2, 1))
    fourth = ActivityFactory(title_en="Fourth")
    fourth.areas.set([water])
    status_on(fourth, Activity.Status.COMPLETED, utc(2005, 3, 1))
    fifth = ActivityFactory(title_en="Fifth")
    fifth.areas.set([water])
    status_on(fifth, Activity.Status.PROPOSED, utc(2005, 3, 1))
    tied = RegionFactory(slug="a-asia", name_en="Asia", position=2)  # made last, listed by name

    def subscriber(email, region, confirmed, unsubscribed=None):
        Subscriber.objects.create(
            email=email,
            language="en",
            region=region,
            confirmed_at=confirmed,
            unsubscribed_at=unsubscribed,
        )

    subscriber("a@example.org", europe, utc(2006, 4, 1, 23))
    subscriber("b@example.org", europe, utc(2005, 1, 1), unsubscribed=utc(2006, 4, 2))
    subscriber("c@example.org", africa, utc(2005, 1, 1), unsubscribed=utc(2006, 4, 1))
    subscriber("d@example.org", africa, utc(2006, 4, 2))
    subscriber("e@example.org", africa, None)
    PageView.objects.create(day=date(2006, 4, 1), path="/fr/", language="fr", count=7)
    PageView.objects.create(day=date(2005, 4, 30), path="/fr/", language="fr", count=9)

    report = figures.report(day)
    assert report["day"] == day and report["launched"] == date(2002, 9, 4)
    assert report["types"] == counts(gov=1, igo=1, mg=1) and report["total"] == 3
    assert report["at_launch"] == counts(gov=1) and report["launch_total"] == 1
    assert report["areas"] == [andes, water]
    assert list(report["areas"][0].leading_members.all()) == [lead]
    assert report["activities_by_area"] == [
        (andes, [("Planning", 2), ("Under way", 1)]),
        (water, [("Proposed", 1), ("Under way", 1), ("Completed", 1)]),
    ]
    assert report["activities_by_status"] == [
        ("Proposed", 1),
        ("Planning", 2),
        ("Under way", 1),
        ("Completed", 1),
    ]
    assert [(region.slug, region.n) for region in report["recipients"]] == [
        ("africa", 0),
        ("a-asia", 0),
        ("europe", 2),
    ]
    assert tied in report["recipients"]
    assert report["recipients_total"] == 2
    assert len(report["visits"]) == 12
    assert report["visits"][0] == (date(2005, 5, 1), [0, 0, 0], 0)
    assert report["visits"][-1] == (date(2006, 4, 1), [0, 7, 0], 7)


def test_each_edition_counts_its_views_on_the_web_and_who_left_after_it():
    def at(day):
        return datetime.datetime(2026, 3, day, 9, tzinfo=datetime.UTC)

    february = Edition.objects.create(month=date(2026, 2, 1), status="sent", started_at=at(1))
    march = Edition.objects.create(month=date(2026, 3, 1), status="sent", started_at=at(10))
    for path, count in [
        ("/en/newsletter/2026-02/", 5),
        ("/fr/newsletter/2026-02/", 2),
        ("/es/newsletter/2026-03/", 4),
        ("/en/newsletter/", 100),  # the archive's list is no edition's
    ]:
        PageView.objects.create(day=date(2026, 3, 2), path=path, language="en", count=count)
    for n, left in enumerate([at(1) - datetime.timedelta(hours=1), at(2), at(9), at(11)]):
        Subscriber.objects.create(
            email=f"gone{n}@example.org",
            language="en",
            status=Subscriber.Status.UNSUBSCRIBED,
            unsubscribed_at=left,
        )
    found = {edition.pk: edition for edition in figures.newsletter_figures()["editions"]}
    assert (found[february.pk].views, found[march.pk].views) == (7, 4)
    # Left before February's sending: neither's; on the 2nd and the 9th: February's.
    assert (found[february.pk].unsubscribed, found[march.pk].unsubscribed) == (2, 1)
