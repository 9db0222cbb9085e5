import copy

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from citizens.forms import SituationForm
from citizens.models import LifeEvent
from socialdomain.lib.choices import KeptChoices


class Plain(forms.Form):
    answer = forms.ChoiceField(
        choices=[("", _("Any domain")), ("a", "A"), ("b", "B")], required=False
    )
    many = forms.MultipleChoiceField(
        choices=LifeEvent.choices, widget=forms.CheckboxSelectMultiple
    )


class Kept(forms.Form):
    answer = forms.ChoiceField(
        choices=KeptChoices([("", _("Any domain")), ("a", "A"), ("b", "B")]),
        required=False,
    )
    many = forms.MultipleChoiceField(
        choices=KeptChoices(LifeEvent.choices), widget=forms.CheckboxSelectMultiple
    )


def test_a_copy_shares_the_choices_and_an_assignment_stays_its_own() -> None:
    first, second = Kept(), Kept()
    assert first.fields["answer"].choices is second.fields["answer"].choices
    assert first.fields["answer"].widget.choices is first.fields["answer"].choices
    kept = first.fields["answer"].choices
    assert copy.deepcopy(kept) is kept

    first.fields["answer"].choices = [("c", "C")]

    assert list(first.fields["answer"].choices) == [("c", "C")]
    assert [value for value, _label in second.fields["answer"].choices] == [
        "",
        "a",
        "b",
    ]
    assert [value for value, _label in Kept().fields["answer"].choices] == [
        "",
        "a",
        "b",
    ]


def test_validates_and_renders_as_a_plain_list_does_in_both_languages() -> None:
    for language in ("nl", "en"):
        with translation.override(language):
            for data in ({"answer": "a", "many": ["illness"]}, {"answer": "zz"}, {}):
                plain, kept = Plain(data), Kept(data)
                assert plain.is_valid() == kept.is_valid()
                assert plain.errors == kept.errors
                assert str(plain) == str(kept)


def test_the_shared_labels_follow_the_language_of_each_request() -> None:
    with translation.override("nl"):
        dutch = str(Kept()["answer"])
    with translation.override("en"):
        english = str(Kept()["answer"])
    assert "Elk domein" in dutch
    assert "Any domain" in english


def test_the_help_request_steps_keep_their_fixed_choices() -> None:
    field = SituationForm().fields["life_events"]
    assert isinstance(field.choices, KeptChoices)
    assert len(field.choices) == len(LifeEvent.choices)
    assert field.choices[0] == LifeEvent.choices[0]
