"""The formal Wmo steps: the application (aanvraag) and the decision (beschikking)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Deadline, DeadlineKind, Domain
from citizens.models import HelpRequest

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_in_future(day: date) -> date:
    if day > timezone.localdate():
        raise forms.ValidationError(_("This date cannot be in the future."))
    return day


class WmoApplicationForm(forms.Form):
    filed_on = forms.DateField(
        label=_("Date the Wmo application was received"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Give the date of the application.")},
    )

    def __init__(self, *args: Any, help_request: HelpRequest, **kwargs: Any) -> None:
        # Unique ids next to the other forms on the request's page.
        kwargs.setdefault("auto_id", "id_wmo_%s")
        super().__init__(*args, **kwargs)
        self.help_request = help_request

    def clean_filed_on(self) -> date:
        day = _not_in_future(self.cleaned_data["filed_on"])
        triage = getattr(self.help_request, "triage", None)
        if triage is None or Domain.WMO not in triage.domains:
            raise forms.ValidationError(
                _("Triage the request with the Wmo domain first.")
            )
        if day < timezone.localdate(self.help_request.submitted_at):
            raise forms.ValidationError(
                _("The application cannot be before the request came in.")
            )
        if Deadline.objects.filter(
            help_request=self.help_request, kind=DeadlineKind.WMO_DECISION
        ).exists():
            raise forms.ValidationError(
                _("The Wmo application of this request has already been recorded.")
            )
        return day


class WmoDecisionForm(forms.Form):
    decided_on = forms.DateField(
        label=_("Date of the decision (beschikking)"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Give the date of the decision.")},
    )

    def __init__(self, *args: Any, help_request: HelpRequest, **kwargs: Any) -> None:
        # Unique ids next to the other forms on the request's page.
        kwargs.setdefault("auto_id", "id_wmo_%s")
        super().__init__(*args, **kwargs)
        self.help_request = help_request

    def clean_decided_on(self) -> date:
        day = _not_in_future(self.cleaned_data["decided_on"])
        deadline = Deadline.objects.filter(
            help_request=self.help_request, kind=DeadlineKind.WMO_DECISION
        ).first()
        if deadline is None:
            raise forms.ValidationError(_("Record the Wmo application first."))
        if deadline.met_at is not None:
            raise forms.ValidationError(
                _("The decision on this application has already been recorded.")
            )
        if day < deadline.start:
            raise forms.ValidationError(
                _("The decision cannot be before the application.")
            )
        return day
