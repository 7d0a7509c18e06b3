from modeltranslation.translator import TranslationOptions, register

from .models import Edition, Item


@register(Edition)
class EditionTranslationOptions(TranslationOptions):
    fields = ("intro",)


@register(Item)
class ItemTranslationOptions(TranslationOptions):
    fields = ("title", "body")
    required_languages = {"en": ("title", "body")}
