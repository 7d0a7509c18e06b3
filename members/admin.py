import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from mountainpartnership.admin import AccentInsensitiveSearch, BackToInbox
from mountainpartnership.adminlog import log_changed
from mountainpartnership.db import search_term
from mountainpartnership.history import HistoryAdmin
from mountainpartnership.i18n import TRANSLATION_NOTE, language_fieldsets
from mountainpartnership.limits import form_field
from mountainpartnership.spreadsheets import csv_response

from .forms import AreasField, FocalPointReplaceForm, UserChangeForm, UserCreationForm
from .models import (
    Area,
    FocalPoint,
    FocalPointProposal,
    Invitation,
    Member,
    MembershipApplication,
    Region,
    Representation,
    TermRenewal,
    User,
)
from .selectors import ADMIN_COLUMNS, member_csv_rows
from .services import (
    application_approve,
    application_reject,
    focal_point_handover,
    focal_point_proposal_confirm,
    focal_point_proposal_decline,
    focal_point_replace,
    focal_points_invite,
    members_mark_inactive,
    members_renew_term,
    proposal_decline_reason_check,
    representations_link_designations,
)
from .tasks import spoken_language


@admin.register(User)
class UserAdmin(AccentInsensitiveSearch, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    # Written when they happen, never typed.
    readonly_fields = ["last_login", "date_joined"]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(Region)
class RegionAdmin(HistoryAdmin, TranslationAdmin):
    list_display = ["name", "slug", "position", "member_count"]
    list_editable = ["position"]
    fieldsets = [
        (None, {"fields": ["slug", "position"]}),
        *language_fieldsets("name", "description", description=TRANSLATION_NOTE),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, region):
        return region.member_total


@admin.register(Area)
class AreaAdmin(AccentInsensitiveSearch, HistoryAdmin, TranslationAdmin):
    list_display = ["name", "kind", "slug", "member_count", "leader_count"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_fr", "name_es"]
    autocomplete_fields = ["leading_members"]
    fieldsets = [
        (None, {"fields": ["kind", "slug", "leading_members"]}),
        *language_fieldsets("name", "description", description=TRANSLATION_NOTE),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_total=Count("members", distinct=True),
                leader_total=Count("leading_members", distinct=True),
            )
        )

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, area):
        return area.member_total

    @admin.display(description=_("leading members"), ordering="leader_total")
    def leader_count(self, area):
        return area.leader_total


class FocalPointFormSet(BaseInlineFormSet):
    """Checks "one current focal point" across the whole inline.

    The database constraint is checked here rather than row by row, so that staff can end
    the earlier focal point and add the new one in a single save: Django saves changed
    rows before new ones, so the constraint holds at every step.
    """

    def clean(self):
        super().clean()
        current = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == FocalPoint.Role.FOCAL_POINT
            and form.cleaned_data.get("end_date") is None
        ]
        if len(current) > 1:
            raise ValidationError(
                _(
                    "A member has one current focal point. Give the earlier one an end date, "
                    "or use “Replace focal point”."
                )
            )


class FocalPointInline(TranslationTabularInline):
    model = FocalPoint
    formset = FocalPointFormSet
    fields = ["role", "name", "title", "email", "phone", "languages", "start_date", "end_date"]
    extra = 0
    verbose_name = _("focal point or alternate")
    verbose_name_plural = _(
        "focal points and alternates (a focal point without an end date is the current one)"
    )

    class Media:
        css = {"all": ["members/admin.css"]}

    def get_queryset(self, request):
        # The current focal point first, then current alternates, then the history.
        return (
            super()
            .get_queryset(request)
            .order_by(F("end_date").desc(nulls_first=True), "-role", "-start_date")
        )


class TermEndingFilter(admin.SimpleListFilter):
    title = _("membership term")
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return [
            ("ended", _("ended")),
            ("renewal", _("due for renewal (within 90 days)")),
            ("soon", _("ends within six months")),
            ("later", _("ends later")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=183)
        if self.value() == "ended":
            return queryset.filter(term_ends__lt=today)
        if self.value() == "renewal":
            window = datetime.timedelta(days=settings.MEMBERSHIP_RENEWAL_WINDOW_DAYS)
            return queryset.filter(term_ends__gte=today, term_ends__lte=today + window)
        if self.value() == "soon":
            return queryset.filter(term_ends__gte=today, term_ends__lt=soon)
        if self.value() == "later":
            return queryset.filter(term_ends__gte=soon)
        return queryset


class RecordConfirmedFilter(admin.SimpleListFilter):
    title = _("record confirmed by the member")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("within the last year")), ("no", _("not within the last year"))]

    def queryset(self, request, queryset):
        year_ago = timezone.now() - datetime.timedelta(days=365)
        if self.value() == "yes":
            return queryset.filter(record_confirmed_at__gte=year_ago)
        if self.value() == "no":
            return queryset.filter(
                Q(record_confirmed_at=None) | Q(record_confirmed_at__lt=year_ago)
            )
        return queryset


class RepresentationInline(admin.TabularInline):
    model = Representation
    fk_name = "member"
    # The designation is tied by the service (an account at a current focal point's or
    # alternate's address holds theirs), not chosen here.
    fields = ["user", "role", "focal_point", "created"]
    readonly_fields = ["focal_point", "created"]
    autocomplete_fields = ["user"]
    extra = 0


class TermRenewalInline(admin.TabularInline):
    model = TermRenewal
    fields = ["renewed_on", "term_ends"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def country_codes_named(term: str) -> set[str]:
    """Codes of the countries whose name in English, French or Spanish contains `term`
    (lower-case, without accents)."""
    codes = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            codes |= {code for code, name in countries if term in search_term(name)}
    return codes


@admin.register(Member)
class MemberAdmin(AccentInsensitiveSearch, HistoryAdmin, TranslationAdmin):
    list_display = [
        "name",
        "acronym",
        "type_and_sector",
        "country",
        "region",
        "focal_point",
        "date_joined",
        "term_ends",
        "status",
    ]
    list_filter = [
        "type",
        "sector",
        "region",
        "status",
        "areas",
        TermEndingFilter,
        RecordConfirmedFilter,
    ]
    list_select_related = ["region"]
    search_fields = ["name_en", "name_fr", "name_es", "acronym"]
    search_help_text = _("Name in any language, acronym or country.")
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [FocalPointInline, RepresentationInline, TermRenewalInline]
    actions = ["export_csv", "mark_inactive", "renew_term", "invite_focal_points"]
    list_per_page = 100
    change_form_template = "admin/members/member/change_form.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (
            _("Organisation"),
            {
                "fields": [
                    "type",
                    "sector",
                    "acronym",
                    "slug",
                    "country",
                    "region",
                    "website",
                    "logo",
                ]
            },
        ),
        *language_fieldsets("name", "description", description=TRANSLATION_NOTE),
        (
            _("Membership"),
            {
                "fields": [
                    "status",
                    "left_on",
                    "date_joined",
                    "term_ends",
                    "record_confirmed_at",
                    "contact_email",
                ]
            },
        ),
        (_("Areas"), {"fields": ["areas"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_focal_point()

    def save_related(self, request, form, formsets, change):
        """A new current focal point entered in the inline is handed over to as on the
        replace page: the outgoing one's account ends with them, the new one is invited."""
        member = form.instance
        if not change:
            # A new member's focal point is invited with the action, once the record is right.
            super().save_related(request, form, formsets, change)
            representations_link_designations(member=member)
            return
        before = member.focal_points.focal_points().current().first()
        super().save_related(request, form, formsets, change)
        representations_link_designations(member=member)
        after = member.focal_points.focal_points().current().first()
        if after is not None and (before is None or after.pk != before.pk):
            previous = before or (
                member.focal_points.focal_points()
                .exclude(pk=after.pk)
                .order_by(F("end_date").desc(nulls_last=True))
                .first()
            )
            focal_point_handover(
                member=member, previous=previous, new=after, invited_by=request.user
            )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "areas":
            kwargs["form_class"] = AreasField
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.group()
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def search_also(self, request, term):
        # Countries are stored as codes: match the term against their names in every
        # language of the site, as the member's own names are.
        return Q(country__in=country_codes_named(term))

    @admin.display(description=_("type"), ordering="type")
    def type_and_sector(self, member):
        if member.sector:
            return f"{member.get_type_display()} ({member.get_sector_display()})"
        return member.get_type_display()

    @admin.display(description=_("current focal point"))
    def focal_point(self, member):
        focal_point = member.current_focal_point
        return focal_point.name if focal_point else "—"

    @admin.action(description=_("Export the selected members to CSV"))
    def export_csv(self, request, queryset):
        response, writer = csv_response(f"members-{timezone.localdate().isoformat()}.csv")
        writer.writerows(member_csv_rows(queryset.order_by("name_en"), ADMIN_COLUMNS))
        return response

    @admin.action(description=_("Mark the selected members inactive"), permissions=["change"])
    def mark_inactive(self, request, queryset):
        changed = members_mark_inactive(members=queryset)
        log_changed(request, Member.objects.filter(pk__in=changed), ["status"])
        self.message_user(
            request,
            ngettext(
                "%(count)d member marked inactive.",
                "%(count)d members marked inactive.",
                len(changed),
            )
            % {"count": len(changed)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Renew the selected members' terms by four years"), permissions=["change"]
    )
    def renew_term(self, request, queryset):
        result = members_renew_term(members=queryset)
        log_changed(request, result.renewed, ["term_ends"])
        if result.renewed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d membership term renewed.",
                    "%(count)d membership terms renewed.",
                    len(result.renewed),
                )
                % {"count": len(result.renewed)},
                messages.SUCCESS,
            )
        for member, reason in result.refused:
            self.message_user(
                request,
                _("%(member)s not renewed: %(reason)s") % {"member": member, "reason": reason},
                messages.WARNING,
            )

    @admin.action(
        description=_("Invite the selected members' focal points to the portal"),
        permissions=["change"],
    )
    def invite_focal_points(self, request, queryset):
        invitations, without = focal_points_invite(members=queryset, invited_by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", len(invitations))
            % {"count": len(invitations)},
            messages.SUCCESS if invitations else messages.WARNING,
        )
        for member in without:
            self.message_user(
                request,
                _("No invitation for %(member)s: it has no current focal point.")
                % {"member": member},
                messages.WARNING,
            )

    def get_urls(self):
        return [
            path(
                "<int:member_id>/replace-focal-point/",
                self.admin_site.admin_view(self.replace_focal_point_view),
                name="members_member_replace_focal_point",
            ),
            *super().get_urls(),
        ]

    def replace_focal_point_view(self, request, member_id):
        member = get_object_or_404(Member, pk=member_id)
        if not self.has_change_permission(request, member):
            raise PermissionDenied
        current = member.current_focal_point
        # The outgoing focal point's language is the likeliest guess for the next one's.
        guess = spoken_language(current.languages) if current else translation.get_language()
        form = FocalPointReplaceForm(request.POST or None, initial={"language": guess})
        if request.method == "POST" and form.is_valid():
            try:
                new = focal_point_replace(
                    member=member, invited_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _(
                        "%(name)s is now the focal point of %(member)s, and is invited to the portal."
                    )
                    % {"name": new.name, "member": member},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:members_member_change", args=[member.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": member,
            "current": current,
            "form": form,
            "title": _("Replace the focal point of %(member)s") % {"member": member},
        }
        return TemplateResponse(request, "admin/members/member/replace_focal_point.html", context)


@admin.register(FocalPoint)
class FocalPointAdmin(AccentInsensitiveSearch, HistoryAdmin, TranslationAdmin):
    list_display = ["name", "member", "role", "email", "start_date", "end_date"]
    list_filter = [
        "role",
        ("end_date", admin.EmptyFieldListFilter),
        "member__type",
        "member__region",
    ]
    list_select_related = ["member"]
    search_fields = ["name", "email", "member__name_en", "member__acronym"]
    autocomplete_fields = ["member"]
    fieldsets = [
        (None, {"fields": ["member", "role", "name", "email", "phone", "languages"]}),
        (_("Job title"), {"fields": ["title"]}),
        (_("Dates"), {"fields": ["start_date", "end_date"]}),
    ]


class ProposalForm(forms.ModelForm):
    """A proposal's change form: its "Decline" button needs the reason typed on the page,
    asked before anything is saved (the service's own rule, proposal_decline_reason_check)."""

    class Meta:
        model = FocalPointProposal
        fields = [
            "name",
            "title",
            "email",
            "phone",
            "languages",
            "start_date",
            "language",
            "decline_reason",
        ]

    def clean(self):
        cleaned = super().clean()
        if DECLINE in self.data:
            try:
                proposal_decline_reason_check(cleaned.get("decline_reason") or "")
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class ProposalDeclineForm(forms.Form):
    """The reason asked by the list's "decline" action, emailed to each proposer."""

    reason = form_field(
        FocalPointProposal,
        "decline_reason",
        label=_("Reason for declining, emailed to the person who proposed"),
        required=True,
    )


# The change page's decision buttons (templates/admin/members/focalpointproposal/).
CONFIRM, DECLINE = "_confirm", "_decline"


@admin.register(FocalPointProposal)
class FocalPointProposalAdmin(BackToInbox, admin.ModelAdmin):
    """Proposed focal points, confirmed or declined on their own page (where the inbox leads)
    or from the list, always through the services, which tell the proposer once."""

    form = ProposalForm
    list_display = ["name", "member", "email", "start_date", "status", "proposed_by", "created"]
    list_filter = ["status"]
    list_select_related = ["member", "proposed_by"]
    readonly_fields = ["member", "proposed_by", "created", "decided_at", "status"]
    actions = ["confirm", "decline"]
    change_form_template = "admin/members/focalpointproposal/change_form.html"

    def has_add_permission(self, request):
        return False

    def confirmed(self, request, proposal) -> bool:
        """Confirm `proposal` through the service, saying the outcome; whether it was."""
        try:
            focal_point_proposal_confirm(proposal=proposal, user=request.user)
        except ValidationError as error:
            self.message_user(request, f"{proposal}: {' '.join(error.messages)}", messages.ERROR)
            return False
        log_changed(request, [proposal], ["status"])
        self.message_user(
            request,
            _("%(name)s is now the focal point of %(member)s.")
            % {"name": proposal.name, "member": proposal.member},
            messages.SUCCESS,
        )
        return True

    def response_change(self, request, obj):
        """The "Confirm" and "Decline" buttons: the proposal as edited on the page is saved,
        then decided by the service in the same transaction; a decision refused (already
        taken by someone else meanwhile) undoes the save and comes back to the page."""
        if CONFIRM in request.POST:
            decided = self.confirmed(request, obj)
        elif DECLINE in request.POST:
            decided = focal_point_proposal_decline(
                proposal=obj, user=request.user, reason=obj.decline_reason
            )
            if decided:
                log_changed(request, [obj], ["status"])
                self.message_user(
                    request,
                    _(
                        "The proposal of %(name)s is declined; the person who proposed it is "
                        "emailed the reason."
                    )
                    % {"name": obj.name},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request, _("This proposal has already been decided."), messages.ERROR
                )
        else:
            return super().response_change(request, obj)
        if not decided:
            transaction.set_rollback(True)
            return redirect(request.path)
        return redirect(reverse("admin:members_focalpointproposal_changelist"))

    @admin.action(
        description=_("Confirm: the proposed person becomes the focal point"),
        permissions=["change"],
    )
    def confirm(self, request, queryset):
        for proposal in queryset:
            self.confirmed(request, proposal)

    @admin.action(
        description=_("Decline the selected proposals, with a reason"), permissions=["change"]
    )
    def decline(self, request, queryset):
        """A page asking the reason first (a plain form, as for locking topics), then each
        proposal declined with it; nothing is declined without one."""
        proposals = list(queryset)
        typed = {proposal.decline_reason.strip() for proposal in proposals}
        initial = {"reason": typed.pop()} if len(typed) == 1 else {}
        form = ProposalDeclineForm(
            request.POST if "apply" in request.POST else None, initial=initial
        )
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Decline proposed focal points"),
                "opts": self.model._meta,
                "form": form,
                "objects": proposals,
                "intro": _(
                    "The current focal points stay. Each person who proposed one of these is "
                    "emailed the reason."
                ),
                "action": "decline",
                "button": _("Decline the proposals"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/with_reason.html", context)
        declined = [
            proposal
            for proposal in proposals
            if focal_point_proposal_decline(
                proposal=proposal, user=request.user, reason=form.cleaned_data["reason"]
            )
        ]
        log_changed(request, declined, ["status"])
        self.message_user(
            request,
            ngettext(
                "%(count)d proposal declined; the current focal point stays.",
                "%(count)d proposals declined; the current focal points stay.",
                len(declined),
            )
            % {"count": len(declined)},
            messages.SUCCESS if declined else messages.WARNING,
        )
        return None


@admin.register(Invitation)
class InvitationAdmin(AccentInsensitiveSearch, admin.ModelAdmin):
    list_display = ["email", "member", "role", "language", "created", "expires_at", "accepted_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["member"]
    search_fields = ["email", "member__name_en"]
    readonly_fields = [
        "email",
        "member",
        "role",
        "language",
        "invited_by",
        "created",
        "expires_at",
        "accepted_at",
        "accepted_by",
    ]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(BackToInbox, AccentInsensitiveSearch, admin.ModelAdmin):
    """The queue of applications: check, choose the region, then approve or reject."""

    list_display = [
        "name",
        "type",
        "country",
        "status",
        "created",
        "email_confirmed_at",
        "organisation_verified",
        "focal_point_confirmed",
    ]
    list_filter = ["status", "type", "organisation_verified", "focal_point_confirmed"]
    search_fields = ["name", "acronym", "focal_point_name", "focal_point_email"]
    change_form_template = "admin/members/membershipapplication/change_form.html"
    fieldsets = [
        (
            _("Organisation"),
            {
                "fields": [
                    "status",
                    "language",
                    "name",
                    "acronym",
                    "type",
                    "sector",
                    "country",
                    "website",
                    "description",
                    "application_areas",
                ]
            },
        ),
        (
            _("Proposed focal point"),
            {
                "fields": [
                    "focal_point_name",
                    "focal_point_title",
                    "focal_point_email",
                    "focal_point_phone",
                    "focal_point_languages",
                ]
            },
        ),
        (
            _("Contribution"),
            {"fields": ["contribution", "consent", "created", "email_confirmed_at"]},
        ),
        (
            _("The secretariat's review"),
            {
                "fields": [
                    "organisation_verified",
                    "focal_point_confirmed",
                    "region",
                    "decision_reason",
                    "decided_at",
                    "decided_by",
                    "member",
                ]
            },
        ),
    ]

    # What the secretariat fills in; the rest is the applicant's and stays as sent.
    review_fields = ["organisation_verified", "focal_point_confirmed", "region", "decision_reason"]

    def get_readonly_fields(self, request, obj=None):
        shown = [field for _title, options in self.fieldsets for field in options["fields"]]
        return [field for field in shown if field not in self.review_fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("thematic and geographic interests"))
    def application_areas(self, application):
        return ", ".join(area.name for area in application.areas.all())

    def response_change(self, request, obj):
        decision = (
            "_approve"
            if "_approve" in request.POST
            else "_reject"
            if "_reject" in request.POST
            else None
        )
        if decision is None:
            return super().response_change(request, obj)
        try:
            if decision == "_approve":
                member = application_approve(application=obj, user=request.user)
                self.message_user(
                    request,
                    _("%(name)s is now a member; its focal point has been invited.")
                    % {"name": member},
                    messages.SUCCESS,
                )
            else:
                application_reject(application=obj, user=request.user, reason=obj.decision_reason)
                self.message_user(
                    request,
                    _("The application is rejected and the applicant informed."),
                    messages.SUCCESS,
                )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(request.path)
        return redirect(reverse("admin:members_membershipapplication_changelist"))
