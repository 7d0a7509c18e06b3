from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import News


class NewsFeed(Feed):
    """The news as Atom, in the language of the URL it is read from."""

    feed_type = Atom1Feed
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
