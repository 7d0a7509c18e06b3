"""Translation coverage: for each kind of translated record, how many lack a text in a
language where another language has one (English included: what members write is kept in
the language they wrote it in), and a queue of them linking to their admin form."""

import dataclasses

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.urls import reverse
from modeltranslation.translator import translator

LANGUAGES = ["en", "fr", "es"]


@dataclasses.dataclass
class Coverage:
    model: type
    label: str
    total: int
    missing: dict  # language → count


def has_text(name: str) -> Q:
    return ~Q(**{name: ""}) & Q(**{f"{name}__isnull": False})


def missing_filter(model, language: str) -> Q:
    """Records with a field that has text in another language and none in `language`."""
    condition = Q(pk__in=[])
    for field in translator.get_options_for_model(model).fields:
        elsewhere = Q(pk__in=[])
        for code in LANGUAGES:
            if code != language:
                elsewhere |= has_text(f"{field}_{code}")
        own = f"{field}_{language}"
        lacks_own = Q(**{own: ""}) | Q(**{f"{own}__isnull": True})
        condition |= elsewhere & lacks_own
    return condition


def to_translate(model):
    """The records of `model` that readers may see: a declined news post or newsletter item
    will never be read, so it waits for no translation."""
    records = model._default_manager.all()
    try:
        status = model._meta.get_field("status")
    except FieldDoesNotExist:
        return records
    if "declined" in dict(status.choices or ()):
        records = records.exclude(status="declined")
    return records


def translated_models():
    """Translated models the secretariat edits in the admin, by their name."""
    models = [
        model for model in translator.get_registered_models() if model in admin.site._registry
    ]
    return sorted(models, key=lambda model: str(model._meta.verbose_name_plural))


def coverage() -> list[Coverage]:
    rows = []
    for model in translated_models():
        records = to_translate(model)
        rows.append(
            Coverage(
                model=model,
                label=str(model._meta.verbose_name_plural),
                total=records.count(),
                missing={
                    code: records.filter(missing_filter(model, code)).count() for code in LANGUAGES
                },
            )
        )
    return rows


def queue(language: str, limit: int = 100):
    """(record, admin URL) of up to `limit` records lacking a `language` text."""
    found = []
    for model in translated_models():
        opts = model._meta
        for record in to_translate(model).filter(missing_filter(model, language))[:limit]:
            found.append(
                (
                    opts.verbose_name,
                    record,
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]),
                )
            )
            if len(found) >= limit:
                return found
    return found
