"""Rendering form fields with Bootstrap classes and working screen-reader links.

`{{ field|form_field }}` is one field with its label, help text and error, linked
for screen readers: a check box in its form-check, a list of check boxes or radio
buttons in a fieldset with the label as legend, any other control under its label;
a hidden field is only its input. Made in Python rather than as an included
template: an include per field was a tenth of the case page's time (9 forms, 30
fields; bench/case_inprocess.py)."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _described_by(field: BoundField) -> list[str]:
    """The ids of the field's help text and error, where it has them."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return ids


@register.filter
def control(field: BoundField) -> SafeString:
    """The field's widget with the right class, aria-invalid, and aria-describedby
    pointing at the help text and error that `form_field` renders."""
    widget = field.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    described = _described_by(field)
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


def _help_and_error(field: BoundField, *, spaced: bool = False) -> str:
    margin = " mb-2" if spaced else ""
    parts = []
    if field.help_text:
        parts.append(
            format_html(
                '<div class="form-text{}" id="{}_help">{}</div>',
                margin,
                field.auto_id,
                field.help_text,
            )
        )
    if field.errors:
        parts.append(
            format_html(
                '<div class="invalid-feedback d-block{}" id="{}_error">{}</div>',
                margin,
                field.auto_id,
                # The template filter `join`: each error escaped, then the whole safe.
                mark_safe(
                    " ".join(conditional_escape(error) for error in field.errors)
                ),  # noqa: S308
            )
        )
    return "".join(parts)


def _described_attribute(field: BoundField) -> str:
    described = _described_by(field)
    return (
        format_html(' aria-describedby="{}"', " ".join(described)) if described else ""
    )


@register.filter
def form_field(field: BoundField) -> SafeString:
    widget = field.field.widget
    input_type = getattr(widget, "input_type", None)
    if field.is_hidden:
        return conditional_escape(field)
    if input_type == "checkbox" and not getattr(field.field, "choices", None):
        return mark_safe(  # noqa: S308 - every part is escaped by format_html
            format_html(
                '<div class="mb-3 form-check"><input type="checkbox" name="{}" '
                'id="{}" class="form-check-input{}"{}{}>'
                '<label class="form-check-label" for="{}">{}</label>',
                field.html_name,
                field.auto_id,
                " is-invalid" if field.errors else "",
                " checked" if field.value() else "",
                _described_attribute(field),
                field.auto_id,
                field.label,
            )
            + _help_and_error(field)
            + "</div>"
        )
    if getattr(widget, "allow_multiple_selected", False) or input_type == "radio":
        choices = "".join(
            format_html(
                '<div class="form-check">{}<label class="form-check-label" '
                'for="{}">{}</label></div>',
                choice.tag(),
                choice.id_for_label,
                choice.choice_label,
            )
            for choice in field
        )
        return mark_safe(  # noqa: S308 - every part is escaped by format_html
            format_html(
                '<fieldset class="mb-3"{}><legend class="form-label fs-6 '
                'fw-semibold">{}</legend>',
                _described_attribute(field),
                field.label,
            )
            + _help_and_error(field, spaced=True)
            + choices
            + "</fieldset>"
        )
    return mark_safe(  # noqa: S308 - every part is escaped by format_html
        format_html(
            '<div class="mb-3"><label class="form-label" for="{}">{}</label>',
            field.auto_id,
            field.label,
        )
        + _help_and_error(field)
        + control(field)
        + "</div>"
    )


@register.filter
def form_fields(fields: object) -> SafeString:
    """`form_field` for each field of a form or list of bound fields."""
    return mark_safe("".join(form_field(field) for field in fields))  # noqa: S308 - each field escaped
