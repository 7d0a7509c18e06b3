"""Every change to the records the secretariat and members keep: who, when, the values before
and after, and a way back (django-simple-history's historical tables and admin pages).

Each app names the records it tracks in its `history.py`, which its AppConfig.ready() loads.
That runs after modeltranslation has added the per-language fields (`description_fr`...), so
the history copies them; a `HistoricalRecords()` written on the model class would be built
before they exist and miss them. Left out of the history: the untranslated column behind each
translated field (the per-language ones are the record) and timestamps set on every save;
both would show in every comparison and say nothing.

Who made a change: the user of the request (simple_history's middleware), or the actor a
service was given (`by()`), which counts for tasks and commands too.
"""

import dataclasses

import simple_history
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from modeltranslation.translator import NotRegistered, translator
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalRecords
from simple_history.template_utils import HistoricalRecordContextHelper

from .i18n import field_label

# model → its HistoricalRecords, to write a record by hand (`record_now`).
TRACKED: dict = {}


class Records(HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            TRACKED[sender] = self


def untracked_fields(model) -> list[str]:
    try:
        translated = list(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        translated = []
    stamped = [field.name for field in model._meta.fields if getattr(field, "auto_now", False)]
    return [*translated, *stamped]


def track(model, *, m2m_fields=(), bases=(), excluded=()) -> None:
    """Keep the history of `model`'s records (and of `m2m_fields`, as lists)."""
    # simple_history copies the model's fields; a field whose column was already used in a
    # query (a queryset built at start-up) carries that column, cached, bound to the model's
    # own table, and its copy would read the historical table's rows from there.
    for field in model._meta.concrete_fields:
        field.__dict__.pop("cached_col", None)
    options = {"excluded_fields": [*untracked_fields(model), *excluded]}
    if m2m_fields:
        options["m2m_fields"] = list(m2m_fields)
    if bases:
        options["bases"] = list(bases)
    simple_history.register(model, records_class=Records, **options)


def by(instance, user):
    """Record `user` as the author of `instance`'s next saves (a service's actor; a task or
    command has no request to take it from). Returns `instance`."""
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    return instance


def record_now(instance) -> None:
    """Write a record of `instance` as it is now (after changes saved without one)."""
    TRACKED[type(instance)].create_historical_record(instance, "~")


class ChangeLabels(HistoricalRecordContextHelper):
    """The admin's history names each field as its form does: "Description (French)"."""

    def format_delta_change(self, change):
        formatted = super().format_delta_change(change)
        return dataclasses.replace(formatted, field=field_label(self.model, change.field))


class HistoryAdmin(SimpleHistoryAdmin):
    """A ModelAdmin with the record's history: every change with who made it, when, the values
    before and after, and "Revert" to put an earlier version back (through the same form and
    save as an edit, so cached pages and search follow)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ChangeLabels(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        if not self.is_key(self.opts.pk, object_id):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history = self.model.history.model
        if not (self.is_key(self.opts.pk, object_id) and self.is_key(history._meta.pk, version_id)):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    @staticmethod
    def is_key(field, typed) -> bool:
        """Whether `typed` (from the address) can be a value of `field`: the library's views
        would answer anything else with an error page (500), the admin's own with a redirect."""
        try:
            field.to_python(unquote(typed))
        except (ValidationError, ValueError):
            return False
        return True

    def save_related(self, request, form, formsets, change):
        record = form.instance
        kept = {field.name for field in type(record).history.model._history_m2m_fields}
        if not kept & set(form.changed_data):
            return super().save_related(request, form, formsets, change)
        # The many-to-many fields the form sets (a member's areas) are saved after the record
        # itself: one more version for them, not one for the links removed and another for
        # those added.
        record.skip_history_when_saving = True
        try:
            super().save_related(request, form, formsets, change)
        finally:
            del record.skip_history_when_saving
        record_now(record)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        for record in historical_records:
            # Most changes give no reason: an empty cell, not "None".
            record.history_change_reason = record.history_change_reason or ""


def record_existing_rows(apps, app_label: str, model_names, m2m_fields=None) -> None:
    """For a data migration: a first record ("+", by no one) of every row of `model_names`
    that has none yet, as the row is now and dated when it was created (where it says), so
    that the first change recorded after has a "before" to show. `m2m_fields` maps a model
    name to its tracked many-to-many fields. Safe to run twice."""
    from django.utils import timezone

    m2m_fields = m2m_fields or {}
    for name in model_names:
        model = apps.get_model(app_label, name)
        history = apps.get_model(app_label, f"Historical{name}")
        copied = [
            field.attname
            for field in history._meta.concrete_fields
            if not field.name.startswith("history_") and field.name != "digested_at"
        ]
        moment = next(
            (
                field.attname
                for field in model._meta.concrete_fields
                if field.name in {"created", "created_at"}
            ),
            None,
        )
        recorded = set(history.objects.values_list("id", flat=True))
        rows = [row for row in model.objects.order_by("pk") if row.pk not in recorded]
        records = history.objects.bulk_create(
            [
                history(
                    **{attname: getattr(row, attname) for attname in copied},
                    history_date=(getattr(row, moment) if moment else None) or timezone.now(),
                    history_type="+",
                    **({"digested_at": timezone.now()} if "digested_at" in _names(history) else {}),
                )
                for row in rows
            ],
            batch_size=500,
        )
        for field_name in m2m_fields.get(name, ()):
            through = model._meta.get_field(field_name).remote_field.through
            kept = apps.get_model(app_label, f"Historical{through.__name__}")
            source, target = _through_names(through, model)
            by_row = {record.id: record for record in records}
            kept.objects.bulk_create(
                [
                    kept(
                        id=link.pk,
                        history=by_row[getattr(link, f"{source}_id")],
                        **{
                            f"{source}_id": getattr(link, f"{source}_id"),
                            f"{target}_id": getattr(link, f"{target}_id"),
                        },
                    )
                    for link in through.objects.filter(**{f"{source}_id__in": list(by_row)})
                ],
                batch_size=500,
            )


def _names(model) -> set[str]:
    return {field.name for field in model._meta.concrete_fields}


def _through_names(through, model) -> tuple[str, str]:
    """The names of a many-to-many table's two foreign keys: to `model`, and to the other."""
    keys = [field for field in through._meta.concrete_fields if field.is_relation]
    source = next(field.name for field in keys if field.related_model == model)
    target = next(field.name for field in keys if field.name != source)
    return source, target
