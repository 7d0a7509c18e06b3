from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from mountainpartnership import zones
from mountainpartnership.admin import AccentInsensitiveSearch, BackToInbox
from mountainpartnership.adminlog import log_changed
from mountainpartnership.history import HistoryAdmin
from mountainpartnership.i18n import TRANSLATION_NOTE, language_fieldsets
from mountainpartnership.limits import form_field

from . import services
from .models import Consultation, Document, Flag, ModerationQueue, Post, Space, Topic


@admin.register(Space)
class SpaceAdmin(AccentInsensitiveSearch, HistoryAdmin, TranslationAdmin):
    list_display = ["title", "area", "read_access", "write_access", "position"]
    list_filter = ["read_access", "write_access"]
    search_fields = ["title_en", "title_fr", "title_es", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    fieldsets = [
        (None, {"fields": ["slug", "area", "read_access", "write_access", "position"]}),
        *language_fieldsets("title", "description", description=TRANSLATION_NOTE),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("area")


def lock_reason_field(**kwargs):
    # As long as a hidden post's reason: the same kind of sentence, emailed to the author.
    return form_field(Post, "moderation_reason", label=_("Why it is locked"), **kwargs)


class TopicForm(forms.ModelForm):
    lock_reason = lock_reason_field(
        required=False, help_text=_("Needed to lock the topic; emailed to its author.")
    )

    class Meta:
        model = Topic
        fields = ["title", "space", "author", "pinned", "locked"]

    def clean(self):
        cleaned = super().clean()
        locking = cleaned.get("locked") and not (self.instance.pk and self.instance.locked)
        if locking and not cleaned.get("lock_reason", "").strip():
            self.add_error("lock_reason", _("Say why the topic is locked."))
        return cleaned


class LockForm(forms.Form):
    reason = lock_reason_field(required=True)


@admin.register(Topic)
class TopicAdmin(AccentInsensitiveSearch, HistoryAdmin):
    form = TopicForm
    list_display = ["title", "space", "author", "post_count", "last_posted_at", "pinned", "locked"]
    list_filter = ["pinned", "locked", "space"]
    search_fields = ["title"]
    list_select_related = ["space", "author"]
    raw_id_fields = ["author"]
    readonly_fields = ["post_count", "created_at", "last_posted_at"]
    fields = ["title", "space", "author", "pinned", "locked", "lock_reason", *readonly_fields]
    actions = ["pin", "unpin", "lock", "unlock"]

    def save_model(self, request, obj, form, change):
        # Pinning and locking go through the service (which emails a locked topic's author);
        # the rest of the form is saved as it is.
        moderation = {
            field: form.cleaned_data[field]
            for field in ["pinned", "locked"]
            if change and field in form.changed_data
        }
        for field in moderation:
            setattr(obj, field, form.initial[field])
        super().save_model(request, obj, form, change)
        if moderation:
            services.topic_moderate(
                topic=obj,
                user=request.user,
                reason=form.cleaned_data.get("lock_reason", ""),
                **moderation,
            )
            for field, value in moderation.items():
                setattr(obj, field, value)

    def moderate(self, request, queryset, done, **change):
        changed = [
            topic
            for topic in queryset
            if services.topic_moderate(topic=topic, user=request.user, **change)
        ]
        log_changed(request, changed, [field for field in change if field != "reason"])
        self.message_user(request, done(len(changed)) % {"count": len(changed)}, messages.SUCCESS)

    @admin.action(description=_("Pin the selected topics"), permissions=["change"])
    def pin(self, request, queryset):
        self.moderate(
            request,
            queryset,
            lambda n: ngettext("%(count)d topic pinned.", "%(count)d topics pinned.", n),
            pinned=True,
        )

    @admin.action(description=_("Unpin the selected topics"), permissions=["change"])
    def unpin(self, request, queryset):
        self.moderate(
            request,
            queryset,
            lambda n: ngettext("%(count)d topic unpinned.", "%(count)d topics unpinned.", n),
            pinned=False,
        )

    @admin.action(description=_("Lock the selected topics, with a reason"), permissions=["change"])
    def lock(self, request, queryset):
        form = LockForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self.moderate(
                request,
                queryset,
                lambda n: ngettext("%(count)d topic locked.", "%(count)d topics locked.", n),
                locked=True,
                reason=form.cleaned_data["reason"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Lock topics"),
            "opts": self.model._meta,
            "form": form,
            "objects": queryset,
            "intro": _(
                "These topics will take no more replies. Their authors are emailed the reason."
            ),
            "action": "lock",
            "button": _("Lock the topics"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/with_reason.html", context)

    @admin.action(description=_("Unlock the selected topics"), permissions=["change"])
    def unlock(self, request, queryset):
        self.moderate(
            request,
            queryset,
            lambda n: ngettext("%(count)d topic unlocked.", "%(count)d topics unlocked.", n),
            locked=False,
        )


# A post's change page's decision buttons (templates/admin/discussions/post/change_form.html).
KEEP, HIDE = "_keep", "_hide"


class ModerationForm(forms.ModelForm):
    """The moderation of a post: as chosen in its list, or as decided by the page's buttons
    (keep it visible, or hide it with the reason typed), which close its reports."""

    class Meta:
        model = Post
        fields = ["moderation", "moderation_reason"]

    def decision(self) -> str | None:
        """The moderation a decision button asks for; None for a plain save."""
        if KEEP in self.data:
            return Post.Moderation.VISIBLE
        if HIDE in self.data:
            return Post.Moderation.HIDDEN
        return None

    def clean(self):
        cleaned = super().clean()
        if self.decision():
            cleaned["moderation"] = self.decision()
        if (
            cleaned.get("moderation") == Post.Moderation.HIDDEN
            and not cleaned.get("moderation_reason", "").strip()
        ):
            self.add_error("moderation_reason", _("Say why the post is hidden."))
        return cleaned


class FlagInline(admin.TabularInline):
    model = Flag
    fields = ["user", "reason", "created_at", "resolved_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class HideForm(forms.Form):
    reason = form_field(
        Post, "moderation_reason", label=_("Reason shown in place of the posts"), required=True
    )


@admin.register(Post)
class PostAdmin(BackToInbox, AccentInsensitiveSearch, HistoryAdmin):
    """Posts are written on the site; here the secretariat hides them or shows them again."""

    form = ModerationForm
    list_display = ["__str__", "author", "member", "created_at", "language", "moderation"]
    list_filter = ["moderation", "language", "source", "topic__space"]
    search_fields = ["body", "topic__title", "author__email"]
    list_select_related = ["topic", "author", "member"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "topic",
        "author",
        "member",
        "shown_text",
        "language",
        "source",
        "created_at",
        "edited_at",
        "deleted_at",
        "moderated_by",
        "moderated_at",
    ]
    fields = [*readonly_fields[:8], "moderation", "moderation_reason", *readonly_fields[8:]]
    inlines = [FlagInline]
    change_form_template = "admin/discussions/post/change_form.html"
    actions = ["keep_visible", "hide"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("text"))
    def shown_text(self, post):
        return format_html('<div lang="{}">{}</div>', post.language, post.body_html)

    def save_model(self, request, obj, form, change):
        # A decision button decides even when nothing on the form changed: keeping a
        # reported post visible closes its reports.
        if form.decision() or {"moderation", "moderation_reason"} & set(form.changed_data):
            services.post_moderate(
                post=obj,
                user=request.user,
                moderation=obj.moderation,
                reason=obj.moderation_reason,
            )

    def response_change(self, request, obj):
        """After a decision button: say what was decided, then back to the list (or to the
        inbox, when the page was opened from it)."""
        if KEEP in request.POST:
            done = _("The post stays visible; its reports are closed.")
        elif HIDE in request.POST:
            done = _("The post is hidden; its reports are closed.")
        else:
            return super().response_change(request, obj)
        self.message_user(request, done, messages.SUCCESS)
        opts = self.opts
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    @admin.action(description=_("Keep visible and close their reports"), permissions=["change"])
    def keep_visible(self, request, queryset):
        # Listed first: once their reports are closed, they leave the moderation queue's list.
        posts = list(queryset)
        for post in posts:
            services.post_moderate(post=post, user=request.user, moderation="visible")
        log_changed(request, posts, ["moderation"])
        self.message_user(request, _("The posts are visible; their reports are closed."))

    @admin.action(description=_("Hide the selected posts, with a reason"), permissions=["change"])
    def hide(self, request, queryset):
        form = HideForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            posts = list(queryset)
            for post in posts:
                services.post_moderate(
                    post=post,
                    user=request.user,
                    moderation=Post.Moderation.HIDDEN,
                    reason=form.cleaned_data["reason"],
                )
            log_changed(request, posts, ["moderation", "moderation_reason"])
            self.message_user(request, _("The posts are hidden."), messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hide posts"),
            "opts": self.model._meta,
            "form": form,
            "posts": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/discussions/hide_posts.html", context)


@admin.register(ModerationQueue)
class ModerationQueueAdmin(PostAdmin):
    """Posts with reports not yet reviewed, most reported first, with who reported what."""

    list_display = ["__str__", "author", "created_at", "moderation", "open_flags", "reasons"]
    list_filter = ["moderation"]

    def get_queryset(self, request):
        # Only posts with a report not yet reviewed. A filter on flags__resolved_at=None
        # would also keep every post that has no flag at all (the outer join's empty row).
        open_flags = Flag.objects.filter(post=OuterRef("pk"), resolved_at=None)
        # Not super(): it would sort by get_ordering() before the count is there to sort by.
        return (
            self.model._default_manager.filter(Exists(open_flags))
            .annotate(open_flag_count=Count("flags", filter=Q(flags__resolved_at=None)))
            .prefetch_related("flags__user")
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        # The change list sorts by this, not by the queryset's order: it would fall back on
        # the posts' own order, by date, and bury the most reported ones.
        return ["-open_flag_count", "created_at", "pk"]

    @admin.display(description=_("reports"), ordering="open_flag_count")
    def open_flags(self, post):
        return post.open_flag_count

    @admin.display(description=_("who reported what"))
    def reasons(self, post):
        return "; ".join(
            f"{flag.user}: {flag.reason}" for flag in post.flags.all() if flag.resolved_at is None
        )


class DocumentInline(TranslationTabularInline):
    model = Document
    extra = 1
    fields = ["title", "file", "position"]


class ConsultationForm(zones.ZonedTimesMixin, forms.ModelForm):
    zoned_times = ("opens_at", "closes_at")

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The consultation must close after it opens."))
        return cleaned


@admin.register(Consultation)
class ConsultationAdmin(BackToInbox, AccentInsensitiveSearch, HistoryAdmin, TranslationAdmin):
    form = ConsultationForm
    list_display = ["question", "opens", "closes", "moderator", "synthesis_published_at"]
    search_fields = ["question_en", "question_fr", "question_es"]
    prepopulated_fields = {"slug": ["question_en"]}
    raw_id_fields = ["moderator"]
    inlines = [DocumentInline]
    readonly_fields = ["exports", "synthesis_published_at", "closing_sent_at", "synthesis_sent_at"]
    fieldsets = [
        (None, {"fields": ["slug", "moderator", "opens_at", "closes_at", "timezone", "exports"]}),
        *language_fieldsets("question", "background", description=TRANSLATION_NOTE),
        (
            _("Synthesis"),
            {
                "fields": [
                    "synthesis_en",
                    "synthesis_fr",
                    "synthesis_es",
                    "synthesis_published_at",
                    "closing_sent_at",
                    "synthesis_sent_at",
                ],
                "description": _(
                    "Written by the moderator once the consultation has closed. Publish it "
                    "with the action in the list: it then shows on the consultation's page "
                    "and is emailed to every participant."
                ),
            },
        ),
    ]
    actions = ["publish_synthesis"]

    @admin.display(description=_("opens"), ordering="opens_at")
    def opens(self, consultation):
        return zones.display(consultation.opens_at, consultation.timezone)

    @admin.display(description=_("closes"), ordering="closes_at")
    def closes(self, consultation):
        return zones.display(consultation.closes_at, consultation.timezone)

    @admin.display(description=_("contributions"))
    def exports(self, consultation):
        if not consultation.pk:
            return "-"
        return format_html(
            '<a href="{}">CSV</a> · <a href="{}">JSON</a>',
            reverse("discussions:consultation-export", args=[consultation.slug, "csv"]),
            reverse("discussions:consultation-export", args=[consultation.slug, "json"]),
        )

    def save_model(self, request, obj, form, change):
        services.consultation_save(obj)

    @admin.action(
        description=_("Publish the synthesis and email it to the participants"),
        permissions=["change"],
    )
    def publish_synthesis(self, request, queryset):
        now = timezone.now()
        for consultation in queryset:
            try:
                services.synthesis_publish(consultation=consultation, now=now)
            except ValidationError as error:
                self.message_user(
                    request, f"{consultation}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                log_changed(request, [consultation], ["synthesis_published_at"])
                self.message_user(
                    request, _("Published: %(question)s") % {"question": consultation}
                )
