from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import FocalPoint, User


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class FocalPointReplaceForm(forms.ModelForm):
    """The new focal point's details; the service ends the current one."""

    class Meta:
        model = FocalPoint
        fields = [
            "name",
            "title_en",
            "title_fr",
            "title_es",
            "email",
            "phone",
            "languages",
            "start_date",
        ]
        labels = {
            "title_en": _("Title (English)"),
            "title_fr": _("Title (French)"),
            "title_es": _("Title (Spanish)"),
        }
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"})}
