"""Reading a sheet's data a column at a time: every cell of a column read by the column's kind, blank cells taking
the column's default, every cell that cannot be read reported with what was expected.

Each column first tries the shortcut of its kind: when every non-blank cell has the type a well-kept workbook holds
there (non-blank printable text in a text column, dates in a date column, finite numbers in a number column, a known
word in a Y/N or choice column), the whole column is read with a few list operations, and the values are exactly the
ones the cell reader gives. Otherwise the cells are read one by one by the column's cell reader (`cells.cell_reader`,
which gives `cells.read_cell`'s values and messages), so a column with one odd cell still reads and reports as
cell-by-cell reading does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from math import isfinite

from mspxl.schema import Column, Kind
from mspxl.workbook.cells import (
    EXCEL_TEXT_LIMIT,
    FALSE_WORDS,
    TRUE_WORDS,
    CellError,
    Reader,
    Unusable,
    cell_reader,
    read_text,
    visible,
)


class _Missing:
    """The value of a cell that could not be read: the row has no value for it (its Row leaves the header out)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: object = _Missing()
CellProblem = tuple[int, str, object]  # (position in the column, message, the cell as the accountant sees it)
Shortcut = Callable[[list[object]], "list[object] | None"]

YES_NO = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
NON_NEGATIVE = frozenset({Kind.MONEY, Kind.DECIMAL})
PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def read_column(cells: list[object], column: Column, shortcuts: bool = True
                ) -> tuple[list[object], list[CellProblem]]:
    """Each cell read by `column`'s kind: the values (the default for a blank cell, MISSING for a cell that could not
    be read) and the problems, in cell order. `shortcuts=False` reads every cell one by one (the reference)."""
    blanks = cells.count(None)
    if blanks == len(cells):
        return _blank_column(len(cells), column)
    if shortcuts:
        shortcut = _shortcut(column)
        if blanks == 0:
            read = shortcut(cells) if shortcut else None
            if read is not None:
                return read, []
        elif shortcut is not None:
            present = [pos for pos, value in enumerate(cells) if value is not None]
            read = shortcut([cells[pos] for pos in present])
            if read is not None:
                values, problems = _blank_column(len(cells), column)
                for pos, value in zip(present, read, strict=True):
                    values[pos] = value
                return values, [p for p in problems if cells[p[0]] is None]
    return _cell_by_cell(cells, column)


def _blank_column(size: int, column: Column) -> tuple[list[object], list[CellProblem]]:
    problems = [(pos, "is required but blank", None) for pos in range(size)] if column.required else []
    return [column.default] * size, problems


def _cell_by_cell(cells: list[object], column: Column) -> tuple[list[object], list[CellProblem]]:
    reader: Reader = cell_reader(column)
    default = column.default
    required = column.required
    values: list[object] = []
    problems: list[CellProblem] = []
    for pos, value in enumerate(cells):
        if value is None or (isinstance(value, str) and value.strip() == ""):
            if required:
                problems.append((pos, "is required but blank", None))
            values.append(default)
            continue
        try:
            if value.__class__ is Unusable:
                raise CellError(value.reason)  # type: ignore[attr-defined]
            values.append(reader(value))
        except CellError as exc:
            problems.append((pos, str(exc), visible(read_text(value))))
            values.append(MISSING)
    return values, problems


def _shortcut(column: Column) -> Shortcut | None:
    kind = column.kind
    if kind in (Kind.TEXT, Kind.ID):
        return _texts
    if kind is Kind.DATE:
        return _dates
    if kind in (Kind.MONEY, Kind.DECIMAL, Kind.AMOUNT):
        return _numbers_at_least_zero if kind in NON_NEGATIVE else _numbers
    if kind is Kind.YN:
        return _words(YES_NO)
    if kind is Kind.CHOICE:
        by_word: dict[str, object] = {}
        for choice in column.choices:
            by_word.setdefault(choice.lower(), choice)  # the first choice wins, as in read_choice
        return _words(by_word)
    return None  # percentages and periods: few cells, read one by one


def _types(values: list[object]) -> set[type]:
    return set(map(type, values))


def _texts(values: list[object]) -> list[object] | None:
    """Text cells, stripped, none blank, none too long for a cell, none with a character that is not printable (a
    tab, a line break or a control character takes the reader's checks and messages)."""
    if _types(values) != {str}:
        return None
    texts = list(map(str.strip, values))  # type: ignore[arg-type]
    if all(texts) and _printable("".join(texts)) and max(map(len, texts)) <= EXCEL_TEXT_LIMIT:
        return texts  # type: ignore[return-value]
    return None


def _printable(text: str) -> bool:
    """`text.isprintable()`; ASCII text is checked as bytes, a lookup per byte rather than per character."""
    if text.isascii():
        return not text.encode("ascii").translate(None, PRINTABLE_ASCII)
    return text.isprintable()


def _dates(values: list[object]) -> list[object] | None:
    types = _types(values)
    if types == {date}:
        return list(values)
    if types == {datetime}:
        return list(map(datetime.date, values))  # type: ignore[arg-type]
    if types == {date, datetime}:
        return [value.date() if value.__class__ is datetime else value for value in values]  # type: ignore[attr-defined]
    return None


def _numbers(values: list[object]) -> list[object] | None:
    """Finite number cells as `money.to_decimal` makes them: a whole number as its integer, else from its text."""
    if _types(values) != {float} or not all(map(isfinite, values)):  # type: ignore[arg-type]
        return None
    distinct = set(values)
    if len(distinct) * 2 > len(values):
        return list(map(_decimal, values))  # type: ignore[arg-type]
    # few distinct numbers (hours, quantities): each made once; equal floats make equal Decimals (0.0 and -0.0: 0)
    made = {value: _decimal(value) for value in distinct}  # type: ignore[arg-type]
    return list(map(made.__getitem__, values))


def _decimal(value: float) -> Decimal:
    """`money.to_decimal` of a finite float: a whole number as its integer, else from its text."""
    return Decimal(int(value)) if value.is_integer() else Decimal(str(value))


def _numbers_at_least_zero(values: list[object]) -> list[object] | None:
    if _types(values) != {float} or min(values) < 0:  # type: ignore[type-var, operator]
        return None
    return _numbers(values)


def _words(by_word: dict[str, object]) -> Shortcut:
    """Cells holding one of the column's words in any case, with spaces around it or not."""

    def read(values: list[object]) -> list[object] | None:
        if _types(values) != {str}:
            return None
        found = [by_word.get(value.strip().lower()) for value in values]  # type: ignore[attr-defined]
        return None if None in found else found

    return read
