"""The secretariat adds an event in Kathmandu (+05:45) through the real admin, second factor
passed, and sees the wall-clock times it typed in the admin, on the page and in the .ics."""

import datetime

import pytest
from icalendar import Calendar

from activities.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_event_added_in_kathmandu_keeps_its_wall_clock_times_everywhere(admin_page, screenshot):
    page = admin_page
    page.goto("/admin/activities/event/add/")
    page.select_option('select[name="kind"]', "workshop")
    page.fill('input[name="slug"]', "kathmandu-water-workshop")
    page.fill('input[name="title_en"]', "Kathmandu water workshop")
    # JavaScript is off: the date and time widgets are plain text inputs.
    page.fill('input[name="starts_at_0"]', "2027-06-10")
    page.fill('input[name="starts_at_1"]', "09:00")
    page.fill('input[name="ends_at_0"]', "2027-06-11")
    page.fill('input[name="ends_at_1"]', "17:30")
    page.select_option('select[name="timezone"]', "Asia/Kathmandu")
    page.fill('input[name="city"]', "Kathmandu")
    page.locator('input[name="_continue"]').click()
    assert page.locator(".errornote").count() == 0, page.content()
    screenshot(page, "zones-admin-kathmandu-event")

    # Back in its admin form: the times typed, not UTC's (03:15 and 11:45).
    assert page.input_value('input[name="starts_at_0"]') == "2027-06-10"
    assert page.input_value('input[name="starts_at_1"]') == "09:00:00"
    assert page.input_value('input[name="ends_at_0"]') == "2027-06-11"
    assert page.input_value('input[name="ends_at_1"]') == "17:30:00"
    assert page.input_value('select[name="timezone"]') == "Asia/Kathmandu"

    event = Event.objects.get(slug="kathmandu-water-workshop")
    assert event.starts_at == datetime.datetime(2027, 6, 10, 3, 15, tzinfo=datetime.UTC)

    page.goto("/en/events/kathmandu-water-workshop/")
    when = " ".join(page.locator("dd").first.inner_text().replace("\u202f", " ").split())
    screenshot(page, "zones-public-kathmandu-event")
    assert when.startswith("10 June 2027, 09:00 – 11 June 2027, 17:30"), when
    assert "Asia/Kathmandu" in when, when

    response = page.request.get("/en/events/kathmandu-water-workshop/event.ics")
    entry = Calendar.from_ical(response.body()).walk("VEVENT")[0]
    start, end = entry.decoded("dtstart"), entry.decoded("dtend")
    assert str(start.tzinfo) == "Asia/Kathmandu"
    assert start.replace(tzinfo=None) == datetime.datetime(2027, 6, 10, 9, 0)
    assert end.replace(tzinfo=None) == datetime.datetime(2027, 6, 11, 17, 30)

    # Moved to Rome at 02:30 on the night the clocks skip that hour: refused, on its field,
    # and the event keeps its times.
    page.goto(f"/admin/activities/event/{event.pk}/change/")
    page.select_option('select[name="timezone"]', "Europe/Rome")
    page.fill('input[name="starts_at_0"]', "2027-03-28")
    page.fill('input[name="starts_at_1"]', "02:30")
    page.fill('input[name="ends_at_0"]', "2027-03-28")
    page.fill('input[name="ends_at_1"]', "17:00")
    page.locator('input[name="_continue"]').click()
    screenshot(page, "zones-admin-skipped-time")
    error = page.locator(".field-starts_at .errorlist").inner_text()
    assert "28 March 2027, 02:30 does not exist in Europe/Rome" in error, error
    event.refresh_from_db()
    assert event.timezone == "Asia/Kathmandu"
    assert event.starts_at == datetime.datetime(2027, 6, 10, 3, 15, tzinfo=datetime.UTC)
