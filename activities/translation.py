from modeltranslation.translator import TranslationOptions, register

from .models import Activity, Event, Funding, FundingOpportunity, Milestone, News, Output


@register(Activity)
class ActivityTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "summary",
        "description",
        "status_reason",
        "other_partners",
        "picture_alt",
    )
    required_languages = {"en": ("title", "summary")}


@register(Funding)
class FundingTranslationOptions(TranslationOptions):
    # A funder's name has its official forms in each language ("Government of France",
    # "Gouvernement de la France"); an untranslated one is shown in English, marked so.
    fields = ("funder",)
    required_languages = {"en": ("funder",)}


@register(Milestone)
class MilestoneTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(Output)
class OutputTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(Event)
class EventTranslationOptions(TranslationOptions):
    # The languages an event is held in, named in each language ("anglais, espagnol").
    fields = ("title", "description", "languages", "picture_alt")
    required_languages = {"en": ("title",)}


@register(FundingOpportunity)
class FundingOpportunityTranslationOptions(TranslationOptions):
    fields = ("title", "description", "donor")
    required_languages = {"en": ("title", "donor")}


@register(News)
class NewsTranslationOptions(TranslationOptions):
    # Members write news in their own language: none is required (News.clean asks for one).
    fields = ("title", "summary", "body", "picture_alt")
