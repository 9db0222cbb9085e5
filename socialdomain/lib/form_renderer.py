"""The form renderer: Django's built-in widget templates written out in Python.

Django renders every widget, and every option of a select or a list of check
boxes, through a template of its own, each with one or two nested includes
(attrs.html, input.html). On the case page that was a third of the request: 30
fields with 60 options cost 10.7 ms of its 33 ms CPU (bench/case_inprocess.py).
The templates are small and fixed, so this renderer makes the same HTML in Python
for the built-in templates whose source is Django's own, and hands every other
template (a custom widget's, a form layout) to Django's template renderer
unchanged; should an app override one of the built-in templates, all of them.

The output is Django's, byte for byte: every value goes through the same
conversion as `{{ value }}` (localised, escaped unless safe) or `{{ value|
stringformat:'s' }}` (the filter keeps a safe value safe), and each template's
trailing newline is kept where an include would keep it.
socialdomain/tests/test_form_renderer.py compares the two renderers on every
field of every form of the project and on the edge cases (unsafe and safe
values, lazy and numeric labels, optgroups, attributes True/False/None).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.functional import cached_property
from django.utils.safestring import SafeData, SafeString, mark_safe

WIDGETS = "django/forms/widgets/"
DJANGO_TEMPLATES = Path(django.forms.__file__).parent / "templates"

# What `{{ value }}` runs: template_localtime, localize, str, conditional_escape,
# with the settings' USE_TZ and localisation (a Context leaves both to them).
_CONTEXT = Context(autoescape=True)


class NotBuiltIn(Exception):
    """An option's template is not one of the built-in ones: render the whole
    widget through Django's templates."""


def _value(value: Any) -> str:
    """`{{ value }}`."""
    if type(value) is str:
        return escape(value)
    return render_value_in_context(value, _CONTEXT)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the filter is is_safe, so its result stays
    safe (unescaped) exactly when the value was."""
    if type(value) is str:
        return escape(value)
    text = stringformat(value, "s")
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_value(name)}")
            if value is not True:
                parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    """input.html (with its newline)."""
    value = widget.get("value")
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_value(widget.get("type", ""))}" '
        f'name="{_value(widget["name"])}"{shown}{_attrs(widget["attrs"])}>\n'
    )


def _including_input(widget: dict[str, Any]) -> str:
    """text.html, number.html, checkbox.html ...: `{% include input.html %}`."""
    return _input(widget) + "\n"


def _textarea(widget: dict[str, Any]) -> str:
    value = widget.get("value")
    return (
        f'<textarea name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_value(value) if value else ''}</textarea>\n"
    )


def _option(option: dict[str, Any]) -> str:
    """`{% include option.template_name with widget=option %}`."""
    render = TEMPLATES.get(option["template_name"])
    if render is None:
        raise NotBuiltIn(option["template_name"])
    return render(option)


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in group_choices:
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _select_option(option: dict[str, Any]) -> str:
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_value(option['label'])}</option>\n"
    )


def _input_option(option: dict[str, Any]) -> str:
    """input_option.html: the input, in its label when wrap_label is set."""
    if not option.get("wrap_label"):
        return _input(option) + "\n"
    for_id = option["attrs"].get("id")
    label_for = f' for="{_value(for_id)}"' if for_id else ""
    return f"<label{label_for}>{_input(option)} {_value(option['label'])}</label>\n"


def _including_input_option(option: dict[str, Any]) -> str:
    """checkbox_option.html and radio_option.html."""
    return _input_option(option) + "\n"


def _multiple_input(widget: dict[str, Any]) -> str:
    attrs = widget["attrs"]
    element_id, css = attrs.get("id"), attrs.get("class")
    parts = [
        "<div",
        f' id="{_value(element_id)}"' if element_id else "",
        f' class="{_value(css)}"' if css else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_value(group)}</label>")
        for option in options:
            parts.append(f"<div>\n    {_option(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _including_multiple_input(widget: dict[str, Any]) -> str:
    """checkbox_select.html and radio.html."""
    return _multiple_input(widget) + "\n"


# Each template's output as Django makes it, before the renderer strips it.
TEMPLATES: dict[str, Callable[[dict[str, Any]], str]] = {
    f"{WIDGETS}input.html": _input,
    **{
        f"{WIDGETS}{name}.html": _including_input
        for name in (
            "text",
            "number",
            "email",
            "url",
            "color",
            "search",
            "tel",
            "password",
            "hidden",
            "date",
            "datetime",
            "time",
            "checkbox",
            "file",
        )
    },
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}select_option.html": _select_option,
    f"{WIDGETS}input_option.html": _input_option,
    f"{WIDGETS}checkbox_option.html": _including_input_option,
    f"{WIDGETS}radio_option.html": _including_input_option,
    f"{WIDGETS}multiple_input.html": _multiple_input,
    f"{WIDGETS}checkbox_select.html": _including_multiple_input,
    f"{WIDGETS}radio.html": _including_multiple_input,
}


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with the built-in widget templates in Python."""

    @cached_property
    def built_in(self) -> dict[str, Callable[[dict[str, Any]], str]]:
        """TEMPLATES, when the engine finds every one of them in Django itself.
        Should an app override any (a select's options are rendered by the
        select's template, so one override reaches the others), every widget is
        rendered as a template."""
        for name in TEMPLATES:
            origin = Path(self.engine.get_template(name).origin.name)
            if not origin.is_relative_to(DJANGO_TEMPLATES):
                return {}
        return TEMPLATES

    def render(
        self, template_name: str, context: dict[str, Any], request: Any = None
    ) -> SafeString:
        render = self.built_in.get(template_name)
        if render is not None and len(context) == 1 and "widget" in context:
            try:
                return mark_safe(render(context["widget"]).strip())  # noqa: S308 - every value escaped as the template would
            except NotBuiltIn:
                pass
        return super().render(template_name, context, request)
