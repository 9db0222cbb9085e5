"""Bad input on every step form, submitted as the rendered step would send it: the
error shows at the field it belongs to, and nothing ends in a server error."""

from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.urls import reverse

from citizens.forms import (
    ConsentForm,
    ContactForm,
    EmailForm,
    ForWhomForm,
    HouseholdForm,
    OwnStrengthForm,
    SituationForm,
    UrgencyForm,
)
from citizens.models import HelpRequestDraft
from citizens.steps import STEPS
from citizens.tests.factories import complete_answers
from citizens.tests.helpers import fill_steps, start_draft, step_url
from municipalities.models import PostcodeArea

SLUG_OF_FORM = {step.form_class: step.slug for step in STEPS}
HUGE = "x" * 100_000


@pytest.fixture
def visitor(db: None, den_helder_postcode: PostcodeArea) -> Client:
    return Client()


@pytest.fixture
def draft(visitor: Client) -> HelpRequestDraft:
    return start_draft(visitor)


def _submit(
    client: Client,
    draft: HelpRequestDraft,
    form_class: type,
    changes: dict[str, Any],
) -> tuple[int, str]:
    """Post the step of `form_class` with valid answers changed by `changes`."""
    slug = SLUG_OF_FORM[form_class]
    data = {**complete_answers()[slug], **changes}
    data = {name: value for name, value in data.items() if value is not None}
    response = client.post(step_url(draft, slug), data)
    return response.status_code, response.content.decode()


BAD_INPUT = [
    # ForWhomForm
    (ForWhomForm, {"for_whom": None}, "for_whom"),
    (ForWhomForm, {"for_whom": "the-neighbours-cat"}, "for_whom"),
    (
        ForWhomForm,
        {
            "for_whom": "someone_else",
            "subject_name": "Truus",
            "subject_consent": "on",
        },
        "relationship",
    ),
    (
        ForWhomForm,
        {
            "for_whom": "someone_else",
            "relationship": "boss",
            "subject_name": "Truus",
            "subject_consent": "on",
        },
        "relationship",
    ),
    (
        ForWhomForm,
        {
            "for_whom": "someone_else",
            "relationship": "neighbour",
            "subject_name": " ",
            "subject_consent": "on",
        },
        "subject_name",
    ),
    (
        ForWhomForm,
        {
            "for_whom": "someone_else",
            "relationship": "neighbour",
            "subject_name": "Truus",
        },
        "subject_consent",
    ),
    (
        ForWhomForm,
        {
            "for_whom": "someone_else",
            "relationship": "family",
            "subject_name": "Truus",
            "subject_email": "geen-adres",
            "subject_consent": "on",
        },
        "subject_email",
    ),
    # SituationForm
    (SituationForm, {"life_events": None}, "life_events"),
    (SituationForm, {"life_events": ["alien_abduction"]}, "life_events"),
    (SituationForm, {"life_events": ["illness", "x" * 200]}, "life_events"),
    (SituationForm, {"story": None}, "story"),
    (SituationForm, {"story": "   "}, "story"),
    (SituationForm, {"story": "a" * 5001}, "story"),
    # HouseholdForm
    (HouseholdForm, {"children_ages": "vier"}, "children_ages"),
    (HouseholdForm, {"children_ages": "30"}, "children_ages"),
    (HouseholdForm, {"children_ages": "-3"}, "children_ages"),
    # Digits that str.isdigit() accepts and int() refuses (found by the form fuzzer).
    (HouseholdForm, {"children_ages": "¹"}, "children_ages"),
    (HouseholdForm, {"children_ages": "4, ²"}, "children_ages"),
    (
        HouseholdForm,
        {"children_ages": ", ".join(str(age) for age in range(1, 17))},
        "children_ages",
    ),
    (HouseholdForm, {"adults": "0"}, "adults"),
    (HouseholdForm, {"adults": "21"}, "adults"),
    (HouseholdForm, {"adults": "abc"}, "adults"),
    (HouseholdForm, {"adults": "-1"}, "adults"),
    (HouseholdForm, {"adults": None}, "adults"),
    # OwnStrengthForm
    (OwnStrengthForm, {"own_strength": None}, "own_strength"),
    (OwnStrengthForm, {"own_strength": "b" * 3001}, "own_strength"),
    (OwnStrengthForm, {"network_help": "c" * 3001}, "network_help"),
    # UrgencyForm
    (UrgencyForm, {"urgent_situations": ["zombies"]}, "urgent_situations"),
    (UrgencyForm, {"urgent_situations": ["unsafe", "flood"]}, "urgent_situations"),
    # ContactForm
    (ContactForm, {"full_name": None}, "full_name"),
    (ContactForm, {"postcode": None}, "postcode"),
    (ContactForm, {"postcode": "123"}, "postcode"),
    (ContactForm, {"postcode": "1234"}, "postcode"),
    (ContactForm, {"postcode": "1234 A1"}, "postcode"),
    (ContactForm, {"postcode": "12345678"}, "postcode"),
    (ContactForm, {"postcode": "9999 ZZ"}, "postcode"),
    (ContactForm, {"house_number": "abc"}, "house_number"),
    (ContactForm, {"house_number": None}, "house_number"),
    (ContactForm, {"contact_methods": None}, "contact_methods"),
    (ContactForm, {"contact_methods": ["carrier_pigeon"]}, "contact_methods"),
    (ContactForm, {"phone": "12345"}, "phone"),
    (ContactForm, {"contact_methods": ["phone"], "phone": ""}, "phone"),
    (ContactForm, {"contact_methods": ["email", "phone"], "phone": None}, "phone"),
    # ConsentForm
    (ConsentForm, {"privacy_accepted": None}, "privacy_accepted"),
    (ConsentForm, {"privacy_accepted": ""}, "privacy_accepted"),
    (
        ConsentForm,
        {"privacy_accepted": None, "share_with_volunteers": "on"},
        "privacy_accepted",
    ),
]


@pytest.mark.parametrize(
    ("form_class", "changes", "field"),
    BAD_INPUT,
    ids=[
        f"{form.__name__}-{field}-{i}" for i, (form, _, field) in enumerate(BAD_INPUT)
    ],
)
def test_bad_input_shows_the_error_at_its_field(
    form_class: type,
    changes: dict[str, Any],
    field: str,
    visitor: Client,
    draft: HelpRequestDraft,
) -> None:
    status, page = _submit(visitor, draft, form_class, changes)

    assert status == 400
    assert f'id="id_{field}_error"' in page
    assert page.count('class="invalid-feedback') == 1


@pytest.mark.parametrize(
    ("form_class", "changes"),
    [
        (ForWhomForm, {}),
        (
            ForWhomForm,
            {
                "for_whom": "someone_else",
                "relationship": "informal_carer",
                "subject_name": "Truus",
                "subject_consent": "on",
            },
        ),
        (SituationForm, {"story": "a" * 5000}),
        (HouseholdForm, {"adults": "20", "children_ages": "0 25;3,,7"}),
        (
            HouseholdForm,
            {"adults": "1", "children_ages": ", ".join(["1"] * 15)},
        ),
        (UrgencyForm, {"urgent_situations": ["eviction", "cut_off", "unsafe"]}),
        (ContactForm, {"postcode": "1781ab", "house_number": "12a"}),
        (
            ContactForm,
            {"contact_methods": ["phone"], "phone": "06 12345678"},
        ),
        (ContactForm, {"contact_methods": ["phone"], "phone": "+31612345678"}),
        (ConsentForm, {"share_with_community_centre": "on"}),
    ],
)
def test_good_input_next_to_the_limits_is_accepted(
    form_class: type,
    changes: dict[str, Any],
    visitor: Client,
    draft: HelpRequestDraft,
) -> None:
    status, _ = _submit(visitor, draft, form_class, changes)

    assert status == 302


def test_postcode_of_a_municipality_outside_buurtkracht_is_refused_at_the_field(
    visitor: Client, draft: HelpRequestDraft
) -> None:
    status, page = _submit(visitor, draft, ContactForm, {"postcode": "8232 AB"})

    assert status == 400
    assert 'id="id_postcode_error"' in page


@pytest.mark.parametrize(
    "email", [None, "", "geen-adres", "a@", "a@" + "b" * 300 + ".test", HUGE]
)
def test_bad_email_address_on_the_review_shows_the_error_at_the_field(
    email: str | None, visitor: Client, draft: HelpRequestDraft
) -> None:
    fill_steps(visitor, draft)
    data = {} if email is None else {"email": email}

    response = visitor.post(reverse("citizens:ask_email", args=[draft.public_id]), data)

    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.email == ""


def test_email_form_lowercases_the_address() -> None:
    form = EmailForm(data={"email": "Sanne@Example.TEST"})

    assert form.is_valid()
    assert form.cleaned_data["email"] == "sanne@example.test"


TEXT_FIELDS = [
    (form_class, name)
    for form_class in SLUG_OF_FORM
    for name, field in form_class.base_fields.items()
    if isinstance(field, forms.CharField | forms.IntegerField)
]


@pytest.mark.parametrize(
    ("form_class", "name"),
    TEXT_FIELDS,
    ids=[f"{form.__name__}-{name}" for form, name in TEXT_FIELDS],
)
def test_very_long_input_in_a_text_field_gives_a_field_error(
    form_class: type, name: str, visitor: Client, draft: HelpRequestDraft
) -> None:
    changes: dict[str, Any] = {}
    if form_class is ForWhomForm:
        changes = {
            "for_whom": "someone_else",
            "relationship": "neighbour",
            "subject_name": "Truus",
            "subject_consent": "on",
        }
    changes[name] = "9" * 100_000

    status, page = _submit(visitor, draft, form_class, changes)

    assert status in (200, 400)
    assert f'id="id_{name}_error"' in page
    draft.refresh_from_db()
    assert len(draft.answers_for(SLUG_OF_FORM[form_class])[name]) <= 10_000


def test_hundreds_of_values_for_a_choice_field_are_not_all_kept(
    visitor: Client, draft: HelpRequestDraft
) -> None:
    status, _ = _submit(
        visitor, draft, SituationForm, {"life_events": ["x" * 500] * 500}
    )

    assert status == 400
    draft.refresh_from_db()
    kept = draft.answers_for("situation")["life_events"]
    assert len(kept) <= 20
    assert all(len(value) <= 100 for value in kept)


def test_a_nul_character_in_a_text_field_gives_a_field_error(
    visitor: Client, draft: HelpRequestDraft
) -> None:
    status, page = _submit(visitor, draft, SituationForm, {"story": "a\x00b"})

    assert status == 400
    assert 'id="id_story_error"' in page


def test_urlencoded_post_over_the_upload_limit_gives_400(
    visitor: Client, draft: HelpRequestDraft
) -> None:
    body = urlencode({"story": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = visitor.post(
        step_url(draft, "situation"),
        body,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.answers == {}


def test_multipart_post_with_fields_over_the_upload_limit_gives_400(
    visitor: Client, draft: HelpRequestDraft
) -> None:
    response = visitor.post(
        step_url(draft, "situation"),
        {
            "life_events": ["illness"],
            "story": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        },
    )

    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.answers == {}


def test_post_with_too_many_fields_gives_400(
    visitor: Client, draft: HelpRequestDraft
) -> None:
    body = urlencode(
        [("life_events", "illness")] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
    )

    response = visitor.post(
        step_url(draft, "situation"),
        body,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
