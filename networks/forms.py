from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Domain, ReferralStatus
from citizens.forms import MAX_TEXT
from municipalities.models import Municipality, Neighbourhood
from networks.models import (
    VOLUNTEER_OFFERS,
    DayPart,
    KeyContact,
    MatchStatus,
    Need,
    Organisation,
    Service,
    TargetGroup,
    VogStatus,
    Volunteer,
    VolunteerStatus,
)
from socialdomain.lib.choices import ModelChoiceField, ModelMultipleChoiceField

CHECKBOXES = forms.CheckboxSelectMultiple
SHORT_TEXT = 300


def _neighbourhoods(municipality: Municipality):  # noqa: ANN202 - a queryset
    return Neighbourhood.objects.filter(district__municipality=municipality).order_by(
        "name"
    )


class SocialMapSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Who can help me with ..."),
        required=False,
        max_length=100,
        help_text=_("For example: shopping, debts, lonely, sports for my son."),
    )
    need = forms.ChoiceField(
        label=_("Kind of help"),
        choices=[("", _("All kinds")), *Need.choices],
        required=False,
    )
    neighbourhood = ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("Whole municipality"),
        to_field_name="cbs_code",
    )

    def __init__(self, *args, municipality: Municipality, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = _neighbourhoods(municipality)


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )
    domains = forms.MultipleChoiceField(
        label=_("Domains"), choices=Domain.choices, required=False, widget=CHECKBOXES
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        required=False,
        widget=CHECKBOXES,
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "description",
            "neighbourhood",
            "serves_whole_municipality",
            "neighbourhoods_served",
            "domains",
            "target_groups",
            "address",
            "phone",
            "email",
            "website",
            "opening_hours",
            "is_published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "neighbourhoods_served": CHECKBOXES,
        }
        field_classes = {
            "neighbourhood": ModelChoiceField,
            "neighbourhoods_served": ModelMultipleChoiceField,
        }

    def __init__(self, *args, municipality: Municipality, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        neighbourhoods = _neighbourhoods(municipality)
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["neighbourhood"].label = _("Neighbourhood where it is located")
        self.fields["neighbourhoods_served"].queryset = neighbourhoods
        if "name" in self.fields:
            self.fields["name"].error_messages["required"] = _("Fill in the name.")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Organisation.objects.filter(
            municipality=self.municipality, name__iexact=name
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("An organisation with this name is already on the social map.")
            )
        return name


class PartnerOrganisationForm(OrganisationForm):
    """A partner describes its own organisation; publishing and the kind stay with
    the functional admin."""

    class Meta(OrganisationForm.Meta):
        fields = [
            field
            for field in OrganisationForm.Meta.fields
            if field not in ("kind", "is_published", "name")
        ]


class ServiceForm(forms.ModelForm):
    needs = forms.MultipleChoiceField(
        label=_("Needs it meets"),
        choices=Need.choices,
        widget=CHECKBOXES,
        error_messages={"required": _("Choose at least one need.")},
    )
    target_groups = forms.MultipleChoiceField(
        label=_("For whom"),
        choices=TargetGroup.choices,
        required=False,
        widget=CHECKBOXES,
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "keywords",
            "needs",
            "target_groups",
            "when",
            "cost",
            "how_to_apply",
            "is_published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "how_to_apply": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Fill in the name.")
        self.fields["description"].error_messages["required"] = _(
            "Describe in plain words what it is."
        )
        self.fields["description"].max_length = MAX_TEXT


class KeyContactForm(forms.ModelForm):
    class Meta:
        model = KeyContact
        fields = ["neighbourhood", "name", "role", "organisation", "phone", "email"]
        field_classes = {
            "neighbourhood": ModelChoiceField,
            "organisation": ModelChoiceField,
        }

    def __init__(self, *args, municipality: Municipality, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = _neighbourhoods(municipality)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            municipality=municipality
        )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email"):
            self.add_error("phone", _("Give a phone number or an e-mail address."))
        return cleaned


class VolunteerSignUpForm(forms.Form):
    neighbourhood = ModelChoiceField(
        label=_("Where you live"),
        queryset=Neighbourhood.objects.none(),
        error_messages={"required": _("Choose the neighbourhood where you live.")},
    )
    neighbourhoods = ModelMultipleChoiceField(
        label=_("Where you want to help"),
        queryset=Neighbourhood.objects.none(),
        widget=CHECKBOXES,
        error_messages={"required": _("Choose at least one neighbourhood.")},
    )
    offers = forms.MultipleChoiceField(
        label=_("What you offer"),
        choices=[(need.value, need.label) for need in VOLUNTEER_OFFERS],
        widget=CHECKBOXES,
        error_messages={"required": _("Choose at least one thing you offer.")},
    )
    availability = forms.MultipleChoiceField(
        label=_("When you are available"),
        choices=DayPart.choices,
        widget=CHECKBOXES,
        error_messages={"required": _("Choose at least one moment.")},
    )
    phone = forms.RegexField(
        label=_("Phone number"),
        regex=r"^\+?[0-9 \-]{10,15}$",
        max_length=20,
        error_messages={
            "required": _(
                "Fill in your phone number, so the coordinator can call you."
            ),
            "invalid": _("Fill in a phone number, for example 06 12345678."),
        },
    )
    about = forms.CharField(
        label=_("Something about you (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    screening_agreed = forms.BooleanField(
        label=_(
            "I know that the coordinator asks for a certificate of conduct (VOG) "
            "and has a conversation with me first."
        ),
        error_messages={"required": _("Tick this box to sign up.")},
    )

    def __init__(self, *args, municipality: Municipality, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = _neighbourhoods(municipality)
        self.fields["neighbourhoods"].queryset = _neighbourhoods(municipality)


class ScreeningForm(forms.Form):
    vog_status = forms.ChoiceField(
        label=_("Certificate of conduct (VOG)"), choices=VogStatus.choices
    )
    intake_on = forms.DateField(
        label=_("Intake conversation on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Fill in a date, for example 2026-11-20.")},
    )
    screening_note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    approve = forms.BooleanField(
        label=_("Approve: the volunteer can be matched"), required=False
    )

    def clean_intake_on(self) -> object:
        intake_on = self.cleaned_data.get("intake_on")
        if intake_on and intake_on > timezone.localdate():
            raise forms.ValidationError(_("The intake cannot be in the future."))
        return intake_on

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        if cleaned.get("approve"):
            if cleaned.get("vog_status") != VogStatus.RECEIVED:
                self.add_error(
                    "vog_status",
                    _("Approve only after the certificate of conduct was received."),
                )
            if not cleaned.get("intake_on") and "intake_on" not in self.errors:
                self.add_error(
                    "intake_on", _("Approve only after the intake conversation.")
                )
        return cleaned


class VolunteerStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (VolunteerStatus.ACTIVE, _("Resume")),
            (VolunteerStatus.PAUSED, _("Pause")),
            (VolunteerStatus.STOPPED, _("Stop")),
        ]
    )


class NeedForm(forms.Form):
    need = forms.ChoiceField(
        label=_("Kind of help"),
        choices=[(need.value, need.label) for need in Need],
        initial=Need.COMPANY,
    )


class MatchProposeForm(forms.Form):
    volunteer = ModelChoiceField(
        label=_("Volunteer"),
        queryset=Volunteer.objects.none(),
        to_field_name="public_id",
        error_messages={"required": _("Choose a volunteer.")},
    )
    need = forms.ChoiceField(
        label=_("Kind of help"),
        choices=[(need.value, need.label) for need in VOLUNTEER_OFFERS],
    )
    task = forms.CharField(
        label=_("The task, as the volunteer will read it"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The volunteer sees only this, the first name and the neighbourhood. "
            "Leave out health, debts and other private details."
        ),
        error_messages={"required": _("Describe the task for the volunteer.")},
    )

    def __init__(self, *args, municipality_id: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = (
            Volunteer.objects.matchable()
            .filter(municipality_id=municipality_id)
            .select_related("user")
        )


class _AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Reason or report"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MatchAnswerForm(_AnswerForm):
    to = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (MatchStatus.ACCEPTED, _("I accept")),
            (MatchStatus.DECLINED, _("I decline")),
            (MatchStatus.ACTIVE, _("The help has started")),
            (MatchStatus.COMPLETED, _("The help is completed")),
            (MatchStatus.STOPPED, _("The help has stopped")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your answer.")},
    )
    appointment_at = forms.DateTimeField(
        label=_("First appointment (if agreed)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("Fill in a date and time.")},
    )

    def __init__(self, *args, allowed: frozenset[str], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            choice for choice in self.fields["to"].choices if choice[0] in allowed
        ]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        to, text = cleaned.get("to"), (cleaned.get("text") or "").strip()
        if to in (MatchStatus.DECLINED, MatchStatus.STOPPED) and not text:
            self.add_error("text", _("Say why, so the caseworker can look further."))
        if to == MatchStatus.COMPLETED and not text:
            self.add_error("text", _("Write briefly how it went."))
        appointment_at = cleaned.get("appointment_at")
        if appointment_at and appointment_at < timezone.now():
            self.add_error(
                "appointment_at", _("The appointment cannot be in the past.")
            )
        return cleaned


class ReferralResponseForm(_AnswerForm):
    to = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (ReferralStatus.ACCEPTED, _("We accept")),
            (ReferralStatus.DECLINED, _("We decline")),
            (ReferralStatus.COMPLETED, _("Done: report back")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your answer.")},
    )

    def __init__(self, *args, allowed: frozenset[str], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            choice for choice in self.fields["to"].choices if choice[0] in allowed
        ]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        to, text = cleaned.get("to"), (cleaned.get("text") or "").strip()
        if to == ReferralStatus.DECLINED and not text:
            self.add_error("text", _("Say why, so the caseworker can look further."))
        if to == ReferralStatus.COMPLETED and not text:
            self.add_error("text", _("Report back briefly what was done."))
        return cleaned
