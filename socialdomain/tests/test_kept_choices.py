import copy
import re
from functools import partial

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from citizens.forms import SituationForm
from citizens.models import LifeEvent
from municipalities.models import Team
from socialdomain.lib.choices import (
    FetchedChoiceIterator,
    KeptChoices,
    ModelChoiceField,
    ModelMultipleChoiceField,
)
from socialdomain.lib.compiled import PreparedModels
from tests.fixtures.forms import CONSTRUCTOR_KWARGS, World, form_classes, qualified
from tests.fixtures.personas import Place


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


@pytest.mark.parametrize("form_class", form_classes(), ids=qualified)
def test_every_model_choice_list_is_read_with_a_plain_select(
    world: World, form_class: type[forms.BaseForm]
) -> None:
    kwargs = CONSTRUCTOR_KWARGS.get(qualified(form_class), lambda w: {})(world)
    form = form_class(**kwargs)
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            assert field.iterator is FetchedChoiceIterator, name
            assert isinstance(field.widget.choices, FetchedChoiceIterator), name


class Teams(forms.Form):
    team = ModelChoiceField(queryset=Team.objects.order_by("name"))
    teams = ModelMultipleChoiceField(queryset=Team.objects.order_by("name"))


@pytest.mark.django_db
def test_a_forms_list_is_one_select_for_rendering_and_counting(
    den_helder: Place,
) -> None:
    chosen = den_helder.team
    teams = Team.objects.count()
    form = Teams(initial={"team": chosen.pk})
    with CaptureQueriesContext(connection) as queries:
        first = str(form["team"])
        again = str(form["team"])
        assert len(form.fields["team"].choices) == teams + 1
        assert bool(form.fields["team"].choices)
    # One SELECT, and no server-side cursor (Django's own iterator DECLAREs one,
    # and counts with a query of its own).
    assert [query["sql"].split()[0] for query in queries] == ["SELECT"]
    assert first == again
    assert f'<option value="{chosen.pk}" selected>{chosen.name}</option>' in first


@pytest.mark.django_db
def test_a_submitted_choice_is_still_checked_against_the_database(
    den_helder: Place,
) -> None:
    chosen = den_helder.team
    form = Teams(data={"team": str(chosen.pk), "teams": [str(chosen.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["team"] == chosen
    assert list(form.cleaned_data["teams"]) == [chosen]
    unknown = Teams(data={"team": "999999", "teams": ["999999"]})
    assert not unknown.is_valid()
    assert set(unknown.errors) == {"team", "teams"}


@pytest.mark.django_db
def test_each_form_reads_its_own_list(den_helder: Place) -> None:
    before = Teams()
    str(before["team"])
    added = Team.objects.create(
        municipality=den_helder.municipality,
        district=den_helder.district,
        name="Buurtteam Nieuw",
    )
    after = Teams()
    assert f'value="{added.pk}"' in str(after["team"])
    assert f'value="{added.pk}"' not in str(before["team"])
    assert Teams(data={"team": str(added.pk), "teams": [str(added.pk)]}).is_valid()


def _teams_of(municipality_id: int):  # type: ignore[no-untyped-def]
    return Team.objects.filter(municipality_id=municipality_id).order_by("name")


SHOWN_TEAMS = PreparedModels(_teams_of, -1)


class Shown(forms.Form):
    team = ModelChoiceField(queryset=Team.objects.none())

    def __init__(self, *args, municipality_id: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["team"].show(
            _teams_of(municipality_id), partial(SHOWN_TEAMS.instances, municipality_id)
        )


@pytest.mark.django_db
def test_a_shown_list_is_read_once_and_only_when_shown(
    den_helder: Place, lelystad: Place
) -> None:
    municipality = den_helder.municipality.pk
    with CaptureQueriesContext(connection) as made:
        form = Shown(municipality_id=municipality)
    with CaptureQueriesContext(connection) as shown:
        html = str(form["team"])
        assert len(form.fields["team"].choices) == 3  # the empty choice, 2 teams
        assert str(form["team"]) == html

    assert len(made) == 0
    assert len(shown) == 1
    teams = sorted([den_helder.team, den_helder.other_team], key=lambda t: t.name)
    assert re.findall(r'<option value="(\d*)"', html) == [
        "",
        *(str(team.pk) for team in teams),
    ]
    assert all(team.name in html for team in teams)
    assert lelystad.team.name not in html
    assert [team.name for team in SHOWN_TEAMS.instances(municipality)] == sorted(
        [den_helder.team.name, den_helder.other_team.name]
    )


@pytest.mark.django_db
def test_a_shown_list_checks_a_submitted_value_against_its_queryset(
    den_helder: Place, lelystad: Place
) -> None:
    municipality = den_helder.municipality.pk
    with CaptureQueriesContext(connection) as queries:
        good = Shown(
            data={"team": str(den_helder.team.pk)}, municipality_id=municipality
        )
        assert good.is_valid(), good.errors
    # Checked with one query of its own; the list itself was never read.
    assert len(queries) == 1
    assert good.cleaned_data["team"] == den_helder.team
    other = Shown(data={"team": str(lelystad.team.pk)}, municipality_id=municipality)
    assert not other.is_valid()
    assert set(other.errors) == {"team"}
