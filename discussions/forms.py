from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from members.models import User
from members.services import user_language, user_language_set
from mountainpartnership.forms import HoneypotMixin
from mountainpartnership.limits import form_field

from .models import Flag, Post, Reader, Topic

MARKUP_HELP = _(
    "Plain text. A blank line starts a new paragraph; *emphasis*, **bold**, lists starting "
    'with "-", links [like this](https://example.org), "> " for a quote and `code` work.'
)


class PostFields(HoneypotMixin, forms.Form):
    body = form_field(
        Post,
        "body",
        label=_("Your message"),
        help_text=MARKUP_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    language = forms.ChoiceField(label=_("Language of your message"), choices=settings.LANGUAGES)


class TopicForm(PostFields):
    title = form_field(Topic, "title", label=_("Title"))
    field_order = ["title", "body", "language"]


class ReplyForm(PostFields):
    pass


class EditForm(forms.Form):
    body = form_field(
        Post,
        "body",
        label=_("Your message"),
        help_text=MARKUP_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class FlagForm(HoneypotMixin, forms.Form):
    reason = form_field(
        Flag,
        "reason",
        label=_("What is wrong with this post?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReaderForm(forms.ModelForm):
    """Discussion emails, the name shown with one's posts (never the email address), and the
    language of every email of the portal (the account's, members.User.language)."""

    first_name = form_field(User, "first_name", label=_("First name"))
    last_name = form_field(User, "last_name", label=_("Last name"))
    language = form_field(User, "language", required=True)

    class Meta:
        model = Reader
        fields = ["first_name", "last_name", "frequency", "language"]
        widgets = {"frequency": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        self.fields["first_name"].help_text = _(
            "Shown with your posts. Your email address never is."
        )
        # Not said yet: the language the emails are in now, so that it is what a save keeps.
        self.fields["language"].initial = user_language(user)
        self.fields["language"].choices = settings.LANGUAGES

    @transaction.atomic
    def save(self, commit=True):
        user = self.instance.user
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])
        user_language_set(user=user, language=self.cleaned_data["language"])
        return super().save(commit)
