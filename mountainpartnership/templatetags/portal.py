from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from mountainpartnership import identity
from mountainpartnership.i18n import fallback_note, shown_language

register = template.Library()


@register.simple_tag
def translated(obj, field):
    """The field's text for the reader, and in which language it is.

    `{% translated member "description" as text %}` gives `text.value` (in the reader's
    language, else English, else the language it was written in), `text.lang` (that
    language), `text.fallback` (true when it is not the reader's) and `text.note` (what to
    tell the reader about it, in their language).
    """
    language = get_language()
    shown = shown_language(obj, field, language)
    if shown is None:
        return {"value": "", "lang": language, "fallback": False, "note": ""}
    return {
        "value": getattr(obj, f"{field}_{shown}"),
        "lang": shown,
        "fallback": shown != language,
        "note": fallback_note(language, shown) if shown != language else "",
    }


@register.filter
def fallback_lang(obj, field):
    """` lang="xx"` where the field shows another language than the reader's, else nothing.

    For short texts such as names, marked up without a note: `<a{{ member|fallback_lang:"name" }}>`.
    """
    language = get_language()
    shown = shown_language(obj, field, language)
    if shown is None or shown == language:
        return ""
    return format_html(' lang="{}"', shown)


@register.filter
def lang_unless(code, language):
    """` lang="xx"` for a text written in `code` shown on a page in `language`, else nothing:
    `<span{{ change.language|lang_unless:LANGUAGE_CODE }}>`."""
    if not code or code == language:
        return ""
    return format_html(' lang="{}"', code)


@register.filter
def record_lang(obj):
    """` lang="xx"` for a record named by one of its translated fields (a title, a name),
    where that name shows another language than the reader's; else nothing."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        fields = translator.get_options_for_model(type(obj)).fields
    except NotRegistered:
        return ""
    label = str(obj)
    for field in fields:
        if getattr(obj, field, None) == label:
            return fallback_lang(obj, field)
    return ""


@register.simple_tag
def without_placeholders(form):
    """The form, its fields' placeholders removed: every field shows its label, and a
    placeholder repeating it is cut short in a narrow box and gone once one types."""
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)
    return form


# allauth's tags for the buttons that are not the form's main action.
SECONDARY_BUTTON_TAGS = {"outline", "secondary", "link", "cancel", "minor", "tool"}


@register.filter
def button_class(attrs):
    """` class="…"` for an allauth button element: a link looks like a button; cancelling,
    resending and tools are secondary buttons, removing one in red, the main action a
    primary one."""
    classes = ["button"] if attrs.get("href") else []
    tags = set(attrs.get("tags") or [])
    if "danger" in tags:
        classes.append("danger")
    elif SECONDARY_BUTTON_TAGS & tags:
        classes.append("secondary")
    return format_html(' class="{}"', " ".join(classes)) if classes else ""


@register.simple_tag
def logo_mark():
    """The logo's mark, drawn inline (in an <svg viewBox="0 0 48 48">): the one drawing of
    mountainpartnership/identity.py, no request of its own."""
    return mark_safe(identity.MARK)
