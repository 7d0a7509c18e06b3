"""An event's times are wall-clock times of its own zone: entered so in the admin, stored in
UTC, and shown, exported and compared as the same instant (east and west of UTC, on a
quarter-hour offset and across daylight-saving changes)."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from icalendar import Calendar

from activities.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def event_form(**fields):
    """What the secretariat types into the admin's event form, JavaScript off."""
    return {
        "kind": "workshop",
        "slug": "zoned-workshop",
        "title_en": "Zoned workshop",
        "timezone": "Asia/Ulaanbaatar",
        "starts_at_0": "2027-06-10",
        "starts_at_1": "09:00",
        "ends_at_0": "2027-06-10",
        "ends_at_1": "17:00",
        "city": "",
        "country": "",
        "online_url": "",
        "languages": "",
        **fields,
    }


def add_event(client, **fields):
    response = client.post(reverse("admin:activities_event_add"), event_form(**fields))
    errors = response.context["adminform"].form.errors if response.context else None
    assert response.status_code == 302, errors
    return Event.objects.get(slug=fields.get("slug", "zoned-workshop"))


def admin_form(client, event):
    page = client.get(reverse("admin:activities_event_change", args=[event.pk]))
    return page.context["adminform"].form, page.content.decode()


def text(response):
    return " ".join(response.content.decode().replace("\u202f", " ").replace("\xa0", " ").split())


def ics_times(client, event):
    calendar = Calendar.from_ical(client.get(f"/en/events/{event.slug}/event.ics").content)
    entry = calendar.walk("VEVENT")[0]
    return entry.decoded("dtstart"), entry.decoded("dtend")


@pytest.mark.parametrize(
    ("zone", "day", "start_utc", "end_utc"),
    [
        # East of UTC, no daylight saving: 09:00 in Ulaanbaatar (+08:00) is 01:00 UTC.
        ("Asia/Ulaanbaatar", "2027-06-10", "2027-06-10T01:00", "2027-06-10T09:00"),
        # A quarter-hour offset (+05:45).
        ("Asia/Kathmandu", "2027-06-10", "2027-06-10T03:15", "2027-06-10T11:15"),
        # West of UTC (-04:00).
        ("America/La_Paz", "2027-06-10", "2027-06-10T13:00", "2027-06-10T21:00"),
        # Rome in winter time (+01:00) the Friday before the clocks go forward...
        ("Europe/Rome", "2027-03-26", "2027-03-26T08:00", "2027-03-26T16:00"),
        # ...and in summer time (+02:00) the Monday after.
        ("Europe/Rome", "2027-03-29", "2027-03-29T07:00", "2027-03-29T15:00"),
        # The Monday after the clocks go back in October: +01:00 again.
        ("Europe/Rome", "2027-11-01", "2027-11-01T08:00", "2027-11-01T16:00"),
    ],
)
def test_times_typed_in_the_admin_are_the_wall_clock_of_the_events_zone(
    secretariat_client, client, zone, day, start_utc, end_utc
):
    event = add_event(secretariat_client, timezone=zone, starts_at_0=day, ends_at_0=day, slug="w")
    assert event.starts_at == datetime.datetime.fromisoformat(start_utc).replace(tzinfo=UTC)
    assert event.ends_at == datetime.datetime.fromisoformat(end_utc).replace(tzinfo=UTC)

    # The admin shows back what was typed, not the UTC time.
    form, page = admin_form(secretariat_client, event)
    assert 'name="starts_at_1" value="09:00:00"' in page
    assert 'name="ends_at_1" value="17:00:00"' in page
    assert f'name="starts_at_0" value="{day}"' in page

    # The public page, the .ics and the open data say the same wall-clock times.
    detail = text(client.get(f"/en/events/{event.slug}/"))
    assert "09:00" in detail and "17:00" in detail
    assert zone.replace("_", " ") in detail
    start, end = ics_times(client, event)
    assert (start.hour, start.minute, end.hour, end.minute) == (9, 0, 17, 0)
    assert str(start.tzinfo) == zone and start == event.starts_at
    data = json.loads(client.get("/en/data/events.json").content)
    row = next(row for row in data if row["slug"] == event.slug)
    assert row["starts_at"].startswith(f"{day}T09:00:00")
    assert datetime.datetime.fromisoformat(row["starts_at"]) == event.starts_at
    assert row["timezone"] == zone


def test_the_ulaanbaatar_workshop_is_not_shown_from_5_pm_to_1_am_two_days_later(
    secretariat_client, client
):
    event = add_event(secretariat_client)
    detail = text(client.get(f"/en/events/{event.slug}/"))
    assert "10 June 2027, 09:00 – 10 June 2027, 17:00" in detail
    assert "12 June" not in detail
    rows = list(csv.DictReader(io.StringIO(client.get("/en/data/events.csv").content.decode())))
    assert rows[0]["starts_at"] == "2027-06-10T09:00:00+08:00"
    assert rows[0]["ends_at"] == "2027-06-10T17:00:00+08:00"


def test_a_zone_changed_in_the_same_save_reads_the_times_in_the_new_zone(secretariat_client):
    event = add_event(secretariat_client, timezone="Europe/Rome")
    assert event.starts_at == datetime.datetime(2027, 6, 10, 7, 0, tzinfo=UTC)
    form, _page = admin_form(secretariat_client, event)
    data = event_form(timezone="Asia/Tokyo")
    response = secretariat_client.post(
        reverse("admin:activities_event_change", args=[event.pk]), data
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.timezone == "Asia/Tokyo"
    assert event.starts_at == datetime.datetime(2027, 6, 10, 0, 0, tzinfo=UTC)


def test_a_time_left_as_it_was_keeps_its_instant_even_in_the_repeated_hour(secretariat_client):
    # 02:30 on 31 October 2027 happens twice in Rome; this is the second one (+01:00), as an
    # import or an earlier save may have stored it. Saving the form untouched keeps it.
    event = EventFactory(
        slug="w",
        timezone="Europe/Rome",
        starts_at=datetime.datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
        ends_at=datetime.datetime(2027, 10, 31, 16, 0, tzinfo=UTC),
    )
    form, page = admin_form(secretariat_client, event)
    assert form.initial["starts_at"] == datetime.datetime(2027, 10, 31, 2, 30)
    assert 'name="starts_at_1" value="02:30:00"' in page
    response = secretariat_client.post(
        reverse("admin:activities_event_change", args=[event.pk]),
        event_form(
            slug="w",
            timezone="Europe/Rome",
            starts_at_0="2027-10-31",
            starts_at_1="02:30:00",
            ends_at_0="2027-10-31",
            ends_at_1="17:00:00",
            title_en="Renamed",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.title_en == "Renamed"
    assert event.starts_at == datetime.datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert event.ends_at == datetime.datetime(2027, 10, 31, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "time", "message"),
    [
        # The clocks go from 02:00 to 03:00 in Rome on 28 March 2027.
        ("2027-03-28", "02:30", "does not exist in Europe/Rome"),
        # They go back from 03:00 to 02:00 on 31 October 2027: 02:30 happens twice.
        ("2027-10-31", "02:30", "happens twice in Europe/Rome"),
    ],
)
def test_a_wall_time_skipped_or_repeated_by_a_clock_change_is_refused_clearly(
    secretariat_client, day, time, message
):
    response = secretariat_client.post(
        reverse("admin:activities_event_add"),
        event_form(
            timezone="Europe/Rome",
            starts_at_0=day,
            starts_at_1=time,
            ends_at_0=day,
            ends_at_1="17:00",
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors["starts_at"])
    assert not Event.objects.exists()


def test_times_on_either_side_of_a_clock_change_show_as_typed(secretariat_client, client):
    # 01:30 before the change (+01:00) and 03:30 after it (+02:00): an hour apart, not two.
    event = add_event(
        secretariat_client,
        timezone="Europe/Rome",
        starts_at_0="2027-03-28",
        starts_at_1="01:30",
        ends_at_0="2027-03-28",
        ends_at_1="03:30",
    )
    assert event.ends_at - event.starts_at == datetime.timedelta(hours=1)
    start, end = ics_times(client, event)
    assert (start.hour, start.minute, end.hour, end.minute) == (1, 30, 3, 30)


def test_the_demo_la_paz_workshop_is_at_9_am_in_la_paz_everywhere(secretariat_client, client):
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)
    event = Event.objects.get(slug="andean-ecotourism-workshop-la-paz")
    # Dated from the day the demo is loaded; 9 am in La Paz is 13:00 UTC (no summer time).
    assert (event.starts_at.hour, event.starts_at.minute) == (13, 0)
    _form, page = admin_form(secretariat_client, event)
    assert 'name="starts_at_1" value="09:00:00"' in page
    assert "09:00" in text(client.get(f"/en/events/{event.slug}/"))
    changelist = text(secretariat_client.get(reverse("admin:activities_event_changelist")))
    day = event.starts_at.date()
    assert f"{day.day} {day:%B %Y}, 09:00 (America/La Paz)" in changelist


def test_the_lists_and_home_show_the_day_in_the_events_zone(client):
    # 23:00 UTC on 9 June is already 10 June in Kathmandu (04:45).
    EventFactory(
        title_en="Kathmandu dawn",
        timezone="Asia/Kathmandu",
        starts_at=datetime.datetime(2031, 6, 9, 23, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2031, 6, 10, 3, 0, tzinfo=UTC),
    )
    for url in ["/en/events/", "/en/"]:
        page = text(client.get(url))
        assert "10 June 2031" in page and "9 June 2031" not in page
