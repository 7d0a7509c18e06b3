from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .i18n import LANGUAGE_NAMES


def same_page_in(path: str, current: str, language: str) -> str:
    translated = translate_url(path, language)
    if translated == path and language != current and path.startswith(f"/{current}/"):
        # A page that does not resolve (a 404) still has a prefix to swap.
        return f"/{language}/{path[len(current) + 2 :]}"
    return translated


def languages(request):
    """The same page, with the same query string, in each of the portal's languages."""
    current = get_language()
    path = request.get_full_path()
    return {
        "language_links": [
            {
                "code": code,
                "name": LANGUAGE_NAMES[code],
                "url": same_page_in(path, current, code),
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ]
    }


# The sections of the main navigation, in order: (URL name, label, other URL names whose
# pages belong to the section).
SECTIONS = [
    ("members:member-list", _("Members"), []),
    ("members:area-list", _("Areas"), []),
    ("activities:activity-list", _("Activities"), []),
    ("activities:event-list", _("Events"), []),
    ("activities:funding-list", _("Funding"), []),
    ("activities:news-list", _("News"), []),
    ("discussions:space-list", _("Discussions"), ["discussions:consultation-list"]),
    ("newsletter:subscribe", _("Newsletter"), []),
    ("members:join", _("Join"), []),
]


def navigation(request):
    """The main navigation, the section the page is in marked current: the one whose address
    is the longest start of the page's (/en/members/join/ is Join, not Members)."""
    path = request.path
    sections = []
    for name, label, others in SECTIONS:
        prefixes = [reverse(url_name) for url_name in [name, *others]]
        longest = max((len(prefix) for prefix in prefixes if path.startswith(prefix)), default=0)
        sections.append({"url": prefixes[0], "label": label, "match": longest})
    best = max(section["match"] for section in sections)
    for section in sections:
        match = section.pop("match")
        section["current"] = best > 0 and match == best
    return {"sections": sections}
