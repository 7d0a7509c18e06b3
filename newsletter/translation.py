from modeltranslation.translator import TranslationOptions, register

from .models import Edition, Item


@register(Edition)
class EditionTranslationOptions(TranslationOptions):
    fields = ("intro",)


@register(Item)
class ItemTranslationOptions(TranslationOptions):
    # Members write items in their own language: none is required (Item.clean asks for one).
    fields = ("title", "body")
