"""The admin's history ("History" on each record's page) for changes made by admin actions.

The change form records its own saves; an action changes records without it, so each action
records what it changed here, in the same form, so that the history reads in the viewer's
language.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import translation
from django.utils.text import capfirst


def log_changed(request, objects, fields) -> None:
    """Record that `request.user` changed `fields` (names) of each of `objects`."""
    objects = list(objects)
    if not objects:
        return
    opts = objects[0]._meta
    # Stored untranslated, as Django's change form stores its own, and translated when shown.
    with translation.override(None):
        names = [str(capfirst(opts.get_field(field).verbose_name)) for field in fields]
    LogEntry.objects.log_actions(
        user_id=request.user.pk,
        queryset=objects,
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": names}}],
    )
