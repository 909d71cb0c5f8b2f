"""Workbooks for the Excel layer's tests: the same workbook as a file (for the command line) and open in the fake
Excel (for the ribbon), in the Windows or the macOS flavour, and a cell calling a worksheet function."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from bookdata import client, write_book
from xlfake import FLAVOURS, WINDOWS, engine_of, open_book, registered
from xlfake.engine import Range

TODAY = date(2026, 11, 25)
START = date(2026, 1, 1)


def sheets() -> dict[str, list[dict[str, object]]]:
    return {
        "Clients": [client("C1", **{"Tax Rate": "0.0825", "Contact First Name": "Ann", "Address": "1 Main St",
                                    "Bank Routing": "125000024", "Bank Account": "5207875328"}),
                    client("C2", Name="Alpha Dental & Co <Main>", Autopay="N", **{"Hourly Rate": 120})],
        "Subscriptions": [{"Client ID": c, "Service Code": "STD", "Start Date": START} for c in ("C1", "C2")],
        "Users": [{"Client ID": c, "User Name": f"u{i}", "Added On": START} for c in ("C1", "C2") for i in range(3)],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C2", "Date": date(2026, 10, 3), "Hours": "1.5",
                     "Description": "New user setup"},
                    {"Entry ID": "W2", "Client ID": "C1", "Date": date(2026, 12, 3), "Hours": "2",
                     "Description": "Not yet billable", "Rate": 100}],
    }


@pytest.fixture(params=FLAVOURS)
def engine(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The fake Excel in each flavour, registered with xlwings as its "excel" engine."""
    fake = engine_of(request.param)
    with registered(fake):
        yield fake


def twin(tmp_path: Path, engine: Any, data: dict[str, list[dict[str, object]]] | None = None,
         settings: dict[str, object] | None = None) -> tuple[Path, xw.Book]:
    """The same workbook twice: a file for the command line, an open book for the ribbon."""
    (tmp_path / "cli").mkdir()
    (tmp_path / "xl").mkdir()
    path = write_book(tmp_path / "cli" / "book.xlsx", data or sheets(), settings)
    xl = open_book(write_book(tmp_path / "xl" / "book.xlsx", data or sheets(), settings), engine)
    return path, xl


def select(book: xw.Book, sheet: str, cell: str | None) -> None:
    """The accountant selects a cell (None: nothing selected)."""
    book.impl.app.selection = book.sheets[sheet].range(cell).impl if cell else None


_udfs_loaded = False


def in_cell(book: xw.Book, cell: str, function: str, *args: object) -> Any:
    """`=FUNCTION(args)` typed in Clients!<cell> of Excel for Windows: the call the add-in's VBA wrapper makes
    (`XLPy.CallUDF` into xlwings' COM server, `Nothing` in the caller's place), through xlwings' own `call_udf`.
    A cell reference argument is given as an `xlwings.Range`."""
    global _udfs_loaded
    xlwindows = WINDOWS.xlwindows
    if not _udfs_loaded:  # on Windows `xw.func` is xlwings' `udfs.xlfunc`: the module is decorated as there
        xw.func = WINDOWS.udfs.xlfunc
        importlib.reload(importlib.import_module("mspxl.xl.udfs"))
        _udfs_loaded = True
    caller = book.sheets["Clients"].range(cell).impl
    plain = [a.impl if isinstance(a, xw.Range) else a for a in args] + [None]  # the wrapper passes Nothing for caller
    real_range, real_check = xlwindows.Range, xlwindows.is_range_instance
    xlwindows.Range = lambda xl: xl  # the fake's ranges are their own COM objects
    xlwindows.is_range_instance = lambda obj: isinstance(obj, Range)
    try:
        return WINDOWS.com_server.XLPython().CallUDF("mspxl.xl.udfs", function, tuple(plain), None, caller)
    finally:
        xlwindows.Range, xlwindows.is_range_instance = real_range, real_check
