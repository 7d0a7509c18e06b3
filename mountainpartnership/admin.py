"""What every ModelAdmin of the portal shares."""

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import F, Q
from django.db.models.lookups import Contains, Exact, StartsWith
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.text import smart_split, unescape_string_literal

from .db import search_term, searchable

# Django's prefixes for a search field: "^name" starts with, "=name" is exactly; "@name"
# (full-text search) is read as contains, the same on both databases.
PREFIXES = {"^": StartsWith, "=": Exact, "@": Contains}


class AccentInsensitiveSearch:
    """The admin's search box ignoring accents and case, as the public search does ("Perou"
    finds "Pérou"), on PostgreSQL (the unaccent extension) and SQLite (the unaccent()
    function registered on its connections) alike. Like Django's own search, every word
    typed (or "quoted phrase") must be found in one of `search_fields`; `search_also` adds
    what a model finds in other ways (a member by its country's name)."""

    def search_also(self, request, term: str) -> Q:
        """Rows that `term` (lower-case, without accents) finds besides `search_fields`."""
        return Q()

    def get_search_results(self, request, queryset, search_term_typed):
        fields = [str(field) for field in self.get_search_fields(request)]
        words = []
        for bit in smart_split(search_term_typed):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            if search_term(bit).strip():
                words.append(search_term(bit))
        if not words:
            return queryset, False
        paths = [
            (PREFIXES.get(field[0], Contains), field.lstrip("".join(PREFIXES))) for field in fields
        ]
        conditions = []
        for word in words:
            matches = self.search_also(request, word)
            for lookup, path in paths:
                # A lookup on an expression: Django still escapes % and _ in the word.
                matches |= lookup(searchable(F(path)), word)
            conditions.append(matches)
        # One filter() for all the words, as Django's own search: one join per relation.
        queryset = queryset.filter(*conditions)
        may_have_duplicates = any(lookup_spawns_duplicates(self.opts, path) for _l, path in paths)
        return queryset, may_have_duplicates


# The flag on links from the secretariat's inbox (insight.inbox.INBOX_FLAG).
INBOX_PARAMETER = "_inbox"
STAY_ON_PAGE = ("_continue", "_addanother", "_saveasnew")


class BackToInbox:
    """A ModelAdmin whose change form, opened from the secretariat's inbox (`?_inbox=1`),
    returns to the inbox once saved or decided (by "Save", "Save and back to the inbox" or a
    decision button of the admin's own). Only ever to the inbox's own URL, never to an address
    taken from the request. Put first in the bases: it wraps the whole change view, so it also
    sees the decisions an admin's own response_change makes."""

    def from_inbox(self, request) -> bool:
        return request.GET.get(INBOX_PARAMETER) == "1"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        from_inbox = self.from_inbox(request)
        if from_inbox:
            extra_context = {**(extra_context or {}), "back_to_inbox": True}
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if not (from_inbox and request.method == "POST"):
            return response
        if not isinstance(response, HttpResponseRedirect):
            return response
        if any(name in request.POST for name in STAY_ON_PAGE) or (
            response.url.split("?")[0] == request.path
        ):
            # Staying on the form (or back to it after a refused decision): keep the flag.
            separator = "&" if "?" in response.url else "?"
            response["Location"] = f"{response.url}{separator}{INBOX_PARAMETER}=1"
            return response
        return redirect("admin-inbox")
