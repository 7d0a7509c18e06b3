"""The public pages of the portal, for the tests that must hold on every one of them.

`PUBLIC_PAGES` is one page of each kind; `every_public_page()` adds every record's own page
as the database holds them (with the demo data: every member, area, activity, event, news
post, discussion space and topic, consultation and sent newsletter edition). Paths are
without the language prefix.
"""

import datetime

PUBLIC_PAGES = [
    "",
    "members/",
    "members/condesan/",
    "areas/",
    "areas/andes/",
    "activities/",
    "activities/andean-ecotourism-feasibility-study/",
    "events/",
    "events/past/",
    "funding/",
    "news/",
    "newsletter/",
    "discussions/",
    "discussions/microfinance/",
    "consultations/",
    "consultations/mountain-ecotourism/",
    "search/?q=andes",
    "search/?q=ecotourism&kind=post",
    "data/",
    "members/join/",
    "accounts/login/",
    "accounts/password/reset/",
    "privacy/",
    "accessibility/",
    "style/",
]

LANGUAGES = ["en", "fr", "es"]


def every_public_page() -> list[str]:
    """PUBLIC_PAGES and the page of every public record, each once, in a stable order."""
    from activities.models import Activity, Event, News
    from discussions.models import Consultation, Space, Topic
    from members.models import Area, Member
    from newsletter.models import Edition

    def paths(queryset, field="slug"):
        return [obj.get_absolute_url() for obj in queryset.order_by(field)]

    records = [
        *paths(Member.objects.public()),
        *paths(Area.objects.all()),
        *paths(Activity.objects.all()),
        *paths(Event.objects.all()),
        *paths(News.objects.published()),
        # Members-only spaces send visitors to sign in; their pages are not public.
        *paths(Space.objects.filter(read_access=Space.Read.EVERYONE, consultation=None)),
        *paths(
            Topic.objects.filter(
                space__read_access=Space.Read.EVERYONE, consultation=None
            ).select_related("space"),
            "pk",
        ),
        *paths(Consultation.objects.all()),
        *paths(Edition.objects.filter(status=Edition.Status.SENT), "month"),
    ]
    # get_absolute_url() gives /en/...: the tests put each language in front themselves.
    unprefixed = [path.split("/", 2)[2] for path in records]
    return list(dict.fromkeys([*PUBLIC_PAGES, *unprefixed]))


def sent_edition():
    """A newsletter edition already sent, so that /newsletter/ lists past editions."""
    from newsletter.models import Edition

    edition, _created = Edition.objects.get_or_create(
        month=datetime.date(2006, 4, 1),
        defaults={
            "status": Edition.Status.SENT,
            "intro_en": "News from the partnership in April 2006.",
            "intro_fr": "Les nouvelles du partenariat en avril 2006.",
            "intro_es": "Noticias de la Alianza en abril de 2006.",
        },
    )
    return edition
