from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class NewsSubmissionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(label=_("Summary (one sentence)"), max_length=400)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))
    language = forms.ChoiceField(
        label=_("Language you write in"),
        choices=settings.LANGUAGES,
        help_text=_("The text is kept in this language; the secretariat may translate it."),
    )
