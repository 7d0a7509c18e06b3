"""The count of what waits in the secretariat's inbox, for the admin's header."""

from django import template

from members.permissions import is_secretariat

from .. import inbox

register = template.Library()


@register.simple_tag
def inbox_count(user):
    """How many entries wait (translations aside), for the secretariat; None for anyone else.
    One query for the count, and the group check `is_secretariat` makes."""
    # The admin's index asks twice (header and links): counted once per request's user.
    if not hasattr(user, "_inbox_count"):
        user._inbox_count = inbox.count() if is_secretariat(user) else None
    return user._inbox_count
