"""The two platforms' value semantics at the engine boundary, taken from xlwings' own engine modules.

Windows (`_xlwindows.py`): reading gives what COM's `Range.Value` gives: a scalar for one cell, else a tuple of row
tuples; `None` for an empty cell; numbers as float, but a cell with a currency or accounting format as a Currency,
which pywin32 hands over as a Decimal; dates as pywintypes' time type (with a time zone); an error as its CVErr
integer (-2146826281 for `#DIV/0!`, -2146826243 for `#SPILL!`). xlwings' own `Engine.clean_value_data` and
`prepare_xl_data_element` are inherited unchanged.

macOS (`_xlmac.py`): reading runs xlwings' own `Range.raw_value` over an AppleScript range whose `value` gives a
scalar or a list of row lists, `""` for an empty cell and `k.missing_value` for an error, and whose `string_value`
gives the text Excel shows. Again `Engine` is xlwings' own.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlfake.engine import Apps, Range
from xlfake.grid import CLASSIC_ERRORS, NEWER_ERRORS, ErrorValue, is_currency

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "workbook"))
import xlwings_platforms as platforms  # noqa: E402

WINDOWS = platforms.windows()
XLMAC = platforms.mac()
HRESULT_BASE = -2146828288  # 0x800A0000: a CVErr reaches Python as this plus the xlErr code
XL_ERR = {"#NULL!": 2000, "#DIV/0!": 2007, "#VALUE!": 2015, "#REF!": 2023, "#NAME?": 2029, "#NUM!": 2036,
          "#N/A": 2042, "#GETTING_DATA": 2043, "#SPILL!": 2045, "#CONNECT!": 2046, "#BLOCKED!": 2047,
          "#UNKNOWN!": 2048, "#FIELD!": 2049, "#CALC!": 2050}
assert set(XL_ERR) == set(CLASSIC_ERRORS) | set(NEWER_ERRORS)
assert {HRESULT_BASE + XL_ERR[e]: e for e in CLASSIC_ERRORS} == WINDOWS.xlwindows.cell_errors


def _rows(data: Any, shape: tuple[int, int]) -> list[list[object]]:
    """What an assignment to the range's value writes: a block, or one value filling the range."""
    if isinstance(data, list | tuple):
        return [list(r) for r in data] if data and isinstance(data[0], list | tuple) else [list(data)]
    return [[data] * shape[1] for _ in range(shape[0])]


class Windows:
    name = "windows"
    currency_ok = True  # pywin32 packs a Decimal as a Currency

    def __init__(self, onedrive_root: Path | None = None) -> None:
        self.onedrive_root = onedrive_root

    @staticmethod
    def com_value(value: object, number_format: str) -> object:
        if isinstance(value, ErrorValue):
            return HRESULT_BASE + XL_ERR[str(value)]
        if isinstance(value, dt.datetime):
            return platforms.TimeType(value.year, value.month, value.day, value.hour, value.minute, value.second,
                                      tzinfo=dt.UTC)
        if isinstance(value, float) and is_currency(number_format):
            return Decimal(round(value * 10000)) / 10000
        return value

    def read(self, rng: Range) -> Any:
        grid = rng.sheet.grid
        rows = tuple(tuple(self.com_value(grid.get(r, c), grid.number_format(r, c)) for c in range(rng.c1, rng.c2 + 1))
                     for r in range(rng.r1, rng.r2 + 1))
        return rows[0][0] if rng.shape == (1, 1) else rows

    def write_rows(self, data: Any, shape: tuple[int, int]) -> list[list[object]]:
        return _rows(data, shape)

    def fullname(self, stored: str) -> str:
        if "://" in stored:  # AutoSave on OneDrive: COM gives a URL; xlwings maps it to the synced folder
            from xlwings.utils import fullname_url_to_local_path

            return fullname_url_to_local_path(stored, sheet_onedrive_consumer_config=str(self.onedrive_root))
        return stored


class _Property:
    """`value` or `string_value` of an AppleScript range: `.get()` is one Apple event."""

    def __init__(self, rng: Range, convert: Any) -> None:
        self.rng, self.convert = rng, convert

    def get(self) -> Any:
        self.rng.sheet.book.app.calls["read"] += 1
        rows = [[self.convert(v) for v in row] for row in self.rng.block()]
        return rows[0][0] if self.rng.shape == (1, 1) else rows


def _as_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, ErrorValue):
        return platforms.missing_value()
    return value


def _as_text(value: object) -> str:
    return "" if value is None else str(value)


class AppleScriptRange:
    """What `_xlmac.Range` holds in `self.xl`, seen through the two properties its `raw_value` reads."""

    def __init__(self, rng: Range) -> None:
        self.xl = self
        self.options = rng.options
        self.value = _Property(rng, _as_value)
        self.string_value = _Property(rng, _as_text)


class Mac:
    name = "mac"
    currency_ok = False

    def __init__(self, onedrive_root: Path | None = None) -> None:
        self.onedrive_root = onedrive_root

    def read(self, rng: Range) -> Any:
        rng.sheet.book.app.calls["read"] -= 1  # the Apple events are counted one by one
        return XLMAC.Range.raw_value.fget(AppleScriptRange(rng))

    def write_rows(self, data: Any, shape: tuple[int, int]) -> list[list[object]]:
        return _rows(data, shape)

    def fullname(self, stored: str) -> str:
        return Windows.fullname(self, stored)  # type: ignore[arg-type]


class FakeExcel:
    """What the two engines add to xlwings' own: a flavour, and the fake Excel's apps."""

    def __init__(self, flavour: Windows | Mac) -> None:
        self.flavour = flavour
        self._apps = Apps(self)

    @property
    def apps(self) -> Apps:
        return self._apps


class WindowsEngine(FakeExcel, WINDOWS.xlwindows.Engine):
    """xlwings' Windows engine (its value cleaning and preparation) over the fake Excel."""


class MacEngine(FakeExcel, XLMAC.Engine):
    """xlwings' macOS engine (its value cleaning and preparation) over the fake Excel."""
