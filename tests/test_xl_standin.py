"""An in-memory stand-in for the part of the xlwings Book API the Excel layer uses, built from an .xlsx file.

It behaves as xlwings does inside Excel: numbers come back as float, dates as datetime, empty cells as None, one
cell as a scalar, one row or column as a flat list, a block as a list of rows. Assigning text does what Excel does
with it: `=...` becomes a formula and `2026-11` a date, unless the cell is formatted as text (`@`) or the text
starts with an apostrophe. The tests at the bottom pin that behaviour.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from mspxl.xl.excel import read_book

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
DATE_LIKE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


class Formula(str):
    """A cell that holds a formula (Excel computes it; the stand-in keeps its text)."""


class ErrorValue(str):
    """A cell whose formula failed (`#REF!`): xlwings reads it as None, or as its text with `err_to_str=True`."""


class FakeRange:
    def __init__(self, sheet: FakeSheet, r1: int, c1: int, r2: int, c2: int, err_to_str: bool = False) -> None:
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self.err_to_str = err_to_str

    def options(self, **options: Any) -> FakeRange:
        unknown = set(options) - {"err_to_str"}
        assert not unknown, f"the stand-in does not know {unknown}"
        return FakeRange(self.sheet, self.r1, self.c1, self.r2, self.c2, bool(options.get("err_to_str")))

    def _read(self, value: object) -> object:
        if isinstance(value, ErrorValue):
            return str(value) if self.err_to_str else None
        return value

    @property
    def row(self) -> int:
        return self.r1

    @property
    def column(self) -> int:
        return self.c1

    @property
    def shape(self) -> tuple[int, int]:
        return (self.r2 - self.r1 + 1, self.c2 - self.c1 + 1)

    @property
    def address(self) -> str:
        first = f"{get_column_letter(self.c1)}{self.r1}"
        last = f"{get_column_letter(self.c2)}{self.r2}"
        return first if first == last else f"{first}:{last}"

    @property
    def value(self) -> Any:
        rows = [[self._read(self.sheet.cells.get((r, c))) for c in range(self.c1, self.c2 + 1)]
                for r in range(self.r1, self.r2 + 1)]
        height, width = self.shape
        if height == 1 and width == 1:
            return rows[0][0]
        if height == 1:
            return rows[0]
        if width == 1:
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        self.sheet.book.writes.append((self.sheet.name, self.address))
        if isinstance(data, list | tuple):
            rows = [list(r) for r in data] if data and isinstance(data[0], list | tuple) else [list(data)]
        else:
            rows = [[data]] if self.shape == (1, 1) else [[data] * self.shape[1]] * self.shape[0]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet.put(self.r1 + i, self.c1 + j, v)

    @property
    def number_format(self) -> str:
        return self.sheet.formats.get((self.r1, self.c1), "General")

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                self.sheet.formats[(r, c)] = fmt

    def select(self) -> None:
        self.sheet.book.selected = f"{self.sheet.name}!{self.address}"


class FakeTable:
    def __init__(self, sheet: FakeSheet, name: str, rng: FakeRange) -> None:
        self.sheet, self.name, self._range = sheet, name, rng

    @property
    def range(self) -> FakeRange:
        return self._range

    def resize(self, rng: FakeRange) -> None:
        self._range = rng


class FakeTables(list):
    def __init__(self, sheet: FakeSheet) -> None:
        super().__init__()
        self.sheet = sheet

    def add(self, source: FakeRange, name: str | None = None,
            table_style_name: str = "TableStyleMedium2") -> FakeTable:
        table = FakeTable(self.sheet, name or f"Table{len(self) + 1}", source)
        self.append(table)
        return table


class FakeSheet:
    def __init__(self, book: FakeBook, name: str) -> None:
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], object] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.tables = FakeTables(self)

    def put(self, row: int, col: int, value: object) -> None:
        """Store a value as Excel would after a COM assignment."""
        if isinstance(value, Decimal):
            raise TypeError("xlwings cannot hand a Decimal to Excel")
        text_cell = self.formats.get((row, col)) == "@"
        if value is None or value == "":
            self.cells.pop((row, col), None)
            return
        if isinstance(value, bool):
            stored: object = value
        elif isinstance(value, int | float):
            stored = float(value)
        elif isinstance(value, datetime):
            stored = value
        elif isinstance(value, date):
            stored = datetime(value.year, value.month, value.day)
        elif isinstance(value, str) and not text_cell:
            stored = _excel_text(value)
        else:
            stored = value
        self.cells[(row, col)] = stored

    def range(self, cell1: Any, cell2: Any = None) -> FakeRange:
        if isinstance(cell1, str):
            c1, r1, c2, r2 = range_boundaries(cell1)
            return FakeRange(self, r1, c1, r2, c2)
        r1, c1 = cell1
        r2, c2 = cell2 if cell2 is not None else cell1
        return FakeRange(self, r1, c1, r2, c2)

    @property
    def used_range(self) -> FakeRange:
        if not self.cells:
            return FakeRange(self, 1, 1, 1, 1)
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        return FakeRange(self, min(rows), min(cols), max(rows), max(cols))

    def activate(self) -> None:
        self.book.active = self.name

    def clear_contents(self) -> None:
        self.cells.clear()

    def values(self) -> list[list[object]]:
        """Test helper: the used range from A1 as a list of rows ([] for an empty sheet)."""
        if not self.cells:
            return []
        used = self.used_range
        return [[self.cells.get((r, c)) for c in range(1, used.c2 + 1)] for r in range(1, used.r2 + 1)]


def _excel_text(text: str) -> object:
    if text.startswith("'"):
        return text[1:]
    if text.startswith("="):
        return Formula(text)
    if NUMBER.match(text):
        return float(text)
    match = DATE_LIKE.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
    return text


class FakeSheets:
    def __init__(self, book: FakeBook) -> None:
        self.book = book
        self.items: list[FakeSheet] = []

    def __getitem__(self, key: str | int) -> FakeSheet:
        if isinstance(key, int):
            return self.items[key]
        for sheet in self.items:
            if sheet.name.lower() == key.lower():
                return sheet
        raise KeyError(key)

    def __iter__(self):  # noqa: ANN204
        return iter(list(self.items))

    def __len__(self) -> int:
        return len(self.items)

    def add(self, name: str | None = None, before: FakeSheet | None = None,
            after: FakeSheet | None = None) -> FakeSheet:
        sheet = FakeSheet(self.book, name or f"Sheet{len(self.items) + 1}")
        index = self.items.index(after) + 1 if after is not None else (
            self.items.index(before) if before is not None else 0)
        self.items.insert(index, sheet)
        return sheet


class FakeApp:
    def __init__(self) -> None:
        self.alerts: list[tuple[str, str | None]] = []

    def alert(self, prompt: str, title: str | None = None) -> None:
        self.alerts.append((prompt, title))


class FakeBook:
    def __init__(self, fullname: str) -> None:
        self.fullname = fullname
        self.sheets = FakeSheets(self)
        self.app = FakeApp()
        self.saved = 0
        self.selected = ""
        self.active = ""
        self.selection: FakeRange | None = None
        self.writes: list[tuple[str, str]] = []

    def save(self) -> None:
        self.saved += 1


def from_xlsx(path: Path) -> FakeBook:
    """The workbook file as Excel would show it through xlwings."""
    wb = openpyxl.load_workbook(path)
    book = FakeBook(str(path.resolve()))
    for ws in wb.worksheets:
        sheet = book.sheets.add(ws.title, after=book.sheets.items[-1] if book.sheets.items else None)
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "e":  # an error value Excel computed
                    sheet.cells[(cell.row, cell.column)] = ErrorValue(cell.value)
                elif cell.value is not None:  # a file's text cell stays text; numbers and dates as Excel types them
                    sheet.formats[(cell.row, cell.column)] = "@"
                    sheet.put(cell.row, cell.column, cell.value)
                    sheet.formats[(cell.row, cell.column)] = cell.number_format
        for table in ws.tables.values():
            sheet.tables.add(sheet.range(table.ref), table.displayName)
    return book


# The stand-in's own behaviour, pinned so the tests built on it mean what they say.

def test_values_come_back_as_xlwings_gives_them() -> None:
    book = FakeBook("/tmp/x.xlsx")
    sheet = book.sheets.add("S")
    sheet.range("A1").value = [["a", 1, date(2026, 1, 2)], ["b", 2.5, None]]
    assert sheet.range("B1").value == 1.0 and isinstance(sheet.range("B1").value, float)
    assert sheet.range("C1").value == datetime(2026, 1, 2)
    assert sheet.range("A1:C1").value == ["a", 1.0, datetime(2026, 1, 2)]
    assert sheet.range("A1:A2").value == ["a", "b"]
    assert sheet.range("A1:C2").value == [["a", 1.0, datetime(2026, 1, 2)], ["b", 2.5, None]]
    assert sheet.range("C2").value is None


def test_text_is_coerced_unless_the_cell_is_text() -> None:
    sheet = FakeBook("/tmp/x.xlsx").sheets.add("S")
    sheet.range("A1").value = [["2026-11", "=1+1", "'=1+1", "007"]]
    assert sheet.range("A1:D1").value == [datetime(2026, 11, 1), Formula("=1+1"), "=1+1", 7.0]
    assert isinstance(sheet.range("B1").value, Formula)
    sheet.range("A2:D2").number_format = "@"
    sheet.range("A2").value = [["2026-11", "=1+1", "'=1+1", "007"]]
    assert sheet.range("A2:D2").value == ["2026-11", "=1+1", "'=1+1", "007"]
    assert not isinstance(sheet.range("B2").value, Formula)


def test_reading_pads_a_used_range_that_does_not_start_at_a1() -> None:
    book = FakeBook("/tmp/x.xlsx")
    block = book.sheets.add("Block")
    block.range("C3").value = [["h1", "h2"], [1, 2]]
    single = book.sheets.add("Single")
    single.range("B2").value = "only"
    row = book.sheets.add("Row")
    row.range("A1").value = [["x", "y", "z"]]
    column = book.sheets.add("Column")
    column.range("B1").value = [["x"], ["y"]]
    book.sheets.add("Empty")
    raw = read_book(book)
    assert raw["Block"].rows == [[], [], [None, None, "h1", "h2"], [None, None, 1.0, 2.0]]
    assert raw["Single"].rows == [[], [None, "only"]]
    assert raw["Row"].rows == [["x", "y", "z"]]
    assert raw["Column"].rows == [[None, "x"], [None, "y"]]
    assert raw["Empty"].rows == []


def test_an_error_cell_reads_as_none_unless_asked_for_as_text() -> None:
    sheet = FakeBook("/tmp/x.xlsx").sheets.add("S")
    sheet.range("A1").value = [["x", 1]]
    sheet.cells[(1, 2)] = ErrorValue("#REF!")
    assert sheet.range("A1:B1").value == ["x", None]
    assert sheet.range("A1:B1").options(err_to_str=True).value == ["x", "#REF!"]


def test_a_decimal_never_reaches_excel() -> None:
    sheet = FakeBook("/tmp/x.xlsx").sheets.add("S")
    with pytest.raises(TypeError):
        sheet.range("A1").value = Decimal("1.10")

