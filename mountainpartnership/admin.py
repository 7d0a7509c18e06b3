"""What every ModelAdmin of the portal shares."""

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import F, Q
from django.db.models.lookups import Contains, Exact, StartsWith
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
