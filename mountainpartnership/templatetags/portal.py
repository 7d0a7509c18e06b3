from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from mountainpartnership.i18n import fallback_note

register = template.Library()


@register.simple_tag
def translated(obj, field):
    """The field's text in the active language, and whether it fell back to English.

    `{% translated member "description" as text %}` gives `text.value`, `text.fallback`
    (true when shown in English for want of a translation) and `text.note` (what to tell
    the reader about it, in their language).
    """
    language = get_language()
    own = getattr(obj, f"{field}_{language}", None)
    if own or language == "en":
        return {"value": own or getattr(obj, f"{field}_en", ""), "fallback": False, "note": ""}
    return {
        "value": getattr(obj, f"{field}_en", ""),
        "fallback": True,
        "note": fallback_note(language),
    }


@register.filter
def fallback_lang(obj, field):
    """` lang="en"` where the field shows English for want of a translation, else nothing.

    For short texts such as names, marked up without a note: `<a{{ member|fallback_lang:"name" }}>`.
    """
    language = get_language()
    if language == "en" or getattr(obj, f"{field}_{language}", None):
        return ""
    return mark_safe(' lang="en"')
