"""The events calendar as iCalendar (RFC 5545), built with the icalendar library."""

from django.utils import translation
from icalendar import Calendar
from icalendar import Event as CalendarEvent


def events_ical(events, request, language: str) -> bytes:
    """One VCALENDAR with a VEVENT per event, its times in the event's own time zone."""
    calendar = Calendar()
    calendar.add("prodid", "-//Mountain Partnership//Portal//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    with translation.override(language):
        calendar.add("x-wr-calname", translation.gettext("Mountain Partnership events"))
        for event in events:
            entry = CalendarEvent()
            entry.add("uid", f"event-{event.pk}@{request.get_host()}")
            entry.add("dtstamp", event.updated)
            entry.add("dtstart", event.local_start())
            entry.add("dtend", event.local_end())
            entry.add("summary", event.title)
            if event.description:
                entry.add("description", event.description)
            place = ", ".join(
                part for part in [event.city, event.country.name if event.country else ""] if part
            )
            if place or event.online_url:
                entry.add("location", place or event.online_url)
            entry.add("url", request.build_absolute_uri(event.get_absolute_url()))
            calendar.add_component(entry)
    # Each event's zone gets its VTIMEZONE, as calendar programs expect.
    calendar.add_missing_timezones()
    return calendar.to_ical()
