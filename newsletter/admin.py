from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import ImportForm
from .models import Subscriber
from .services import subscribers_import


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "status",
        "language",
        "region",
        "format",
        "source",
        "created",
        "confirmed_at",
    ]
    list_filter = ["status", "language", "region", "format", "source", "topics"]
    list_select_related = ["region"]
    search_fields = ["email"]
    readonly_fields = ["created", "confirmed_at", "unsubscribed_at", "source"]
    filter_horizontal = ["topics"]
    change_list_template = "admin/newsletter/subscriber/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="newsletter_subscriber_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import an existing list from CSV, with a report of the rows left out and why."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = subscribers_import(data=form.cleaned_data["file"].read())
            except ValidationError as error:
                form.add_error("file", error)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d address imported.",
                        "%(count)d addresses imported.",
                        report.created,
                    )
                    % {"count": report.created},
                    messages.SUCCESS if not report.rejected else messages.WARNING,
                )
        return TemplateResponse(
            request,
            "admin/newsletter/subscriber/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "form": form,
                "report": report,
                "title": _("Import subscribers"),
            },
        )
