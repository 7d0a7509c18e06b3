from django import forms
from django.utils.translation import gettext_lazy as _


class NewsSubmissionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(label=_("Summary (one sentence)"), max_length=400)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))
