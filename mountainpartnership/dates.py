"""Dates as each language writes them.

The formats themselves live in mountainpartnership/formats/<language>/formats.py
(FORMAT_MODULE_PATH). This adds the one thing a format string cannot say: French writes the
first day of a month as an ordinal, "1er septembre 2005". Python code formats dates with
`date_format()` here; templates get the same through the `date` filter
(mountainpartnership/templatetags/dates.py, a template builtin).
"""

from django.utils import dateformat, formats
from django.utils.translation import get_language


def date_format(value, format=None, use_l10n=None) -> str:
    """django.utils.formats.date_format, with French's "1er" for the first of the month."""
    pattern = formats.get_format(format or "DATE_FORMAT", use_l10n=use_l10n)
    return dateformat.format(value, with_ordinal_first(pattern, value))


def with_ordinal_first(pattern: str, value) -> str:
    """`pattern` with the day of the month ("j") written "1er" where French needs it."""
    if getattr(value, "day", None) != 1 or (get_language() or "").split("-")[0] != "fr":
        return pattern
    out, escaped = [], False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif char == "j":
            out.append(r"j\e\r")
        else:
            out.append(char)
    return "".join(out)
