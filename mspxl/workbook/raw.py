"""Raw sheets: a sheet's cell values as rows, whatever they were read from (a file or Excel through xlwings)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableRef:
    """An Excel table on a sheet: its header row (1-based, as Excel shows it) and columns (0-based, inclusive)."""

    name: str
    header_row: int
    first_col: int
    last_col: int


@dataclass
class RawSheet:
    """`rows[0]` is Excel row 1 and `rows[r][0]` is column A. Empty cells are None."""

    name: str
    rows: list[list[object]]
    tables: list[TableRef] = field(default_factory=list)


RawBook = dict[str, RawSheet]


def clean_rows(rows: list[list[object]]) -> list[list[object]]:
    """Empty strings become None, trailing empty rows are dropped."""
    cleaned = [[None if v == "" else v for v in row] for row in rows]
    while cleaned and all(v is None for v in cleaned[-1]):
        cleaned.pop()
    return cleaned


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector held off while a workbook's rows become records: reading builds hundreds of
    thousands of small objects that are all kept (no cycles to find), and each automatic pass walks every one of
    them. Reference counting still frees everything dropped; the collector resumes after the block."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
