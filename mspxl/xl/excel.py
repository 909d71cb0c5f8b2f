"""The workbook open in Excel, through xlwings: its sheets looked up once per button press, each sheet read with one
call, and Excel's error values recognised on both platforms.

Reading differs by platform because xlwings' engines differ:
- Windows: `options(err_to_str=True)` turns the seven classic errors into their text; the newer ones (`#SPILL!`,
  `#CALC!`, `#FIELD!`...) still arrive as COM's CVErr integers (-2146826243 for `#SPILL!`), mapped here.
- macOS: `err_to_str` fails on any range of more than one cell in xlwings' AppleScript engine, and an error cell
  reads as blank. The sheet is read plainly; its error cells are found with one SpecialCells query each for
  constants and formulas, and only those cells are read again for their text.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from mspxl.schema import header_key
from mspxl.workbook.cells import excel_error
from mspxl.workbook.raw import RawBook, RawSheet, TableRef, clean_rows
from mspxl.xl.mirror import Mirror, WrittenSheet

# What Excel shows in a cell whose formula failed.
CLASSIC_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
EXCEL_ERRORS = frozenset(CLASSIC_ERRORS + ("#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!",
                                          "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!"))
# Excel's error values as COM hands them to Python: 0x800A0000 plus the XlCVError code.
CVERR_BASE = -2146828288
CVERR = {2000: "#NULL!", 2007: "#DIV/0!", 2015: "#VALUE!", 2023: "#REF!", 2029: "#NAME?", 2036: "#NUM!",
         2042: "#N/A", 2043: "#GETTING_DATA", 2045: "#SPILL!", 2046: "#CONNECT!", 2047: "#BLOCKED!",
         2048: "#UNKNOWN!", 2049: "#FIELD!", 2050: "#CALC!"}
UNKNOWN_ERROR = "#ERROR"  # an error value Excel did not name to us (macOS gives the text of the classic seven only)


def cell_value(value: object) -> object:
    """A value as xlwings reads it, an Excel error marked unusable (as the file reader marks it) rather than read
    as a number or a blank cell."""
    if isinstance(value, str):
        return excel_error(value) if value in EXCEL_ERRORS else value
    if isinstance(value, int) and not isinstance(value, bool):
        # COM gives every number as a double: an integer is a CVErr
        return excel_error(CVERR.get(value - CVERR_BASE, UNKNOWN_ERROR))
    if isinstance(value, Decimal):
        # a currency-formatted cell, which COM gives as a Currency: the cell holds a double, as the file reader
        # reads it
        return float(value)  # float-ok: the double Excel stores, so both readers see the same cell
    return value


def excel_value(value: object) -> object:
    """A Python value as it is handed to Excel: every number is a double there, dates are datetimes."""
    if isinstance(value, Decimal):
        return float(value)  # float-ok: Excel stores every number as a double; amounts are whole cents
    if isinstance(value, bool | datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


def is_mac_engine(book: Any) -> bool:
    """Is the book driven by xlwings' macOS (AppleScript) engine?"""
    engine = book.app.engine.impl
    return any(cls.__module__ == "xlwings._xlmac" for cls in type(engine).__mro__)


class Excel:
    """One workbook open in Excel, for one button press: an `xlwings.Book` and its sheets, looked up once."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._sheets: list[tuple[str, Any]] | None = None
        self.touched: set[str] = set()  # sheets handed out (to be written, perhaps) since the last read
        self.mirror: Mirror | None = None  # the whole book as last read, with what was written since
        self.digests: dict[int, tuple[RawSheet, bytes]] = {}  # sheets hashed for the Runs row, by identity

    @cached_property
    def mac(self) -> bool:
        return is_mac_engine(self.book)

    @cached_property
    def fullname(self) -> str:
        return str(self.book.fullname)

    def sheets(self) -> list[tuple[str, Any]]:
        """(name, sheet) of every sheet, in order."""
        if self._sheets is None:
            self._sheets = [(name, WrittenSheet(name, sheet, self))
                            for name, sheet in ((sheet.name, sheet) for sheet in self.book.sheets)]
        return self._sheets

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self.sheets())

    def find_sheet(self, name: str) -> Any | None:
        """The sheet called `name` (ignoring case, spaces and underscores, as the reader does), or None."""
        wanted = header_key(name)
        loose = None
        for sheet_name, sheet in self.sheets():
            if sheet_name == name:
                self.touched.add(sheet_name)
                return sheet
            if loose is None and header_key(sheet_name) == wanted:
                loose = (sheet_name, sheet)
        if loose is None:
            return None
        self.touched.add(loose[0])
        return loose[1]

    def sheet_name(self, name: str) -> str | None:
        sheet = self.find_sheet(name)
        return next((n for n, s in self.sheets() if s is sheet), None) if sheet is not None else None

    def add_sheet(self, name: str) -> Any:
        """A new sheet after the last one (named after it is added: xlwings would read every name again)."""
        sheets = self.sheets()
        added = self.book.sheets.add(after=sheets[-1][1].xw)
        added.name = name
        sheet = WrittenSheet(name, added, self)
        sheets.append((name, sheet))
        self.touched.add(name)
        if self.mirror is not None:
            self.mirror.added(name)
        return sheet

    def alert(self, message: str, title: str) -> None:
        self.book.app.alert(message, title=title)

    def save(self) -> None:
        self.book.save()

    def read(self, only: set[str] | None = None) -> RawBook:
        """Every worksheet (or the ones named in `only`) as raw sheets."""
        self.touched.clear()
        raw = {name: RawSheet(name, self.sheet_rows(sheet), sheet_tables(sheet))
               for name, sheet in self.sheets() if only is None or name in only}
        self.mirror = Mirror(raw) if only is None else None
        return raw

    def as_written(self, before: RawBook) -> RawBook:
        """The workbook as it is now: what was written since the whole book was read (`before`) noted on the sheets
        as read, without reading them from Excel again; only a sheet whose cells cannot be told that way (see
        `mspxl.xl.mirror`) is read again (every sheet handed out, when the last read was not of the whole book)."""
        touched, self.touched = self.touched, set()
        mirror = self.mirror
        if mirror is None:
            return {name: before[name] if name in before and name not in touched
                    else RawSheet(name, self.sheet_rows(sheet), sheet_tables(sheet)) for name, sheet in self.sheets()}
        return {name: RawSheet(name, self.sheet_rows(sheet), sheet_tables(sheet)) if name in mirror.unknown
                else mirror.sheets.get(name, RawSheet(name, [])) for name, sheet in self.sheets()}

    def sheet_rows(self, sheet: Any) -> list[list[object]]:
        """The sheet's cells from A1 to the end of its used range: `rows[0]` is Excel row 1."""
        used = sheet.used_range
        if self.mac:
            block = [[cell_value(v) for v in row] for row in used.options(ndim=2).value]
            mark_mac_errors(used, block)
        else:
            block = [[cell_value(v) for v in row] for row in used.options(ndim=2, err_to_str=True).value]
        top, left = used.row - 1, used.column - 1
        padded: list[list[object]] = [[] for _ in range(top)]
        padded.extend([None] * left + row for row in block)
        return clean_rows(padded)


def mark_mac_errors(used: Any, block: list[list[object]]) -> None:
    """macOS: the error cells of the used range (read as blank) marked with their error, each read alone, where
    xlwings' `err_to_str` works."""
    sheet = used.sheet
    for kind in ("constants", "formulas"):
        for area in used.get_special_cells(kind, "errors"):
            height, width = area.shape
            for r in range(area.row, area.row + height):
                for c in range(area.column, area.column + width):
                    text = sheet.range((r, c)).options(err_to_str=True).value
                    code = text if isinstance(text, str) and text in EXCEL_ERRORS else UNKNOWN_ERROR
                    block[r - used.row][c - used.column] = excel_error(code)


def sheet_tables(sheet: Any) -> list[TableRef]:
    """The sheet's Excel tables (header row and columns), as the file reader reports them."""
    refs = []
    for table in sheet.tables:
        rng = table.range
        _, width = rng.shape
        refs.append(TableRef(table.name, rng.row, rng.column - 1, rng.column - 2 + width))
    return refs
