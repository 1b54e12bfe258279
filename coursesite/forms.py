"""Account forms: Django's, with usernames that could pass for another's refused."""

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UserCreationForm

from coursesite.usernames import validate_username


class _NoLookalikes:
    """Refuses a username that mixes scripts or looks like an existing one."""

    def clean_username(self):
        username = super().clean_username()
        if username:  # None when Django's own check (same name but for case) failed
            validate_username(username)
        return username


class SignupForm(_NoLookalikes, UserCreationForm):
    # Optional, so that nobody has to give an address to join; but a student who forgets
    # the password has no other way back in (password reset mails a link to it).
    email = forms.EmailField(
        required=False,
        max_length=UserCreationForm.Meta.model._meta.get_field("email").max_length,
        label="Email (optional)",
        help_text=(
            "Without it, a forgotten password cannot be reset: a reset link is the only "
            "thing ever sent to it."
        ),
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class AdminSignupForm(_NoLookalikes, AdminUserCreationForm):
    pass


class AdminUserForm(UserChangeForm):
    def clean_username(self):
        username = self.cleaned_data["username"]
        if username != self.initial.get("username"):
            validate_username(username, exclude_pk=self.instance.pk)
        return username
