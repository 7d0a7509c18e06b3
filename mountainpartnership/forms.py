"""Form pieces every app uses."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
