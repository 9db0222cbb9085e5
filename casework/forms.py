from datetime import date, datetime, time, timedelta
from functools import partial

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TEAM_ROLES, Role, User
from casework.models import ContactKind, Domain, Urgency
from casework.stages import Stage, allowed_stages
from citizens.forms import MAX_TEXT
from citizens.models import (
    Consent,
    ConsentRecipient,
    HelpRequest,
    Outcome,
    UrgentSituation,
    sharing_consent,
)
from municipalities.models import Team
from networks.models import Organisation
from socialdomain.lib.choices import ModelChoiceField
from socialdomain.lib.compiled import PreparedModels


class StaffMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a message first.")},
    )
    for_resident = forms.BooleanField(
        label=_("The resident may read this message"),
        required=False,
        initial=True,
        help_text=_("Untick this for an internal note for colleagues."),
    )


class VersionedForm(forms.Form):
    """Carries the version of the request the form was shown with (edit conflicts)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class ProgressForm(VersionedForm):
    stage = forms.ChoiceField(
        label=_("Stage"),
        help_text=_(
            "The resident sees a simpler status; the stage names are for staff only."
        ),
    )
    reason = forms.CharField(
        label=_("Why (for colleagues, when the stage changes)"),
        max_length=300,
        required=False,
    )
    next_step = forms.CharField(
        label=_("Next step, in plain words for the resident"),
        max_length=300,
        required=False,
    )
    next_step_date = forms.DateField(
        label=_("Expected date of the next step"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome (when closing)"),
        choices=[("", "—"), *Outcome.choices],
        required=False,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("stage") == Stage.CLOSED and not data.get("outcome"):
            self.add_error("outcome", _("Closing needs an outcome: how was it solved?"))
        if data.get("stage") != Stage.CLOSED:
            data["outcome"] = ""
        return data

    def __init__(self, *args, help_request: HelpRequest, stage: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        allowed = {stage, *allowed_stages(stage, help_request.status)}
        self.fields["stage"].choices = [
            (value, label) for value, label in Stage.choices if value in allowed
        ]
        self.fields["stage"].initial = stage
        self.fields["version"].initial = help_request.version
        self.fields["next_step"].initial = help_request.next_step
        self.fields["next_step_date"].initial = help_request.next_step_date


def _municipality_organisations(municipality_id: int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(municipality_id=municipality_id).order_by("name")


# The case page's lists of organisations and teams, compiled once per process.
_ORGANISATIONS = PreparedModels(_municipality_organisations, -7_310_445)
_TEAMS = PreparedModels(
    lambda municipality_id: Team.objects.visible_to(
        User(role=Role.CASEWORKER, municipality_id=municipality_id)
    ),
    -7_310_446,
)


def show_organisations(field: ModelChoiceField, municipality_id: int) -> None:
    """The municipality's organisations, by name."""
    field.show(
        _municipality_organisations(municipality_id),
        partial(_ORGANISATIONS.instances, municipality_id),
    )


def show_teams(field: ModelChoiceField, user: User) -> None:
    """The teams the user may give a request to (Team.objects.visible_to)."""
    teams = Team.objects.visible_to(user)
    # The compiled list is visible_to's for a user of one municipality; the other
    # branches of MunicipalityQuerySet.visible_to (superuser, region) keep the ORM.
    if user.is_superuser or user.region_id is not None or not user.municipality_id:
        field.queryset = teams
    else:
        field.show(teams, partial(_TEAMS.instances, user.municipality_id))


class TriageForm(VersionedForm):
    domains = forms.MultipleChoiceField(
        label=_("Domains"),
        choices=Domain.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one domain.")},
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    team = ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    debt_threat = forms.BooleanField(
        label=_(
            "Threat of eviction, cut-off of energy or water, or termination of health insurance"
        ),
        help_text=_(
            "Then the first debt-relief conversation is due within 3 working days."
        ),
        required=False,
    )

    def __init__(self, *args, user: User, help_request: HelpRequest, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        show_teams(self.fields["team"], user)
        # The progress form on the same page has a version field too: unique ids.
        self.fields["version"].widget.attrs["id"] = "triage_version"
        triage = getattr(help_request, "triage", None)
        self.initial.update(
            {
                "version": help_request.version,
                "domains": triage.domains if triage else [],
                "urgency": triage.urgency
                if triage
                else (Urgency.URGENT if help_request.is_urgent else Urgency.NORMAL),
                "team": help_request.team_id or user.team_id,
                "debt_threat": triage.debt_threat
                if triage
                else bool(
                    {UrgentSituation.EVICTION, UrgentSituation.CUT_OFF}
                    & set(help_request.urgent_situations)
                ),
            }
        )


class AssignForm(forms.Form):
    caseworker = ModelChoiceField(label=_("Give to"), queryset=User.objects.none())

    def __init__(self, *args, team_lead: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = User.objects.filter(
            team_id=team_lead.team_id, role__in=TEAM_ROLES, is_active=True
        ).order_by("full_name")


class ContactMomentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactKind.choices)
    happened_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a short summary.")},
    )
    is_intake = forms.BooleanField(
        label=_("This was the intake (kitchen-table conversation)"), required=False
    )

    def clean_happened_on(self) -> date:
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A contact cannot be in the future."))
        return day


class AccessReasonForm(forms.Form):
    """Why someone opens a request outside their own caseload (kept in the log)."""

    suggestions = (
        _("Standing in for the contact person, who is absent"),
        _("The resident called and the contact person is not available"),
        _("A colleague asked me to help or advise"),
        _("Preparing a case discussion with the team"),
    )

    access_reason = forms.CharField(
        label=_("Why do you open this request?"),
        max_length=300,
        help_text=_(
            "Your name, the time and this reason are kept in the access log. "
            "The resident can see the date, your role and the purpose."
        ),
        widget=forms.TextInput(
            attrs={"list": "access-reason-suggestions", "autocomplete": "off"}
        ),
        error_messages={"required": _("Give a reason to open this request.")},
    )


NO_CONSENT_FOR_ORGANISATION = _(
    "The resident has no valid consent for sharing with this organisation (never "
    "given, expired or withdrawn). Ask them first and record their consent."
)


class ReferralForm(forms.Form):
    organisation = ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    question = forms.CharField(
        label=_("What do you ask of the organisation?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what you ask of the organisation.")},
    )

    def __init__(self, *args, help_request: HelpRequest, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.help_request = help_request
        show_organisations(self.fields["organisation"], help_request.municipality_id)

    def clean_organisation(self) -> Organisation:
        organisation = self.cleaned_data["organisation"]
        if sharing_consent(self.help_request, organisation=organisation) is None:
            raise forms.ValidationError(NO_CONSENT_FOR_ORGANISATION)
        return organisation


class ConsentRecordForm(forms.Form):
    """Consent the resident gave orally (by phone or at the kitchen table)."""

    recipient = forms.ChoiceField(
        label=_("Who may receive the resident's details"),
        choices=[("", "—"), *ConsentRecipient.choices],
        error_messages={"required": _("Choose who may receive the details.")},
    )
    organisation = ModelChoiceField(
        label=_("The organisation (only for one organisation)"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Fill in until when the consent holds.")},
    )
    confirmed = forms.BooleanField(
        label=_("The resident told me they agree to this."),
        error_messages={
            "required": _("Record consent only when the resident agreed to it.")
        },
    )

    def __init__(self, *args, help_request: HelpRequest, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # Its own ids: the referral form on the same page has an organisation field.
        kwargs.setdefault("auto_id", "consent_%s")
        kwargs.setdefault(
            "initial",
            {
                "valid_until": timezone.localdate()
                + timedelta(days=settings.CONSENT_VALID_DAYS - 1)
            },
        )
        super().__init__(*args, **kwargs)
        self.help_request = help_request
        show_organisations(self.fields["organisation"], help_request.municipality_id)

    def clean_valid_until(self) -> date:
        until = self.cleaned_data["valid_until"]
        today = timezone.localdate()
        if until < today:
            raise forms.ValidationError(_("Choose a date from today on."))
        if until >= today + timedelta(days=settings.CONSENT_VALID_DAYS):
            raise forms.ValidationError(
                _("Consent lasts at most %(days)s days; ask again when it ends.")
                % {"days": settings.CONSENT_VALID_DAYS}
            )
        return until

    def clean(self) -> dict[str, object]:
        data = super().clean()
        recipient = data.get("recipient")
        organisation = data.get("organisation")
        if recipient == ConsentRecipient.ORGANISATION and organisation is None:
            self.add_error("organisation", _("Choose the organisation."))
        elif recipient and recipient != ConsentRecipient.ORGANISATION:
            data["organisation"] = organisation = None
        if data.get("valid_until"):
            # It holds through the last day, to the start of the next (local time).
            data["expires_at"] = timezone.make_aware(
                datetime.combine(data["valid_until"] + timedelta(days=1), time.min)
            )
        if recipient:
            existing = (
                Consent.objects.filter(
                    help_request_id=self.help_request.pk,
                    recipient=recipient,
                    organisation=organisation,
                )
                .valid_at()
                .first()
            )
            if existing is not None:
                self.add_error(
                    "recipient",
                    _(
                        "There is already a valid consent for this until %(until)s. "
                        "It can be recorded again once it has ended."
                    )
                    % {"until": formats.date_format(existing.valid_until)},
                )
        return data
