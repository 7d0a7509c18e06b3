"""Dates and times as each language writes them, from Python and from templates."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from mountainpartnership.dates import date_format

FIRST = datetime.date(2005, 9, 1)
MOMENT = datetime.datetime(2006, 4, 1, 9, 5, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "value", "fmt", "expected"),
    [
        ("en", FIRST, "DATE_FORMAT", "1 September 2005"),
        ("en", datetime.date(2005, 11, 30), "SHORT_DATE_FORMAT", "30 Nov 2005"),
        ("en", MOMENT, "DATETIME_FORMAT", "1 April 2006, 09:05"),
        ("en", FIRST, "YEAR_MONTH_FORMAT", "September 2005"),
        ("fr", FIRST, "DATE_FORMAT", "1er septembre 2005"),
        ("fr", datetime.date(2005, 9, 2), "DATE_FORMAT", "2 septembre 2005"),
        ("fr", MOMENT, "DATETIME_FORMAT", "1er avril 2006 à 9\u00a0h\u00a005"),
        ("fr", MOMENT, "TIME_FORMAT", "9\u00a0h\u00a005"),
        ("fr", FIRST, "MONTH_DAY_FORMAT", "1er septembre"),
        ("fr", FIRST, "SHORT_DATE_FORMAT", "01/09/2005"),
        ("es", FIRST, "DATE_FORMAT", "1 de septiembre de 2005"),
        ("es", datetime.date(2006, 4, 1), "YEAR_MONTH_FORMAT", "abril de 2006"),
        ("es", MOMENT, "DATETIME_FORMAT", "1 de abril de 2006 a las 09:05"),
    ],
)
def test_each_language_writes_dates_its_own_way(language, value, fmt, expected):
    with translation.override(language):
        assert date_format(value, fmt) == expected
        rendered = Template("{{ value|date:fmt }}").render(Context({"value": value, "fmt": fmt}))
        assert rendered == expected


def test_an_escaped_j_stays_a_letter():
    with translation.override("fr"):
        assert date_format(FIRST, r"\j j F") == "j 1er septembre"
        assert date_format(FIRST, "c") == "2005-09-01"
