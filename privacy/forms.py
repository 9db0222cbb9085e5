"""Setting and lifting a legal hold (functional administrator)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from citizens.models import HelpRequest

# A hold is reviewed at least every ten years; "forever" is not a hold.
MAX_HOLD = timedelta(days=10 * 365)


class LegalHoldForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference of the help request"),
        max_length=20,
        help_text=_("For example HV-2026-000123."),
    )
    reason = forms.CharField(
        label=_("Why the data must be kept"),
        max_length=300,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example an objection, an appeal or a complaint procedure."),
    )
    until = forms.DateField(
        label=_("Keep until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, admin: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.admin = admin

    def clean_reference(self) -> HelpRequest:
        reference = self.cleaned_data["reference"].strip().upper()
        # Only the administrator's own municipality; elsewhere reads as unknown.
        help_request = HelpRequest.objects.filter(
            municipality_id=self.admin.municipality_id, reference=reference
        ).first()
        if help_request is None:
            raise forms.ValidationError(
                _("There is no help request with this reference in your municipality.")
            )
        return help_request

    def clean_until(self) -> date:
        until = self.cleaned_data["until"]
        today = timezone.localdate()
        if until < today:
            raise forms.ValidationError(_("Choose a date from today on."))
        if until > today + MAX_HOLD:
            raise forms.ValidationError(
                _("A hold lasts at most ten years; set a new one when it ends.")
            )
        return until


class LiftHoldForm(forms.Form):
    lift_reason = forms.CharField(
        label=_("Why the hold is lifted"),
        max_length=300,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
