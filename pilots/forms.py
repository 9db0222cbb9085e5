from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from citizens.models import HelpRequest
from municipalities.models import Neighbourhood
from networks.models import Organisation
from pilots.models import (
    BudgetEntryKind,
    Goal,
    Instrument,
    MeasurementMoment,
    Phase,
    Pilot,
)
from pilots.models.ideas import ANSWER_STATUSES, IdeaStatus
from pilots.models.participation import SCALES, domains_for
from socialdomain.lib.choices import ModelChoiceField, ModelMultipleChoiceField

MAX_TEXT = 3000


def _date(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 31-12-2026.")},
        **kwargs,
    )


def _text(label: str, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _money(label: str, *, minimum: Decimal) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=minimum,
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class PilotForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.ChoiceField(
        label=_("Theme"), choices=Pilot._meta.get_field("theme").choices
    )
    description = _text(_("Description"), rows=4)
    owner = ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    neighbourhoods = ModelMultipleChoiceField(
        label=_("Neighbourhoods"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = _date(_("Start date"), required=False)
    ends_on = _date(_("End date"), required=False)
    target_group = forms.CharField(
        label=_("Target group"), max_length=300, required=False
    )
    hypotheses = _text(_("Hypotheses: what do we expect to happen?"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            municipality_id=user.municipality_id,
            role=Role.PILOT_OWNER,
            is_active=True,
        ).order_by("full_name")
        self.fields["neighbourhoods"].queryset = Neighbourhood.objects.visible_to(
            user
        ).select_related("district")
        self.fields["partners"].queryset = Organisation.objects.visible_to(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date lies before the start date."))
        return data

    def model_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            key: data[key]
            for key in (
                "title",
                "theme",
                "description",
                "owner",
                "starts_on",
                "ends_on",
                "target_group",
                "hypotheses",
            )
        }


class PhaseForm(forms.Form):
    to = forms.ChoiceField(label=_("Next phase"))
    on = _date(_("Date of the change"))
    note = _text(_("Note"), required=False, rows=2)
    stop_reason = _text(_("When stopping: why does the pilot stop?"), required=False)
    lessons = _text(_("When stopping: what did we learn?"), required=False)

    def __init__(self, *args: Any, pilot: Pilot, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = pilot.allowed_phases()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("to") == Phase.STOPPED:
            if not data.get("stop_reason", "").strip():
                self.add_error("stop_reason", _("Say why the pilot stops."))
            if not data.get("lessons", "").strip():
                self.add_error("lessons", _("Say what was learned from it."))
        return data


def _measured_with_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("", _("Not linked to a measurement"))]
    for instrument, instrument_label in Instrument.choices:
        for domain, label in domains_for(instrument):
            choices.append((f"{instrument}:{domain}", f"{instrument_label}: {label}"))
    return choices


class GoalForm(forms.Form):
    description = forms.CharField(label=_("Goal"), max_length=300)
    indicator = forms.CharField(label=_("Indicator (KPI)"), max_length=200)
    baseline = _money(_("Baseline value"), minimum=Decimal("-1000000000"))
    target = _money(_("Target value"), minimum=Decimal("-1000000000"))
    measured_with = forms.ChoiceField(
        label=_("Measured with"),
        required=False,
        choices=_measured_with_choices,
        help_text=_(
            "Link the KPI to a measurement to see the average score after the "
            "pilot beside the target."
        ),
    )

    def goal_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        instrument, _sep, domain = data["measured_with"].partition(":")
        return {
            "description": data["description"],
            "indicator": data["indicator"],
            "baseline": data["baseline"],
            "target": data["target"],
            "instrument": instrument,
            "domain": domain,
        }


class GoalValuesForm(forms.Form):
    """The current value of every KPI of the pilot at once."""

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for index, goal in enumerate(goals):
            field = forms.DecimalField(
                label=goal.indicator,
                required=False,
                max_digits=12,
                decimal_places=2,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                initial=goal.current_value,
            )
            self.fields[f"goal_{index}"] = field

    def values(self) -> list[tuple[Goal, Decimal | None]]:
        return [
            (goal, self.cleaned_data[f"goal_{index}"])
            for index, goal in enumerate(self.goals)
        ]


class BudgetLineForm(forms.Form):
    name = forms.CharField(label=_("Budget line"), max_length=200)
    planned = _money(_("Planned amount (euro)"), minimum=Decimal("0"))

    def __init__(self, *args: Any, pilot: Pilot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pilot = pilot

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.pilot.budget_lines.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("This pilot already has a line by that name.")
            )
        return name


class BudgetEntryForm(forms.Form):
    line = ModelChoiceField(label=_("Budget line"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=BudgetEntryKind.choices)
    amount = _money(_("Amount (euro)"), minimum=Decimal("0.01"))
    on = _date(_("Date"))
    description = forms.CharField(label=_("What for"), max_length=300)

    def __init__(self, *args: Any, pilot: Pilot, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = pilot.budget_lines.all()


class EnrolForm(forms.Form):
    name = forms.CharField(label=_("Name of the participant"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address (optional)"),
        required=False,
        help_text=_(
            "With the address of a resident's account, they see their "
            "participation on their own page."
        ),
    )
    joined_on = _date(_("Joined on"))
    consent = forms.BooleanField(
        label=_("The participant agreed to take part and to be measured"),
        error_messages={"required": _("Enrol only with the participant's consent.")},
    )
    consent_note = forms.CharField(
        label=_("How was consent given?"),
        max_length=300,
        help_text=_("For example: signed form at the first clinic."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"joined_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class EnrolFromCaseForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference of the help request"),
        max_length=20,
        help_text=_("For example HV-2026-000123."),
    )
    pilot = ModelChoiceField(label=_("Pilot"), queryset=None)
    consent = forms.BooleanField(
        label=_("The resident agreed to take part and to be measured"),
        error_messages={"required": _("Enrol only with the resident's consent.")},
    )
    consent_note = forms.CharField(label=_("How was consent given?"), max_length=300)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["pilot"].queryset = Pilot.objects.open_for_enrolment(user)

    def clean_reference(self) -> HelpRequest:
        reference = self.cleaned_data["reference"].strip().upper()
        help_request = (
            HelpRequest.objects.visible_to(self.user)
            .select_related("resident")
            .filter(reference=reference)
            .first()
        )
        if help_request is None:
            raise forms.ValidationError(
                _("There is no request with this reference in your team.")
            )
        return help_request


class LeaveForm(forms.Form):
    left_on = _date(_("Left on"))
    reason = forms.CharField(label=_("Reason for leaving"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"left_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Activity or session"), max_length=200)
    on = _date(_("Date"))
    place = forms.CharField(label=_("Place"), max_length=200)
    attendance = forms.IntegerField(
        label=_("Number of people who came"), min_value=0, max_value=100000
    )
    notes = _text(_("Notes"), required=False, rows=2)


class ScoresForm(forms.Form):
    """One score per domain of an instrument, within its scale."""

    def __init__(self, *args: Any, instrument: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        low, high = SCALES[instrument]
        for domain, label in domains_for(instrument):
            self.fields[f"score_{domain}"] = forms.IntegerField(
                label=label,
                min_value=low,
                max_value=high,
                help_text=_("A whole number from %(low)s to %(high)s.")
                % {"low": low, "high": high},
                error_messages={
                    "required": _("Give a score for this question."),
                    "min_value": _("Give a number from %(low)s to %(high)s.")
                    % {"low": low, "high": high},
                    "max_value": _("Give a number from %(low)s to %(high)s.")
                    % {"low": low, "high": high},
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def scores(self) -> dict[str, int]:
        return {
            domain: self.cleaned_data[f"score_{domain}"]
            for domain, _label in domains_for(self.instrument)
        }


class MeasurementForm(ScoresForm):
    moment = forms.ChoiceField(label=_("Moment"), choices=MeasurementMoment.choices)
    taken_on = _date(_("Measured on"))

    field_order = ["moment", "taken_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"taken_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.order_fields(["moment", "taken_on"])


class MeasurementPlanForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument"), choices=Instrument.choices)
    moment = forms.ChoiceField(label=_("Moment"), choices=MeasurementMoment.choices)
    due_on = _date(_("To be filled in by"))


class JournalForm(forms.Form):
    written_on = _date(_("Date"))
    tried = _text(_("What we tried"))
    saw = _text(_("What we saw"))
    change = _text(_("What we change"), required=False)
    decision = _text(_("Decision taken (if any)"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"written_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class LibraryForm(forms.Form):
    approach = _text(_("Approach: how did the pilot work?"), rows=4)
    lessons = _text(_("Lessons for other municipalities"), rows=4)


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Your idea in a few words"), max_length=200)
    description = _text(_("Tell us more: what would help the neighbourhood?"), rows=5)


class CommentForm(forms.Form):
    body = _text(_("Your reaction"), rows=3)


class IdeaAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (value, label)
            for value, label in IdeaStatus.choices
            if value in ANSWER_STATUSES
        ],
    )
    answer = _text(_("Public answer to the neighbourhood"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("status") == IdeaStatus.NOT_ADOPTED
            and len(data.get("answer", "").strip()) < 10
        ):
            self.add_error("answer", _("Explain why the idea is not adopted."))
        return data


class InterestForm(forms.Form):
    note = forms.CharField(
        label=_("Anything we should know? (optional)"), max_length=300, required=False
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the library"), max_length=100, required=False)
