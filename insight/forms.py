from django import forms
from django.utils.translation import gettext_lazy as _

from mountainpartnership.forms import HoneypotMixin
from mountainpartnership.limits import SEARCH_LENGTH, UP_TO_TODAY, form_field

from .models import PartnerMessage
from .search import KINDS


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=SEARCH_LENGTH)
    kind = forms.ChoiceField(label=_("Only"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything"))] + [
            (name, label) for name, (label, _model, _documents) in KINDS.items()
        ]

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        if not query:
            raise forms.ValidationError(_("Type one or more words to search for."))
        return query


class ReportDateForm(forms.Form):
    date = forms.DateField(
        label=_("Figures as of"),
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
        validators=[UP_TO_TODAY],
    )


class PartnerMessageForm(HoneypotMixin, forms.Form):
    subject = form_field(PartnerMessage, "subject", label=_("Subject"))
    body = form_field(
        PartnerMessage,
        "body",
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "It goes to their focal point by email, with your name, your organisation and your "
            "email address so that they can answer you. Their address is not shown to you."
        ),
    )
