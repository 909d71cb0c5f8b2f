"""A vendor file as a table: its header and its data rows, from CSV (any of the encodings and delimiters vendor
portals write) or from a spreadsheet (.xlsx, .xlsm, .xls, .ods through python-calamine). The one place of the
package that reads a file; everything after it is pure.

The header is the first row with at least two filled cells (a portal's title line above it is skipped). Row numbers
are those a spreadsheet shows, so a problem names the row the accountant sees when opening the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import python_calamine

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
ENCODINGS = ("utf-8-sig", "cp1252")  # Excel's "CSV UTF-8" and the Windows default (Excel's "Unicode text" has a BOM)


class BadVendorFile(ValueError):
    """A vendor file that cannot be read at all; the message is a sentence for the accountant."""


@dataclass(frozen=True)
class Table:
    name: str  # the file's name, for messages
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[object, ...]], ...]  # (row number as a spreadsheet shows it, cells)


def read_table(path: Path) -> Table:
    """The file's header and data rows; BadVendorFile when it is missing, empty or not a table."""
    if not path.exists():
        raise BadVendorFile(f"{path.name}: file not found ({path}).")
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return table_of(path.name, _spreadsheet_rows(path))
    return table_of(path.name, csv_rows(path.name, path.read_bytes()))


def csv_rows(name: str, data: bytes) -> list[list[object]]:
    """The rows of a CSV file: UTF-16 when it starts with its byte-order mark, else the first of ENCODINGS that
    decodes it; the delimiter is the one (comma, semicolon, tab) that splits its first lines alike."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadVendorFile(f"{name} is not a text (CSV) file or a spreadsheet; export it as CSV or .xlsx.")
    text = None
    for encoding in ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:  # cp1252 decodes almost anything; kept for completeness
        raise BadVendorFile(f"{name}: the text is in an encoding mspxl cannot read; save it as CSV UTF-8.")
    sample = "\n".join(text.splitlines()[:20])
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]


def _spreadsheet_rows(path: Path) -> list[list[object]]:
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for broken or foreign files
        raise BadVendorFile(f"{path.name} is not a readable spreadsheet ({exc}).") from exc
    try:
        for name in book.sheet_names:
            try:
                rows = book.get_sheet_by_name(name).to_python()
            except Exception:  # a chart sheet: no cells
                continue
            if any(any(cell not in ("", None) for cell in row) for row in rows):
                return [list(row) for row in rows]
        return []
    finally:
        book.close()


def table_of(name: str, rows: list[list[object]]) -> Table:
    """Header and data rows of raw rows: blank cells are None, text is stripped, blank rows are left out."""
    cleaned = [[_clean(v) for v in row] for row in rows]
    header_index = next((i for i, row in enumerate(cleaned[:20]) if sum(v is not None for v in row) >= 2), None)
    if header_index is None:
        raise BadVendorFile(f"{name} holds no table: no row with column headings in its first 20 rows.")
    headers = tuple("" if v is None else str(v) for v in cleaned[header_index])
    data = tuple((number, tuple(row)) for number, row in enumerate(cleaned[header_index + 1:], start=header_index + 2)
                 if any(v is not None for v in row))
    return Table(name, headers, data)


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value
