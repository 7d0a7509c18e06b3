from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from members.admin import MemberAdmin
from members.models import Member, User
from mountainpartnership.admin import AccentInsensitiveSearch, BackToInbox
from mountainpartnership.history import HistoryAdmin

from .models import InboxDigest, MemberNote, Nudge, PageView, PartnerMessage, TaskFailure
from .services import member_note_delete, member_note_save


class ReadOnlyAdmin(AccentInsensitiveSearch, admin.ModelAdmin):
    """Records the portal writes itself; the secretariat reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Nudge)
class NudgeAdmin(ReadOnlyAdmin):
    list_display = ["member", "email", "language", "sent_by", "sent_at"]
    list_select_related = ["member", "sent_by"]
    search_fields = ["member__name_en", "email"]
    date_hierarchy = "sent_at"


@admin.register(PartnerMessage)
class PartnerMessageAdmin(ReadOnlyAdmin):
    list_display = ["from_member", "to_member", "subject", "sender", "sent_at"]
    list_select_related = ["from_member", "to_member", "sender"]
    search_fields = ["subject", "from_member__name_en", "to_member__name_en"]
    date_hierarchy = "sent_at"


@admin.register(PageView)
class PageViewAdmin(ReadOnlyAdmin):
    list_display = ["day", "language", "path", "count"]
    list_filter = ["language"]
    search_fields = ["path"]
    date_hierarchy = "day"
    ordering = ["-day", "-count"]


@admin.register(TaskFailure)
class TaskFailureAdmin(ReadOnlyAdmin):
    list_display = ["task", "exception", "retries", "failed_at", "task_id"]
    list_filter = ["task"]
    search_fields = ["task", "task_id", "exception"]
    date_hierarchy = "failed_at"


# The member's admin page, composed from here (members cannot import insight): the nudges
# already sent and the secretariat's notes, next to each other.


class NudgeInline(admin.TabularInline):
    model = Nudge
    fields = ["sent_at", "email", "language", "sent_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("nudges already sent")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NoteBySecretariat:
    """A note's "from the secretariat" offers the active staff only, the writer first chosen."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "by":
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True).order_by(
                "email"
            )
            kwargs.setdefault("initial", request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MemberNoteInline(NoteBySecretariat, admin.StackedInline):
    model = MemberNote
    fields = [("date", "kind", "by"), "text", ("follow_up_on", "done")]
    extra = 1


class MemberWithNotesAdmin(BackToInbox, MemberAdmin):
    inlines = [*MemberAdmin.inlines, MemberNoteInline, NudgeInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not MemberNote:
            return super().save_formset(request, form, formset, change)
        # Notes are written through their service, so their history says who wrote them.
        for note in formset.save(commit=False):
            member_note_save(note=note, user=request.user)
        for note in formset.deleted_objects:
            member_note_delete(note=note, user=request.user)
        formset.save_m2m()


admin.site.unregister(Member)
admin.site.register(Member, MemberWithNotesAdmin)


@admin.register(MemberNote)
class MemberNoteAdmin(NoteBySecretariat, AccentInsensitiveSearch, HistoryAdmin):
    list_display = ["member", "date", "kind", "by", "follow_up_on", "done"]
    list_filter = ["kind", "done"]
    list_select_related = ["member", "by"]
    search_fields = ["member__name_en", "text"]
    autocomplete_fields = ["member"]
    date_hierarchy = "date"

    def get_actions(self, request):
        # Django's bulk delete skips the service (and who deleted what); one by one instead.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        member_note_save(note=obj, user=request.user)

    def delete_model(self, request, obj):
        member_note_delete(note=obj, user=request.user)


@admin.register(InboxDigest)
class InboxDigestAdmin(ReadOnlyAdmin):
    """What the daily email remembers; deleting a row would send the same list again."""

    list_display = ["sent_at", "newest", "entries", "recipients"]

    def has_delete_permission(self, request, obj=None):
        return False
