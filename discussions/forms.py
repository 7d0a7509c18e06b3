from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mountainpartnership.forms import HoneypotMixin

from .models import Reader

MARKUP_HELP = _(
    "Plain text. A blank line starts a new paragraph; *emphasis*, **bold**, lists starting "
    'with "-", links [like this](https://example.org), "> " for a quote and `code` work.'
)
MAX_POST_LENGTH = 20000


class PostFields(HoneypotMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_POST_LENGTH,
        help_text=MARKUP_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    language = forms.ChoiceField(label=_("Language of your message"), choices=settings.LANGUAGES)


class TopicForm(PostFields):
    title = forms.CharField(label=_("Title"), max_length=200)
    field_order = ["title", "body", "language"]


class ReplyForm(PostFields):
    pass


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_POST_LENGTH,
        help_text=MARKUP_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class FlagForm(HoneypotMixin, forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this post?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReaderForm(forms.ModelForm):
    class Meta:
        model = Reader
        fields = ["frequency", "language"]
        widgets = {"frequency": forms.RadioSelect}
