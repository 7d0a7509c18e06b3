from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from members.forms import AreasField
from members.models import Area, Region
from mountainpartnership.forms import ByNameChoiceField, HoneypotMixin

from .models import Subscriber


class TopicsField(AreasField):
    def __init__(self, *args, **kwargs):
        kwargs["queryset"] = Area.objects.thematic()
        super().__init__(*args, **kwargs)


class SubscribeForm(HoneypotMixin, forms.Form):
    email = forms.EmailField(label=_("Your email address"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    region = ByNameChoiceField(
        label=_("Your region"), queryset=Region.objects.all(), empty_label=None
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
        self.fields["region"].empty_label = None


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with a first row naming the columns: email, language, region."),
    )


class TestSendForm(forms.Form):
    email = forms.EmailField(label=_("Send a test to"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ItemSubmissionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    link = forms.URLField(label=_("Link (optional)"), required=False, assume_scheme="https")
    target_month = forms.DateField(
        label=_("For the newsletter of"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("The month of the edition."),
    )
