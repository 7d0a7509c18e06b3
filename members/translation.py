from modeltranslation.translator import TranslationOptions, register

from .models import Area, FocalPoint, Member, Region


@register(Region)
class RegionTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(Area)
class AreaTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(Member)
class MemberTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(FocalPoint)
class FocalPointTranslationOptions(TranslationOptions):
    fields = ("title",)
