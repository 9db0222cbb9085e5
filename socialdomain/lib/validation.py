"""Forms made only to validate data, never to be shown.

Every Django form deep-copies its class's fields (with their widgets, validators,
error messages and choices) when it is made, so that a form may change its own
fields and widgets while it is shown. Code that only asks "is this valid, and what
are the cleaned values?" does not need those copies: sending a help request
validates all seven steps again, and copying their fields was a third of that.

`validating(form_class, data)` makes the bound form with its class's fields
shared instead. Cleaning reads fields and never changes them (Field.clean,
the widgets' value_from_datadict, the form's clean methods); a form class whose
`__init__` changes its fields must not be validated this way, and such a form is
refused at first use (its fields then differ from the class's).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms

FormT = TypeVar("FormT", bound=forms.BaseForm)


class _SharedFields(dict[str, forms.Field]):
    """The class's fields for one form, whose deep copy is a plain dict holding
    the same Field objects (BaseForm.__init__ deep-copies `base_fields`)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


def validating(form_class: type[FormT], data: Any) -> FormT:
    """A form of `form_class` bound to `data`, for is_valid(), errors and
    cleaned_data only: it shares the class's fields, so it must not be rendered."""
    form = form_class.__new__(form_class)
    form.base_fields = _SharedFields(form_class.base_fields)
    form.__init__(data=data)  # type: ignore[misc]
    if any(
        form.fields.get(name) is not field
        for name, field in form_class.base_fields.items()
    ) or len(form.fields) != len(form_class.base_fields):
        raise TypeError(
            f"{form_class.__name__} changes its fields when made: "
            "validate it with a form of its own"
        )
    return form
