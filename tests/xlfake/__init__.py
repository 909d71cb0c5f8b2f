"""mspxl's Excel layer under test: xlwings' own code over a fake Excel engine, in a Windows and a macOS flavour.

    book = open_book(path, "windows")   # an xlwings.Book: xw.Book(impl=...) over the fake engine
    book.impl.app.calls                 # the round trips to Excel so far
    grid_of(book, "Invoices").rows()    # what the sheet holds now, as Excel keeps it
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import xlwings as xw

from xlfake.engine import Book, Sheet
from xlfake.flavours import WINDOWS, XLMAC, Mac, MacEngine, Windows, WindowsEngine
from xlfake.grid import ErrorValue, Formula, Grid, grids_of_raw, grids_of_xlsx

FLAVOURS = ("windows", "mac")

__all__ = ["FLAVOURS", "WINDOWS", "XLMAC", "ErrorValue", "Formula", "Grid", "engine_of", "grid_of", "open_book",
           "registered"]


def engine_of(flavour: str, onedrive_root: Path | None = None) -> WindowsEngine | MacEngine:
    return WindowsEngine(Windows(onedrive_root)) if flavour == "windows" else MacEngine(Mac(onedrive_root))


@contextmanager
def registered(engine: WindowsEngine | MacEngine) -> Iterator[xw.Engine]:
    """The engine registered with xlwings as "excel" and active, as xlwings registers its own; then removed."""
    before_active, before = xw.engines.active, dict(xw.engines.engines_by_name)
    wrapped = xw.Engine(impl=engine)
    xw.engines.add(wrapped)
    xw.engines.active = wrapped
    try:
        yield wrapped
    finally:
        xw.engines.engines.remove(wrapped)
        xw.engines.engines_by_name.clear()
        xw.engines.engines_by_name.update(before)
        xw.engines.active = before_active


def open_book(path: Path, engine: WindowsEngine | MacEngine, fullname: str | None = None,
              values_only: bool = False) -> xw.Book:
    """The workbook file open in the fake Excel, as xlwings gives it to a RunPython call (`values_only`: read with
    mspxl's file reader, without number formats: quicker for a large book)."""
    app = engine.apps.app_list[0] if engine.apps.app_list else engine.apps.add()
    book = Book(app, fullname or str(path.resolve()))
    if values_only:
        from mspxl.workbook.source_file import read_raw

        grids = grids_of_raw(read_raw(path))
    else:
        grids = grids_of_xlsx(path)
    for name, grid in grids:
        book.sheet_list.append(Sheet(book, name, grid))
    app.book_list.append(book)
    app.active_book = book
    book.active = book.sheet_list[0]._name
    return xw.Book(impl=book)


def grid_of(book: xw.Book, sheet: str) -> Grid:
    return book.impl.sheets(sheet).grid
