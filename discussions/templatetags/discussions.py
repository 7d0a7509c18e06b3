from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def author_name(post) -> str:
    """The author's name as they gave it; never their email address."""
    if post.author is None:
        return _("A former participant")
    return post.author.get_full_name() or _("A participant")
