"""Small cells are hidden and cannot be recovered from what is shown."""

from collections.abc import Hashable, Mapping, Sequence

from dashboards.privacy import SMALL, Suppressed, one_way, suppress, two_way


def _feasible_values(
    result: Suppressed, relations: Sequence[tuple[Hashable, Sequence[Hashable]]]
) -> dict[Hashable, set[int]]:
    """An attacker's view: the values each hidden cell can take in some assignment
    of all hidden cells that agrees with the shown cells and every relation ("<5"
    cells lie in 0..4, "x" cells are at least 5). Backtracking with propagation."""
    shown = {k: v for k, v in result.values.items() if result.is_shown(k)}
    hidden = sorted(result.small | result.hidden, key=repr)
    ceiling = sum(result.values.values())
    bounds = {k: (0, 4) if k in result.small else (5, ceiling) for k in hidden}
    lines = [(t, list(parts)) for t, parts in relations]

    def solve(values: dict) -> bool:
        changed = True
        values = dict(values)
        while changed:
            changed = False
            for total, parts in lines:
                members = [total, *parts]
                open_ = [k for k in members if k not in values]
                if len(open_) == 0:
                    if values[total] != sum(values[p] for p in parts):
                        return False
                elif len(open_) == 1:
                    key = open_[0]
                    rest = sum(values[p] for p in parts if p != key)
                    value = rest if key == total else values[total] - rest
                    low, high = bounds[key]
                    if not low <= value <= high:
                        return False
                    values[key] = value
                    changed = True
        free = [k for k in hidden if k not in values]
        if not free:
            return True
        key = free[0]
        low, high = bounds[key]
        return any(solve({**values, key: v}) for v in range(low, min(high, 60) + 1))

    possible: dict[Hashable, set[int]] = {}
    for key in result.small:
        possible[key] = {v for v in range(5) if solve({**shown, key: v})}
    return possible


def _relations_of_table(rows: Sequence[str], columns: Sequence[str]) -> list:
    relations: list = [(("T", c), [(r, c) for r in rows]) for c in columns]
    relations += [((r, "T"), [(r, c) for c in columns]) for r in rows]
    relations.append((("T", "T"), [(r, "T") for r in rows]))
    relations.append((("T", "T"), [("T", c) for c in columns]))
    return relations


def _table(cells: Mapping[tuple[str, str], int]) -> Suppressed:
    rows = sorted({r for r, _c in cells})
    columns = sorted({c for _r, c in cells})
    return two_way(cells, rows, columns, total_key="T")


def test_counts_below_five_are_shown_as_small() -> None:
    result = one_way({"a": 3, "b": 12, "c": 30}, "total")

    assert result.show("a") == SMALL
    assert result.show("c") == "30"


def test_a_single_small_cell_in_a_list_cannot_be_recovered_from_the_total() -> None:
    result = one_way({"a": 3, "b": 12, "c": 30}, "total")

    assert not result.is_shown("b"), "b is hidden too, or total - b - c gives a"
    assert result.is_shown("total") and result.is_shown("c")
    possible = _feasible_values(result, [("total", ["a", "b", "c"])])
    assert len(possible["a"]) > 1


def test_planted_small_cells_in_a_table_cannot_be_recovered_by_subtraction() -> None:
    cells = {
        ("north", "debts"): 2,
        ("north", "loneliness"): 9,
        ("north", "housing"): 6,
        ("south", "debts"): 7,
        ("south", "loneliness"): 1,
        ("south", "housing"): 8,
        ("east", "debts"): 5,
        ("east", "loneliness"): 6,
        ("east", "housing"): 7,
    }
    result = _table(cells)

    assert result.small >= {("north", "debts"), ("south", "loneliness")}
    for total, parts in _relations_of_table(
        ["east", "north", "south"], ["debts", "housing", "loneliness"]
    ):
        hidden = [k for k in (total, *parts) if not result.is_shown(k)]
        assert len(hidden) != 1, f"{total} leaves one hidden cell: {hidden}"
    possible = _feasible_values(
        result,
        _relations_of_table(
            ["east", "north", "south"], ["debts", "housing", "loneliness"]
        ),
    )
    for key in result.small:
        assert len(possible[key]) > 1, f"{key} can be worked out: {possible[key]}"


def test_small_cells_whose_sum_pins_them_down_are_protected_by_a_larger_one() -> None:
    # 4 + 4 = 8 with both below 5 would give both away; 0 + 0 likewise.
    for a, b in ((4, 4), (0, 0)):
        result = one_way({"a": a, "b": b, "c": 20, "d": 15}, "total")
        possible = _feasible_values(result, [("total", ["a", "b", "c", "d"])])
        assert len(possible["a"]) > 1 and len(possible["b"]) > 1, (a, b, possible)


def test_the_hidden_cells_of_a_shown_total_never_hold_one_to_four_together() -> None:
    # An outside table (a 0 is safe there): the 1 is hidden, then the 0 beside it,
    # and 10 - 9 would still tell that the two hold 1 together (found by the
    # attack test on the data of 2026-12-06). A third cell must go too.
    relations = [("T", ["a", "b", "c"])]
    result = suppress({"T": 10, "a": 1, "b": 0, "c": 9}, relations, zero_is_safe=True)

    assert not result.is_shown("a") and not result.is_shown("b")
    hidden_parts = [k for k in ("a", "b", "c") if not result.is_shown(k)]
    rest = sum(result.values[k] for k in hidden_parts)
    assert not result.is_shown("T") or not 1 <= rest <= 4, (hidden_parts, rest)
    assert not result.is_shown("c")


def test_a_cell_that_follows_from_rows_and_columns_together_is_protected() -> None:
    # Two rectangles of hidden cells joined by one cell would leave that cell
    # determined by the rows and columns together, although no line has one hidden.
    cells = {(r, c): 20 for r in "abcd" for c in "wxyz"}
    cells.update({("a", "w"): 1, ("a", "x"): 2, ("b", "w"): 3, ("b", "x"): 1})
    cells.update({("c", "y"): 2, ("c", "z"): 1, ("d", "y"): 4, ("d", "z"): 3})
    cells[("b", "y")] = 4
    result = _table(cells)

    relations = _relations_of_table(list("abcd"), list("wxyz"))
    from dashboards.privacy import _determined

    hidden = set(result.small | result.hidden)
    assert _determined(result.values, relations, hidden) == []


def test_the_same_table_hides_the_same_cells_every_time() -> None:
    cells = {("x", "a"): 3, ("x", "b"): 10, ("y", "a"): 8, ("y", "b"): 11}

    assert _table(cells) == _table(dict(reversed(list(cells.items()))))


def test_nothing_is_hidden_when_all_counts_are_large() -> None:
    result = suppress({"t": 30, "a": 10, "b": 20}, [("t", ["a", "b"])])

    assert not result.small and not result.hidden


class _AllShown:
    """A table in which every count is shown (all large), to test the shares alone."""

    def __init__(self, value: int) -> None:
        self.value = value

    def number(self, key: Hashable) -> int:
        return self.value

    def show(self, key: Hashable) -> str:
        return str(self.value)


def _deadline_share(counted: int, on_time: int) -> str:
    from dashboards.figures import Figures, PeriodFigures
    from dashboards.tables import headlines

    figures = Figures(
        current=PeriodFigures(deadlines_counted=counted, deadlines_on_time=on_time),
        previous=PeriodFigures(),
    )
    table = _AllShown(50)
    heads = headlines(
        figures, population=1000, requests=table, outcomes=table, scalars=table
    )
    return next(h for h in heads if h.key == "deadlines").value


def test_a_deadline_share_that_would_tell_a_few_missed_or_met_is_hidden() -> None:
    from dashboards.privacy import HIDDEN

    assert _deadline_share(20, 18) == HIDDEN  # 2 missed
    assert _deadline_share(20, 3) == HIDDEN  # 3 met
    assert _deadline_share(20, 15) == "75%"
    assert _deadline_share(20, 20) == "100%"  # none missed tells nobody's
    assert _deadline_share(20, 0) == "0%"
