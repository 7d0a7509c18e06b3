"""The demo keeps its 2006 history and continues it to the day it is loaded: nothing in it
looks abandoned to a visitor today."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from activities.models import Activity, Event, FundingOpportunity, News
from discussions.models import Consultation, Space
from members.demo import dated
from members.demo.pictures import LANDSCAPE_SIZE, LOGO_SIZE, initials, landscape, logo
from members.models import Member
from mountainpartnership.pictures import renditions
from newsletter.models import Delivery, Edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddemo", verbosity=0)


def test_the_report_to_the_csd_of_april_2006_still_reads_as_it_did(demo, secretariat_client):
    page = secretariat_client.get("/en/dashboard/report/?date=2006-04-01").content.decode()
    assert (
        "46 Governments, 14 intergovernmental organisations and 73 major group organisations: "
        "133 members in all." in page
    )


def test_members_have_joined_since_2006_in_every_region_and_some_have_a_logo(demo):
    since = Member.objects.filter(date_joined__gt=datetime.date(2006, 4, 7))
    assert since.count() >= 12
    assert since.values("region").distinct().count() == 5
    assert since.values("sector").distinct().count() >= 4
    assert since.filter(date_joined__gte=timezone.localdate() - datetime.timedelta(days=90))
    with_logo = Member.objects.exclude(logo="")
    assert with_logo.count() >= 6
    for member in with_logo:
        assert (member.logo_width, member.logo_height) == (LOGO_SIZE, LOGO_SIZE)
        assert member.logo.read().startswith(b"\x89PNG")


def test_no_activity_shows_the_stale_notice_or_counts_its_years(demo, client):
    assert Activity.objects.count() >= 10
    assert not [activity.slug for activity in Activity.objects.all() if activity.is_stale]
    assert "not updated for six months" not in client.get("/en/activities/").content.decode()
    for activity in Activity.objects.all():
        page = client.get(activity.get_absolute_url()).content.decode()
        assert "not updated for six months" not in page, activity.slug
        assert not re.search(r"for \d+ years", page), activity.slug
    # Activities that run today were updated this year, several with a recent status change.
    running = Activity.objects.exclude(status__in=["completed", "cancelled"])
    year_ago = timezone.now() - datetime.timedelta(days=365)
    assert running.count() >= 4 and not running.filter(updated__lt=year_ago).exists()
    assert running.filter(status_since__gte=year_ago).count() >= 3
    for activity in Activity.objects.filter(status="stalled"):
        assert activity.status_reason_en and activity.status_reason_fr and activity.status_reason_es


def test_the_status_reads_since_a_date_in_each_language(demo, client):
    slug = "central-asia-community-governance"
    since = Activity.objects.get(slug=slug).status_since.date()
    assert (
        f"Under way</span> since {since.day} "
        in client.get(f"/en/activities/{slug}/").content.decode()
    )
    assert "</span> depuis le " in client.get(f"/fr/activities/{slug}/").content.decode()
    assert "</span> desde el " in client.get(f"/es/activities/{slug}/").content.decode()
    # A status that is over was reached on its date.
    over = Activity.objects.filter(status="completed").first()
    day = over.status_since.date().day
    page = client.get(f"/en/activities/{over.slug}/").content.decode()
    assert f"Completed</span> on {day} " in page and "since" not in page.split("Completed")[1][:30]
    page = client.get(f"/fr/activities/{over.slug}/").content.decode()
    assert "</span> le " in page


def test_the_home_page_shows_last_weeks_news_and_coming_events(demo, client):
    now = timezone.now()
    latest = News.objects.published()[:3]
    assert all(news.published_at > now - datetime.timedelta(days=30) for news in latest)
    month = News.objects.published().filter(published_at__gte=now - datetime.timedelta(days=30))
    assert month.count() >= 4  # several a month
    coming = Event.objects.filter(starts_at__gt=now)
    assert coming.count() >= 5
    assert coming.filter(starts_at__lt=now + datetime.timedelta(days=60)).count() >= 3
    for event in coming.filter(
        slug__in=["webinar-paramo-water-funds", "global-meeting-of-members-rome"]
    ):
        assert event.starts_at.astimezone(datetime.UTC).date() > timezone.localdate()
    page = client.get("/en/").content.decode()
    assert latest[0].title in page
    assert Event.objects.upcoming()[0].title in page
    assert FundingOpportunity.objects.open().count() >= 5


def test_two_editions_were_sent_through_the_services_without_mailing_anyone(demo, client):
    sent = Edition.objects.filter(status=Edition.Status.SENT)
    assert sent.count() == 2 and not Delivery.objects.exists()
    this_month = timezone.localdate().replace(day=1)
    assert all(edition.month < this_month for edition in sent)
    archive = client.get("/en/newsletter/").content.decode()
    for edition in sent:
        assert edition.get_absolute_url() in archive
        page = client.get(edition.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
        assert page.status_code == 200 and edition.items.count() == 3


def test_most_spaces_have_topics_and_a_consultation_is_open(demo, client):
    spaces = Space.objects.all()
    with_topics = spaces.filter(topics__isnull=False).distinct()
    assert with_topics.count() >= spaces.count() * 3 // 4
    recent = timezone.now() - datetime.timedelta(days=60)
    assert spaces.filter(topics__last_posted_at__gte=recent).distinct().count() >= 8
    [consultation] = [item for item in Consultation.objects.all() if item.is_open()]
    assert consultation.topic.posts.values("language").distinct().count() == 3
    assert client.get(f"/en/consultations/{consultation.slug}/").status_code == 200


def test_recent_records_are_dated_from_the_day_the_demo_is_loaded(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2031, 5, 6))
    assert dated("today-25") == "2031-04-11"
    assert dated("today+60T09:00") == "2031-07-05T09:00"
    assert dated("today") == "2031-05-06"
    assert dated("2006-04-07T10:00:00Z") == "2006-04-07T10:00:00Z"  # the history stays put
    assert dated(None) is None


def test_coming_events_open_on_weekdays_in_their_own_zone(demo):
    for event in Event.objects.filter(starts_at__gt=timezone.now()):
        assert event.starts_at.astimezone(ZoneInfo(event.timezone)).weekday() < 5, event.slug


def test_a_second_load_keeps_the_drawn_logos_it_finds(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddemo", verbosity=0)
    files = sorted(path.name for path in (tmp_path / "members" / "logos").iterdir())
    Member.objects.all().delete()
    call_command("loaddemo", verbosity=0)
    assert sorted(path.name for path in (tmp_path / "members" / "logos").iterdir()) == files
    assert Member.objects.get(slug="highland-water-collective").logo.name == (
        "members/logos/highland-water-collective.png"
    )


def test_the_landscapes_are_drawn_the_same_from_the_same_seed():
    first = landscape("paramo-water-funds")
    assert first == landscape("paramo-water-funds")
    assert first != landscape("himalayan-springs-revival")
    image = Image.open(io.BytesIO(first))
    image.verify()
    assert (image.format, image.size) == ("PNG", LANDSCAPE_SIZE) == ("PNG", (1200, 675))
    # A sky above, mountains below: the top row is lighter than the bottom one.
    pixels = Image.open(io.BytesIO(first)).convert("L")
    assert pixels.getpixel((600, 5)) > pixels.getpixel((600, 670))
    assert len(first) < 100_000


def test_the_logos_are_square_marks_with_initials():
    mark = logo("atlas-terraces-association", "ATA")
    assert mark == logo("atlas-terraces-association", "ATA")
    image = Image.open(io.BytesIO(mark))
    image.verify()
    assert (image.format, image.size) == ("PNG", (256, 256))
    assert initials("Rwenzori Women Farmers Network") == "RWF"
    assert initials("Highland Futures Youth Forum") == "HFY"


def test_a_coming_event_dated_from_today_moves_off_the_weekend(monkeypatch):
    from activities.demo import on_weekdays

    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2031, 5, 6))  # a Tuesday
    saturday = {"starts": "today+4T09:00"}
    assert on_weekdays(saturday) == datetime.timedelta(days=2)
    assert on_weekdays({"starts": "today+5T09:00"}) == datetime.timedelta(days=1)
    assert on_weekdays({"starts": "today+3T09:00"}) == datetime.timedelta(0)
    assert on_weekdays({"starts": "2031-05-10T09:00"}) == datetime.timedelta(0)  # fixed date
    assert on_weekdays({"starts": "today-3T09:00"}) == datetime.timedelta(0)  # under way


def test_news_activities_and_events_have_drawn_pictures_with_their_renditions(
    demo, client, settings
):
    for model in [News, Activity, Event]:
        pictured = model.objects.exclude(picture="")
        assert pictured.count() >= 3, model
        for record in pictured:
            assert record.picture.name.startswith("activities/pictures/")
            assert (record.picture_width, record.picture_height) == LANDSCAPE_SIZE
            assert record.picture_alt_en and record.picture_alt_fr and record.picture_alt_es
            page = client.get(record.get_absolute_url()).content.decode()
            assert 'srcset="' in page and record.picture_alt_en in page
            # The renditions were written when the demo saved the record.
            named = renditions(record.picture).srcset.split(", ")
            for entry in named:
                path = entry.split()[0].removeprefix(settings.MEDIA_URL)
                assert (settings.MEDIA_ROOT / path).stat().st_size > 0, path
            for width in [320, 640, 960]:
                assert f"{width}w" in page
