"""The small part of the xlwings Book API the Excel layer uses, and reading a book into raw sheets in bulk.

Everything here works on any object shaped like an `xlwings.Book`: the real one inside Excel, or an in-memory
stand-in in tests. Each sheet is read with one `used_range.value` call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from mspxl.schema import header_key
from mspxl.workbook.cells import excel_error
from mspxl.workbook.raw import RawBook, RawSheet, TableRef, clean_rows


class RangeLike(Protocol):
    value: Any
    number_format: str

    @property
    def row(self) -> int: ...

    @property
    def column(self) -> int: ...

    @property
    def shape(self) -> tuple[int, int]: ...

    def select(self) -> None: ...

    def options(self, **options: Any) -> RangeLike: ...


class TableLike(Protocol):
    name: str

    @property
    def range(self) -> RangeLike: ...

    def resize(self, range: RangeLike) -> None: ...  # noqa: A002 - the xlwings name


class TablesLike(Protocol):
    def __iter__(self) -> Iterator[TableLike]: ...

    def add(self, source: RangeLike, name: str | None = None,
            table_style_name: str = "TableStyleMedium2") -> TableLike: ...


class SheetLike(Protocol):
    name: str

    @property
    def used_range(self) -> RangeLike: ...

    @property
    def tables(self) -> TablesLike: ...

    def range(self, cell1: Any, cell2: Any = None) -> RangeLike: ...

    def activate(self) -> None: ...

    def clear_contents(self) -> None: ...


class SheetsLike(Protocol):
    def __getitem__(self, key: str | int) -> SheetLike: ...

    def __iter__(self) -> Iterator[SheetLike]: ...

    def add(self, name: str | None = None, before: SheetLike | None = None,
            after: SheetLike | None = None) -> SheetLike: ...


class AppLike(Protocol):
    def alert(self, prompt: str, title: str | None = None) -> Any: ...


class BookLike(Protocol):
    fullname: str

    @property
    def sheets(self) -> SheetsLike: ...

    @property
    def app(self) -> AppLike: ...

    def save(self) -> None: ...


def find_sheet(book: BookLike, name: str) -> SheetLike | None:
    """The sheet called `name` (ignoring case, spaces and underscores, as the reader does), or None."""
    wanted = header_key(name)
    exact = None
    loose = None
    for sheet in book.sheets:
        if sheet.name == name:
            exact = sheet
        elif loose is None and header_key(sheet.name) == wanted:
            loose = sheet
    return exact or loose


def as_rows(value: Any, height: int, width: int) -> list[list[object]]:
    """A range's `.value` as a list of rows, whatever its shape: xlwings gives a scalar for one cell and a flat
    list for a single row or column."""
    if height == 1 and width == 1:
        return [[value]]
    if height == 1:
        return [list(value)]
    if width == 1:
        return [[v] for v in value]
    return [list(r) for r in value]


# What Excel shows in a cell whose formula failed; xlwings gives them as this text with `err_to_str`.
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!"})


def cell_value(value: object) -> object:
    """A value as read through xlwings, an Excel error marked unusable (as the file reader marks it) rather than
    read as a blank cell."""
    return excel_error(value) if isinstance(value, str) and value in EXCEL_ERRORS else value


def sheet_rows(sheet: SheetLike) -> list[list[object]]:
    """The sheet's cells from A1 to the end of its used range, one `.value` call: `rows[0]` is Excel row 1."""
    used = sheet.used_range
    height, width = used.shape
    block = as_rows(used.options(err_to_str=True).value, height, width)
    top, left = used.row - 1, used.column - 1
    padded: list[list[object]] = [[] for _ in range(top)]
    padded.extend([None] * left + [cell_value(v) for v in row] for row in block)
    return clean_rows(padded)


def sheet_tables(sheet: SheetLike) -> list[TableRef]:
    """The sheet's Excel tables (header row and columns), as the file reader reports them."""
    refs = []
    try:
        tables: Iterable[TableLike] = list(sheet.tables)
    except Exception:  # an engine without table support: headers are found by search instead
        return []
    for table in tables:
        rng = table.range
        _, width = rng.shape
        refs.append(TableRef(table.name, rng.row, rng.column - 1, rng.column - 2 + width))
    return refs


def read_book(book: BookLike, only: set[str] | None = None) -> RawBook:
    """Every worksheet (or the ones named in `only`) as raw sheets."""
    raw: RawBook = {}
    for sheet in book.sheets:
        if only is not None and sheet.name not in only:
            continue
        raw[sheet.name] = RawSheet(sheet.name, sheet_rows(sheet), sheet_tables(sheet))
    return raw


def excel_value(value: object) -> object:
    """A Python value as it is handed to Excel: every number is a double there, dates are datetimes."""
    if isinstance(value, Decimal):
        return float(value)  # float-ok: Excel stores every number as a double; amounts are whole cents
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value
