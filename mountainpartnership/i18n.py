"""Helpers for the three languages the portal speaks."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext
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
# For texts members write: stored in the language they were written in, English or not.
WRITTEN_NOTE = _(
    "Kept in the language it was written in. Readers of another language see their own "
    "translation when there is one, else English, else the original, marked as such."
)

# Where a text is missing in the reader's language, the order in which the others stand in
# (MODELTRANSLATION_FALLBACK_LANGUAGES follows it too): English first, then the rest.
FALLBACK_ORDER = [settings.LANGUAGE_CODE] + [
    code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]

# Shown above text that stands in for a missing translation, in the reader's language. One
# sentence per pair (reader, language shown), so that each names both languages in the
# reader's grammar.
FALLBACK_NOTES = {
    ("fr", "en"): _("This text is not yet available in French; here it is in English."),
    ("es", "en"): _("This text is not yet available in Spanish; here it is in English."),
    ("en", "fr"): _("This text is not yet available in English; here it is in French."),
    ("en", "es"): _("This text is not yet available in English; here it is in Spanish."),
    ("fr", "es"): _("This text is not yet available in French; here it is in Spanish."),
    ("es", "fr"): _("This text is not yet available in Spanish; here it is in French."),
}


def fallback_note(language: str, shown: str = "en") -> str:
    return FALLBACK_NOTES.get((language, shown), "")


def shown_language(obj, field: str, language: str) -> str | None:
    """The language in which `obj`'s `field` is shown to a reader of `language`: their own if
    it has text, else the first of FALLBACK_ORDER that has; None when it has none."""
    for code in [language, *FALLBACK_ORDER]:
        if getattr(obj, f"{field}_{code}", None):
            return code
    return None


def written_in(record, field: str = "title") -> str | None:
    """The first of the portal's languages `record`'s `field` is written in (what members
    send is kept in the language they wrote it in); None when it has no text."""
    return next(
        (code for code, _name in settings.LANGUAGES if getattr(record, f"{field}_{code}", "")),
        None,
    )


def require_some_language(obj, fields) -> None:
    """For a model's clean(): each of `fields` needs text in at least one language. The
    errors are not tied to one language's field, which a form (an admin inline) may lack."""
    from django.core.exceptions import ValidationError
    from django.utils.text import capfirst
    from django.utils.translation import gettext

    codes = [code for code, _name in settings.LANGUAGES]
    missing = [
        field
        for field in fields
        if not any(getattr(obj, f"{field}_{code}", None) for code in codes)
    ]
    if missing:
        raise ValidationError(
            [
                gettext("%(field)s: write it in at least one language.")
                % {"field": capfirst(obj._meta.get_field(field).verbose_name)}
                for field in missing
            ]
        )


class WrittenInAnyLanguageAdmin:
    """For a TranslationAdmin (or inline) whose `written_fields` members write in their own
    language: no single language is required (modeltranslation would require English where
    the original field is required); the model's clean() asks for one of them."""

    written_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        original = getattr(db_field, "translated_field", None)
        if field is not None and original is not None and original.name in self.written_fields:
            field.required = False
        return field


def sorted_by_name(items, name=lambda item: item.name):
    """`items` sorted by their names as a reader of the active language expects: accents and
    case ignored first ("Éducation" among the Es), as the database's natural collation does
    (mountainpartnership.db.natural_order), for lists already fetched or built in Python.

    `name(item)` is read with the active language: call this inside the request, or inside
    `translation.override()`, not at import."""
    return sorted(items, key=lambda item: natural_key(str(name(item))))


def field_label(model, name: str) -> str:
    """What the secretariat calls a field: its verbose name, with the language of a
    translated one ("Description (French)"), never its name in the database."""
    languages = dict(settings.LANGUAGES)
    base, _sep, code = name.rpartition("_")
    if code in languages and base:
        try:
            field = model._meta.get_field(base)
        except FieldDoesNotExist:
            pass
        else:
            return gettext("%(field)s (%(language)s)") % {
                "field": capfirst(str(field.verbose_name)),
                "language": languages[code],
            }
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name
