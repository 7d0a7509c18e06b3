from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from mountainpartnership.i18n import TRANSLATION_NOTE, language_fieldsets

from .models import (
    Activity,
    Event,
    Funding,
    FundingOpportunity,
    Milestone,
    News,
    Output,
    Participation,
    StatusChange,
)

# Addresses typed without a scheme are https ones (Django 6 makes this the default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ParticipationInline(admin.TabularInline):
    model = Participation
    autocomplete_fields = ["member"]
    extra = 0


class MilestoneInline(TranslationTabularInline):
    model = Milestone
    autocomplete_fields = ["responsible"]
    extra = 0


class FundingInline(TranslationTabularInline):
    model = Funding
    extra = 0


class OutputInline(TranslationTabularInline):
    model = Output
    formfield_overrides = HTTPS_URLS
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["changed_at", "status", "reason", "changed_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-changed_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(TranslationAdmin):
    list_display = ["title", "status", "status_since", "updated", "lead_count", "stale"]
    list_filter = ["status", "areas"]
    search_fields = ["title_en", "title_fr", "title_es", "members__name_en", "members__acronym"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["areas"]
    inlines = [
        ParticipationInline,
        MilestoneInline,
        FundingInline,
        OutputInline,
        StatusChangeInline,
    ]
    readonly_fields = ["status_since", "updated"]
    fieldsets = [
        (None, {"fields": ["slug", "status", "status_since", "updated", "start_date", "end_date"]}),
        *language_fieldsets(
            "title",
            "summary",
            "description",
            "status_reason",
            "other_partners",
            description=TRANSLATION_NOTE,
        ),
        (_("Where and with whom"), {"fields": ["areas", "countries"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lead_total=Count("participations"))

    @admin.display(description=_("members"), ordering="lead_total")
    def lead_count(self, activity):
        return activity.lead_total

    @admin.display(description=_("not updated for six months"), boolean=True)
    def stale(self, activity):
        return activity.is_stale

    def save_model(self, request, obj, form, change):
        """Every save counts as an update; a new status is recorded with who set it."""
        now = timezone.now()
        obj.updated = now
        status_changed = not change or "status" in form.changed_data
        if status_changed:
            obj.status_since = now
        super().save_model(request, obj, form, change)
        if status_changed:
            StatusChange.objects.create(
                activity=obj,
                status=obj.status,
                reason=obj.status_reason_en or "",
                changed_by=request.user,
                changed_at=now,
            )


@admin.register(Event)
class EventAdmin(TranslationAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "kind", "starts_at", "timezone", "city", "country"]
    list_filter = ["kind", "areas"]
    search_fields = ["title_en", "title_fr", "title_es", "city"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["organisers", "activities"]
    filter_horizontal = ["areas"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "slug",
                    "starts_at",
                    "ends_at",
                    "timezone",
                    "city",
                    "country",
                    "online_url",
                ]
            },
        ),
        *language_fieldsets("title", "description", "languages", description=TRANSLATION_NOTE),
        (_("Related"), {"fields": ["organisers", "areas", "activities"]}),
    ]


@admin.register(FundingOpportunity)
class FundingOpportunityAdmin(TranslationAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "donor", "deadline", "for_governments", "for_igos", "for_major_groups"]
    list_filter = ["for_governments", "for_igos", "for_major_groups", "regions", "areas"]
    search_fields = ["title_en", "donor_en", "donor_fr", "donor_es"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["regions", "areas"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "slug",
                    "deadline",
                    "amount_min",
                    "amount_max",
                    "currency",
                    "url",
                ]
            },
        ),
        *language_fieldsets("title", "donor", "description", description=TRANSLATION_NOTE),
        (
            _("Who may apply"),
            {"fields": ["for_governments", "for_igos", "for_major_groups", "regions", "areas"]},
        ),
    ]


@admin.register(News)
class NewsAdmin(TranslationAdmin):
    list_display = ["title", "status", "published_at", "member", "author"]
    list_filter = ["status"]
    list_select_related = ["member", "author"]
    search_fields = ["title_en", "title_fr", "title_es"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["member"]
    filter_horizontal = ["areas"]
    actions = ["publish"]
    fieldsets = [
        (None, {"fields": ["slug", "status", "published_at", "member", "areas"]}),
        *language_fieldsets("title", "summary", "body", description=TRANSLATION_NOTE),
    ]

    @admin.action(description=_("Approve and publish the selected posts"), permissions=["change"])
    def publish(self, request, queryset):
        queryset.filter(status=News.Status.DRAFT).update(status=News.Status.PUBLISHED)
