"""Forms of the household page: linking requests, the coordinator, ZRM and the plan."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TEAM_ROLES, User
from casework.models import ActionOwner, PlanGoal, ZrmDomain, ZrmMoment
from citizens.models import HelpRequest
from socialdomain.lib.choices import ModelChoiceField

SCORES = [(str(n), str(n)) for n in range(1, 6)]


class ZrmForm(forms.Form):
    moment = forms.ChoiceField(label=_("Moment"), choices=ZrmMoment.choices)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for value, label in ZrmDomain.choices:
            self.fields[value] = forms.TypedChoiceField(
                label=label,
                choices=[("", "—"), *SCORES],
                coerce=int,
                error_messages={"required": _("Give a score from 1 to 5.")},
            )

    def scores(self) -> dict[str, int]:
        return {value: self.cleaned_data[value] for value in ZrmDomain.values}


class LinkRequestForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference of another request of this household"),
        max_length=20,
        help_text=_("For example HV-2026-000123."),
    )

    def __init__(self, *args, user: User, help_request: HelpRequest, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.user = user
        self.help_request = help_request

    def clean_reference(self) -> HelpRequest:
        reference = self.cleaned_data["reference"].strip().upper()
        other = (
            HelpRequest.objects.visible_to(self.user)
            .filter(reference=reference)
            .exclude(pk=self.help_request.pk)
            .first()
        )
        if other is None:
            raise forms.ValidationError(
                _("No request with this reference in your scope.")
            )
        if hasattr(other, "household_link"):
            raise forms.ValidationError(
                _("That request already belongs to a household.")
            )
        return other


class CoordinatorForm(forms.Form):
    coordinator = ModelChoiceField(
        label=_("Coordinating caseworker"), queryset=User.objects.none()
    )

    def __init__(self, *args, user: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = User.objects.filter(
            municipality_id=user.municipality_id, role__in=TEAM_ROLES, is_active=True
        ).order_by("full_name")


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("ZRM domain"), choices=ZrmDomain.choices)
    description = forms.CharField(
        label=_("Goal"),
        max_length=300,
        error_messages={"required": _("Describe the goal.")},
    )


class ActionForm(forms.Form):
    goal = ModelChoiceField(label=_("Goal"), queryset=PlanGoal.objects.none())
    description = forms.CharField(
        label=_("Action"),
        max_length=300,
        error_messages={"required": _("Describe the action.")},
    )
    owner = forms.ChoiceField(label=_("Who does it"), choices=ActionOwner.choices)
    due = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, goals, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals

    def clean_due(self) -> date:
        due = self.cleaned_data["due"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("A due date cannot lie in the past."))
        return due
