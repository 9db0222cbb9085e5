from django import forms
from django.utils.translation import gettext_lazy as _

from citizens.forms import MAX_TEXT
from citizens.models import ALLOWED_TRANSITIONS, HelpRequest, Status


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


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    next_step = forms.CharField(
        label=_("Next step, in plain words for the resident"),
        max_length=300,
        required=False,
    )
    next_step_date = forms.DateField(
        label=_("Expected date of the next step"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, help_request: HelpRequest, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_TRANSITIONS[help_request.status] | {help_request.status}
        self.fields["status"].choices = [
            (value, label) for value, label in Status.choices if value in allowed
        ]
        self.fields["status"].initial = help_request.status
        self.fields["next_step"].initial = help_request.next_step
        self.fields["next_step_date"].initial = help_request.next_step_date
