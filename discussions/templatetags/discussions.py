from django import template
from django.utils.translation import gettext as _

from ..models import Post

register = template.Library()


@register.filter
def author_name(post) -> str:
    """The author's name as they gave it, else the name on the focal-point record they hold;
    never their email address. Lists of posts bring the latter with them
    (Post.objects.with_author_names()); a single post asks for it."""
    if post.author is None:
        return _("A former participant")
    name = post.author.get_full_name()
    if name:
        return name
    if not hasattr(post, "author_held_name"):
        post.author_held_name = (
            Post.objects.filter(pk=post.pk)
            .with_author_names()
            .values_list("author_held_name", flat=True)
            .first()
        )
    return post.author_held_name or _("A participant")
