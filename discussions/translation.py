from modeltranslation.translator import TranslationOptions, register

from .models import Consultation, Document, Space


@register(Space)
class SpaceTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("en",)


@register(Consultation)
class ConsultationTranslationOptions(TranslationOptions):
    fields = ("question", "background", "synthesis")
    required_languages = ("en",)


@register(Document)
class DocumentTranslationOptions(TranslationOptions):
    fields = ("title",)
    required_languages = ("en",)
