from django.db.models import Count
from django.shortcuts import render

from members.models import Area, Member


def home(request):
    """A first home page: the partnership in figures, straight from the records."""
    by_type = dict(Member.objects.values_list("type").annotate(total=Count("pk")).order_by())
    figures = [(label, by_type.get(value, 0)) for value, label in Member.Type.choices]
    return render(
        request,
        "home.html",
        {
            "member_total": sum(by_type.values()),
            "figures": figures,
            "area_total": Area.objects.count(),
        },
    )
