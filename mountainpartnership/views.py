from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from activities.models import Event, FundingOpportunity, News
from members.models import Area, Member, Region
from members.views import member_map, type_counts, type_totals


def home(request):
    """What the partnership is, and the partnership in figures, straight from the records."""
    by_type = type_totals(Member.objects.public())
    regions = Region.objects.by_name().annotate(
        member_total=Count("members", filter=~Q(members__status=Member.Status.WITHDRAWN))
    )
    areas = list(Area.objects.by_name())
    return render(
        request,
        "home.html",
        {
            "member_total": sum(by_type.values()),
            "types": [
                (value, phrase)
                for value, phrase in zip(Member.Type.values, type_counts(by_type), strict=True)
            ],
            "regions": regions,
            "member_map": member_map(Member.objects.public()),
            "thematic": [area for area in areas if area.kind == Area.Kind.THEMATIC],
            "geographic": [area for area in areas if area.kind == Area.Kind.GEOGRAPHIC],
            "news": News.objects.published().for_cards()[:3],
            "events": Event.objects.upcoming()[:3],
            "funding": FundingOpportunity.objects.open().for_cards()[:3],
        },
    )


def admin_login(request):
    """Send the admin's login to the site's, keeping where the person was going."""
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


def bare(request):
    """A constant string: what a request costs with no page behind it (`make bench-load`)."""
    return HttpResponse("The Mountain Partnership portal.", content_type="text/plain")
