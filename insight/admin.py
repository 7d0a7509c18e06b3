from django.contrib import admin

from mountainpartnership.admin import AccentInsensitiveSearch

from .models import Nudge, PageView, PartnerMessage, TaskFailure


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
