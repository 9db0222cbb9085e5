"""The form renderer makes exactly the HTML of Django's widget templates: on every
field of every form of the project (unbound, bound to chosen values, bound to
hostile text with its errors), on every option of their choice widgets, through the
portal's `control` filter, and on the edge cases of the templates' conversions."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.forms.widgets import ChoiceWidget
from django.utils.datastructures import MultiValueDict
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from socialdomain.lib.form_renderer import TEMPLATES, FormRenderer
from socialdomain.templatetags.form_controls import control
from tests.fixtures.forms import CONSTRUCTOR_KWARGS, World, form_classes, qualified

DJANGO = DjangoTemplates()
FAST = FormRenderer()
HOSTILE = "<script>alert('x')</script> & \"quoted\""


def test_the_portal_renders_forms_with_it() -> None:
    assert settings.FORM_RENDERER == "socialdomain.lib.form_renderer.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)
    # Every template it writes out is found in Django itself here, so none of
    # them falls back to rendering as a template.
    assert FAST.built_in is TEMPLATES


def _html(form: forms.BaseForm) -> list[str]:
    """Every field's widget as the templates show it: as_widget, the `control`
    filter of includes/field.html, and each option's tag for the choice lists."""
    html = []
    for field in form:
        html.append(str(field.as_widget()))
        if not field.is_hidden:
            html.append(str(control(field)))
        if isinstance(field.field.widget, ChoiceWidget):
            html.extend(str(option.tag()) for option in field.subwidgets)
    return html


def _rendered_by(form: forms.BaseForm, renderer: Any) -> list[str]:
    # A copy with its own bound fields: a BoundField keeps the renderer it was made
    # with for its options.
    twin = copy.copy(form)
    twin.renderer = renderer
    twin._bound_fields_cache = {}
    return _html(twin)


def _chosen(form: forms.BaseForm) -> MultiValueDict:
    """The first real choice of every choice field, hostile text elsewhere."""
    data = MultiValueDict()
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        choices = [
            value
            for value, _label in getattr(field, "choices", [])
            if value not in ("", None) and not isinstance(_label, list | tuple)
        ]
        if choices:
            data.setlist(key, [str(choices[0])])
        elif isinstance(field, forms.BooleanField):
            data[key] = "on"
        else:
            data[key] = HOSTILE
    return data


def _hostile(form: forms.BaseForm) -> MultiValueDict:
    return MultiValueDict(
        {form.add_prefix(name): [HOSTILE, "1"] for name in form.fields}
    )


@pytest.mark.parametrize("form_class", form_classes(), ids=qualified)
def test_every_field_renders_as_djangos_templates_do(
    world: World, form_class: type[forms.BaseForm]
) -> None:
    kwargs = CONSTRUCTOR_KWARGS.get(qualified(form_class), lambda w: {})(world)
    unbound = form_class(**kwargs)
    variants = [unbound]
    for data in (_chosen(unbound), _hostile(unbound)):
        bound = form_class(data=data, **kwargs)
        bound.is_valid()
        variants.append(bound)
    for language in ("nl", "en"):
        with override(language):
            for form in variants:
                expected = _rendered_by(form, DJANGO)
                assert expected or not form.fields
                assert _rendered_by(form, FAST) == expected


class Shown:
    """A value that is not a string, with markup in its text."""

    def __str__(self) -> str:
        return HOSTILE


class Choices(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "---"), ("a", "A & <b>"), (1, 2), ("f", 1.5), (Shown(), Shown())],
        required=False,
    )
    grouped = forms.ChoiceField(
        choices=[
            ("Groep <1>", [("x", "X"), ("y", mark_safe("<i>Y</i>"))]),
            ("z", gettext_lazy("Yes")),
        ]
    )
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B"), ("c", "C")], required=False
    )
    ticks = forms.MultipleChoiceField(
        choices=[("Groep", [("a", "A"), ("b", '"B"')]), ("c", "C")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ticks"}),
    )
    radio = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")],
        widget=forms.RadioSelect(attrs={"data-x": mark_safe("&amp;")}),
    )
    unlabelled = forms.ChoiceField(
        choices=[("a", "A")], widget=forms.RadioSelect(attrs={"id": ""})
    )
    yes_no = forms.NullBooleanField()


class Inputs(forms.Form):
    text = forms.CharField(max_length=10, help_text="help")
    number = forms.DecimalField(max_digits=5, decimal_places=2)
    amount = forms.IntegerField(min_value=0)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    tick = forms.BooleanField(required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    upload = forms.FileField(required=False)
    flags = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={
                "readonly": True,
                "disabled": False,
                "data-none": None,
                "title": Shown(),
                "data-safe": mark_safe("<b>"),
            }
        ),
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "plain": "a",
            "grouped": "y",
            "many": ["a", "c"],
            "ticks": ["b", "c"],
            "radio": "b",
            "unlabelled": "a",
            "yes_no": "true",
        },
        {"plain": "1", "grouped": HOSTILE, "many": [HOSTILE], "yes_no": "false"},
    ],
    ids=["unbound", "empty", "chosen", "hostile"],
)
def test_choice_widgets_with_groups_safe_lazy_and_numeric_labels(data: Any) -> None:
    form = Choices(data=data)
    if data is not None:
        form.is_valid()
    for language in ("nl", "en"):
        with override(language):
            assert _rendered_by(form, FAST) == _rendered_by(form, DJANGO)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": HOSTILE, "number": "1.5", "body": "0", "tick": "on"},
        {"text": "", "number": "x", "amount": "-1", "body": "", "day": "2026-02-30"},
    ],
    ids=["unbound", "hostile", "invalid"],
)
def test_input_widgets_with_values_and_attributes(data: Any) -> None:
    initial = {
        "number": Decimal("1234.5"),
        "amount": 1200,
        "day": dt.date(2026, 12, 7),
        "at": dt.datetime(2026, 12, 7, 9, 30),
        "time": dt.time(9, 30),
        "secret": "s<>",
        "hidden": mark_safe("<safe>"),
        "body": HOSTILE,
        "flags": 7,
    }
    form = Inputs(data=data, initial=initial)
    if data is not None:
        form.is_valid()
    for language in ("nl", "en"):
        with override(language):
            assert _rendered_by(form, FAST) == _rendered_by(form, DJANGO)


def _with_templates(renderer_class: type, directory: Any) -> Any:
    """The renderer, with `directory` searched before Django's own templates."""

    class WithTemplates(renderer_class):  # type: ignore[misc, valid-type]
        @cached_property
        def engine(self) -> Any:
            return self.backend(
                {
                    "APP_DIRS": True,
                    "DIRS": [directory, *DJANGO.engine.engine.dirs],
                    "NAME": f"djangoforms-{renderer_class.__name__}",
                    "OPTIONS": {},
                }
            )

    return WithTemplates()


def test_a_widget_with_an_option_template_of_its_own_is_left_to_the_templates(
    tmp_path: Any,
) -> None:
    (tmp_path / "own").mkdir()
    (tmp_path / "own" / "option.html").write_text(
        "<span data-own>{{ widget.label }}</span>"
    )

    class OwnOption(forms.RadioSelect):
        option_template_name = "own/option.html"

    widget = OwnOption(choices=[("a", "A & B"), ("b", "B")])
    fast = _with_templates(FormRenderer, tmp_path)
    assert fast.built_in is TEMPLATES
    html = widget.render("x", "a", renderer=fast)
    assert html == widget.render(
        "x", "a", renderer=_with_templates(DjangoTemplates, tmp_path)
    )
    assert "<span data-own>A &amp; B</span>" in html


def test_an_overridden_widget_template_turns_the_python_templates_off(
    tmp_path: Any,
) -> None:
    (tmp_path / "django" / "forms" / "widgets").mkdir(parents=True)
    (tmp_path / "django" / "forms" / "widgets" / "input.html").write_text(
        "<input data-own>"
    )
    renderer = _with_templates(FormRenderer, tmp_path)
    assert renderer.built_in == {}
    assert forms.TextInput().render("x", "y", renderer=renderer) == "<input data-own>"
    # Its select, whose options no override touches, is a template again too.
    select = forms.Select(choices=[("a", "A")])
    assert select.render("x", "a", renderer=renderer) == select.render(
        "x", "a", renderer=DJANGO
    )
