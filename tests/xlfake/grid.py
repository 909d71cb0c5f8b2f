"""The cells of a fake Excel workbook, and what Excel does with a value assigned to a cell.

Values are kept as Excel keeps them: numbers as doubles, dates as date-times, text, booleans, error values
(`ErrorValue("#REF!")`) and formulas (`Formula("=...")`; the grid calculates only HYPERLINK, whose value is its
friendly name). Assigning text does what Excel does with it: `=...` becomes a formula, `2026-11` a date, `007` a
number and `#N/A` an error, unless the cell is formatted as text (`@`) or the text starts with an apostrophe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
DATE_LIKE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
HYPERLINK = re.compile(r'^=HYPERLINK\(".*","(.*)"\)$', re.S)
CLASSIC_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
NEWER_ERRORS = ("#GETTING_DATA", "#SPILL!", "#CONNECT!", "#BLOCKED!", "#UNKNOWN!", "#FIELD!", "#CALC!")
CURRENCY_MARKS = ("$", "€", "£", "¥", "[$")


class ErrorValue(str):
    """A cell showing an Excel error (`#REF!`, `#SPILL!`)."""


class Formula(str):
    """A formula the grid does not calculate: its value is its text, marked so tests can tell it from text."""


def is_currency(number_format: str) -> bool:
    """A currency or accounting format: Excel hands such a cell to COM as a Currency (Decimal in pywin32)."""
    return any(mark in number_format for mark in CURRENCY_MARKS)


@dataclass
class Grid:
    """One sheet's cells: (row, column) -> value, number formats, formulas and tables, 1-based like Excel."""

    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    tables: list[list[object]] = field(default_factory=list)  # [name, r1, c1, r2, c2]

    def get(self, row: int, col: int) -> object:
        return self.cells.get((row, col))

    def number_format(self, row: int, col: int) -> str:
        return self.formats.get((row, col), "General")

    def put(self, row: int, col: int, value: object, currency_ok: bool) -> None:
        """A value assigned to the cell, as Excel stores it."""
        key = (row, col)
        self.formulas.pop(key, None)
        if value is None or value == "":
            self.cells.pop(key, None)
            return
        text_cell = self.number_format(row, col) == "@"
        if isinstance(value, Decimal):
            if not currency_ok:
                raise TypeError("appscript cannot hand a Decimal to Excel")
            stored: object = float(round(value, 4))  # float-ok: COM's Currency, four decimal places
            if self.number_format(row, col) == "General":
                self.formats[key] = "$#,##0.00"
        elif isinstance(value, bool):
            stored = value
        elif isinstance(value, int | float):
            stored = float(value)
        elif isinstance(value, datetime | date):
            stored = datetime(value.year, value.month, value.day, *(
                (value.hour, value.minute, value.second) if isinstance(value, datetime) else ()))
            if self.number_format(row, col) == "General":
                self.formats[key] = "m/d/yyyy"
        elif isinstance(value, str) and not text_cell:
            stored = self._typed(key, value)
        else:
            stored = str(value)
        if stored is None:
            self.cells.pop(key, None)
        else:
            self.cells[key] = stored

    def _typed(self, key: tuple[int, int], text: str) -> object:
        """Text typed into a General cell, as Excel reads it."""
        if text.startswith("'"):
            return text[1:] or None
        if text.startswith("="):
            self.formulas[key] = text
            link = HYPERLINK.match(text)
            return link.group(1).replace('""', '"') if link else Formula(text)
        if text in CLASSIC_ERRORS or text in NEWER_ERRORS:
            return ErrorValue(text)
        if NUMBER.match(text):
            return float(text)
        match = DATE_LIKE.match(text)
        if match and 1 <= int(match.group(2)) <= 12:
            self.formats[key] = "mmm-yy" if match.group(3) is None else "yyyy-mm-dd"
            return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
        return text

    def used(self) -> tuple[int, int, int, int]:
        """The used range (r1, c1, r2, c2): every cell with a value or a format, as Excel counts it; A1 alone for an
        empty sheet."""
        keys = set(self.cells) | set(self.formats)
        if not keys:
            return (1, 1, 1, 1)
        rows = [r for r, _ in keys]
        cols = [c for _, c in keys]
        return (min(rows), min(cols), max(rows), max(cols))

    def clear_contents(self, r1: int, c1: int, r2: int, c2: int) -> None:
        for key in [k for k in self.cells if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
            del self.cells[key]
            self.formulas.pop(key, None)

    def rows(self) -> list[list[object]]:
        """Test helper: the cells from A1 to the end of the used range, as a list of rows ([] when empty)."""
        if not self.cells:
            return []
        r2, c2 = max(r for r, _ in self.cells), max(c for _, c in self.cells)
        return [[self.cells.get((r, c)) for c in range(1, c2 + 1)] for r in range(1, r2 + 1)]


def grids_of_xlsx(path: Path) -> list[tuple[str, Grid]]:
    """The workbook file as Excel shows it: each sheet's values (text stays text), formats and tables."""
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        grid = Grid()
        for row in ws.iter_rows():
            for cell in row:
                key = (cell.row, cell.column)
                if cell.number_format != "General":
                    grid.formats[key] = cell.number_format
                if cell.value is None:
                    continue
                if cell.data_type == "e":
                    grid.cells[key] = ErrorValue(cell.value)
                elif cell.data_type == "f":
                    grid.formulas[key] = str(cell.value)
                    grid.cells[key] = Formula(str(cell.value))
                elif isinstance(cell.value, str):
                    grid.cells[key] = cell.value
                else:
                    grid.put(cell.row, cell.column, cell.value, currency_ok=True)
                    if cell.number_format != "General":
                        grid.formats[key] = cell.number_format
        for table in ws.tables.values():
            c1, r1, c2, r2 = openpyxl.utils.range_boundaries(table.ref)
            grid.tables.append([table.displayName, r1, c1, r2, c2])
        sheets.append((ws.title, grid))
    return sheets


def grids_of_raw(raw: dict[str, object]) -> list[tuple[str, Grid]]:
    """A workbook as the file reader read it (values only, tables by their header row and columns): quicker to
    open than through openpyxl, for large books where only the values matter."""
    sheets = []
    for name, sheet in raw.items():
        grid = Grid()
        for r, row in enumerate(sheet.rows, start=1):  # type: ignore[attr-defined]
            for c, value in enumerate(row, start=1):
                if isinstance(value, str):
                    grid.cells[(r, c)] = value
                elif value is not None:
                    grid.put(r, c, value, currency_ok=True)
        for t in sheet.tables:  # type: ignore[attr-defined]
            last = max([r for r, c in grid.cells if t.first_col < c <= t.last_col + 1] or [t.header_row])
            grid.tables.append([t.name, t.header_row, t.first_col + 1, last, t.last_col + 1])
        sheets.append((name, grid))
    return sheets
