"""Raw sheets: a sheet's cell values as rows, whatever they were read from (a file or Excel through xlwings)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path


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


ReadSeen = Callable[[Path, RawBook], None]
_seen: ContextVar[ReadSeen | None] = ContextVar("mspxl_read_seen", default=None)


@contextmanager
def reads_seen(seen: ReadSeen) -> Iterator[None]:
    """While the block runs, every whole workbook read from a file is handed to `seen` as well (the audit trail
    describes the workbook a run read from the cells it read, rather than reading the file again)."""
    token = _seen.set(seen)
    try:
        yield
    finally:
        _seen.reset(token)


def whole_book_read(path: Path, book: RawBook) -> None:
    """A reader read every sheet of `path`: tell whoever is watching."""
    seen = _seen.get()
    if seen is not None:
        seen(path, book)
