"""Form pieces every app uses."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from mountainpartnership.i18n import sorted_by_name


class ByNameIterator(ModelChoiceIterator):
    """A model choice field's choices sorted by name in the language of the page being made,
    whatever the order of its queryset (which is made once, at import)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted_by_name(self.queryset, name=self.field.label_from_instance):
            yield self.choice(obj)


class ByNameChoiceField(forms.ModelChoiceField):
    iterator = ByNameIterator


class HoneypotMixin:
    """A field people leave empty (it is moved off-screen and skipped by the keyboard) and
    form-filling robots do not. A form that has it filled in is refused with
    `honeypot_message`, and nothing is saved."""

    honeypot_message = _("This form could not be sent. Please try again.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website_confirmation"] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website_confirmation"):
            raise ValidationError(self.honeypot_message, code="honeypot")
        return cleaned
