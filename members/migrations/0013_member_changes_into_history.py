"""The hand-written "changes to members" become records of the members' history.

A change row held only the fields it changed, with their old and new values; a historical
record holds the whole record. So each member's changes are read from the newest back,
starting from the member as it is now: the record after a change is the one before the
next change, with the change's new values; the record before the first change (the
member's first record) has its old values. Where the member as it is now differs from the
record after its last change (an edit in the admin, which was not recorded), one more record
says so, by no one. Then every other member, area, region, focal point and representation
gets its first record as it is now.
"""

import datetime

from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from mountainpartnership.history import record_existing_rows

UNKNOWN = "Changed before every change was recorded"


def value(name, text):
    if name == "record_confirmed_at":
        return parse_datetime(text) if text else None
    return text


def forwards(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    Area = apps.get_model("members", "Area")
    MemberChange = apps.get_model("members", "MemberChange")
    History = apps.get_model("members", "HistoricalMember")
    KeptAreas = apps.get_model("members", "HistoricalMember_areas")
    copied = [
        field.attname
        for field in History._meta.concrete_fields
        if not field.name.startswith("history_") and field.name != "digested_at"
    ]
    area_ids = dict(Area.objects.values_list("slug", "pk"))
    now = timezone.now()
    member_ids = MemberChange.objects.values_list("member_id", flat=True).distinct()
    for member in Member.objects.filter(pk__in=member_ids).order_by("pk"):
        changes = list(MemberChange.objects.filter(member=member).order_by("created", "pk"))
        current = {attname: getattr(member, attname) for attname in copied}
        links = Member.areas.through.objects.filter(member=member)
        link_ids = dict(links.values_list("area_id", "id"))
        current_areas = set(link_ids)
        # (state, areas) after each change, walking back from the newest.
        state, areas = dict(current), set(current_areas)
        after = []
        for change in reversed(changes):
            for name, values in change.fields.items():
                if name == "areas":
                    areas = {area_ids[s] for s in values["new"] or [] if s in area_ids}
                elif name in state:
                    state[name] = value(name, values["new"])
            after.append((change, dict(state), set(areas)))
            for name, values in change.fields.items():
                if name == "areas":
                    areas = {area_ids[s] for s in values["old"] or [] if s in area_ids}
                elif name in state:
                    state[name] = value(name, values["old"])
        after.reverse()
        first_change = changes[0].created
        created = member.created if member.created < first_change else None
        steps = [
            (
                created or first_change - datetime.timedelta(seconds=1),
                "+",
                None,
                now,
                None,
                state,
                areas,
            )
        ]
        steps += [
            (change.created, "~", change.user_id, change.digested_at or now, None, s, a)
            for change, s, a in after
        ]
        if (after[-1][1], after[-1][2]) != (current, current_areas):
            steps.append((now, "~", None, now, UNKNOWN, current, current_areas))
        for moment, kind, user_id, digested_at, reason, values, linked in steps:
            record = History.objects.create(
                **values,
                history_date=moment,
                history_type=kind,
                history_user_id=user_id,
                history_change_reason=reason,
                digested_at=digested_at,
            )
            # Each kept link also holds the id of the link row it copies; 0 for a link that
            # no longer exists.
            KeptAreas.objects.bulk_create(
                KeptAreas(history=record, id=link_ids.get(pk, 0), member_id=member.pk, area_id=pk)
                for pk in sorted(linked)
            )
    record_existing_rows(
        apps,
        "members",
        ["Member", "Area", "Region", "FocalPoint", "Representation"],
        m2m_fields={"Member": ["areas"], "Area": ["leading_members"]},
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0012_kept_history")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
