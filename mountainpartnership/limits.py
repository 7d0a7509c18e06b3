"""What people may type, in one place: the length of each kind of text and the range of dates.

A field's limit is declared once, on the model. The form field (and the browser's
`maxlength`), the model's `full_clean` and the database column all take it from there, so
that a value one of them accepts is never refused by another as a 500. tests/test_input_walk.py
walks every form, model and column and fails on any that disagree.
"""

import datetime

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from mountainpartnership.dates import date_format

# An email address: RFC 5321's path of 256 octets less its angle brackets. Django's model
# EmailField and allauth's addresses keep 254; Django's form EmailField alone would take 320.
EMAIL_LENGTH = 254
# A link: Django's URLField default, kept by every form and column that takes one.
URL_LENGTH = 200

# What a visitor searches for: words, not a document.
SEARCH_LENGTH = 200

# Free text, by kind: a reason or a note; a description, a message or a newsletter item; an
# article, a post, a consultation's background or synthesis.
SHORT_TEXT = 2_000
TEXT = 5_000
LONG_TEXT = 20_000


class LongTextField(models.TextField):
    """Free text people write: a textarea in every form (the admin's too) and one maximum
    length that the form field, `full_clean` and the column share.

    Django checks a TextField's max_length only in its form field; this one is also checked by
    `full_clean` (services call it) and kept in a varchar(max_length) column, so that nothing
    longer can be stored by any path (a task, an import, a bulk update). PostgreSQL stores
    varchar and text alike; only the check differs. NUL, which PostgreSQL cannot store in any
    text, is refused by `full_clean` as the form refuses it.
    """

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.extend(
            [
                validators.MaxLengthValidator(max_length),
                validators.ProhibitNullCharactersValidator(),
            ]
        )

    def db_type(self, connection):
        # The column a CharField of the same max_length gets, on any database.
        column_type = connection.data_types["CharField"]
        data = self.db_type_parameters(connection)
        return column_type(data) if callable(column_type) else column_type % data


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@deconstructible
class DateRange:
    """A date (or the day of a datetime) from `earliest` to `years_ahead` years after today.

    The end moves with today, so a date valid when entered stays valid when the record is
    edited later; the start is fixed for the same reason.
    """

    def __init__(self, earliest: datetime.date, years_ahead: int):
        self.earliest = earliest
        self.years_ahead = years_ahead

    def latest(self) -> datetime.date:
        return add_years(timezone.localdate(), self.years_ahead)

    def __call__(self, value):
        day = value.date() if isinstance(value, datetime.datetime) else value
        latest = self.latest()
        if not self.earliest <= day <= latest:
            raise ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s."),
                code="date_out_of_range",
                params={"earliest": date_format(self.earliest), "latest": date_format(latest)},
            )

    def __eq__(self, other):
        return isinstance(other, DateRange) and (self.earliest, self.years_ahead) == (
            other.earliest,
            other.years_ahead,
        )

    def __hash__(self):
        return hash((self.earliest, self.years_ahead))


# Nothing in the partnership's records is older; a date before it is a typo.
EARLIEST = datetime.date(1900, 1, 1)

# Something that happened, or is about to: joining, leaving, money received, an output
# published, a term renewed.
HAPPENED = DateRange(EARLIEST, years_ahead=1)
# Something planned: a deadline, a due date, an event, an activity's dates, a newsletter month,
# a focal point designated ahead.
PLANNED = DateRange(EARLIEST, years_ahead=10)
# A membership term's end, which renewals push four years at a time.
TERM_END = DateRange(EARLIEST, years_ahead=50)
# The report to the CSD: as of any day up to today.
UP_TO_TODAY = DateRange(EARLIEST, years_ahead=0)


def form_field(model, name: str, **kwargs):
    """The form field a ModelForm would make for `model.name`, with the model field's limits
    (length, choices) and its own validators (a date range), for forms that feed a service
    rather than save a model themselves. The walk compares it with the model field."""
    model_field = model._meta.get_field(name)
    field = model_field.formfield(**kwargs)
    # Validators declared on the model field (not the length, which the form field has).
    field.validators = [*field.validators, *model_field._validators]
    field.model_field = model_field
    return field


def set_max_length(field, max_length: int) -> None:
    """Give a form field made elsewhere (a library's) another maximum length: the attribute,
    the validator that checks it and the browser's `maxlength` together."""
    field.max_length = max_length
    field.validators = [
        *(v for v in field.validators if not isinstance(v, validators.MaxLengthValidator)),
        validators.MaxLengthValidator(max_length),
    ]
    field.widget.attrs["maxlength"] = str(max_length)
