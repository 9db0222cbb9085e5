"""One form per step of asking for help. Each validates and normalises its answers,
which are kept in the draft as JSON until the request is sent. Fixed choices are
KeptChoices (socialdomain/lib/choices.py): every send validates all seven steps
again, and each form made copies its fields."""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from citizens import uploads
from citizens.models import (
    ConsentRecipient,
    ContactMethod,
    FollowUpAnswer,
    LifeEvent,
    Relationship,
    UrgentSituation,
)
from municipalities.models import Place, PostcodeArea
from socialdomain.lib.choices import KeptChoices

MAX_STORY = 5000
MAX_TEXT = 3000


class ForWhomForm(forms.Form):
    MYSELF = "myself"
    SOMEONE_ELSE = "someone_else"

    for_whom = forms.ChoiceField(
        label=_("Who needs help?"),
        choices=KeptChoices([(MYSELF, _("I do")), (SOMEONE_ELSE, _("Someone else"))]),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who needs help.")},
    )
    relationship = forms.ChoiceField(
        label=_("What are you to this person?"),
        choices=KeptChoices([("", "—"), *Relationship.choices]),
        required=False,
    )
    subject_name = forms.CharField(
        label=_("Name of the person who needs help"), max_length=200, required=False
    )
    subject_email = forms.EmailField(
        label=_("Their e-mail address (optional)"),
        help_text=_("Then we can invite them to follow the request themselves."),
        required=False,
    )
    subject_consent = forms.BooleanField(
        label=_("This person agrees that I ask for help for them."), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("for_whom") == self.SOMEONE_ELSE:
            if not data.get("relationship"):
                self.add_error("relationship", _("Choose what you are to this person."))
            if not data.get("subject_name", "").strip():
                self.add_error("subject_name", _("Fill in the name of this person."))
            if not data.get("subject_consent"):
                self.add_error(
                    "subject_consent",
                    _("You can only ask for help for someone who agrees to it."),
                )
        else:
            data.update(
                relationship="",
                subject_name="",
                subject_email="",
                subject_consent=False,
            )
        return data


class SituationForm(forms.Form):
    life_events = forms.MultipleChoiceField(
        label=_("What is going on? Tick everything that fits."),
        choices=KeptChoices(LifeEvent.choices),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one thing that fits.")},
    )
    story = forms.CharField(
        label=_("Tell us in your own words what is going on"),
        help_text=_(
            "Write it the way you would tell it. You do not need official words."
        ),
        max_length=MAX_STORY,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Tell us briefly what is going on.")},
    )

    def clean_story(self) -> str:
        return self.cleaned_data["story"].strip()


class HouseholdForm(forms.Form):
    adults = forms.IntegerField(
        label=_("How many adults live in the household?"),
        min_value=1,
        max_value=20,
        initial=1,
        error_messages={
            "required": _("Fill in how many adults live in the household."),
            "invalid": _("Fill in a number, for example 2."),
            "min_value": _("At least one adult lives in the household."),
            "max_value": _("Fill in at most 20."),
        },
    )
    children_ages = forms.CharField(
        label=_("Ages of the children in the household"),
        help_text=_("For example: 4, 9, 15. Leave empty if there are no children."),
        max_length=100,
        required=False,
    )

    def clean_children_ages(self) -> list[int]:
        raw = self.cleaned_data["children_ages"].strip()
        if not raw:
            return []
        parts = [part for part in re.split(r"[,;\s]+", raw) if part]
        # ASCII digits only: str.isdigit() also accepts "¹" or "²", which int() refuses.
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise forms.ValidationError(
                _("Write the ages as numbers, for example: 4, 9, 15.")
            )
        ages = [int(part) for part in parts]
        if len(ages) > 15 or any(age > 25 for age in ages):
            raise forms.ValidationError(_("Fill in at most 15 ages of 0 to 25 years."))
        return ages


class OwnStrengthForm(forms.Form):
    own_strength = forms.CharField(
        label=_("What can you do yourself?"),
        help_text=_(
            "For example: I can cook and do my shopping, but I cannot read letters well."
        ),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tell us what you can do yourself.")},
    )
    network_help = forms.CharField(
        label=_("Who around you can help, and with what? (optional)"),
        help_text=_("Family, friends, neighbours, a club or church."),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UrgencyForm(forms.Form):
    urgent_situations = forms.MultipleChoiceField(
        label=_("Is one of these true for you right now?"),
        help_text=_("Then we will contact you sooner. Tick nothing if none is true."),
        choices=KeptChoices(UrgentSituation.choices),
        widget=forms.CheckboxSelectMultiple(attrs={"data-urgent": "true"}),
        required=False,
    )


POSTCODE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{2})\s*$")


class ContactForm(forms.Form):
    # Whether the postcode must lie in a municipality of Buurtkracht to be valid
    # (looked up in PostcodeArea; `place` holds what was found).
    looks_up_place = True
    place: Place | None = None

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Fill in your name, so that we know who to ask for.")
        },
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        help_text=_("Of the home of the person who needs help."),
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        error_messages={"required": _("Fill in the postcode, for example 1779 AB.")},
    )
    house_number = forms.CharField(
        label=_("House number"),
        max_length=10,
        error_messages={"required": _("Fill in the house number.")},
    )
    contact_methods = forms.MultipleChoiceField(
        label=_("How do you want us to contact you?"),
        choices=KeptChoices(ContactMethod.choices),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way to contact you.")},
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_times = forms.CharField(
        label=_("When can we best reach you? (optional)"),
        help_text=_("For example: weekdays after 3 pm."),
        max_length=200,
        required=False,
    )

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_postcode(self) -> str:
        match = POSTCODE.match(self.cleaned_data["postcode"])
        if not match:
            raise forms.ValidationError(
                _("A postcode has 4 digits and 2 letters, like 1781 AB.")
            )
        postcode = f"{match.group(1)} {match.group(2).upper()}"
        if not self.looks_up_place:
            return postcode
        self.place = PostcodeArea.objects.place_of(postcode)
        if self.place is None:
            raise forms.ValidationError(
                _("This postcode is not in a municipality that works with Buurtkracht.")
            )
        return postcode

    def clean_house_number(self) -> str:
        value = self.cleaned_data["house_number"].strip()
        if not re.fullmatch(r"\d{1,5}\s?[A-Za-z0-9-]{0,4}", value):
            raise forms.ValidationError(
                _("Fill in a house number, for example 12 or 12A.")
            )
        return value.upper()

    def clean_phone(self) -> str:
        value = re.sub(r"[\s()-]", "", self.cleaned_data["phone"])
        if value and not re.fullmatch(r"(\+31|0031|0)\d{9}", value):
            raise forms.ValidationError(
                _("Fill in a Dutch phone number of 10 digits, like 06 12345678.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if ContactMethod.PHONE in data.get("contact_methods", []) and not data.get(
            "phone"
        ):
            if "phone" not in self.errors:
                self.add_error(
                    "phone", _("Fill in your phone number so that we can call you.")
                )
        return data


class ContactFormAtSend(ContactForm):
    """The contact step as the send checks it once more: the submission's one
    statement looks the postcode's place up itself and writes nothing when the
    postcode lies in no municipality of Buurtkracht (any more)."""

    looks_up_place = False


class ConsentForm(forms.Form):
    privacy_accepted = forms.BooleanField(
        label=_("I have read the privacy statement."),
        error_messages={
            "required": _(
                "You can only send your request after reading the privacy statement."
            )
        },
    )
    share_with_community_centre = forms.BooleanField(
        label=_("The community centre in my neighbourhood may receive my details."),
        required=False,
    )
    share_with_volunteers = forms.BooleanField(
        label=_("Volunteers who could help me may receive my details."), required=False
    )
    share_with_local_organisations = forms.BooleanField(
        label=_("Local organisations that could help me may receive my details."),
        required=False,
    )

    # Each ticked box becomes a Consent for this kind of recipient.
    SHARING = {
        "share_with_community_centre": ConsentRecipient.COMMUNITY_CENTRES,
        "share_with_volunteers": ConsentRecipient.VOLUNTEERS,
        "share_with_local_organisations": ConsentRecipient.LOCAL_ORGANISATIONS,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.valid_days = settings.CONSENT_VALID_DAYS


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_(
            "We send you a link. With it you confirm your address and send your request."
        ),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Fill in your e-mail address."),
            "invalid": _("Fill in a valid e-mail address, like name@example.nl."),
        },
    )
    remind_me = forms.BooleanField(
        label=_("Remind me by e-mail if I do not finish my request."), required=False
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()


class SendForm(forms.Form):
    """The last step: nothing to fill in; the draft's id makes sending idempotent."""


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a message first.")},
    )
    document = forms.FileField(
        label=_("Add a document (optional)"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png"}
        ),
    )

    def clean_document(self) -> Any:
        document = self.cleaned_data.get("document")
        if document:
            self.cleaned_data["document_type"] = uploads.check_upload(document)
        return document


LOW_SCORE = 5


class SatisfactionForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_(
            "How satisfied are you with the help? (1 = very unhappy, 10 = very happy)"
        ),
        choices=[(str(n), str(n)) for n in range(1, 11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 10.")},
    )
    comment = forms.CharField(
        label=_("Do you want to tell us more? (optional)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reopen = forms.BooleanField(
        label=_("I still need help: please look at my request again."),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("reopen") and data.get("score", 0) > LOW_SCORE:
            self.add_error(
                "reopen",
                _(
                    "Asking to look again is possible with a score of 5 or lower. Send a new request instead."
                ),
            )
        return data


class FollowUpForm(forms.ModelForm):
    """The follow-up questionnaire: every question answered, on its own scale."""

    life_satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with your life at the moment?"),
        help_text=_("1 is very unsatisfied, 10 is very satisfied."),
        choices=[(n, str(n)) for n in range(1, 11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a number from 1 to 10."),
            "invalid_choice": _("Choose a number from 1 to 10."),
        },
    )

    comment = forms.CharField(
        label=_("Anything else you want to tell us?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = FollowUpAnswer
        fields = [
            "life_satisfaction",
            "manages_daily_life",
            "knows_where_to_go",
            "has_people_around",
            "situation_improved",
            "comment",
        ]
        widgets = {
            "manages_daily_life": forms.RadioSelect,
            "knows_where_to_go": forms.RadioSelect,
            "has_people_around": forms.RadioSelect,
            "situation_improved": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (
            "manages_daily_life",
            "knows_where_to_go",
            "has_people_around",
            "situation_improved",
        ):
            field = self.fields[name]
            field.choices = [c for c in field.choices if c[0] != ""]
            field.error_messages["required"] = _("Choose one of the answers.")
            field.error_messages["invalid_choice"] = _("Choose one of the answers.")


class RemindMeForm(forms.Form):
    remind_me = forms.BooleanField(
        label=_("Remind me by e-mail if I do not finish my request."), required=False
    )
