"""Reading a workbook file into raw sheets with python-calamine (fast, reads cached formula values).

Before anything is parsed the file is looked at as bytes: a CSV, an old `.xls`, an encrypted workbook, a file that
is not a zip, or a zip that would unpack to more than `MAX_UNPACKED_BYTES` is refused with a message saying what to do.
Cells calamine reads as blank but that are not blank (an Excel error such as `#REF!`, a formula saved without its
computed value, a cell merged over by its neighbour) are marked so the reader reports them at their cell.
"""

from __future__ import annotations

import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from itertools import repeat
from pathlib import Path

import python_calamine

from mspxl.workbook.cells import merged_over
from mspxl.workbook.package_scan import package_extras, sheet_sizes
from mspxl.workbook.raw import RawBook, RawSheet, TableRef, gc_paused, whole_book_read
from mspxl.workbook.table import cell_ref

MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # a real accountant's workbook unpacks to a few MB; this is a zip bomb
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls files and of encrypted .xlsx files
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"  # ISO/IEC 29500 Strict, not Transitional
SAVE_AS_XLSX = "open it in Excel and save it as an Excel Workbook (.xlsx)"
REFUSED_SUFFIXES = {
    ".csv": "is a CSV file, not a readable .xlsx workbook: " + SAVE_AS_XLSX,
    ".tsv": "is a text file, not a readable .xlsx workbook: " + SAVE_AS_XLSX,
    ".txt": "is a text file, not a readable .xlsx workbook: " + SAVE_AS_XLSX,
    ".xls": "is an old-format Excel 97-2003 workbook (.xls), which mspxl cannot update: " + SAVE_AS_XLSX,
    ".xlsb": "is an Excel binary workbook (.xlsb), which mspxl cannot update: " + SAVE_AS_XLSX,
    ".ods": "is an OpenDocument spreadsheet (.ods), which mspxl cannot update: " + SAVE_AS_XLSX,
}
THREAD_BYTES = 4 * 1024 * 1024  # sheets unpacking to less are parsed in one thread: a second would cost more
Merge = tuple[tuple[int, int], tuple[int, int]]
EMPTY_ROW: list[object] = []  # shared by every empty row, so a sheet used down to row 1,048,576 costs little


class UnreadableWorkbook(Exception):
    """The file is not a workbook mspxl can read."""


def refuse_unreadable(path: Path) -> None:
    """Raise UnreadableWorkbook, saying what to do, unless the file looks like an .xlsx/.xlsm within the size limit."""
    name = path.name
    refused = REFUSED_SUFFIXES.get(path.suffix.lower())
    if refused:
        raise UnreadableWorkbook(f"{name} {refused}")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        if _contains(path, ENCRYPTED_STREAM):
            raise UnreadableWorkbook(
                f"{name} is protected with a password (encrypted), so mspxl cannot read it: in Excel choose "
                "File > Info > Protect Workbook > Encrypt with Password, clear the password, save, and run again")
        raise UnreadableWorkbook(f"{name} is an old-format Excel 97-2003 workbook (.xls), which mspxl cannot "
                                 "update: " + SAVE_AS_XLSX)
    if not head.startswith(b"PK"):
        looks = "it looks like text (a CSV file?)" if _looks_like_text(path) else "it is not a zip package"
        raise UnreadableWorkbook(f"{name} is not a readable .xlsx workbook: {looks}; " + SAVE_AS_XLSX)
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            unpacked = sum(info.file_size for info in package.infolist())
            strict = "xl/workbook.xml" in names and STRICT_NAMESPACE in package.read("xl/workbook.xml")[:4096]
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableWorkbook(f"{name} is not a readable .xlsx workbook: the file is damaged ({exc})") from exc
    if "xl/workbook.xml" not in names:
        raise UnreadableWorkbook(f"{name} is not a readable .xlsx workbook: it is a zip file but not an Excel "
                                 "workbook (no xl/workbook.xml inside)")
    if strict:
        raise UnreadableWorkbook(
            f"{name} is saved as a Strict Open XML Spreadsheet, which mspxl cannot update: in Excel choose File > "
            "Save As, pick the type Excel Workbook (*.xlsx), and run again")
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableWorkbook(
            f"{name} would unpack to {unpacked // 2**20:,} MB, more than mspxl's limit of "
            f"{MAX_UNPACKED_BYTES // 2**20:,} MB for a workbook: it is damaged or not a billing workbook")


def _contains(path: Path, needle: bytes, chunk: int = 1 << 20) -> bool:
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            if needle in tail + block:
                return True
            tail = block[-len(needle):]
    return False


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(4096)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in sample


def read_raw(path: Path, sheets: set[str] | None = None) -> RawBook:
    """Every worksheet of the file (or only `sheets`), with its Excel tables."""
    refuse_unreadable(path)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
    except Exception as exc:  # calamine raises several types for broken or foreign files
        raise UnreadableWorkbook(f"{path.name} is not a readable .xlsx workbook ({exc})") from exc
    try:
        wanted = [n for n in book.sheet_names if sheets is None or n in sheets]
        result: RawBook = {}
        with gc_paused():
            _read_sheets(book, wanted, path, result)
        if sheets is None:
            whole_book_read(path, result)
        return result
    finally:
        book.close()


Parsed = dict[str, tuple[list[list[object]], list[Merge]]]  # sheet -> its rows from A1 and its merged ranges


def _read_sheets(book: python_calamine.CalamineWorkbook, wanted: list[str], path: Path, result: RawBook) -> None:
    """The sheets `wanted`, in order, into `result`. When they are big, the largest are parsed in a second thread
    with a workbook of its own (calamine parses without holding the interpreter, but one workbook serves one thread
    at a time) while this thread looks through the package for unusable cells and tables and parses the rest."""
    sizes = sheet_sizes(path)
    mine, theirs = _split(wanted, sizes) if sum(sizes.get(n, 0) for n in wanted) >= THREAD_BYTES else (wanted, [])
    parsed: Parsed = {}
    with ThreadPoolExecutor(1, thread_name_prefix="mspxl-read") if theirs else nullcontext() as pool:
        other = pool.submit(_parse_from_path, path, theirs) if pool is not None else None
        hidden_values, tables = package_extras(path, set(wanted), list(book.table_names))
        parsed.update(_parse(book, mine))
        if other is not None:
            theirs_parsed = other.result()
            parsed.update(theirs_parsed if theirs_parsed is not None else _parse(book, theirs))
    if tables is None:
        tables = calamine_tables(book)
    for name in wanted:
        if name not in parsed:
            continue  # a chart sheet or a dialog sheet: not data
        rows, merges = parsed[name]
        _mark_merges(rows, merges)
        for (row, col), value in hidden_values.get(name, {}).items():
            _put(rows, row, col, value)
        _trim(rows)
        result[name] = RawSheet(name, rows, tables.get(name, []))


def _split(wanted: list[str], sizes: dict[str, int]) -> tuple[list[str], list[str]]:
    """The sheets in two groups of about the same bytes to parse, the first (this thread's, which also looks
    through the package) a little lighter."""
    loads = [sum(sizes.get(name, 0) for name in wanted) // 6, 0]
    groups: tuple[list[str], list[str]] = ([], [])
    for name in sorted(wanted, key=lambda n: -sizes.get(n, 0)):
        lighter = 0 if loads[0] <= loads[1] else 1
        groups[lighter].append(name)
        loads[lighter] += sizes.get(name, 0)
    return groups


def _parse_from_path(path: Path, names: list[str]) -> Parsed | None:
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # the first thread's workbook opened this file: that one reads these sheets then
        return None
    try:
        return _parse(book, names)
    finally:
        book.close()


def _parse(book: python_calamine.CalamineWorkbook, names: list[str]) -> Parsed:
    parsed: Parsed = {}
    for name in names:
        try:
            sheet = book.get_sheet_by_name(name)
            parsed[name] = _rows(sheet), sheet.merged_cell_ranges or []
        except Exception:  # a chart sheet or a dialog sheet: not data
            continue
    return parsed


def calamine_tables(book: python_calamine.CalamineWorkbook) -> dict[str, list[TableRef]]:
    """Per sheet, its Excel tables as calamine reads them (each one reads the table's cells too, so it is slow)."""
    tables: dict[str, list[TableRef]] = {}
    for name in book.table_names:
        table = book.get_table_by_name(name)
        start_row, start_col = table.start
        _, end_col = table.end
        # table.start is the first data cell; its header sits one row above (Excel row = index + 1).
        tables.setdefault(table.sheet, []).append(TableRef(name, start_row, start_col, end_col))
    return tables


def _rows(sheet: python_calamine.CalamineSheet) -> list[list[object]]:
    """The sheet's rows from A1, empty strings as None; an empty row is the shared EMPTY_ROW. calamine's row lists
    are new and ours: an empty string is replaced where `list.index` finds it (a row holds few), in place."""
    start_row, start_col = sheet.start if sheet.height else (0, 0)
    rows = sheet.to_python()
    pad = [None] * start_col  # calamine's rows start at the first used column
    for index, (row, empty) in enumerate(zip(rows, map(list.count, rows, repeat("")), strict=True)):
        if empty == len(row):
            rows[index] = EMPTY_ROW
            continue
        at = -1
        for _ in range(empty):
            at = row.index("", at + 1)
            row[at] = None
        if pad:
            rows[index] = pad + row
    if start_row and len(rows) == sheet.height:  # rows start at the first used row, not at row 1
        rows[:0] = [EMPTY_ROW] * start_row
    return rows


def _trim(rows: list[list[object]]) -> None:
    while rows and all(v is None for v in rows[-1]):
        rows.pop()


def _put(rows: list[list[object]], row: int, col: int, value: object) -> None:
    while len(rows) <= row:
        rows.append(EMPTY_ROW)
    cells = rows[row]
    if cells is EMPTY_ROW:
        cells = rows[row] = []
    if len(cells) <= col:
        cells.extend([None] * (col + 1 - len(cells)))
    cells[col] = value


def _mark_merges(rows: list[list[object]], merges: list[Merge]) -> None:
    """Every cell a merge covers, but its top-left, in a row that holds data: merged data cannot be read per row."""
    for (top, left), (bottom, right) in merges:
        label = f"{cell_ref(top + 1, left)}:{cell_ref(bottom + 1, right)}"
        for row in range(top, min(bottom, len(rows) - 1) + 1):
            if rows[row] is EMPTY_ROW:
                continue
            for col in range(left, right + 1):
                if (row, col) != (top, left):
                    _put(rows, row, col, merged_over(label))


