from modeltranslation.translator import TranslationOptions, register

from .models import Activity, Event, FundingOpportunity, Milestone, News, Output


@register(Activity)
class ActivityTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description", "status_reason")
    required_languages = {"en": ("title", "summary")}


@register(Milestone)
class MilestoneTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(Output)
class OutputTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"en": ("title",)}


@register(FundingOpportunity)
class FundingOpportunityTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"en": ("title",)}


@register(News)
class NewsTranslationOptions(TranslationOptions):
    # Members write news in their own language: none is required (News.clean asks for one).
    fields = ("title", "summary", "body")
