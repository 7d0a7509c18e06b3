import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from activities.filters import FundingFilter
from activities.models import Event, FundingOpportunity, News
from members.models import Area, Member, Region
from members.views import member_map, type_counts, type_totals

from . import identity


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


def privacy(request):
    """What the portal keeps about people, why, and for how long."""
    return render(request, "mountainpartnership/privacy.html")


def accessibility(request):
    """What the portal does for accessibility, and how to report a problem."""
    return render(request, "mountainpartnership/accessibility.html")


# The stylesheet's colours (site.css, :root), each with the background it is read on.
COLOURS = [
    ("--ink", "#1b2620", _("Text")),
    ("--muted", "#4a5750", _("Secondary text, dates, places")),
    ("--accent", "#0a5535", _("Links, buttons, the logo")),
    ("--accent-dark", "#063d26", _("Buttons under the pointer, tag text")),
    ("--warn", "#8a4b00", _("Warnings (a record not updated for long)")),
    ("--error", "#8a1c1c", _("Errors")),
    ("--focus", "#b34700", _("The keyboard focus ring")),
]
BACKGROUNDS = [("#ffffff", _("white")), ("#f1f5f2", "--soft"), ("#e2f1e7", "--tag")]


def luminance(colour: str) -> float:
    """The relative luminance of an sRGB colour (#rrggbb), as WCAG 2 defines it."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio; 4.5 is AA for text, 3 for large text and outlines."""
    lighter, darker = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def style(request):
    """The design system, shown: type scale, colours and their contrast, buttons, cards, tags,
    a table and the filter panel, so that new pages keep to it."""
    colours = [
        {
            "name": name,
            "value": value,
            "use": use,
            "ratios": [(label, round(contrast(value, bg), 1)) for bg, label in BACKGROUNDS],
        }
        for name, value, use in COLOURS
    ]
    return render(
        request,
        "mountainpartnership/style.html",
        {
            "colours": colours,
            "logo_width": identity.logo_width(get_language()),
            "example_date": datetime.date(2006, 4, 1),
            "example_area": Area.objects.by_name().first(),
            # The funding list's own filters, unbound: the panel as a list page shows it.
            "filter": FundingFilter(queryset=FundingOpportunity.objects.none(), request=request),
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
