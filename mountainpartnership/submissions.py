"""What a member's people sent the secretariat, and what became of it: the lines of "my
submissions" (/<lang>/my/). Each app that takes submissions says what it holds in its own
`submissions.py` (a `submissions_of(user)` function); this module, below them all, gathers
them without importing any by name, so that no app reads another's records.
"""

import dataclasses
import datetime
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.utils.translation import gettext as _

WAITING, PUBLISHED, ACCEPTED, DECLINED = "waiting", "published", "accepted", "declined"

# However much a person has sent, the page shows the latest of each kind.
PER_KIND = 30


@dataclasses.dataclass
class Submission:
    kind: str  # what it is, translated: "News post"
    title: str
    submitted_at: datetime.datetime
    status: str  # WAITING, PUBLISHED, ACCEPTED or DECLINED
    reason: str = ""  # why it was declined
    edited: bool = False  # the secretariat changed its text after it was sent
    url: str = ""  # where it can be read, once public

    @property
    def status_label(self) -> str:
        return {
            WAITING: _("Waiting for the secretariat"),
            PUBLISHED: _("Published"),
            ACCEPTED: _("Accepted"),
            DECLINED: _("Declined"),
        }[self.status]


def submissions_of(user) -> list[Submission]:
    """Everything `user` sent, newest first: a few queries per kind, however much."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.submissions"
        if config.name == __package__ or find_spec(name) is None:
            continue
        found.extend(import_module(name).submissions_of(user))
    return sorted(found, key=lambda submission: submission.submitted_at, reverse=True)


def from_history(model, pks, fields) -> tuple[set, dict]:
    """From the history of `model`'s records `pks`, in one query: which of them a staff
    account changed the text of (`fields`) after they were sent, and when each was sent (its
    first record)."""
    records = (
        model.history.model.objects.filter(id__in=list(pks))
        .order_by("id", "history_date", "history_id")
        .values("id", "history_date", "history_user__is_staff", *fields)
    )
    edited, before, sent = set(), {}, {}
    for record in records:
        # An empty language is None or "" depending on the form that saved it, and a textarea
        # posts its line breaks as CRLF: neither is an edit.
        text = tuple((record[field] or "").replace("\r\n", "\n").strip() for field in fields)
        pk = record["id"]
        if pk in before and record["history_user__is_staff"] and text != before[pk]:
            edited.add(pk)
        before[pk] = text
        sent.setdefault(pk, record["history_date"])
    return edited, sent


def in_any_language(record, field: str) -> str:
    """`record`'s translated `field` in the active language, else in the first language it is
    written in (a member's submission is in the language its author wrote)."""
    from django.conf import settings
    from django.utils.translation import get_language

    codes = [get_language(), *(code for code, _name in settings.LANGUAGES)]
    texts = (getattr(record, f"{field}_{code}", "") for code in codes)
    return next((text for text in texts if text), "")
