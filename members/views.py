import csv

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .filters import MemberFilter
from .models import Area, Member
from .selectors import PUBLIC_COLUMNS, member_csv_rows

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


def paginate(request, queryset, per_page, notices, count=None):
    """The requested page. A page number that is not one gives the first or the last page,
    and a notice that says so. `count`, when the caller already knows it, saves a query."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except ValueError:
        notices.append(
            {"text": _("“%(page)s” is not a page number: here is the first page.") % {"page": raw}}
        )
        number = 1
    if number < 1:
        notices.append(
            {"text": _("There is no page %(page)s: here is the first page.") % {"page": raw}}
        )
        number = 1
    elif number > paginator.num_pages:
        notices.append(
            {
                "text": _("There is no page %(page)s: here is the last page, %(last)s.")
                % {"page": raw, "last": paginator.num_pages}
            }
        )
        number = paginator.num_pages
    return paginator.page(number)


def member_list(request):
    member_filter = MemberFilter(request.GET or None, queryset=Member.objects.public())
    notices = [
        {
            # Django points the invalid field's aria-describedby at this id.
            "id": f"{member_filter.form[name].auto_id}_error",
            "text": _("“%(value)s” is not a known value for “%(filter)s”: that filter was ignored.")
            % {"value": value, "filter": member_filter.form[name].label},
        }
        for name, value in member_filter.ignored()
    ]
    members = member_filter.qs
    totals = type_totals(members)
    page = paginate(
        request,
        members.select_related("region").by_name(),
        MEMBERS_PER_PAGE,
        notices,
        count=sum(totals.values()),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/member_list.html",
        {
            "filter": member_filter,
            "page": page,
            "notices": notices,
            "type_counts": type_counts(totals),
            "query": query.urlencode(),
        },
    )


def member_csv(request):
    """The current directory view (same filters) as a spreadsheet."""
    member_filter = MemberFilter(request.GET or None, queryset=Member.objects.public())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"mountain-partnership-members-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    csv.writer(response).writerows(member_csv_rows(member_filter.qs.by_name(), PUBLIC_COLUMNS))
    return response


def member_detail(request, slug):
    member = get_object_or_404(
        Member.objects.public()
        .select_related("region")
        .with_current_focal_point()
        .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("kind", "slug"))),
        slug=slug,
    )
    return render(request, "members/member_detail.html", {"member": member})


def area_list(request):
    areas = Area.objects.annotate(
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
    members = Member.objects.public().filter(areas=area).select_related("region").by_name()
    page = paginate(request, members, MEMBERS_PER_PAGE, notices)
    return render(
        request,
        "members/area_detail.html",
        {"area": area, "page": page, "notices": notices, "query": ""},
    )
