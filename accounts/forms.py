import copy
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.access_log import parse_cursor
from accounts.models import Role, User
from citizens.models import AccessPurpose
from socialdomain.lib.choices import ModelChoiceField


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


class StaffChoiceField(ModelChoiceField):
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


class TwoFactorCodeForm(forms.Form):
    """The second login step: a code of the authenticator app or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_(
            "The 6-digit code of your authenticator app, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        help_text=_("The 6 digits that the app shows for Buurtkracht."),
        error_messages={"invalid": _("Enter the 6 digits that the app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "").strip()


class ReauthenticationForm(forms.Form):
    """Password again, and for staff a current code of the authenticator app."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.RegexField(
        label=_("Code from the app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        help_text=_("The 6-digit code that your authenticator app shows now."),
        error_messages={"invalid": _("Enter the 6 digits that the app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def __init__(self, *args: Any, with_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_code:
            del self.fields["code"]

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "").strip()


class StaffAccountForm(forms.Form):
    """A functional administrator changes a staff member's role, team or
    organisation; the model's rules decide which combinations are allowed."""

    role = forms.ChoiceField(label=_("Role"))
    team = ModelChoiceField(
        label=_("Team"),
        queryset=None,
        required=False,
        empty_label=_("No team"),
        help_text=_("Caseworkers and team leads belong to a team; others to none."),
    )
    organisation = ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label=_("No organisation"),
        help_text=_("Partners belong to an organisation; others to none."),
    )

    def __init__(self, *args: Any, account: User, admin: User, **kwargs: Any) -> None:
        from municipalities.models import Team
        from networks.models import Organisation

        initial = {
            "role": account.role,
            "team": account.team_id,
            "organisation": (
                account.organisation.public_id if account.organisation else None
            ),
        }
        super().__init__(*args, initial=initial, **kwargs)
        # The new values are tried on a copy; the view saves `self.account`.
        self.account = copy.copy(account)
        self.fields["role"].choices = [
            (role.value, role.label) for role in Role if role != Role.RESIDENT
        ]
        self.fields["team"].queryset = (
            Team.objects.filter(municipality_id=admin.municipality_id)
            .select_related("district")
            .order_by("name")
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(
            municipality_id=admin.municipality_id
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        from django.core.exceptions import ValidationError

        from accounts.models import TEAM_ROLES

        data = super().clean()
        role = data.get("role")
        if role is None:
            return data
        team = data.get("team")
        organisation = data.get("organisation")
        if team is not None and role not in TEAM_ROLES:
            self.add_error(
                "team", _("Only caseworkers and team leads belong to a team.")
            )
        if organisation is not None and role != Role.PARTNER:
            self.add_error(
                "organisation", _("Only partners belong to an organisation.")
            )
        if self.errors:
            return data
        account = self.account
        account.role = role
        account.team = team
        account.organisation = organisation
        municipality = account.municipality
        if role == Role.REGIONAL_MANAGER:
            if municipality.region_id is None:
                self.add_error(
                    "role",
                    _("This municipality belongs to no region: no regional manager."),
                )
                return data
            account.region_id = municipality.region_id
        else:
            account.region = None
        try:
            account.full_clean(
                exclude=["password", "email", "full_name", "language", "date_joined"]
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                for message in messages:
                    self.add_error(target, message)
        return data
