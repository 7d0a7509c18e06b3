"""The one helper for times that belong to a place: wall clock of a zone ↔ UTC, and display."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from mountainpartnership import zones

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("zone", "wall", "utc"),
    [
        ("Asia/Ulaanbaatar", "2027-06-10T09:00", "2027-06-10T01:00"),
        ("Asia/Kathmandu", "2027-06-10T09:00", "2027-06-10T03:15"),
        ("America/La_Paz", "2027-05-24T09:00", "2027-05-24T13:00"),
        ("Europe/Rome", "2027-03-28T01:59", "2027-03-28T00:59"),  # just before the change
        ("Europe/Rome", "2027-03-28T03:00", "2027-03-28T01:00"),  # just after it
        ("Europe/Rome", "2027-10-31T01:59", "2027-10-30T23:59"),
        ("Europe/Rome", "2027-10-31T03:00", "2027-10-31T02:00"),
        ("UTC", "2027-10-31T02:30", "2027-10-31T02:30"),
    ],
)
def test_a_wall_clock_time_in_a_zone_is_one_instant_and_shows_back_the_same(zone, wall, utc):
    wall = datetime.datetime.fromisoformat(wall)
    moment = zones.to_utc(wall, zone)
    assert moment == datetime.datetime.fromisoformat(utc).replace(tzinfo=UTC)
    assert moment.tzinfo == UTC
    assert zones.wall_clock(moment, zone) == wall
    assert zones.local(moment, zone).replace(tzinfo=None) == wall


def test_an_aware_time_is_an_instant_already_and_is_kept():
    moment = datetime.datetime(2027, 6, 10, 9, 0, tzinfo=zones.zone("Asia/Tokyo"))
    assert zones.to_utc(moment, "Europe/Rome") == moment


def test_a_time_skipped_or_repeated_by_a_clock_change_is_an_error_not_a_guess():
    with pytest.raises(ValidationError) as skipped:
        zones.to_utc(datetime.datetime(2027, 3, 28, 2, 30), "Europe/Rome")
    assert skipped.value.code == "nonexistent"
    with pytest.raises(ValidationError) as repeated:
        zones.to_utc(datetime.datetime(2027, 10, 31, 2, 30), "Europe/Rome")
    assert repeated.value.code == "ambiguous"
    assert "Europe/Rome" in " ".join(skipped.value.messages + repeated.value.messages)
    with translation.override("fr"):
        with pytest.raises(ValidationError) as french:
            zones.to_utc(datetime.datetime(2027, 3, 28, 2, 30), "Europe/Rome")
        assert "28 mars 2027" in french.value.messages[0]
        assert "n’existe pas dans le fuseau Europe/Rome" in french.value.messages[0]


def test_dates_and_times_in_templates_stay_in_the_zone_of_the_place():
    # Django's |date and |time move an aware time to the site's zone (UTC) unless told not
    # to: a local time from the helper is not moved.
    moment = datetime.datetime(2030, 1, 7, 8, 0, tzinfo=UTC)
    local = zones.local(moment, "Europe/Rome")
    with translation.override("en"):
        rendered = Template('{{ when|date:"H:i" }} {{ when|time:"H:i" }} {{ when }}').render(
            Context({"when": local})
        )
    assert rendered.startswith("09:00 09:00 ")
    assert rendered.endswith("7 January 2030, 09:00")


def test_a_zone_is_named_for_people_without_underscores():
    assert zones.label("America/La_Paz") == "America/La Paz"
    assert ("America/La_Paz", "America/La Paz") in zones.CHOICES


def test_a_time_shown_with_its_zone_named():
    moment = datetime.datetime(2027, 5, 24, 13, 0, tzinfo=UTC)
    with translation.override("en"):
        shown = zones.display(moment, "America/La_Paz")
    assert shown == "24 May 2027, 09:00 (America/La Paz)"
