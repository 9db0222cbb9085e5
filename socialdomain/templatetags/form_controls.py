"""Rendering form widgets with Bootstrap classes and working screen-reader links."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def control(field: BoundField) -> SafeString:
    """The field's widget with the right class, aria-invalid, and aria-describedby
    pointing at the help text and error that includes/field.html renders."""
    widget = field.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if field.errors:
        css += " is-invalid"
    described = [
        f"{field.auto_id}_help" if field.help_text else "",
        f"{field.auto_id}_error" if field.errors else "",
    ]
    attrs = {"class": css}
    if any(described):
        attrs["aria-describedby"] = " ".join(part for part in described if part)
    return field.as_widget(attrs=attrs)
