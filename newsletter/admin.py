from django import forms
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
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from members import permissions
from members.forms import AreasField
from members.models import Member, Region
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
from .services import (
    deliveries_retry_failed,
    edition_fill,
    edition_mark_ready,
    item_decide,
    subscribers_import,
)
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

    def save_existing(self, form, obj, commit=True):
        # A change of status is a decision: the service makes it (and tells a member's
        # item's author once).
        if not commit or "status" not in form.changed_data:
            return super().save_existing(form, obj, commit=commit)
        status, obj.status = obj.status, form.initial["status"]
        saved = super().save_existing(form, obj, commit=commit)
        item_decide(item=saved, status=status, reason=saved.decline_reason)
        saved.refresh_from_db()
        return saved


class ItemInline(WrittenInAnyLanguageAdmin, TranslationStackedInline):
    model = Item
    formset = EditionItemFormSet
    written_fields = ("title", "body")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # The reason beside the status: declining a member's item needs one, as on the item's own
    # page (Item.clean, the one rule: its message shows on the row that lacks it).
    fields = [
        ("position", "status"),
        "decline_reason",
        "title",
        "body",
        ("link", "member"),
        ("only_for_area", "source"),
    ]
    readonly_fields = ["source"]
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
        (
            None,
            {
                "fields": [
                    "status",
                    "decline_reason",
                    "edition",
                    "position",
                    "target_month",
                    "member",
                    "link",
                ]
            },
        ),
        *language_fieldsets("title", "body", description=WRITTEN_NOTE),
    ]

    def save_model(self, request, obj, form, change):
        # A change of status is a decision: the service makes it (and tells the author once).
        status = obj.status
        decided = change and "status" in form.changed_data
        if decided:
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        if decided:
            item_decide(item=obj, user=request.user, status=status, reason=obj.decline_reason)
            obj.refresh_from_db()


SEGMENT_FIELDS = ["areas", "regions", "languages", "member_types"]


def segment_label(name: str) -> str:
    """A segment field's label: its model field's name, capitalised as the admin does."""
    return capfirst(Edition._meta.get_field(name).verbose_name)


class EditionForm(forms.ModelForm):
    """The segment as checkboxes, which work without JavaScript."""

    areas = AreasField(
        label=segment_label("areas"),
        help_text=_("Only subscribers who follow one of these areas. Empty: everyone."),
    )
    regions = forms.ModelMultipleChoiceField(
        label=segment_label("regions"),
        queryset=Region.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only subscribers in one of these regions. Empty: everyone."),
    )
    languages = forms.MultipleChoiceField(
        label=segment_label("languages"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only subscribers who read one of these languages. Empty: everyone."),
    )
    member_types = forms.MultipleChoiceField(
        label=segment_label("member_types"),
        choices=Member.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Edition._meta.get_field("member_types").help_text,
    )

    class Meta:
        model = Edition
        # The admin's fieldsets name the rest.
        fields = SEGMENT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "areas" in self.fields:  # not once the edition is sent: then it is read-only
            self.fields["areas"].group()


@admin.register(Edition)
class EditionAdmin(BackToInbox, HistoryAdmin, TranslationAdmin):
    form = EditionForm
    list_display = ["__str__", "status", "send_at", "started_at", "finished_at"]
    list_filter = ["status"]
    inlines = [ItemInline]
    readonly_fields = ["status", "started_at", "finished_at", "progress", "segment_size"]
    actions = ["schedule", "send_now", "retry_failed", "fill"]
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
        (
            _("Readers"),
            {
                "fields": [*SEGMENT_FIELDS, "segment_size"],
                "description": _(
                    "Send to everyone, or to a segment: every criterion chosen must hold."
                ),
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.status in {Edition.Status.SENDING, Edition.Status.SENT}:
            # Its deliveries are made: the segment is what it was sent to.
            return [*fields, *SEGMENT_FIELDS]
        return fields

    @admin.display(description=_("segment size"))
    def segment_size(self, edition):
        if edition is None or edition.pk is None:
            return _("Shown once the edition is saved.")
        if edition.status in {Edition.Status.SENDING, Edition.Status.SENT}:
            count = Delivery.objects.filter(edition=edition).count()
            return ngettext(
                "Sent to %(count)s subscriber.", "Sent to %(count)s subscribers.", count
            ) % {"count": count}
        count = Subscriber.objects.confirmed().in_segment(edition).count()
        return ngettext(
            "%(count)s confirmed subscriber will receive it.",
            "%(count)s confirmed subscribers will receive it.",
            count,
        ) % {"count": count}

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

    def filled(self, request, edition) -> None:
        try:
            added = edition_fill(edition=edition, user=request.user)
        except ValidationError as error:
            self.message_user(request, f"{edition}: {' '.join(error.messages)}", messages.ERROR)
            return
        # Each item added keeps its own history, with who filled it.
        self.message_user(
            request,
            ngettext(
                "%(edition)s: %(count)s item added from the events, calls and news.",
                "%(edition)s: %(count)s items added from the events, calls and news.",
                added,
            )
            % {"edition": edition, "count": added},
            messages.SUCCESS,
        )

    @admin.action(description=_("Fill with events, calls and news"), permissions=["fill"])
    def fill(self, request, queryset):
        for edition in queryset:
            self.filled(request, edition)

    def has_fill_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user) and self.has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "can_fill": edition is not None
            and edition.status == Edition.Status.DRAFT
            and self.has_fill_permission(request, edition),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def fill_view(self, request, edition_id):
        edition = get_object_or_404(Edition, pk=edition_id)
        if request.method != "POST" or not self.has_fill_permission(request, edition):
            raise PermissionDenied
        self.filled(request, edition)
        return redirect("admin:newsletter_edition_change", edition_id)

    def get_urls(self):
        return [
            path(
                "<int:edition_id>/fill/",
                self.admin_site.admin_view(self.fill_view),
                name="newsletter_edition_fill",
            ),
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
