"""Open data: the directory (no personal contact data), areas, joint activities and events,
as CSV and JSON downloads in each language and as a read-only, paginated JSON API that takes
the same filters as the pages. The field lists below are also the data dictionary."""

import dataclasses
import json
from collections.abc import Callable

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.filters import ActivityFilter, EventFilter
from activities.models import Activity, Event
from members.filters import MemberFilter
from members.models import Area, Member
from mountainpartnership.listing import page_number, shown
from mountainpartnership.mail import site_url
from mountainpartnership.spreadsheets import csv_response

API_PAGE_SIZE = 100


@dataclasses.dataclass
class Field:
    name: str
    description: object
    value: Callable


@dataclasses.dataclass
class Dataset:
    name: str
    title: object
    description: object
    fields: list[Field]
    records: Callable  # request → (queryset, ignored filters)


def slugs(kind=None):
    def value(record):
        return [area.slug for area in record.areas.all() if kind is None or area.kind == kind]

    return value


def member_records(request):
    members = (
        Member.objects.public()
        .select_related("region")
        .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("kind", "slug")))
    )
    member_filter = MemberFilter(request.GET or None, queryset=members)
    return member_filter.qs.by_name(), member_filter.ignored()


def area_records(request):
    areas = Area.objects.prefetch_related(
        Prefetch("leading_members", queryset=Member.objects.order_by("slug"))
    ).order_by("kind", "slug")
    return areas, []


def activity_records(request):
    activities = Activity.objects.prefetch_related(
        Prefetch("areas", queryset=Area.objects.order_by("kind", "slug")),
        "participations__member",
    )
    activity_filter = ActivityFilter(request.GET or None, queryset=activities)
    return activity_filter.qs.order_by("slug"), activity_filter.ignored()


def event_records(request):
    events = Event.objects.prefetch_related(
        Prefetch("areas", queryset=Area.objects.order_by("kind", "slug")), "organisers"
    )
    event_filter = EventFilter(request.GET or None, queryset=events)
    return event_filter.qs.order_by("starts_at", "slug"), event_filter.ignored()


def iso(value):
    return value.isoformat() if value else None


DATASETS = {
    dataset.name: dataset
    for dataset in [
        Dataset(
            "members",
            _("Members"),
            _(
                "Governments, intergovernmental organisations and major groups in the partnership. No personal contact data."
            ),
            [
                Field("slug", _("Identifier, stable"), lambda m: m.slug),
                Field("name", _("Name, in the language of the download"), lambda m: m.name),
                Field("acronym", _("Acronym"), lambda m: m.acronym),
                Field("type", _("government, igo or major_group"), lambda m: m.type),
                Field(
                    "sector",
                    _("For major groups: ngo, private, academia, local_authority or other"),
                    lambda m: m.sector,
                ),
                Field("country", _("ISO 3166-1 alpha-2 code"), lambda m: m.country.code),
                Field("region", _("Identifier of the region"), lambda m: m.region.slug),
                Field(
                    "date_joined",
                    _("Date the member joined (YYYY-MM-DD)"),
                    lambda m: iso(m.date_joined),
                ),
                Field("website", _("Website"), lambda m: m.website),
                Field(
                    "thematic_areas",
                    _("Identifiers of its thematic areas"),
                    slugs(Area.Kind.THEMATIC),
                ),
                Field(
                    "geographic_areas",
                    _("Identifiers of its geographic areas"),
                    slugs(Area.Kind.GEOGRAPHIC),
                ),
                Field("url", _("Its page on the portal"), lambda m: site_url(m.get_absolute_url())),
            ],
            member_records,
        ),
        Dataset(
            "areas",
            _("Areas"),
            _("Thematic and geographic areas of work, with their leading members."),
            [
                Field("slug", _("Identifier, stable"), lambda a: a.slug),
                Field("kind", _("thematic or geographic"), lambda a: a.kind),
                Field("name", _("Name, in the language of the download"), lambda a: a.name),
                Field("description", _("Description"), lambda a: a.description or ""),
                Field(
                    "leading_members",
                    _("Identifiers of its leading members"),
                    lambda a: [m.slug for m in a.leading_members.all()],
                ),
                Field("url", _("Its page on the portal"), lambda a: site_url(a.get_absolute_url())),
            ],
            area_records,
        ),
        Dataset(
            "activities",
            _("Joint activities"),
            _("Members' joint activities, with their status and participants."),
            [
                Field("slug", _("Identifier, stable"), lambda a: a.slug),
                Field("title", _("Title"), lambda a: a.title),
                Field("summary", _("Summary"), lambda a: a.summary),
                Field(
                    "status",
                    _(
                        "proposed, planning, workplan_agreed, under_way, completed, stalled or cancelled"
                    ),
                    lambda a: a.status,
                ),
                Field(
                    "status_since",
                    _("Date and time of the last change of status (ISO 8601)"),
                    lambda a: iso(a.status_since),
                ),
                Field("start_date", _("Start date"), lambda a: iso(a.start_date)),
                Field("end_date", _("End date"), lambda a: iso(a.end_date)),
                Field("areas", _("Identifiers of its areas"), slugs()),
                Field(
                    "lead_members",
                    _("Identifiers of the lead members"),
                    lambda a: [p.member.slug for p in a.participations.all() if p.role == "lead"],
                ),
                Field(
                    "partner_members",
                    _("Identifiers of the partner members"),
                    lambda a: [p.member.slug for p in a.participations.all() if p.role != "lead"],
                ),
                Field("url", _("Its page on the portal"), lambda a: site_url(a.get_absolute_url())),
            ],
            activity_records,
        ),
        Dataset(
            "events",
            _("Events"),
            _("The mountain calendar: workshops, meetings, e-consultation periods."),
            [
                Field("slug", _("Identifier, stable"), lambda e: e.slug),
                Field("title", _("Title"), lambda e: e.title),
                Field("kind", _("Kind of event"), lambda e: e.kind),
                Field(
                    "starts_at",
                    _("Start (ISO 8601, with its offset)"),
                    lambda e: iso(e.local_start()),
                ),
                Field(
                    "ends_at", _("End (ISO 8601, with its offset)"), lambda e: iso(e.local_end())
                ),
                Field("timezone", _("IANA time zone"), lambda e: e.timezone),
                Field("city", _("City"), lambda e: e.city),
                Field(
                    "country",
                    _("ISO 3166-1 alpha-2 code"),
                    lambda e: e.country.code if e.country else "",
                ),
                Field("areas", _("Identifiers of its areas"), slugs()),
                Field(
                    "organisers",
                    _("Identifiers of the organising members"),
                    lambda e: [m.slug for m in e.organisers.all()],
                ),
                Field("url", _("Its page on the portal"), lambda e: site_url(e.get_absolute_url())),
            ],
            event_records,
        ),
    ]
}


def dataset_or_404(name) -> Dataset:
    if name not in DATASETS:
        raise Http404
    return DATASETS[name]


def row(dataset, record) -> dict:
    return {field.name: field.value(record) for field in dataset.fields}


def download(request, name, format):
    dataset = dataset_or_404(name)
    if format not in {"csv", "json"}:
        raise Http404
    records, _ignored = dataset.records(request)
    language = request.LANGUAGE_CODE
    filename = f"mountain-partnership-{name}-{language}-{timezone.localdate().isoformat()}.{format}"
    if format == "json":
        response = HttpResponse(
            json.dumps([row(dataset, record) for record in records], ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    else:
        response, writer = csv_response(filename)
        writer.writerow([field.name for field in dataset.fields])
        for record in records:
            writer.writerow(
                "; ".join(value) if isinstance(value, list) else ("" if value is None else value)
                for value in row(dataset, record).values()
            )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def api(request, name):
    """{count, page, pages, next, previous, ignored, results}; `page` past the end is a 404
    with a JSON body, a bad filter value is ignored and named in `ignored`."""
    dataset = dataset_or_404(name)
    records, ignored = dataset.records(request)
    paginator = Paginator(records, API_PAGE_SIZE)
    raw = request.GET.get("page", "1")
    try:
        page = paginator.page(page_number(raw) or 0)
    except EmptyPage:
        return JsonResponse(
            {"error": str(_("There is no page %(page)s.") % {"page": shown(raw)})}, status=404
        )

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return site_url(f"{request.path}?{query.urlencode()}")

    response = JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "ignored": [name for name, _value in ignored],
            "results": [row(dataset, record) for record in page],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
