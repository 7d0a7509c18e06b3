"""Joint activities, the calendar, funding and news, from the reader's side."""

import datetime
import gzip
import html
import re
from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from activities.models import Activity, Event, News, Participation
from activities.services import activity_status_change
from members.models import Area, Member
from mountainpartnership.dates import date_format
from tests.factories import (
    ActivityFactory,
    AreaFactory,
    EventFactory,
    FundingOpportunityFactory,
    MemberFactory,
    NewsFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def listed(response):
    return [
        html.unescape(t)
        for t in re.findall(
            r"<li><(?:a|strong)[^>]*>(?:<a[^>]*>)?([^<]+)</a>", response.content.decode()
        )
    ]


@pytest.fixture
def andes():
    return AreaFactory(kind=Area.Kind.GEOGRAPHIC, slug="andes", name_en="Andes")


def test_activity_page_shows_where_it_stands_how_fresh_its_money_and_outputs(client, andes):
    lead = MemberFactory(name_en="CONDESAN")
    activity = ActivityFactory(
        title_en="Andean ecotourism feasibility study", title_es="Estudio de ecoturismo"
    )
    Participation.objects.create(activity=activity, member=lead, role="lead")
    activity.areas.add(andes)
    activity_status_change(
        activity=activity, status="under_way", when=timezone.now() - datetime.timedelta(days=400)
    )
    activity.funding.create(
        kind="seed", funder="Mountain Partnership secretariat", amount=15000, currency="USD"
    )
    activity.outputs.create(
        title_en="Case study: Bolivia", url="https://www.example.org/bolivia.pdf"
    )
    activity.milestones.create(
        title_en="Field visits", due_date=datetime.date(2005, 12, 31), responsible=lead
    )
    page = text(client.get(f"/en/activities/{activity.slug}/"))
    since = date_format(activity.status_since, "DATE_FORMAT")
    assert f"Under way</span> since {since}" in page
    assert "not updated for six months" in page
    assert "Seed money from the secretariat: Mountain Partnership secretariat, 15,000 USD" in (
        re.sub(r"<[^>]+>", "", page)
    )
    assert "Case study: Bolivia" in page and "Field visits" in page
    spanish = text(client.get(f"/es/activities/{activity.slug}/"))
    assert "Estudio de ecoturismo" in spanish and "En curso" in spanish
    area_page = text(client.get("/en/areas/andes/"))
    assert "Andean ecotourism feasibility study" in area_page
    member_page = text(client.get(f"/en/members/{lead.slug}/"))
    assert "Andean ecotourism feasibility study" in member_page


def test_stalled_or_cancelled_needs_a_reason_and_history_is_kept(client):
    activity = ActivityFactory()
    with pytest.raises(ValidationError):
        activity_status_change(activity=activity, status="stalled")
    activity.refresh_from_db()
    assert activity.status == "planning"
    activity_status_change(activity=activity, status="stalled", reason="No funds for the workshop.")
    page = text(client.get(f"/en/activities/{activity.slug}/"))
    assert "Stalled" in page and "No funds for the workshop." in page


def test_activity_filters_combine_and_bad_values_are_said(client, andes):
    europe = RegionFactory(slug="europe")
    italy = MemberFactory(slug="italy", region=europe)
    a = ActivityFactory(title_en="Alpine cooperation", status="under_way")
    Participation.objects.create(activity=a, member=italy, role="lead")
    b = ActivityFactory(title_en="Andean tourism", status="planning")
    b.areas.add(andes)
    assert listed(client.get("/en/activities/", {"geo": "andes"})) == ["Andean tourism"]
    assert listed(client.get("/en/activities/", {"region": "europe", "status": "under_way"})) == [
        "Alpine cooperation"
    ]
    assert listed(client.get("/en/activities/", {"member": "italy"})) == ["Alpine cooperation"]
    assert listed(client.get("/en/activities/", {"q": "ANDEAN"})) == ["Andean tourism"]
    response = client.get("/en/activities/", {"status": "asleep", "page": "x"})
    assert response.status_code == 200
    assert "“asleep” is not a known value for “Status”" in text(response)


def test_events_upcoming_first_past_on_their_own_page_in_the_events_zone(client):
    EventFactory(
        title_en="Old meeting",
        starts_at=timezone.now() - datetime.timedelta(days=400),
        ends_at=timezone.now() - datetime.timedelta(days=399),
    )
    event = EventFactory(
        title_en="Ecotourism workshop",
        title_es="Taller de ecoturismo",
        starts_at=datetime.datetime(2031, 3, 10, 13, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2031, 3, 10, 21, 0, tzinfo=datetime.UTC),
        timezone="America/La_Paz",
    )
    upcoming = text(client.get("/es/events/"))
    assert "Taller de ecoturismo" in upcoming and "Old meeting" not in upcoming
    assert "Old meeting" in text(client.get("/es/events/past/"))
    detail = text(client.get(f"/en/events/{event.slug}/"))
    assert "10 March 2031, 09:00" in detail and "America/La Paz" in detail


def test_ics_feed_is_valid_rfc_5545_with_the_events_own_zone(client, andes):
    event = EventFactory(title_en="Andes workshop", timezone="America/La_Paz")
    event.areas.add(andes)
    EventFactory(title_en="Elsewhere")
    response = client.get("/en/events.ics", {"geo": "andes"})
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Andes workshop"]
    start = events[0].decoded("dtstart")
    assert str(start.tzinfo) == "America/La_Paz"
    assert start == event.starts_at.replace(microsecond=0)
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "America/La_Paz"
    assert b"\r\n" in response.content
    one = Calendar.from_ical(client.get(f"/es/events/{event.slug}/event.ics").content)
    assert len(one.walk("VEVENT")) == 1
    assert client.get("/en/events.ics", {"geo": "atlantis"}).status_code == 200


def test_funding_lists_open_calls_by_deadline_with_filters(client):
    africa = RegionFactory(slug="africa")
    FundingOpportunityFactory(
        title_en="Expired call", deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    later = FundingOpportunityFactory(
        title_en="Later call",
        deadline=timezone.localdate() + datetime.timedelta(days=90),
        for_major_groups=True,
    )
    later.regions.add(africa)
    FundingOpportunityFactory(
        title_en="Sooner call",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        for_major_groups=False,
        for_governments=True,
    )
    page = text(client.get("/en/funding/"))
    assert "Expired call" not in page
    assert page.index("Sooner call") < page.index("Later call")
    ngos_in_africa = text(client.get("/en/funding/", {"type": "major_group", "region": "africa"}))
    assert "Later call" in ngos_in_africa and "Sooner call" not in ngos_in_africa


def test_news_list_detail_and_atom_feed_show_published_posts_only(client):
    NewsFactory(title_en="Report to CSD-14", title_fr="Rapport à la CDD-14")
    draft = NewsFactory(title_en="Member draft", status=News.Status.DRAFT)
    page = text(client.get("/fr/news/"))
    assert "Rapport à la CDD-14" in page and "Member draft" not in page
    assert client.get(f"/en/news/{draft.slug}/").status_code == 404
    feed = client.get("/fr/news/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "Rapport à la CDD-14" in feed.content.decode()
    assert "Member draft" not in feed.content.decode()


def test_the_atom_feed_gives_member_text_as_plain_text_never_as_markup(client):
    """A feed reader shows `type="html"` text as HTML: a summary typed as markup would run."""
    attack = '<img src=x onerror="alert(document.cookie)">'
    NewsFactory(title_en="<b>Bold</b> claims", summary_en=f"Read this {attack}")
    feed = ElementTree.fromstring(client.get("/en/news/feed/").content)
    atom = "{http://www.w3.org/2005/Atom}"
    entry = feed.find(f"{atom}entry")
    summary = entry.find(f"{atom}summary")
    assert summary.get("type") == "text"
    assert summary.text == f"Read this {attack}"
    assert entry.find(f"{atom}title").text == "<b>Bold</b> claims"
    # Nothing in the feed is declared HTML (or XHTML): readers show every text as typed.
    assert {element.get("type", "text") for element in feed.iter()} <= {
        "text",
        "application/atom+xml",
        "text/html",  # a link's type, not text to render
    }


@pytest.mark.parametrize(
    "url",
    [
        "/en/activities/",
        "/en/events/",
        "/en/events/past/",
        "/en/funding/",
        "/en/news/",
        "/en/events.ics",
    ],
)
def test_list_pages_issue_a_fixed_number_of_queries(client, andes, url):
    def make(count):
        for n in range(count):
            member = MemberFactory()
            activity = ActivityFactory()
            Participation.objects.create(activity=activity, member=member, role="lead")
            activity.areas.add(andes)
            event = EventFactory(
                starts_at=timezone.now() + datetime.timedelta(days=n + 1)
                if n % 2
                else timezone.now() - datetime.timedelta(days=n + 2)
            )
            event.organisers.add(member)
            FundingOpportunityFactory().areas.add(andes)
            NewsFactory(member=member)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make(4)
    few = queries()
    make(30)
    assert queries() == few


def test_list_pages_of_50_weigh_under_30_kb_gzipped(client, andes):
    for n in range(55):
        member = MemberFactory()
        activity = ActivityFactory(title_en=f"A rather long joint activity title number {n}")
        Participation.objects.create(activity=activity, member=member, role="lead")
        EventFactory(title_en=f"Workshop on mountain matters {n}").organisers.add(member)
        FundingOpportunityFactory(description_en="A description of the call. " * 5)
        NewsFactory()
    with open(finders.find("mountainpartnership/site.css"), "rb") as css:
        css_weight = len(gzip.compress(css.read()))
    for url in ["/es/activities/", "/es/events/", "/es/funding/", "/es/news/"]:
        response = client.get(url)
        weight = len(gzip.compress(response.content)) + css_weight
        assert weight < 30 * 1024, (url, weight)
        assert "<script" not in response.content.decode()


def test_bad_slugs_are_404s_in_the_readers_language(client):
    for url in [
        "/fr/activities/nope/",
        "/fr/events/nope/",
        "/fr/news/nope/",
        "/fr/events/nope/event.ics",
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Page introuvable" in text(response)
    assert Member and Event and Activity
