"""Choices normalised once and shared, for forms made on every request.

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

from collections.abc import Iterable, Iterator
from typing import Any

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
