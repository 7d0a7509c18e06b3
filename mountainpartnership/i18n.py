"""Helpers for the three languages the portal speaks."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from mountainpartnership.db import natural_key

# Each language named in itself, as a reader looking for their own would expect.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}


def language_fieldsets(*fields, description=None):
    """Admin fieldsets with the translated `fields` grouped by language, English first."""
    return [
        (
            LANGUAGE_NAMES[code],
            {
                "fields": [build_localized_fieldname(field, code) for field in fields],
                "description": description if code == settings.LANGUAGE_CODE else None,
            },
        )
        for code, _name in settings.LANGUAGES
    ]


TRANSLATION_NOTE = _("English is required; French and Spanish fall back to English when empty.")

# Shown above English text that stands in for a missing translation. One sentence per
# language, so that each names the reader's language in the reader's grammar.
FALLBACK_NOTES = {
    "fr": _("This text is not yet available in French; here it is in English."),
    "es": _("This text is not yet available in Spanish; here it is in English."),
}


def fallback_note(language: str) -> str:
    return FALLBACK_NOTES.get(language, "")


def sorted_by_name(items, name=lambda item: item.name):
    """`items` sorted by their names as a reader of the active language expects: accents and
    case ignored first ("Éducation" among the Es), as the database's natural collation does
    (mountainpartnership.db.natural_order), for lists already fetched or built in Python.

    `name(item)` is read with the active language: call this inside the request, or inside
    `translation.override()`, not at import."""
    return sorted(items, key=lambda item: natural_key(str(name(item))))
