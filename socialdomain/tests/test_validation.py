"""`validating`: a form bound only to validate, sharing its class's fields, says
exactly what a normally made form says, and leaves the class's fields as they were."""

import copy
from typing import Any

import pytest
from django import forms

from citizens.steps import STEPS
from citizens.tests.factories import complete_answers, postcode_area
from socialdomain.lib.validation import validating
from tests.fixtures.personas import Place

pytestmark = pytest.mark.django_db

BAD = {
    "for-whom": {"for_whom": "someone_else", "subject_name": " "},
    "situation": {"life_events": ["no_such_event"], "story": ""},
    "household": {"adults": "0", "children_ages": "4, ²"},
    "own-strength": {"own_strength": "x" * 3001},
    "urgency": {"urgent_situations": ["nope"]},
    "contact": {
        "full_name": "",
        "postcode": "9999 ZZ",
        "house_number": "twaalf",
        "contact_methods": ["phone"],
        "phone": "12",
    },
    "consent": {"privacy_accepted": ""},
}


def _state(fields: dict[str, forms.Field]) -> dict[str, Any]:
    """What a field holds that validating could change: its attributes and its
    widget's, compared by value."""
    return {
        name: (copy.copy(vars(field)), copy.copy(vars(field.widget)))
        for name, field in fields.items()
    }


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.slug)
@pytest.mark.parametrize("kind", ["good", "bad", "unbound"])
def test_it_says_what_a_normal_form_says(
    step: Any, kind: str, den_helder: Place
) -> None:
    postcode_area(den_helder.neighbourhood, "1781")  # 1781 AB of complete_answers
    data = {
        "good": complete_answers()[step.slug],
        "bad": BAD[step.slug],
        "unbound": None,
    }[kind]
    before = _state(step.form_class.base_fields)

    shared = validating(step.form_class, data)
    normal = step.form_class(data=data)

    assert shared.is_bound == normal.is_bound == (data is not None)
    assert shared.is_valid() == normal.is_valid() == (kind == "good")
    assert shared.errors == normal.errors
    if kind == "bad":
        assert shared.errors
    if kind == "good":
        assert shared.cleaned_data == normal.cleaned_data
    # Its fields are the class's own objects, and validating left them unchanged.
    assert all(
        shared.fields[name] is field
        for name, field in step.form_class.base_fields.items()
    )
    assert _state(step.form_class.base_fields) == before


class _ReplacesAField(forms.Form):
    name = forms.CharField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"] = forms.CharField(max_length=3)


def test_a_form_that_replaces_its_fields_is_refused() -> None:
    with pytest.raises(TypeError, match="changes its fields"):
        validating(_ReplacesAField, {"name": "x"})
