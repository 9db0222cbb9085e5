"""Choices for forms made on every request: normalised once and shared, and model
choice lists read once per form with a plain SELECT.

A form deep-copies its fields each time it is made. ChoiceField copies its
choices with every lazy label in them, and a Select widget copies its list and
normalises the copy again; setting `choices` normalises once for the field and
once more for the widget. For the queue's filter form that was a third of the
form's cost (bench/queue_inprocess.py). `normalize_choices` passes a
BaseChoiceIterator through as it is, so choices wrapped in `KeptChoices` are
normalised once, here, and then shared by every copy: nothing changes a list of
choices in place (assigning `choices` replaces it), so sharing is safe, and a
form that assigns its own choices still changes only its own field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.choices import BaseChoiceIterator, normalize_choices


class KeptChoices(BaseChoiceIterator):
    def __init__(self, choices: Iterable[Any]) -> None:
        normalized = normalize_choices(choices)
        if isinstance(normalized, BaseChoiceIterator):
            normalized = list(normalized)
        self._items: tuple[Any, ...] = tuple(normalized)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        return self._items[index]

    def __bool__(self) -> bool:
        return bool(self._items)

    def __copy__(self) -> KeptChoices:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> KeptChoices:
        return self

    def __repr__(self) -> str:
        return f"KeptChoices({list(self._items)!r})"


class FetchedChoiceIterator(ModelChoiceIterator):
    """A model choice list read by one plain SELECT, kept in the field's queryset
    for the rest of the form's life.

    Django's iterator reads the list through `queryset.iterator()`, which on
    PostgreSQL outside a transaction is a server-side cursor (DECLARE ... WITH
    HOLD, FETCH, CLOSE: three round trips), again for every time the list is
    read, and counts it with a query of its own. Choice lists are short, so the
    memory that saves is nothing; on the case page its three lists cost 1.2-1.4
    ms each (bench/case_inprocess.py). The form's queryset is its own (a form
    copies its fields, and a ModelChoiceField copies its queryset), so the kept
    rows are never another form's; a submitted value is still checked by a query
    of its own (ModelChoiceField.to_python)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self._objects():
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self._objects()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self._objects())

    def _objects(self) -> Sequence[Any]:
        listed = getattr(self.field, "listed", None)
        if listed is None:
            return self.queryset
        objects = getattr(self.field, "_listed_objects", None)
        if objects is None:
            objects = self.field._listed_objects = list(listed())
        return objects


class _Listed:
    # The instances of the list, read once when it is first shown (see `show`).
    listed: Callable[[], Sequence[Any]] | None = None

    def show(
        self, queryset: QuerySet[Any], listed: Callable[[], Sequence[Any]]
    ) -> None:
        """Check a submitted value against `queryset`, but show the list that
        `listed()` gives: the same rows in the same order, read by SQL compiled
        once (socialdomain.lib.compiled.PreparedModels). Only when the list is
        shown: a form that is only validated never reads it. Call it again, not
        the queryset setter, to change the list."""
        self.queryset = queryset  # type: ignore[attr-defined]
        self.listed = listed
        self._listed_objects = None


class ModelChoiceField(_Listed, forms.ModelChoiceField):
    """Django's ModelChoiceField, with its list read by FetchedChoiceIterator."""

    iterator = FetchedChoiceIterator


class ModelMultipleChoiceField(_Listed, forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField, with its list read by
    FetchedChoiceIterator."""

    iterator = FetchedChoiceIterator
