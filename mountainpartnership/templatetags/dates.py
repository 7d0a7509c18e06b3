"""The `date` filter of every template (a builtin, settings.TEMPLATES), in place of Django's
own: the same arguments and results, with dates written as mountainpartnership.dates writes
them ("1er septembre 2005" in French)."""

from django import template
from django.utils import dateformat

from mountainpartnership import dates

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if value in (None, ""):
        return ""
    try:
        return dates.date_format(value, arg)
    except AttributeError:
        try:
            return dateformat.format(value, arg)
        except AttributeError:
            return ""
