"""Query-string filters of the activities, events and funding lists."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Area, Member, Region
from mountainpartnership.db import text_search, translated
from mountainpartnership.limits import SEARCH_LENGTH
from mountainpartnership.listing import IgnoringFilterSet
from mountainpartnership.widgets import LightSelect

from .models import Activity, Event, FundingOpportunity, Participation

# Choices of records are fetched when a filter set is made for a request (a callable
# queryset), so that they are sorted by name in the reader's language.


def theme_filter(field_name="areas"):
    return django_filters.ModelChoiceFilter(
        label=_("Thematic area"),
        field_name=field_name,
        queryset=lambda request: Area.objects.thematic().by_name(),
        to_field_name="slug",
        empty_label=_("All thematic areas"),
        widget=LightSelect,
    )


def geo_filter(field_name="areas"):
    return django_filters.ModelChoiceFilter(
        label=_("Geographic area"),
        field_name=field_name,
        queryset=lambda request: Area.objects.geographic().by_name(),
        to_field_name="slug",
        empty_label=_("All geographic areas"),
        widget=LightSelect,
    )


class ActivityFilter(IgnoringFilterSet):
    theme = theme_filter()
    geo = geo_filter()
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Activity.Status.choices,
        empty_label=_("Any status"),
        widget=LightSelect,
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        field_name="members__region",
        queryset=lambda request: Region.objects.by_name(),
        to_field_name="slug",
        empty_label=_("All regions"),
        widget=LightSelect,
        distinct=True,
    )
    member = django_filters.ModelChoiceFilter(
        label=_("Member"),
        field_name="members",
        queryset=lambda request: (
            Member.objects.public().filter(pk__in=Participation.objects.values("member")).by_name()
        ),
        to_field_name="slug",
        empty_label=_("All members"),
        widget=LightSelect,
    )
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=SEARCH_LENGTH)

    class Meta:
        model = Activity
        fields = ["theme", "geo", "status", "region", "member", "q"]

    def search(self, queryset, name, value):
        return text_search(
            queryset, value, translated("title"), translated("summary"), translated("description")
        )


class EventFilter(IgnoringFilterSet):
    theme = theme_filter()
    geo = geo_filter()

    class Meta:
        model = Event
        fields = ["theme", "geo"]


class FundingFilter(IgnoringFilterSet):
    theme = theme_filter()
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        method="in_region",
        queryset=lambda request: Region.objects.by_name(),
        to_field_name="slug",
        empty_label=_("All regions"),
        widget=LightSelect,
    )
    type = django_filters.ChoiceFilter(
        label=_("Open to"),
        method="open_to",
        choices=Member.Type.choices,
        empty_label=_("Any type of member"),
        widget=LightSelect,
    )

    class Meta:
        model = FundingOpportunity
        fields = ["theme", "region", "type"]

    def in_region(self, queryset, name, region):
        # No region given means every region.
        return queryset.filter(Q(regions=region) | Q(regions__isnull=True)).distinct()

    def open_to(self, queryset, name, kind):
        return queryset.filter(**{FundingOpportunity.FLAG_OF_TYPE[kind]: True})
