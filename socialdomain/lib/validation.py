"""Forms made only to validate data, never to be shown.

Every Django form deep-copies its class's fields (with their widgets, validators,
error messages and choices) when it is made, so that a form may change its own
fields and widgets while it is shown. Code that only asks "is this valid, and what
are the cleaned values?" does not need those copies: sending a help request
validates all seven steps again, and copying their fields was a third of that.

`validating(form_class, data)` makes the bound form with its class's fields
shared instead. Cleaning reads fields and never changes them (Field.clean,
the widgets' value_from_datadict, the form's clean methods); a form class whose
`__init__` changes its fields must not be validated this way. One that replaces,
adds or removes fields is refused at first use; one that changes a field in place
(sets its choices or error messages, as FollowUpForm does) cannot be told apart
and would change the class's fields for every form: use `validating` only for
forms whose `__init__` leaves the fields alone (the help-request steps; the test
checks that their fields are unchanged).

Cleaning also makes a BoundField per field (for its name in the data, its
label and help text: the lazy help text is translated to see whether it is
empty), a quarter of what is left. The form gets `_Value`s instead: the field,
its value in the data and its initial value, which is all that Django's cleaning
(Field._clean_bound_field) reads of a valid value; for anything else (the field
id of an error) a real BoundField answers. socialdomain/tests/test_validation.py
compares every step's answers, good and bad, with a form made as usual.
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


class _Value:
    """What cleaning reads of a bound field, read as BoundField reads it."""

    __slots__ = ("form", "field", "name")

    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        self.form, self.field, self.name = form, field, name

    @property
    def data(self) -> Any:
        return self.form._widget_data_value(
            self.field.widget, self.form.add_prefix(self.name)
        )

    @property
    def initial(self) -> Any:
        return self.form.get_initial_for_field(self.field, self.name)

    def __getattr__(self, name: str) -> Any:
        # Anything else (an error's field id, when a value is refused): as the
        # real BoundField has it.
        return getattr(self.field.get_bound_field(self.form, self.name), name)


def validating(form_class: type[FormT], data: Any) -> FormT:
    """A form of `form_class` bound to `data`, for is_valid(), errors and
    cleaned_data only: it shares the class's fields and has no BoundFields, so it
    must not be rendered."""
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
    form._bound_fields_cache = {
        name: _Value(form, field, name) for name, field in form.fields.items()
    }
    return form
