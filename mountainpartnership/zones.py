"""Times that belong to a place: when an event starts and ends, when an e-consultation opens
and closes. People enter and read them as the wall-clock time of the place's zone, with the
zone named; the database holds them as aware UTC instants, and every comparison (open,
closed, upcoming) is made on those instants. This module is the one way between the two:
forms read wall-clock times through `ZonedTimesMixin`, and pages, feeds, exports and emails
show them through `local()` or `display()`.

A wall-clock time that a clock change skips (02:30 in Rome on the last Sunday of March) or
repeats (02:30 on the last Sunday of October) is refused with a message that says so, rather
than guessed: which instant was meant is for the person to say."""

import datetime
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mountainpartnership.dates import date_format

UTC = datetime.UTC


def label(name: str) -> str:
    """A zone's IANA name as people read it: "America/La Paz"."""
    return name.replace("_", " ")


CHOICES = [(name, label(name)) for name in sorted(zoneinfo.available_timezones())]


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


class LocalDateTime(datetime.datetime):
    """An aware time in a place's zone that templates show as it is.

    Django's `|date` and `|time` filters (and `{{ value }}`) move an aware time to the
    site's zone, UTC, before formatting: a time in Rome would print as UTC under Rome's name.
    Like Django's own `|timezone` filter, this tells them not to."""

    convert_to_local_time = False


def local(moment: datetime.datetime, name: str) -> LocalDateTime:
    """The instant `moment` as a clock in zone `name` shows it (aware, with its offset)."""
    value = moment.astimezone(zone(name))
    return LocalDateTime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        tzinfo=value.tzinfo,
        fold=value.fold,
    )


def wall_clock(moment: datetime.datetime, name: str) -> datetime.datetime:
    """What a clock in zone `name` reads at `moment`, with no zone attached (for a form)."""
    return moment.astimezone(zone(name)).replace(tzinfo=None, fold=0)


def to_utc(value: datetime.datetime, name: str) -> datetime.datetime:
    """The UTC instant at which a clock in zone `name` reads `value`.

    An aware `value` already names its instant and is only moved to UTC. Raises a
    ValidationError (code "nonexistent" or "ambiguous") for a wall-clock time that a clock
    change skips or repeats in that zone."""
    if timezone.is_aware(value):
        return value.astimezone(UTC)
    place = zone(name)
    earlier = value.replace(tzinfo=place, fold=0).astimezone(UTC)
    later = value.replace(tzinfo=place, fold=1).astimezone(UTC)
    if earlier == later:
        return earlier
    params = {"time": date_format(value, "DATETIME_FORMAT"), "zone": label(name)}
    if earlier.astimezone(place).replace(tzinfo=None) != value:
        raise ValidationError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks skip it when they change. "
                "Choose another time."
            ),
            code="nonexistent",
            params=params,
        )
    raise ValidationError(
        _("%(time)s happens twice in %(zone)s, when the clocks go back. Choose another time."),
        code="ambiguous",
        params=params,
    )


def display(moment: datetime.datetime, name: str, format: str = "DATETIME_FORMAT") -> str:
    """The time as people in the place read it, with the zone named:
    "24 May 2027, 09:00 (America/La Paz)", in the active language's format."""
    return f"{date_format(local(moment, name), format)} ({label(name)})"


class WallClockField(forms.SplitDateTimeField):
    """A date and a time as read on a clock, in no zone of its own (a naive datetime): the
    form it belongs to reads it in the record's zone (see `ZonedTimesMixin`)."""

    def compress(self, data_list):
        if not data_list:
            return None
        if data_list[0] in self.empty_values:
            raise ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if data_list[1] in self.empty_values:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        # Unlike SplitDateTimeField, no zone is attached: the site's (UTC) is not the place's.
        return datetime.datetime.combine(*data_list)

    @classmethod
    def replacing(cls, field: forms.Field) -> "WallClockField":
        """This field in place of a model form's datetime field, keeping its label, help,
        whether it is required and, for a date-and-time pair (the admin's), its widget."""
        if isinstance(field, cls):
            return field
        widget = field.widget if isinstance(field.widget, forms.SplitDateTimeWidget) else None
        return cls(
            required=field.required,
            label=field.label,
            help_text=field.help_text,
            disabled=field.disabled,
            widget=widget or cls.widget,
        )


class ZonedTimesMixin:
    """For a model form whose record has times that belong to a place (`zoned_times`) and
    the zone they belong to (`zone_field`, usually on the same form).

    The times are shown as wall-clock times of the record's zone and read as wall-clock
    times of the zone submitted with them: a zone changed on the same save applies to the
    times typed beside it. A time left as it was keeps its stored instant. A time that the
    zone's clocks skip or repeat is refused on its field, and nothing is saved."""

    zoned_times: tuple[str, ...] = ()
    zone_field = "timezone"
    zoned_help = _("Local time in the time zone chosen on this form.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_zone = self._zone_name(
            self.initial.get(self.zone_field) or getattr(self.instance, self.zone_field, None)
        )
        self.stored_times = {}
        for name in self.zoned_times:
            if name not in self.fields:
                continue
            field = self.fields[name] = WallClockField.replacing(self.fields[name])
            field.help_text = field.help_text or self.zoned_help
            value = self.initial.get(name)
            if isinstance(value, datetime.datetime) and timezone.is_aware(value):
                self.stored_times[name] = value
                self.initial[name] = wall_clock(value, self.shown_zone)

    @staticmethod
    def _zone_name(name) -> str:
        try:
            zone(name)
        except (TypeError, ValueError, zoneinfo.ZoneInfoNotFoundError):
            return "UTC"
        return name

    def clean(self):
        cleaned = super().clean()
        # A zone that was refused is reported on its own field; the times are still read
        # in the record's zone, so that nothing naive reaches the model.
        name = self._zone_name(cleaned.get(self.zone_field) or self.shown_zone)
        for field in self.zoned_times:
            value = cleaned.get(field)
            if not isinstance(value, datetime.datetime):
                continue
            if (
                name == self.shown_zone
                and field in self.stored_times
                and field not in self.changed_data
            ):
                # Untouched: its instant stays, even where its wall-clock time repeats.
                cleaned[field] = self.stored_times[field]
                continue
            try:
                cleaned[field] = to_utc(value, name)
            except ValidationError as error:
                self.add_error(field, error)
        return cleaned
