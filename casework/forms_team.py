"""The team lead's bulk reassignment: chosen requests, or all of one caseworker."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import TEAM_ROLES, User
from citizens.models import OPEN_STATUSES, HelpRequest
from socialdomain.lib.choices import ModelChoiceField

MAX_CHOSEN = 200


class BulkReassignForm(forms.Form):
    requests = forms.MultipleChoiceField(
        label=_("Chosen requests"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    from_caseworker = ModelChoiceField(
        label=_("Or: all open requests of"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("For example a colleague who leaves or is ill."),
    )
    to_caseworker = ModelChoiceField(
        label=_("Give to"),
        queryset=User.objects.none(),
        error_messages={"required": _("Choose the colleague who takes them over.")},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, team_lead: User, chosen: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.team_lead = team_lead
        members = User.objects.filter(
            team_id=team_lead.team_id, role__in=TEAM_ROLES
        ).order_by("full_name")
        # Someone who has left (inactive) can still hand over their requests.
        self.fields["from_caseworker"].queryset = members
        self.fields["to_caseworker"].queryset = members.filter(is_active=True)
        self.open_requests = (
            HelpRequest.objects.visible_to(team_lead)
            .filter(status__in=OPEN_STATUSES, reference__in=chosen[:MAX_CHOSEN])
            .select_related("contact_person")
            .order_by("reference")
        )
        self.fields["requests"].choices = [
            (r.reference, r.reference) for r in self.open_requests
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen, source = data.get("requests"), data.get("from_caseworker")
        if not self.has_error("requests"):
            if chosen and source:
                self.add_error(
                    "from_caseworker",
                    _("Choose requests or a caseworker, not both."),
                )
            elif not chosen and not source:
                self.add_error(
                    "from_caseworker",
                    _("Choose requests in the queue, or a caseworker."),
                )
        target = data.get("to_caseworker")
        if source and target and source == target:
            self.add_error(
                "to_caseworker", _("Choose a different colleague to take them over.")
            )
        self.moving = [] if self.errors else self.to_move()
        if not self.errors and not self.moving:
            self.add_error(
                "to_caseworker",
                _("There are no open requests to give to this colleague."),
            )
        return data

    def to_move(self) -> list[HelpRequest]:
        """The open requests that will move, for the confirmation."""
        data = self.cleaned_data
        if data["from_caseworker"] is not None:
            requests = HelpRequest.objects.visible_to(self.team_lead).filter(
                status__in=OPEN_STATUSES, contact_person=data["from_caseworker"]
            )
        else:
            requests = self.open_requests.filter(reference__in=data["requests"])
        return list(
            requests.exclude(contact_person=data["to_caseworker"])
            .select_related("contact_person")
            .order_by("reference")
        )
