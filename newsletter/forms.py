from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from members.forms import AreasField
from members.models import Area, Region
from mountainpartnership.forms import ByNameChoiceField, HoneypotMixin
from mountainpartnership.limits import form_field

from .models import Item, Subscriber

REGION_NOT_SAID = _("Not said")


class TopicsField(AreasField):
    """Thematic and geographic areas, under their headings: an edition may be sent to the
    readers of an area, and a section marked for them only."""

    def __init__(self, *args, **kwargs):
        kwargs["queryset"] = Area.objects.all()
        super().__init__(*args, **kwargs)


class SubscribeForm(HoneypotMixin, forms.Form):
    email = form_field(Subscriber, "email", label=_("Your email address"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    # Optional, and nothing chosen for the reader: a region picked by default would be
    # counted as theirs in the figures.
    region = ByNameChoiceField(
        label=_("Your region (optional)"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=REGION_NOT_SAID,
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=Subscriber.Format.choices,
        widget=forms.RadioSelect,
        initial=Subscriber.Format.HTML,
    )
    topics = TopicsField(
        label=_("Topics you follow (optional)"), help_text=_("Leave empty to receive everything.")
    )
    honeypot_message = _("Your subscription could not be recorded. Please try again.")


class PreferencesForm(forms.ModelForm):
    topics = TopicsField(
        label=_("Topics you follow (optional)"), help_text=_("Leave empty to receive everything.")
    )

    class Meta:
        model = Subscriber
        fields = ["language", "region", "format", "topics"]
        widgets = {"format": forms.RadioSelect}
        field_classes = {"region": ByNameChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].empty_label = REGION_NOT_SAID


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with a first row naming the columns: email, language, region."),
    )


class TestSendForm(forms.Form):
    email = form_field(Subscriber, "email", label=_("Send a test to"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ItemSubmissionForm(forms.Form):
    title = form_field(Item, "title", label=_("Title"))
    body = form_field(Item, "body", label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    link = form_field(Item, "link", label=_("Link (optional)"), assume_scheme="https")
    target_month = form_field(
        Item,
        "target_month",
        label=_("For the newsletter of"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("The month of the edition."),
    )
    language = forms.ChoiceField(
        label=_("Language you write in"),
        choices=settings.LANGUAGES,
        help_text=_("The text is kept in this language; the secretariat may translate it."),
    )
