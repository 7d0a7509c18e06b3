from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import News


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose summaries are plain text (`type="text"`). Django's own writes them as
    `type="html"`, so a feed reader would run as markup whatever a member typed into a news
    summary (`<img src=x onerror=…>`); the summaries are plain text on the site too."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class NewsFeed(Feed):
    """The news as Atom, in the language of the URL it is read from."""

    feed_type = PlainTextAtomFeed
    title = _("Mountain Partnership news")
    subtitle = _("News from the Mountain Partnership and its members.")

    def link(self):
        return reverse("activities:news-list")

    def items(self):
        return News.objects.published()[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at
