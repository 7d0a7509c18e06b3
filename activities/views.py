import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from members import permissions
from members.models import Area, Member, Region
from mountainpartnership.listing import filter_notices, paginate, query_without_page

from . import services
from .calendar import events_ical
from .filters import ActivityFilter, EventFilter, FundingFilter
from .forms import NewsSubmissionForm
from .models import Activity, Event, FundingOpportunity, News, StatusChange

PER_PAGE = 50


def activity_list(request):
    activity_filter = ActivityFilter(request.GET or None, queryset=Activity.objects.all())
    notices = filter_notices(activity_filter)
    page = paginate(
        request,
        activity_filter.qs.with_participants().by_title(),
        PER_PAGE,
        notices,
    )
    return render(
        request,
        "activities/activity_list.html",
        {
            "filter": activity_filter,
            "page": page,
            "notices": notices,
            "query": query_without_page(request),
        },
    )


def activity_detail(request, slug):
    activity = get_object_or_404(
        Activity.objects.with_participants().prefetch_related(
            Prefetch("areas", queryset=Area.objects.by_name()),
            Prefetch("milestones__responsible"),
            "funding",
            "outputs",
            Prefetch("status_changes", queryset=StatusChange.objects.order_by("changed_at")),
            Prefetch("events", queryset=Event.objects.order_by("starts_at")),
        ),
        slug=slug,
    )
    return render(
        request,
        "activities/activity_detail.html",
        {"activity": activity, "now": timezone.now()},
    )


def event_list(request, past=False):
    event_filter = EventFilter(request.GET or None, queryset=Event.objects.all())
    notices = filter_notices(event_filter)
    events = event_filter.qs.past() if past else event_filter.qs.upcoming()
    page = paginate(request, events.prefetch_related("organisers"), PER_PAGE, notices)
    return render(
        request,
        "activities/event_list.html",
        {
            "filter": event_filter,
            "page": page,
            "notices": notices,
            "past": past,
            "query": query_without_page(request),
            "feed_query": request.GET.urlencode() if not event_filter.ignored() else "",
        },
    )


def event_detail(request, slug):
    event = get_object_or_404(
        Event.objects.prefetch_related(
            Prefetch("organisers", queryset=Member.objects.by_name()),
            Prefetch("areas", queryset=Area.objects.by_name()),
            Prefetch("activities", queryset=Activity.objects.by_title()),
        ),
        slug=slug,
    )
    return render(request, "activities/event_detail.html", {"event": event})


def event_feed(request):
    """The calendar as iCalendar (RFC 5545), all events or those of one area."""
    event_filter = EventFilter(request.GET or None, queryset=Event.objects.all())
    since = timezone.now() - datetime.timedelta(days=365)
    events = event_filter.qs.filter(ends_at__gte=since).order_by("starts_at")
    response = HttpResponse(
        events_ical(events, request, get_language()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="mountain-partnership-events.ics"'
    return response


def event_ics(request, slug):
    event = get_object_or_404(Event, slug=slug)
    response = HttpResponse(
        events_ical([event], request, get_language()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def funding_list(request):
    funding_filter = FundingFilter(request.GET or None, queryset=FundingOpportunity.objects.open())
    notices = filter_notices(funding_filter)
    page = paginate(
        request,
        funding_filter.qs.prefetch_related(
            Prefetch("regions", queryset=Region.objects.by_name()), "areas"
        ),
        PER_PAGE,
        notices,
    )
    return render(
        request,
        "activities/funding_list.html",
        {
            "filter": funding_filter,
            "page": page,
            "notices": notices,
            "query": query_without_page(request),
        },
    )


def news_list(request):
    notices = []
    page = paginate(request, News.objects.published().for_cards(), PER_PAGE, notices)
    return render(
        request,
        "activities/news_list.html",
        {"page": page, "notices": notices, "query": ""},
    )


def news_detail(request, slug):
    news = get_object_or_404(News.objects.published().select_related("member"), slug=slug)
    return render(request, "activities/news_detail.html", {"news": news})


@login_required
def news_submit(request, slug):
    """A representative sends news about their organisation; it waits for the secretariat."""
    member = permissions.editable_member_or_404(request.user, slug)
    form = NewsSubmissionForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        services.news_submit(member=member, user=request.user, **form.cleaned_data)
        messages.success(
            request, _("Thank you. The secretariat will read your news and publish it.")
        )
        return redirect("members:my-member-edit", slug=member.slug)
    return render(request, "activities/news_submit.html", {"member": member, "form": form})
