from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

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
