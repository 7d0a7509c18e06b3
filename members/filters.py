"""The member directory's filters: the one place its query string is parsed."""

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mountainpartnership.db import text_search, translated
from mountainpartnership.limits import SEARCH_LENGTH
from mountainpartnership.listing import IgnoringFilterSet
from mountainpartnership.widgets import LightSelect

from .models import Area, Member, Region


class MemberFilter(IgnoringFilterSet):
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=Member.Type.choices, empty_label=_("All types"), widget=LightSelect
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"),
        choices=Member.Sector.choices,
        empty_label=_("All sectors"),
        widget=LightSelect,
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=lambda request: Region.objects.by_name(),
        to_field_name="slug",
        empty_label=_("All regions"),
        widget=LightSelect,
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), empty_label=_("All countries"), widget=LightSelect
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Thematic area"),
        field_name="areas",
        queryset=lambda request: Area.objects.thematic().by_name(),
        to_field_name="slug",
        empty_label=_("All thematic areas"),
        widget=LightSelect,
    )
    geo = django_filters.ModelChoiceFilter(
        label=_("Geographic area"),
        field_name="areas",
        queryset=lambda request: Area.objects.geographic().by_name(),
        to_field_name="slug",
        empty_label=_("All geographic areas"),
        widget=LightSelect,
    )
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=SEARCH_LENGTH)

    class Meta:
        model = Member
        fields = ["type", "sector", "region", "country", "theme", "geo", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the countries that have members, named and sorted in the reader's language.
        present = set(self.queryset.order_by().values_list("country", flat=True).distinct())
        self.filters["country"].extra["choices"] = [
            (code, name) for code, name in countries if code in present
        ]

    def search(self, queryset, name, value):
        """Name, acronym and description as the reader sees them; accents and case ignored."""
        return text_search(
            queryset, value, translated("name"), F("acronym"), translated("description")
        )
