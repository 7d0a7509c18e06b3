import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from discussions.models import Space
from discussions.permissions import can_read
from members import permissions
from members.models import Member
from mountainpartnership.dates import date_format
from mountainpartnership.spreadsheets import csv_response

from . import charts, coverage, figures, services
from .engagement import bouncing_focal_points, dormant_members, unconfirmed_focal_points
from .forms import PartnerMessageForm, ReportDateForm, SearchForm
from .matching import partner_activities, partner_members
from .search import KINDS, search

SEARCH_PER_KIND = 5
SEARCH_PER_PAGE = 20


def secretariat_only(view):
    """The dashboard's pages: the secretariat, signed in with its second factor (the
    middleware sees to that); anyone else gets a 404, which tells nothing."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.is_secretariat(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def dashboard_charts(years, breakdowns, activities, newsletter) -> dict:
    """The dashboard's charts (insight.charts), from the figures its tables show."""
    type_names = dict(Member.Type.choices)
    return {
        "members": charts.line_chart(
            [str(year) for year, _counts in years],
            [
                (_("All members"), [sum(counts.values()) for _year, counts in years]),
                *(
                    (str(type_names[kind]), [counts[kind] for _year, counts in years])
                    for kind in figures.TYPES
                ),
            ],
            title=_("Members at the end of each year"),
            axis=_("Members"),
            nothing=_("No members yet."),
        ),
        "regions": charts.bar_chart(
            [(region.name, region.n) for region in breakdowns["regions"]],
            title=_("Members by region"),
            axis=_("Members"),
            nothing=_("No member has a region yet."),
        ),
        "activities": charts.bar_chart(
            activities["by_status"],
            title=_("Joint activities by status"),
            axis=_("Joint activities"),
            nothing=_("No joint activity yet."),
        ),
        "newsletter": charts.grouped_bar_chart(
            [
                (
                    date_format(edition.month, "YEAR_MONTH_FORMAT"),
                    [edition.sent, edition.failed, edition.unsubscribed, edition.views],
                )
                for edition in reversed(newsletter["editions"])
            ],
            series=[
                lambda n: (
                    ngettext("%(count)s delivered", "%(count)s delivered", n)
                    % {"count": charts.number(n)}
                ),
                lambda n: (
                    ngettext("%(count)s failed", "%(count)s failed", n)
                    % {"count": charts.number(n)}
                ),
                lambda n: (
                    ngettext("%(count)s unsubscribed since", "%(count)s unsubscribed since", n)
                    % {"count": charts.number(n)}
                ),
                lambda n: (
                    ngettext("%(count)s view on the web", "%(count)s views on the web", n)
                    % {"count": charts.number(n)}
                ),
            ],
            title=_("Newsletter reach, by edition"),
            axis=_("Subscribers and page views"),
            nothing=_("No edition has reached anyone yet."),
        ),
    }


@secretariat_only
def dashboard(request):
    years = figures.membership_by_year()
    type_names = dict(Member.Type.choices)
    breakdowns = figures.current_breakdowns()
    activities = figures.activity_figures()
    newsletter = figures.newsletter_figures()
    drawn = dashboard_charts(years, breakdowns, activities, newsletter)
    months = figures.months_back(12)
    return render(
        request,
        "insight/dashboard.html",
        {
            "charts": drawn,
            "years": [
                (year, [counts[kind] for kind in figures.TYPES], sum(counts.values()))
                for year, counts in years
            ],
            "types": [type_names[kind] for kind in figures.TYPES],
            "movements": figures.movements_by_year(),
            **breakdowns,
            "activities": activities,
            "newsletter": newsletter,
            "failures": figures.failure_figures(),
            "discussions": figures.discussion_figures(months),
            "visits": figures.visits(months),
            "languages": [name for _code, name in figures.settings.LANGUAGES],
            "coverage": coverage.coverage(),
            "dormant_count": len(dormant_members()),
        },
    )


@secretariat_only
def translation_queue(request, language):
    if language not in coverage.LANGUAGES:
        raise Http404
    return render(
        request,
        "insight/translation_queue.html",
        {"language": language, "queue": coverage.queue(language)},
    )


@secretariat_only
def engagement(request):
    return render(
        request,
        "insight/engagement.html",
        {
            "dormant": dormant_members(),
            "months": figures.settings.DORMANT_MONTHS,
            "unconfirmed": unconfirmed_focal_points(),
            "bouncing": bouncing_focal_points(),
        },
    )


@require_POST
@secretariat_only
def nudge(request, slug):
    member = get_object_or_404(Member.objects.public(), slug=slug)
    try:
        services.nudge_send(member=member, user=request.user)
    except services.NudgeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("A nudge is on its way to %(member)s's focal point.") % {"member": member},
        )
    return redirect("insight:engagement")


@secretariat_only
def report(request):
    form = ReportDateForm(request.GET or None)
    day = form.cleaned_data["date"] if form.is_valid() else timezone.localdate()
    data = figures.report(day)
    # A date that is not understood is explained on the page, not answered with today's
    # tables under a name that says otherwise.
    if request.GET.get("format") == "csv" and not form.errors:
        return report_csv(data)
    return render(request, "insight/report.html", {"form": form, "report": data})


def report_csv(data) -> HttpResponse:
    response, writer = csv_response(f"mountain-partnership-report-{data['day'].isoformat()}.csv")
    type_names = dict(Member.Type.choices)
    writer.writerow([_("Members on %(date)s") % {"date": data["day"].isoformat()}])
    writer.writerow([_("Type"), _("Members"), _("At the launch")])
    for kind, count in data["types"].items():
        writer.writerow([type_names[kind], count, data["at_launch"][kind]])
    writer.writerow([_("Total"), data["total"], data["launch_total"]])
    writer.writerow([])
    writer.writerow([_("Area"), _("Kind"), _("Leading members")])
    for area in data["areas"]:
        writer.writerow(
            [
                area.name,
                area.get_kind_display(),
                "; ".join(m.name for m in area.leading_members.all()),
            ]
        )
    writer.writerow([])
    writer.writerow([_("Area"), _("Joint activities by status")])
    for area, statuses in data["activities_by_area"]:
        writer.writerow([area.name, "; ".join(f"{label}: {count}" for label, count in statuses)])
    writer.writerow([])
    writer.writerow([_("Region"), _("Newsletter recipients")])
    for region in data["recipients"]:
        writer.writerow([region.name, region.n])
    writer.writerow([_("Region not said"), data["recipients_not_said"]])
    writer.writerow([_("Total"), data["recipients_total"]])
    writer.writerow([])
    writer.writerow([_("Month"), _("Page views")])
    for month, _by_language, total in data["visits"]:
        writer.writerow([month.strftime("%Y-%m"), total])
    return response


def _partner_member_or_404(request, slug):
    member = get_object_or_404(Member.objects.public(), slug=slug)
    if not (
        permissions.is_secretariat(request.user)
        or permissions.can_edit_member(request.user, member)
    ):
        raise Http404
    return member


@login_required
def partners(request, slug):
    member = _partner_member_or_404(request, slug)
    return render(
        request,
        "insight/partners.html",
        {
            "member": member,
            "partners": partner_members(member),
            "activities": partner_activities(member),
        },
    )


@login_required
def partner_message(request, slug, to):
    member = _partner_member_or_404(request, slug)
    recipient = get_object_or_404(Member.objects.public().exclude(pk=member.pk), slug=to)
    form = PartnerMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_message_send(
                sender=request.user,
                from_member=member,
                to_member=recipient,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except services.MessageRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("Your message is on its way to the focal point of %(member)s.")
                % {"member": recipient},
            )
            return redirect("insight:partners", slug=member.slug)
    return render(
        request,
        "insight/partner_message.html",
        {"member": member, "recipient": recipient, "form": form},
    )


def site_search(request):
    form = SearchForm(request.GET or None)
    context = {"form": form, "kinds": [(name, label) for name, (label, _m, _f) in KINDS.items()]}
    if not form.is_valid():
        return render(request, "insight/search.html", context)
    query = form.cleaned_data["q"]
    kind = form.cleaned_data["kind"] or None
    language = get_language()
    members = can_read(request.user, Space(read_access=Space.Read.MEMBERS))
    page_number = form.cleaned_data["page"] or 1
    limit = SEARCH_PER_PAGE if kind else SEARCH_PER_KIND
    counts, hits = search(query, language, members, kind, (page_number - 1) * limit, limit)
    for hit in hits:
        if hit.url.startswith(f"/{hit.language}/"):
            hit.url = f"/{language}/" + hit.url[len(hit.language) + 2 :]
    groups = [
        (name, label, counts.get(name, 0), [hit for hit in hits if hit.kind == name])
        for name, (label, _m, _f) in KINDS.items()
        if counts.get(name)
    ]
    page = None
    if kind:
        paginator = Paginator(range(counts.get(kind, 0)), SEARCH_PER_PAGE)
        page = paginator.get_page(page_number)
    context.update(
        {
            "query": query,
            "kind": kind,
            "groups": groups,
            "total": sum(counts.values()),
            "page": page,
            "base_query": urlencode({"q": query, "kind": kind}) if kind else "",
        }
    )
    return render(request, "insight/search.html", context)


def data_dictionary(request):
    from .opendata import DATASETS

    return render(request, "insight/data.html", {"datasets": DATASETS})


def dataset_download(request, name, format):
    from .opendata import download

    return download(request, name, format)


def dataset_api(request, name):
    from .opendata import api

    return api(request, name)


def inbox(request):
    """The secretariat's inbox, in the admin (mountainpartnership/urls.py wraps it in the
    admin's own login and the second factor's middleware); anyone else gets a 404."""
    from django.contrib import admin

    from . import inbox as waiting

    if not permissions.is_secretariat(request.user):
        raise Http404
    return render(
        request,
        "admin/inbox.html",
        {
            **admin.site.each_context(request),
            "title": _("Inbox"),
            "entries": waiting.entries(),
        },
    )
