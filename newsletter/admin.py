from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from members.models import Region
from mountainpartnership.admin import AccentInsensitiveSearch, BackToInbox
from mountainpartnership.adminlog import log_changed
from mountainpartnership.dates import date_format
from mountainpartnership.db import natural_key
from mountainpartnership.history import HistoryAdmin
from mountainpartnership.i18n import (
    TRANSLATION_NOTE,
    WRITTEN_NOTE,
    WrittenInAnyLanguageAdmin,
    language_fieldsets,
)
from mountainpartnership.mail import site_url

from .forms import REGION_NOT_SAID, ImportForm, TestSendForm
from .models import Delivery, Edition, Item, Subscriber
from .rendering import html_email, html_preview, render_edition
from .services import deliveries_retry_failed, edition_mark_ready, subscribers_import
from .tasks import editions_due


@admin.register(Subscriber)
class SubscriberAdmin(AccentInsensitiveSearch, admin.ModelAdmin):
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


class EditionItemFormSet(BaseInlineFormSet):
    """Items written in an edition's inline are for that edition's month, and approved unless
    the secretariat says otherwise: it is the secretariat writing them."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is None or index >= self.initial_form_count():
            kwargs["initial"] = {"status": Item.Status.APPROVED}
        return kwargs

    def save_new(self, form, commit=True):
        # The edition is saved by now, its month set to the first of the month.
        form.instance.target_month = self.instance.month
        return super().save_new(form, commit=commit)


class ItemInline(WrittenInAnyLanguageAdmin, TranslationStackedInline):
    model = Item
    formset = EditionItemFormSet
    written_fields = ("title", "body")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [("position", "status"), "title", "body", ("link", "member")]
    autocomplete_fields = ["member"]

    def get_extra(self, request, obj=None, **kwargs):
        # Empty rows to fill in: without JavaScript there is no "Add another" link.
        return 2 if obj is None else 1


@admin.register(Item)
class ItemAdmin(
    BackToInbox, AccentInsensitiveSearch, WrittenInAnyLanguageAdmin, HistoryAdmin, TranslationAdmin
):
    written_fields = ("title", "body")
    list_display = ["title", "member", "target_month", "status", "edition", "position"]
    list_filter = ["status", "target_month", "edition"]
    list_select_related = ["member", "edition"]
    search_fields = ["title_en", "title_fr", "title_es"]
    autocomplete_fields = ["member"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["status", "edition", "position", "target_month", "member", "link"]}),
        *language_fieldsets("title", "body", description=WRITTEN_NOTE),
    ]


@admin.register(Edition)
class EditionAdmin(BackToInbox, HistoryAdmin, TranslationAdmin):
    list_display = ["__str__", "status", "send_at", "started_at", "finished_at"]
    list_filter = ["status"]
    inlines = [ItemInline]
    readonly_fields = ["status", "started_at", "finished_at", "progress"]
    actions = ["schedule", "send_now", "retry_failed"]
    change_form_template = "admin/newsletter/edition/change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "month",
                    "status",
                    "send_at",
                    "english_fallback",
                    "started_at",
                    "finished_at",
                    "progress",
                ]
            },
        ),
        *language_fieldsets("intro", description=TRANSLATION_NOTE),
    ]

    @admin.display(description=_("progress"))
    def progress(self, edition):
        rows = (
            Delivery.objects.filter(edition=edition)
            .values("status", "language", "region")
            .annotate(total=Count("pk"))
            .order_by()
        )
        # Named as the secretariat reads them ("Sent · English · Europe"), not by their codes.
        statuses = dict(Delivery.Status.choices)
        languages = dict(settings.LANGUAGES)
        regions = {region.pk: region.name for region in Region.objects.all()}
        order = list(statuses)
        rows = sorted(
            rows,
            key=lambda r: (
                order.index(r["status"]) if r["status"] in order else len(order),
                r["language"],
                natural_key(str(regions.get(r["region"], ""))),
            ),
        )
        in_doubt = (
            Delivery.objects.filter(edition=edition, claimed_until__isnull=False)
            .exclude(status=Delivery.Status.SENT)
            .count()
        )

        def counted(name, total):
            return gettext("%(name)s: %(total)s") % {"name": name, "total": total}

        lines = format_html_join(
            "",
            "<li>{}</li>",
            (
                (
                    counted(
                        " · ".join(
                            [
                                str(statuses.get(r["status"], r["status"])),
                                str(languages.get(r["language"], r["language"])),
                                str(regions.get(r["region"], REGION_NOT_SAID)),
                            ]
                        ),
                        r["total"],
                    ),
                )
                for r in rows
            ),
        )
        return format_html(
            "<ul>{}</ul><p>{}</p>", lines, counted(_("in doubt (claimed, not confirmed)"), in_doubt)
        )

    @admin.action(description=_("Ready: send at the time set"), permissions=["change"])
    def schedule(self, request, queryset):
        for edition in queryset:
            try:
                edition_mark_ready(edition=edition, send_at=edition.send_at)
            except ValidationError as error:
                self.message_user(request, f"{edition}: {' '.join(error.messages)}", messages.ERROR)
            else:
                log_changed(request, [edition], ["status", "send_at"])
                self.message_user(
                    request,
                    _("%(edition)s will be sent at %(time)s.")
                    % {
                        "edition": edition,
                        "time": date_format(localtime(edition.send_at), "DATETIME_FORMAT"),
                    },
                    messages.SUCCESS,
                )

    @admin.action(description=_("Send now"), permissions=["change"])
    def send_now(self, request, queryset):
        for edition in queryset:
            try:
                edition_mark_ready(edition=edition)
            except ValidationError as error:
                self.message_user(request, f"{edition}: {' '.join(error.messages)}", messages.ERROR)
            else:
                log_changed(request, [edition], ["status", "send_at"])
                # Beat checks every minute; asking now only saves the wait (no eta involved).
                transaction.on_commit(editions_due.delay)
                self.message_user(
                    request,
                    _("%(edition)s will be sent within a minute.") % {"edition": edition},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Retry the failed deliveries"), permissions=["change"])
    def retry_failed(self, request, queryset):
        for edition in queryset:
            retried = deliveries_retry_failed(edition=edition)
            if retried:
                log_changed(request, [edition], ["status"])
            self.message_user(
                request,
                ngettext(
                    "%(edition)s: %(count)s delivery queued again.",
                    "%(edition)s: %(count)s deliveries queued again.",
                    retried,
                )
                % {"edition": edition, "count": retried},
            )

    def get_urls(self):
        return [
            path(
                "<int:edition_id>/preview/<str:language>/",
                self.admin_site.admin_view(self.preview_view),
                name="newsletter_edition_preview",
            ),
            path(
                "<int:edition_id>/test/",
                self.admin_site.admin_view(self.test_view),
                name="newsletter_edition_test",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, edition_id, language):
        edition = get_object_or_404(Edition, pk=edition_id)
        if not self.has_view_permission(request, edition) or language not in {"en", "fr", "es"}:
            raise PermissionDenied
        rendered = render_edition(edition, language)
        if request.GET.get("format") == "text":
            return HttpResponse(rendered.text, content_type="text/plain; charset=utf-8")
        response = HttpResponse(html_preview(rendered))
        # The email as mail programs show it: its inline styles apply, in a sandbox where no
        # script can run and the page has no access to the portal's origin.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; sandbox"
        )
        return response

    def test_view(self, request, edition_id):
        edition = get_object_or_404(Edition, pk=edition_id)
        if not self.has_change_permission(request, edition) or request.method != "POST":
            raise PermissionDenied
        form = TestSendForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["language"]
            with translation.override(language):
                newsletter_page = site_url(reverse("newsletter:subscribe"))
            # The address tested is not on the list: its own links lead to the newsletter page.
            rendered = render_edition(edition, language).personalised(
                manage_url=newsletter_page, unsubscribe_url=newsletter_page
            )
            html_email(rendered, [form.cleaned_data["email"]]).send()
            self.message_user(
                request, _("Test sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
        else:
            self.message_user(
                request,
                " ".join(e for errors in form.errors.values() for e in errors),
                messages.ERROR,
            )
        return redirect("admin:newsletter_edition_change", edition_id)
