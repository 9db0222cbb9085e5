"""Small-cell suppression: no count below 5 is shown, and none can be worked out
from the totals and the other cells that are shown.

A table is given as its values and its additive relations ("this total is the sum of
these cells"). Primary suppression hides every count below 5 (shown as "<5"); then
secondary suppression hides more cells (shown as "x", as Statistics Netherlands
(CBS) marks them: not "<5", for the value may be 9) until, for every relation:
- no single hidden cell remains (plain subtraction);
- when the total is shown, the hidden cells are not all known to lie below 5 (or
  their sum would pin them down when it is 0 or the maximum), and together they
  hold 0 or at least 5 (the total minus the shown cells is their sum: a rest of
  1 to 4 is a small count of its own, even when one of them is an "x");
- no hidden cell follows from all relations together (exact linear algebra).
The same cells are hidden whatever part of the table a page shows, because pages
suppress the whole table first and show a part of it afterwards.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

THRESHOLD = 5
SMALL = "<5"
HIDDEN = "x"

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
    forced: frozenset[K] | set[K] = frozenset(),
    keep: frozenset[K] | set[K] = frozenset(),
    zero_is_safe: bool = False,
) -> Suppressed[K]:
    """Which cells of a table to hide. `relations` are (total, parts) pairs with
    values[total] == sum(values[part] for part in parts); keys missing from `values`
    count as 0. `forced`: cells hidden from the start (secondarily, because another
    view or chart would give a small number away through them, see
    `dashboards.consistent`); `keep`: cells another chart shows already, never
    chosen for secondary suppression here; `zero_is_safe`: a 0 is not a small count
    (for a table of what lies outside a filter: none outside tells of nobody)."""
    keys: list[K] = list(dict.fromkeys([*values, *_members(relations)]))
    full = {key: values.get(key, 0) for key in keys}
    order = {key: i for i, key in enumerate(keys)}
    small = {
        key
        for key in keys
        if full[key] < threshold and not (zero_is_safe and full[key] == 0)
    }
    hidden = set(small) | {key for key in forced if key in full}

    def smallest(candidates: list[K]) -> K | None:
        shown = [key for key in candidates if key not in hidden and key not in keep]
        return min(shown, key=lambda k: (full[k], order[k])) if shown else None

    while True:
        added = None
        for total, parts in relations:
            members = [total, *parts]
            inside = [key for key in members if key in hidden]
            if len(inside) == 1:
                added = smallest(members)
            elif (
                inside
                and total not in hidden
                and (
                    all(key in small for key in inside)
                    or 0 < sum(full[key] for key in inside) < threshold
                )
            ):
                added = smallest(list(parts))
                if added is None:
                    added = smallest([total])
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


# Two Mersenne primes: the linear algebra runs modulo each (exact and fast, no
# fractions), and a cell counts as determined when it is so modulo either. A cell
# determined over the rationals is determined modulo p unless p divides one of the
# denominators of its solution, which for two primes this large does not happen
# for tables of this size; a cell wrongly taken as determined is only hidden more.
PRIMES = (2**61 - 1, 2**31 - 1)


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
    rows: list[dict[int, int]] = []
    for total, parts in relations:
        row: dict[int, int] = {}
        for key in parts:
            if key in column:
                row[column[key]] = row.get(column[key], 0) + 1
        if total in column:
            row[column[total]] = row.get(column[total], 0) - 1
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    found: set[int] = set()
    for prime in PRIMES:
        found |= _single_entry_rows(rows, prime)
    return [unknown[i] for i in sorted(found)]


def _single_entry_rows(rows: list[dict[int, int]], prime: int) -> set[int]:
    """The pivot columns of the reduced row echelon form (modulo `prime`) whose row
    has no other entry. Sparse rows: each relation has few members."""
    pivots: dict[int, dict[int, int]] = {}  # pivot column -> its row (pivot 1)
    holding: dict[int, set[int]] = {}  # column -> pivot columns whose row has it
    for original in rows:
        row = {c: v % prime for c, v in original.items() if v % prime}
        # Reduce by the pivots so far (their rows are reduced against each other).
        for col in [c for c in row if c in pivots]:
            factor = row.get(col)
            if not factor:
                continue
            for c, v in pivots[col].items():
                value = (row.get(c, 0) - factor * v) % prime
                if value:
                    row[c] = value
                else:
                    row.pop(c, None)
        if not row:
            continue
        lead = min(row)
        inverse = pow(row[lead], prime - 2, prime)
        row = {c: v * inverse % prime for c, v in row.items()}
        # Clear the new pivot's column from the other pivot rows.
        for other in list(holding.get(lead, ())):
            target = pivots[other]
            factor = target.get(lead)
            if not factor:
                continue
            for c, v in row.items():
                value = (target.get(c, 0) - factor * v) % prime
                if value:
                    if c not in target:
                        holding.setdefault(c, set()).add(other)
                    target[c] = value
                else:
                    target.pop(c, None)
                    holding.get(c, set()).discard(other)
        pivots[lead] = row
        for c in row:
            holding.setdefault(c, set()).add(lead)
    return {col for col, row in pivots.items() if len(row) == 1}


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
