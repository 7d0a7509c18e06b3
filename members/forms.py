from allauth.account import forms as account_forms
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from mountainpartnership.forms import ByNameIterator, HoneypotMixin
from mountainpartnership.i18n import sorted_by_name
from mountainpartnership.limits import EMAIL_LENGTH, form_field, set_max_length

from .models import (
    Area,
    FocalPoint,
    FocalPointProposal,
    Invitation,
    Member,
    MembershipApplication,
    Representation,
    User,
)


class AccountEmailLimit:
    """allauth's own forms take an address of up to 320 characters (Django's form default),
    and its sign-up cuts it to the account's 254 and mails the cut address. These refuse what
    an account cannot keep, with a message (settings.ACCOUNT_FORMS names them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.EmailField):
                set_max_length(field, EMAIL_LENGTH)


class LoginForm(AccountEmailLimit, account_forms.LoginForm):
    pass


class SignupForm(AccountEmailLimit, account_forms.SignupForm):
    pass


class AddEmailForm(AccountEmailLimit, account_forms.AddEmailForm):
    pass


class ResetPasswordForm(AccountEmailLimit, account_forms.ResetPasswordForm):
    pass


class RequestLoginCodeForm(AccountEmailLimit, account_forms.RequestLoginCodeForm):
    pass


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class FocalPointReplaceForm(forms.ModelForm):
    """The new focal point's details; the service ends the current one and invites the new."""

    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        help_text=_("The new focal point is invited to the portal in this language."),
    )

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


class AreasField(forms.ModelMultipleChoiceField):
    """Areas as checkboxes, thematic and geographic ones under their own heading."""

    widget = forms.CheckboxSelectMultiple
    iterator = ByNameIterator

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Area.objects.all())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def group(self):
        """Put the choices under their headings: one query, so call it per form, not at import."""
        areas = sorted_by_name(self.queryset)
        self.choices = [
            (label, [(area.pk, area.name) for area in areas if area.kind == kind])
            for kind, label in Area.Kind.choices
        ]
        # In the admin the widget is wrapped (the "add another" links): group the inner one.
        inner = getattr(self.widget, "widget", None)
        if inner is not None:
            inner.choices = self.choices


def validate_logo(file):
    """A logo is a PNG, JPEG, GIF or WebP image of at most LOGO_MAX_BYTES."""
    if file.size > settings.LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(settings.LOGO_MAX_BYTES)}
        )
    image = getattr(file, "image", None)
    if image is not None and image.format not in settings.LOGO_FORMATS:
        raise ValidationError(_("The logo must be a PNG, JPEG, GIF or WebP image."))


class MemberEditForm(forms.ModelForm):
    """What a representative edits about their organisation."""

    areas = AreasField(label=_("Thematic and geographic areas"))
    website = form_field(Member, "website", label=_("website"), assume_scheme="https")

    class Meta:
        model = Member
        fields = [
            "description_en",
            "description_fr",
            "description_es",
            "website",
            "contact_email",
            "logo",
            "areas",
        ]
        labels = {
            "description_en": _("Description in English"),
            "description_fr": _("Description in French"),
            "description_es": _("Description in Spanish"),
        }
        help_texts = {
            "description_en": _(
                "Write in the languages you can. Where a language is left empty, its readers "
                "see English, or else another language, marked as such."
            ),
        }
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 6}),
            "description_fr": forms.Textarea(attrs={"rows": 6}),
            "description_es": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].group()
        self.fields["logo"].validators.append(validate_logo)
        self.fields["logo"].widget = forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        )


class ColleagueForm(forms.Form):
    email = form_field(Invitation, "email", label=_("Colleague's email address"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)


class ColleagueRemoveForm(forms.Form):
    """Which of the member's representatives to remove. Anything else (another member's, a
    number that is not one) names no one."""

    remove = forms.ModelChoiceField(queryset=Representation.objects.none())

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = member.representations.current().select_related("user")


class FocalPointProposalForm(forms.ModelForm):
    class Meta:
        model = FocalPointProposal
        fields = ["name", "title", "email", "phone", "languages", "language", "start_date"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"})}


class InvitationSignupForm(forms.Form):
    """A password for the account an invitation creates; the address is the invited one."""

    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password and password != cleaned.get("password2"):
            raise ValidationError(_("The two passwords differ."))
        if password:
            password_validation.validate_password(password, User(email=self.email))
        return cleaned


class MembershipApplicationForm(HoneypotMixin, forms.ModelForm):
    honeypot_message = _("Your application could not be accepted. Please try again.")

    areas = AreasField(label=_("Thematic and geographic interests"))
    website = form_field(
        MembershipApplication, "website", label=_("website"), assume_scheme="https"
    )
    consent = forms.BooleanField(
        label=_("We accept the Mountain Partnership's principles and will take part in its work."),
        required=True,
    )

    class Meta:
        model = MembershipApplication
        fields = [
            "language",
            "name",
            "acronym",
            "type",
            "sector",
            "country",
            "website",
            "description",
            "areas",
            "focal_point_name",
            "focal_point_title",
            "focal_point_email",
            "focal_point_phone",
            "focal_point_languages",
            "contribution",
            "consent",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "contribution": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"language": _("Language of your application")}
        help_texts = {
            "language": _(
                "The language you write in: your texts are kept in it, and we write to you in it."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].group()

    def clean(self):
        cleaned = super().clean()
        kind, sector = cleaned.get("type"), cleaned.get("sector")
        if kind == Member.Type.MAJOR_GROUP and not sector:
            self.add_error("sector", _("Choose the sector of your organisation."))
        if kind and kind != Member.Type.MAJOR_GROUP and sector:
            self.add_error("sector", _("Only major groups have a sector; leave it empty."))
        return cleaned
