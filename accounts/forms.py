from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.access_log import parse_cursor
from accounts.models import Role, User
from citizens.models import AccessPurpose


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "This e-mail address and password do not match. Check both and try again."
        ),
        "inactive": _("This account is not active."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].lower()


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The user name django-axes counts failures for: the address in lower case."""
    source = credentials if credentials is not None else request.POST
    return str(source.get("username") or "").strip().lower()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name or obj.email} ({Role(obj.role).label})"


class AccessLogFilterForm(forms.Form):
    """Filters of the access log; every field is optional, the page cursor hidden."""

    reference = forms.CharField(label=_("Reference"), max_length=20, required=False)
    # Public ids in the address, never sequential ones.
    staff = StaffChoiceField(
        label=_("Staff member"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("All staff"),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[("", _("All purposes")), *AccessPurpose.choices],
        required=False,
    )
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, admin: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Inactive accounts too: people who left still have looks in the log.
        self.fields["staff"].queryset = User.objects.visible_to(admin).order_by(
            "full_name", "pk"
        )

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()

    def clean_after(self) -> tuple[datetime, int] | None:
        value = self.cleaned_data["after"]
        if not value:
            return None
        try:
            return parse_cursor(value)
        except ValueError:
            raise forms.ValidationError(
                _("This page link is not valid. Start again from the newest entries.")
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date_from: date | None = data.get("date_from")
        date_to: date | None = data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error(
                "date_to", _("The end date cannot be before the start date.")
            )
        return data
