import datetime
from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.models import Activity
from mountainpartnership.dates import date_format
from mountainpartnership.listing import filter_notices, paginate, query_without_page
from mountainpartnership.spreadsheets import csv_response
from mountainpartnership.submissions import submissions_of
from mountainpartnership.worldmap import WorldMap, world_map

from . import permissions, services
from .filters import MemberFilter
from .forms import (
    ColleagueForm,
    ColleagueRemoveForm,
    FocalPointProposalForm,
    InvitationSignupForm,
    MemberEditForm,
    MembershipApplicationForm,
)
from .models import Area, FocalPointProposal, Invitation, Member, Representation, User
from .selectors import PUBLIC_COLUMNS, country_counts, country_region_counts, member_csv_rows

MEMBERS_PER_PAGE = 50


def type_totals(members) -> dict[str, int]:
    """How many of `members` are of each type, in one query."""
    return dict(members.order_by().values_list("type").annotate(total=Count("pk")))


def type_counts(totals: dict[str, int]) -> list[str]:
    """'46 Governments', '14 intergovernmental organisations', '73 major groups'."""
    phrases = {
        Member.Type.GOVERNMENT: lambda n: ngettext(
            "%(count)s Government", "%(count)s Governments", n
        ),
        Member.Type.IGO: lambda n: ngettext(
            "%(count)s intergovernmental organisation",
            "%(count)s intergovernmental organisations",
            n,
        ),
        Member.Type.MAJOR_GROUP: lambda n: ngettext(
            "%(count)s major group", "%(count)s major groups", n
        ),
    }
    return [
        phrases[kind](totals.get(kind, 0)) % {"count": totals.get(kind, 0)}
        for kind in Member.Type.values
    ]


def query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def member_map(members, query: str = "", *, zoom: bool = False) -> WorldMap:
    """`members` on the world map, each country linking to the directory filtered by it and by
    `query` (the filters already in force). One query. With `zoom`, the map frames the
    countries of the region most of `members` are in (the Andes' members are in Latin America,
    with a few from Switzerland or the United States)."""
    link = f"{reverse('members:member-list')}?{query}{'&' if query else ''}country="
    label = _("Map of members by country")
    if not zoom:
        return world_map(country_counts(members), link=link, label=label)
    rows = country_region_counts(members)
    counts, regions = Counter(), Counter()
    for country, region, total in rows:
        counts[country] += total
        regions[region] += total
    home = regions.most_common(1)[0][0] if regions else None
    focus = [country for country, region, _ in rows if region == home]
    return world_map(counts, link=link, label=label, focus=focus)


def member_list(request):
    member_filter = MemberFilter(request.GET or None, queryset=Member.objects.public())
    notices = filter_notices(member_filter)
    members = member_filter.qs
    totals = type_totals(members)
    page = paginate(
        request,
        members.select_related("region").by_name(),
        MEMBERS_PER_PAGE,
        notices,
        count=sum(totals.values()),
    )
    return render(
        request,
        "members/member_list.html",
        {
            "filter": member_filter,
            "page": page,
            "notices": notices,
            "type_counts": type_counts(totals),
            "query": query_without_page(request),
            "member_map": member_map(members, query_without(request, "page", "country")),
        },
    )


def member_csv(request):
    """The current directory view (same filters) as a spreadsheet."""
    member_filter = MemberFilter(request.GET or None, queryset=Member.objects.public())
    response, writer = csv_response(
        f"mountain-partnership-members-{timezone.localdate().isoformat()}.csv"
    )
    writer.writerows(member_csv_rows(member_filter.qs.by_name(), PUBLIC_COLUMNS))
    return response


def member_detail(request, slug):
    member = get_object_or_404(
        Member.objects.public()
        .select_related("region")
        .with_current_focal_point()
        .prefetch_related(
            Prefetch("areas", queryset=Area.objects.by_name()),
            Prefetch("activities", queryset=Activity.objects.by_title()),
        ),
        slug=slug,
    )
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "show_contacts": permissions.can_see_contacts(request.user),
            "can_edit": permissions.can_edit_member(request.user, member),
        },
    )


def area_list(request):
    areas = Area.objects.by_name().annotate(
        member_total=Count("members", filter=~Q(members__status=Member.Status.WITHDRAWN))
    )
    return render(
        request,
        "members/area_list.html",
        {
            "thematic": [area for area in areas if area.kind == Area.Kind.THEMATIC],
            "geographic": [area for area in areas if area.kind == Area.Kind.GEOGRAPHIC],
        },
    )


def area_detail(request, slug):
    area = get_object_or_404(
        Area.objects.prefetch_related(
            Prefetch(
                "leading_members",
                queryset=Member.objects.public().select_related("region").by_name(),
            )
        ),
        slug=slug,
    )
    notices = []
    members = Member.objects.public().filter(areas=area)
    page = paginate(request, members.select_related("region").by_name(), MEMBERS_PER_PAGE, notices)
    area_filter = "theme" if area.kind == Area.Kind.THEMATIC else "geo"
    return render(
        request,
        "members/area_detail.html",
        {
            "area": area,
            "page": page,
            "notices": notices,
            "query": "",
            "activities": Activity.objects.filter(areas=area).by_title(),
            "member_map": member_map(
                members,
                urlencode({area_filter: area.slug}),
                zoom=area.kind == Area.Kind.GEOGRAPHIC,
            ),
        },
    )


# Member self-service. Every view asks permissions.py; a member the account may not edit is
# a 404 (permissions.editable_member_or_404).


@login_required
def my_members(request):
    members = permissions.represented_members(request.user).select_related("region").by_name()
    return render(
        request,
        "members/my_members.html",
        {"members": members, "submissions": submissions_of(request.user)},
    )


@login_required
def my_member_edit(request, slug):
    member = permissions.editable_member_or_404(request.user, slug)
    form = MemberEditForm(request.POST or None, request.FILES or None, instance=member)
    if request.method == "POST" and form.is_valid():
        change = services.member_update(
            member=Member.objects.get(pk=member.pk),
            user=request.user,
            data={field: form.cleaned_data[field] for field in services.EDITABLE_FIELDS},
            areas=form.cleaned_data["areas"],
        )
        if change:
            messages.success(request, _("Your changes are saved and on the public page."))
        else:
            messages.info(request, _("Nothing had changed."))
        return redirect("members:my-member-edit", slug=member.slug)
    return render(
        request,
        "members/my_member_edit.html",
        {
            "member": member,
            "form": form,
            "can_manage_colleagues": permissions.can_manage_colleagues(request.user, member),
            "confirmation_due": member.record_confirmed_at is None
            or member.record_confirmed_at < timezone.now() - datetime.timedelta(days=365),
        },
    )


@login_required
@require_POST
def my_member_confirm(request, slug):
    member = permissions.editable_member_or_404(request.user, slug)
    services.member_record_confirm(member=member, user=request.user)
    messages.success(request, _("Thank you: the record is confirmed as current for this year."))
    return redirect("members:my-member-edit", slug=member.slug)


@login_required
def my_member_renew(request, slug):
    member = permissions.editable_member_or_404(request.user, slug)
    allowed = permissions.can_renew_term(request.user, member)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        try:
            services.member_term_renew(member=member, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("members:my-member-renew", slug=member.slug)
        member.refresh_from_db()
        messages.success(
            request,
            _("The membership is renewed until %(date)s.")
            % {"date": date_format(member.term_ends)},
        )
        return redirect("members:my-member-edit", slug=member.slug)
    return render(
        request,
        "members/my_member_renew.html",
        {
            "member": member,
            "allowed": allowed,
            "refusal": services.renewal_refusal(member),
        },
    )


@login_required
def my_member_colleagues(request, slug):
    member = permissions.editable_member_or_404(request.user, slug)
    allowed = permissions.can_manage_colleagues(request.user, member)
    form = ColleagueForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if "remove" in request.POST:
            # Only this member's representatives: another member's id is a 404, not a removal.
            removal = ColleagueRemoveForm(request.POST, member=member)
            if not removal.is_valid():
                raise Http404
            representation = removal.cleaned_data["remove"]
            try:
                services.colleague_remove(representation=representation)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("%(email)s no longer represents this member.")
                    % {"email": representation.user.email},
                )
            return redirect("members:my-member-colleagues", slug=member.slug)
        if form.is_valid():
            services.invitation_send(
                member=member,
                email=form.cleaned_data["email"],
                role=Representation.Role.COLLEAGUE,
                language=form.cleaned_data["language"],
                invited_by=request.user,
            )
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("members:my-member-colleagues", slug=member.slug)
    return render(
        request,
        "members/my_member_colleagues.html",
        {
            "member": member,
            "form": form,
            "allowed": allowed,
            "representations": member.representations.current()
            .select_related("user")
            .order_by("role", "user__email"),
            "invitations": [
                (invitation, permissions.can_manage_invitation(request.user, invitation))
                for invitation in member.invitations.filter(accepted_at=None).order_by("email")
            ]
            if allowed
            else [],
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def my_member_invitation(request, slug, pk):
    """Re-send or cancel a colleague's invitation that waits (the focal point, an alternate,
    the secretariat). Another member's invitation, or one already used, is a 404."""
    member = permissions.editable_member_or_404(request.user, slug)
    invitation = services.pending_invitation(member=member, pk=pk)
    if invitation is None:
        raise Http404
    if "cancel" in request.POST:
        services.invitation_cancel(invitation=invitation, user=request.user)
        messages.success(
            request,
            _("The invitation to %(email)s is cancelled; its link no longer works.")
            % {"email": invitation.email},
        )
    else:
        services.invitation_resend(invitation=invitation, user=request.user)
        messages.success(
            request,
            _("The invitation is sent again to %(email)s, with a new link.")
            % {"email": invitation.email},
        )
    return redirect("members:my-member-colleagues", slug=member.slug)


@login_required
def my_member_focal_point(request, slug):
    member = permissions.editable_member_or_404(request.user, slug)
    form = FocalPointProposalForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        proposal = form.save(commit=False)
        proposal.member = member
        proposal.proposed_by = request.user
        proposal.save()
        messages.success(
            request,
            _(
                "Thank you. The secretariat will confirm the new focal point; until then the current one stays."
            ),
        )
        return redirect("members:my-member-edit", slug=member.slug)
    return render(
        request,
        "members/my_member_focal_point.html",
        {
            "member": member,
            "form": form,
            "pending": member.proposals.filter(status=FocalPointProposal.Status.PENDING),
        },
    )


def invitation_accept(request, token):
    invitation = Invitation.objects.select_related("member").filter(token=token).first()
    problem = None
    if invitation is None or invitation.accepted_at:
        problem = _("This invitation has already been used or does not exist.")
    elif invitation.expires_at < timezone.now():
        problem = _("This invitation has expired. Ask the secretariat for a new one.")
    if problem:
        return render(
            request,
            "members/invitation.html",
            {"problem": problem},
            status=410 if invitation else 404,
        )

    user = request.user
    account_exists = User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if not user.is_authenticated and not account_exists:
        form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST":
        try:
            if user.is_authenticated:
                services.invitation_accept(token=token, user=user, language=get_language())
            elif form is not None and form.is_valid():
                user = services.invitation_signup(
                    token=token, password=form.cleaned_data["password1"], language=get_language()
                )
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                raise services.InvitationError("")
        except services.InvitationError as error:
            if str(error):
                messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Welcome. You now represent %(member)s.") % {"member": invitation.member},
            )
            return redirect("members:my-member-edit", slug=invitation.member.slug)
    return render(
        request,
        "members/invitation.html",
        {"invitation": invitation, "form": form, "account_exists": account_exists},
    )


def join(request):
    form = MembershipApplicationForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        services.application_submit(form=form)
        return redirect("members:join-sent")
    return render(request, "members/join.html", {"form": form})


def join_sent(request):
    return render(request, "members/join_sent.html")


def join_confirm(request, token):
    """GET shows a button; only the POST confirms, so that a link scanner confirms nothing."""
    if request.method == "POST":
        application = services.application_confirm(token=token)
        template = "members/join_confirmed.html"
    else:
        application = services.application_from_token(token)
        template = "members/join_confirm.html"
    return render(
        request, template, {"application": application}, status=200 if application else 404
    )
