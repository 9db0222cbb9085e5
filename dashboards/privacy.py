"""Small-cell suppression: no count below 5 is shown, and none can be worked out
from the totals and the other cells that are shown.

A table is given as its values and its additive relations ("this total is the sum of
these cells"). Primary suppression hides every count below 5 (shown as "<5"); then
secondary suppression hides more cells (shown as "–") until, for every relation:
- no single hidden cell remains (plain subtraction);
- when the total is shown, the hidden cells are not all known to lie below 5 (or
  their sum would pin them down when it is 0 or the maximum);
- no hidden cell follows from all relations together (exact linear algebra).
The same cells are hidden whatever part of the table a page shows, because pages
suppress the whole table first and show a part of it afterwards.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Generic, TypeVar

THRESHOLD = 5
SMALL = "<5"
HIDDEN = "–"

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Suppressed(Generic[K]):
    values: Mapping[K, int]
    small: frozenset[K]
    hidden: frozenset[K]

    def show(self, key: K) -> str:
        if key in self.small:
            return SMALL
        if key in self.hidden:
            return HIDDEN
        return str(self.values.get(key, 0))

    def number(self, key: K) -> int | None:
        """The value when it may be shown, else None (for charts)."""
        if key in self.small or key in self.hidden:
            return None
        return self.values.get(key, 0)

    def is_shown(self, key: K) -> bool:
        return key not in self.small and key not in self.hidden


Relation = tuple[K, Sequence[K]]


def suppress(
    values: Mapping[K, int],
    relations: Sequence[Relation[K]],
    *,
    threshold: int = THRESHOLD,
) -> Suppressed[K]:
    """Which cells of a table to hide. `relations` are (total, parts) pairs with
    values[total] == sum(values[part] for part in parts); keys missing from `values`
    count as 0."""
    keys: list[K] = list(dict.fromkeys([*values, *_members(relations)]))
    full = {key: values.get(key, 0) for key in keys}
    order = {key: i for i, key in enumerate(keys)}
    small = {key for key in keys if full[key] < threshold}
    hidden = set(small)

    def smallest(candidates: list[K]) -> K | None:
        shown = [key for key in candidates if key not in hidden]
        return min(shown, key=lambda k: (full[k], order[k])) if shown else None

    while True:
        added = None
        for total, parts in relations:
            members = [total, *parts]
            inside = [key for key in members if key in hidden]
            if len(inside) == 1:
                added = smallest(members)
            elif inside and total not in hidden and all(key in small for key in inside):
                added = smallest(list(parts)) or (
                    total if total not in hidden else None
                )
            if added is not None:
                break
        if added is None:
            for key in _determined(full, relations, hidden):
                for total, parts in relations:
                    if key == total or key in parts:
                        added = smallest([total, *parts])
                        if added is not None:
                            break
                if added is not None:
                    break
        if added is None:
            break
        hidden.add(added)
    return Suppressed(
        values=full, small=frozenset(small), hidden=frozenset(hidden - small)
    )


def _members(relations: Sequence[Relation[K]]) -> list[K]:
    return [key for total, parts in relations for key in (total, *parts)]


def _determined(
    values: Mapping[K, int], relations: Sequence[Relation[K]], hidden: set[K]
) -> list[K]:
    """Hidden cells whose value follows from the relations and the shown cells: those
    whose unit vector lies in the row space of the relations over the hidden cells
    (a row of the reduced row echelon form with a single non-zero entry)."""
    unknown = [key for key in dict.fromkeys(_members(relations)) if key in hidden]
    if not unknown:
        return []
    column = {key: i for i, key in enumerate(unknown)}
    rows: list[list[Fraction]] = []
    for total, parts in relations:
        row = [Fraction(0)] * len(unknown)
        for key in parts:
            if key in column:
                row[column[key]] += 1
        if total in column:
            row[column[total]] -= 1
        if any(row):
            rows.append(row)
    pivot_row = 0
    for col in range(len(unknown)):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][col]), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [x / lead for x in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col]:
                factor = rows[r][col]
                rows[r] = [
                    a - factor * b
                    for a, b in zip(rows[r], rows[pivot_row], strict=True)
                ]
        pivot_row += 1
    determined = []
    for row in rows[:pivot_row]:
        nonzero = [i for i, x in enumerate(row) if x]
        if len(nonzero) == 1:
            determined.append(unknown[nonzero[0]])
    return determined


def one_way(
    cells: Mapping[K, int], total: K, *, threshold: int = THRESHOLD
) -> Suppressed[K]:
    """A list of counts with their total (a bar chart)."""
    values = {**cells, total: sum(cells.values())}
    return suppress(values, [(total, list(cells))], threshold=threshold)


def two_way(
    cells: Mapping[tuple[K, K], int],
    rows: Sequence[K],
    columns: Sequence[K],
    *,
    row_totals: Mapping[K, int] | None = None,
    total_key: K,
    threshold: int = THRESHOLD,
) -> Suppressed[tuple[K, K]]:
    """A table with row totals (key (row, total_key)), column totals
    ((total_key, column)) and a grand total ((total_key, total_key)). When
    `row_totals` are given the cells need not add up to them (a request can have
    several life events): then only the columns are additive."""
    values: dict[tuple[K, K], int] = {
        (r, c): cells.get((r, c), 0) for r in rows for c in columns
    }
    relations: list[Relation[tuple[K, K]]] = []
    for c in columns:
        values[(total_key, c)] = sum(values[(r, c)] for r in rows)
        relations.append(((total_key, c), [(r, c) for r in rows]))
    for r in rows:
        additive = row_totals is None
        values[(r, total_key)] = (
            sum(values[(r, c)] for c in columns) if additive else row_totals[r]
        )
        if additive:
            relations.append(((r, total_key), [(r, c) for c in columns]))
    values[(total_key, total_key)] = sum(values[(r, total_key)] for r in rows)
    relations.append(((total_key, total_key), [(r, total_key) for r in rows]))
    if row_totals is None:
        relations.append(((total_key, total_key), [(total_key, c) for c in columns]))
    return suppress(values, relations, threshold=threshold)
