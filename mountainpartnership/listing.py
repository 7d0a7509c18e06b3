"""What every public list page shares: pages of results and notices about bad input."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _


class IgnoringFilterSet(django_filters.FilterSet):
    """A FilterSet that can say which values it ignored (django-filter skips invalid ones)."""

    def ignored(self):
        if not self.is_bound:
            return []
        return [(name, self.data.get(name)) for name in self.errors if name in self.form.fields]


def filter_notices(filterset) -> list[dict]:
    """A notice for each filter value that was not understood and so not applied."""
    return [
        {
            # Django points the invalid field's aria-describedby at this id.
            "id": f"{filterset.form[name].auto_id}_error",
            "text": _("“%(value)s” is not a known value for “%(filter)s”: that filter was ignored.")
            % {"value": shown(value or ""), "filter": filterset.form[name].label},
        }
        for name, value in filterset.ignored()
    ]


def page_number(raw: str) -> int | None:
    """The page a query string asks for, or None when it names none: letters, a superscript
    "²" (a digit to str.isdigit, not to int), a NUL, or more digits than Python reads."""
    try:
        return forms.IntegerField().clean(raw)
    except ValidationError:
        return None


def shown(raw: str, length: int = 20) -> str:
    """What a visitor typed, short enough to quote back to them."""
    return raw if len(raw) <= length else f"{raw[:length]}…"


def paginate(request, queryset, per_page, notices, count=None):
    """The requested page. A page number that is not one gives the first or the last page,
    and a notice that says so. `count`, when the caller already knows it, saves a query."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    raw = request.GET.get("page", "1")
    number = page_number(raw)
    if number is None:
        notices.append(
            {
                "text": _("“%(page)s” is not a page number: here is the first page.")
                % {"page": shown(raw)}
            }
        )
        number = 1
    if number < 1:
        notices.append(
            {"text": _("There is no page %(page)s: here is the first page.") % {"page": shown(raw)}}
        )
        number = 1
    elif number > paginator.num_pages:
        notices.append(
            {
                "text": _("There is no page %(page)s: here is the last page, %(last)s.")
                % {"page": shown(raw), "last": paginator.num_pages}
            }
        )
        number = paginator.num_pages
    return paginator.page(number)


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
