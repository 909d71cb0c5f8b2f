"""What a button wrote into Excel, kept beside the sheets it read: the workbook as it will be saved, known without
reading it from Excel again.

Every sheet a button writes is handed out by `Excel` wrapped in a `WrittenSheet`: a value assigned to one of its
ranges goes to Excel and is noted, as Excel stores it, in a copy of the rows the button read (numbers become doubles,
dates datetimes, blank text a blank cell). What Excel would make of it by its own rules is not guessed: text written
to a cell not formatted as text (`@`) that Excel might turn into a number, a date, an error or a formula, or a
value spread over a range wider than itself, marks the sheet to be read again instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mspxl.workbook.raw import RawBook, RawSheet

TEXT = "@"
TYPED_STARTS = ("'", "=", "+", "-", "#", "@")


class Mirror:
    """The workbook as the button read it, with what it wrote since."""

    def __init__(self, read: RawBook) -> None:
        self.sheets: RawBook = dict(read)
        self.unknown: set[str] = set()  # sheets whose cells cannot be told from what was written: read them again
        self._own: set[str] = set()  # sheets whose row list is this mirror's own copy
        self._own_rows: set[tuple[str, int]] = set()
        self._text: dict[str, list[tuple[int, int, int, int]]] = {}  # ranges given the text format

    def added(self, name: str) -> None:
        """A new, empty sheet after the last one."""
        self.sheets[name] = RawSheet(name, [])
        self._own.add(name)

    def cleared(self, name: str) -> None:
        if name in self.sheets:
            self.sheets[name] = RawSheet(name, [], self.sheets[name].tables)
            self._own.add(name)
            self._own_rows = {key for key in self._own_rows if key[0] != name}
            self._text.pop(name, None)

    def formatted(self, name: str, top: int, left: int, bottom: int, right: int, fmt: str) -> None:
        if fmt == TEXT:
            self._text.setdefault(name, []).append((top, left, bottom, right))

    def wrote(self, name: str, top: int, left: int, value: Any) -> None:
        """`value` (one value, a row, or rows) assigned from the cell at (top, left), 1-based."""
        if name in self.unknown:
            return
        if name not in self.sheets:
            self.unknown.add(name)
            return
        block = value if _is_rows(value) else [value] if isinstance(value, list | tuple) else [[value]]
        width = max((len(row) for row in block), default=0)
        text_cols = {c for c in range(left, left + width) if self._is_text(name, top, top + len(block) - 1, c)}
        rows = self._rows(name)
        for i, row in enumerate(block):
            cells = self._row(name, rows, top - 1 + i)
            for j, item in enumerate(row):
                stored = _stored(item, left + j in text_cols)
                if stored is _UNKNOWN:
                    self.unknown.add(name)
                    return
                col = left - 1 + j
                if col >= len(cells):
                    if stored is None:
                        continue
                    cells.extend([None] * (col + 1 - len(cells)))
                cells[col] = stored

    def _is_text(self, name: str, top: int, bottom: int, col: int) -> bool:
        return any(t <= top and bottom <= b and lft <= col <= rgt for t, lft, b, rgt in self._text.get(name, ()))

    def _rows(self, name: str) -> list[list[object]]:
        sheet = self.sheets[name]
        if name not in self._own:
            sheet = self.sheets[name] = RawSheet(name, list(sheet.rows), sheet.tables)
            self._own.add(name)
        return sheet.rows

    def _row(self, name: str, rows: list[list[object]], index: int) -> list[object]:
        while len(rows) <= index:
            rows.append([])
            self._own_rows.add((name, len(rows) - 1))
        if (name, index) not in self._own_rows:
            rows[index] = list(rows[index])
            self._own_rows.add((name, index))
        return rows[index]


_UNKNOWN = object()


def _is_rows(value: object) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(isinstance(row, list | tuple) for row in value)


def _stored(value: object, text_cell: bool) -> object:
    """The value as Excel keeps it and xlwings reads it back, or _UNKNOWN when that is Excel's guess to make."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if text_cell:
            return value
        if value.startswith(TYPED_STARTS) or any(ch.isdigit() for ch in value) or value.upper() in ("TRUE", "FALSE"):
            return _UNKNOWN
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return float(value)  # float-ok: Excel keeps every number as a double, as the reader reads it back
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return _UNKNOWN


class WrittenRange:
    """An xlwings range whose value assignments are noted in the mirror."""

    def __init__(self, sheet: WrittenSheet, rng: Any, args: Sequence[Any]) -> None:
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "_rng", rng)
        object.__setattr__(self, "_args", args)

    def _corners(self) -> tuple[int, int, int, int]:
        args = self._args
        if args and all(isinstance(a, tuple) and len(a) == 2 for a in args):
            (top, left), (bottom, right) = args[0], args[-1]
            return top, left, bottom, right
        rng = self._rng
        height, width = rng.shape
        return rng.row, rng.column, rng.row + height - 1, rng.column + width - 1

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._rng, attr)

    def clear_contents(self) -> None:
        self._rng.clear_contents()
        self._unknown()

    def clear(self) -> None:
        self._rng.clear()
        self._unknown()

    def _unknown(self) -> None:
        if self._sheet.mirror is not None:
            self._sheet.mirror.unknown.add(self._sheet.title)  # what was cleared is not worked out: read again

    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(self._rng, attr, value)
        mirror, name = self._sheet.mirror, self._sheet.title
        if mirror is None:
            return
        top, left, bottom, right = self._corners()
        if attr == "number_format":
            mirror.formatted(name, top, left, bottom, right, value)
        elif attr == "value":
            if (bottom, right) != (top, left) and not isinstance(value, list | tuple):
                mirror.unknown.add(name)  # one value spread over a range
            else:
                mirror.wrote(name, top, left, value)
        else:
            mirror.unknown.add(name)


class WrittenSheet:
    """An xlwings sheet whose writes are noted in its workbook's mirror (when it keeps one)."""

    def __init__(self, title: str, sheet: Any, owner: Any) -> None:
        self.title, self.xw, self._owner = title, sheet, owner

    @property
    def mirror(self) -> Mirror | None:
        return self._owner.mirror  # type: ignore[no-any-return]

    def range(self, *args: Any) -> WrittenRange:
        return WrittenRange(self, self.xw.range(*args), args)

    def clear_contents(self) -> None:
        self.xw.clear_contents()
        if self.mirror is not None:
            self.mirror.cleared(self.title)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.xw, attr)
