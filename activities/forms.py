from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mountainpartnership.limits import form_field

from .models import News


class NewsSubmissionForm(forms.Form):
    title = form_field(News, "title", label=_("Title"))
    summary = form_field(News, "summary", label=_("Summary (one sentence)"))
    body = form_field(News, "body", label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))
    language = forms.ChoiceField(
        label=_("Language you write in"),
        choices=settings.LANGUAGES,
        help_text=_("The text is kept in this language; the secretariat may translate it."),
    )
