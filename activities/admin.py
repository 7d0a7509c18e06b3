from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from mountainpartnership import zones
from mountainpartnership.admin import AccentInsensitiveSearch, BackToInbox
from mountainpartnership.adminlog import log_changed
from mountainpartnership.history import HistoryAdmin
from mountainpartnership.i18n import (
    TRANSLATION_NOTE,
    WRITTEN_NOTE,
    WrittenInAnyLanguageAdmin,
    language_fieldsets,
)

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
from .services import NEEDS_REASON, activity_status_change, news_decide, news_publish

# Addresses typed without a scheme are https ones (Django 6 makes this the default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}

# The picture of a news post, an activity or an event, with its text in every language.
PICTURE_FIELDSET = (
    _("Picture"),
    {
        "fields": [
            "picture",
            *[f"picture_alt_{code}" for code, _name in settings.LANGUAGES],
        ]
    },
)


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
    fields = ["changed_at", "status", "reason", "language", "changed_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-changed_at"]

    def has_add_permission(self, request, obj=None):
        return False


LANGUAGES = [code for code, _name in settings.LANGUAGES]


class ActivityAdminForm(forms.ModelForm):
    """A change of status takes its reason from what was typed with it, in the language of
    the field it was typed in; the reason the form showed for the earlier status does not
    carry over to the new one."""

    def status_changes(self) -> bool:
        return not self.instance.pk or "status" in self.changed_data

    def typed_reasons(self) -> dict[str, str]:
        """The reasons typed in this form, by language."""
        return {
            code: (self.cleaned_data.get(f"status_reason_{code}") or "").strip()
            for code in LANGUAGES
            if f"status_reason_{code}" in self.changed_data
            and (self.cleaned_data.get(f"status_reason_{code}") or "").strip()
        }

    def clean(self):
        cleaned = super().clean()
        if self.status_changes():
            typed = self.typed_reasons()
            for code in LANGUAGES:
                if code not in typed and f"status_reason_{code}" in cleaned:
                    cleaned[f"status_reason_{code}"] = ""
            if cleaned.get("status") in NEEDS_REASON and not typed:
                field = f"status_reason_{translation.get_language()}"
                self.add_error(
                    field if field in self.fields else None,
                    _("Say why the activity is stalled or cancelled."),
                )
        return cleaned

    def reason_and_language(self) -> tuple[str, str, dict[str, str]]:
        """(reason, its language, the same reason in other languages) for the status change:
        in the admin's own language if typed in it, else the first typed."""
        typed = self.typed_reasons()
        if not typed:
            return "", translation.get_language() or settings.LANGUAGE_CODE, {}
        language = translation.get_language()
        if language not in typed:
            language = next(iter(typed))
        reason = typed.pop(language)
        return reason, language, typed


@admin.register(Activity)
class ActivityAdmin(AccentInsensitiveSearch, HistoryAdmin, TranslationAdmin):
    form = ActivityAdminForm
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
        PICTURE_FIELDSET,
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
        """Every save counts as an update; a new status goes through the service, which
        records it with who set it and why (ActivityAdminForm.reason_and_language)."""
        now = timezone.now()
        obj.updated = now
        status_changed = form.status_changes()
        if status_changed:
            obj.status_since = now
        super().save_model(request, obj, form, change)
        if status_changed:
            reason, language, translations = form.reason_and_language()
            activity_status_change(
                activity=obj,
                status=obj.status,
                user=request.user,
                reason=reason,
                language=language,
                translations=translations,
                when=now,
            )


class EventForm(zones.ZonedTimesMixin, forms.ModelForm):
    zoned_times = ("starts_at", "ends_at")


@admin.register(Event)
class EventAdmin(AccentInsensitiveSearch, HistoryAdmin, TranslationAdmin):
    form = EventForm
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "kind", "starts", "city", "country"]
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
        PICTURE_FIELDSET,
    ]

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts(self, event):
        return zones.display(event.starts_at, event.timezone)


@admin.register(FundingOpportunity)
class FundingOpportunityAdmin(AccentInsensitiveSearch, HistoryAdmin, TranslationAdmin):
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
class NewsAdmin(
    BackToInbox, AccentInsensitiveSearch, WrittenInAnyLanguageAdmin, HistoryAdmin, TranslationAdmin
):
    written_fields = ("title", "summary", "body")
    list_display = ["title", "status", "published_at", "member", "author"]
    list_filter = ["status"]
    list_select_related = ["member", "author"]
    search_fields = ["title_en", "title_fr", "title_es"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["member"]
    filter_horizontal = ["areas"]
    actions = ["publish"]
    fieldsets = [
        (None, {"fields": ["slug", "status", "decline_reason", "published_at", "member", "areas"]}),
        *language_fieldsets("title", "summary", "body", description=WRITTEN_NOTE),
        PICTURE_FIELDSET,
    ]

    def save_model(self, request, obj, form, change):
        # A change of status is a decision: the service makes it (and tells the author once).
        status = obj.status
        decided = change and "status" in form.changed_data
        if decided:
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        if decided:
            news_decide(news=obj, user=request.user, status=status, reason=obj.decline_reason)
            obj.refresh_from_db()

    @admin.action(description=_("Approve and publish the selected posts"), permissions=["change"])
    def publish(self, request, queryset):
        published = [news for news in queryset if news_publish(news=news, user=request.user)]
        log_changed(request, published, ["status", "published_at"])
        self.message_user(
            request,
            ngettext(
                "%(count)d news post approved and published.",
                "%(count)d news posts approved and published.",
                len(published),
            )
            % {"count": len(published)},
            messages.SUCCESS if published else messages.WARNING,
        )
