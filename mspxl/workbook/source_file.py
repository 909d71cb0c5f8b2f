"""Reading a workbook file into raw sheets with python-calamine (fast, reads cached formula values).

Before anything is parsed the file is looked at as bytes: a CSV, an old `.xls`, an encrypted workbook, a file that
is not a zip, or a zip that would unpack to more than `MAX_UNPACKED_BYTES` is refused with a message saying what to do.
Cells calamine reads as blank but that are not blank (an Excel error such as `#REF!`, a formula saved without its
computed value, a cell merged over by its neighbour) are marked so the reader reports them at their cell.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path, PurePosixPath

import python_calamine

from mspxl.workbook.cells import Unusable, excel_error, merged_over, uncomputed_formula
from mspxl.workbook.raw import RawBook, RawSheet, TableRef
from mspxl.workbook.table import cell_ref

MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # a real accountant's workbook unpacks to a few MB; this is a zip bomb
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls files and of encrypted .xlsx files
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
SAVE_AS_XLSX = "open it in Excel and save it as an Excel Workbook (.xlsx)"
REFUSED_SUFFIXES = {
    ".csv": "is a CSV file, not a readable .xlsx workbook: " + SAVE_AS_XLSX,
    ".tsv": "is a text file, not a readable .xlsx workbook: " + SAVE_AS_XLSX,
    ".txt": "is a text file, not a readable .xlsx workbook: " + SAVE_AS_XLSX,
    ".xls": "is an old-format Excel 97-2003 workbook (.xls), which mspxl cannot update: " + SAVE_AS_XLSX,
    ".xlsb": "is an Excel binary workbook (.xlsb), which mspxl cannot update: " + SAVE_AS_XLSX,
    ".ods": "is an OpenDocument spreadsheet (.ods), which mspxl cannot update: " + SAVE_AS_XLSX,
}
SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]*)\"")
SHEET_RE_ID_FIRST = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]*)\"[^>]*?\bname=\"([^\"]*)\"")
REL_RE = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?\bId=\"([^\"]*)\"[^>]*?\bTarget=\"([^\"]*)\"")
REL_RE_TARGET_FIRST = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?\bTarget=\"([^\"]*)\"[^>]*?\bId=\"([^\"]*)\"")
CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
ATTR_RE = re.compile(rb"\b(r|t)=\"([^\"]*)\"")
FORMULA_RE = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
VALUE_RE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)", re.S)
REF_RE = re.compile(r"^([A-Z]+)(\d+)$")
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
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableWorkbook(f"{name} is not a readable .xlsx workbook: the file is damaged ({exc})") from exc
    if "xl/workbook.xml" not in names:
        raise UnreadableWorkbook(f"{name} is not a readable .xlsx workbook: it is a zip file but not an Excel "
                                 "workbook (no xl/workbook.xml inside)")
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
        tables: dict[str, list[TableRef]] = {}
        for name in book.table_names:
            table = book.get_table_by_name(name)
            start_row, start_col = table.start
            _, end_col = table.end
            # table.start is the first data cell; its header sits one row above (Excel row = index + 1).
            tables.setdefault(table.sheet, []).append(TableRef(name, start_row, start_col, end_col))
        wanted = [n for n in book.sheet_names if sheets is None or n in sheets]
        hidden_values = unusable_cells(path, set(wanted))
        result: RawBook = {}
        for name in wanted:
            try:
                sheet = book.get_sheet_by_name(name)
                rows = _rows(sheet)
                merges = sheet.merged_cell_ranges or []
            except Exception:  # a chart sheet or a dialog sheet: not data
                continue
            _mark_merges(rows, merges)
            for (row, col), value in hidden_values.get(name, {}).items():
                _put(rows, row, col, value)
            _trim(rows)
            result[name] = RawSheet(name, rows, tables.get(name, []))
        return result
    finally:
        book.close()


def _rows(sheet: python_calamine.CalamineSheet) -> list[list[object]]:
    """The sheet's rows from A1, empty strings as None; an empty row is the shared EMPTY_ROW."""
    rows: list[list[object]] = []
    start_row, start_col = sheet.start if sheet.height else (0, 0)
    pad = [None] * start_col  # calamine's rows start at the first used column
    for row in sheet.iter_rows():
        if row.count("") != len(row):
            rows.append(pad + [None if v == "" else v for v in row])
        else:
            rows.append(EMPTY_ROW)
    if start_row and len(rows) == sheet.height:  # rows started at the first used row, not at row 1
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


def _mark_merges(rows: list[list[object]], merges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Every cell a merge covers, but its top-left, in a row that holds data: merged data cannot be read per row."""
    for (top, left), (bottom, right) in merges:
        label = f"{cell_ref(top + 1, left)}:{cell_ref(bottom + 1, right)}"
        for row in range(top, min(bottom, len(rows) - 1) + 1):
            if rows[row] is EMPTY_ROW:
                continue
            for col in range(left, right + 1):
                if (row, col) != (top, left):
                    _put(rows, row, col, merged_over(label))


def unusable_cells(path: Path, sheet_names: set[str]) -> dict[str, dict[tuple[int, int], Unusable]]:
    """Per sheet, the 0-based (row, col) of cells holding an Excel error or a formula with no computed value."""
    found: dict[str, dict[tuple[int, int], Unusable]] = {}
    with zipfile.ZipFile(path) as package:
        for name, part in _sheet_parts(package).items():
            if name not in sheet_names:
                continue
            try:
                xml = package.read(part)
            except KeyError:
                continue
            if b"<f" not in xml and b't="e"' not in xml:
                continue
            cells = _unusable_in(xml)
            if cells:
                found[name] = cells
    return found


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part inside the package (`xl/worksheets/sheet1.xml`)."""
    try:
        workbook = package.read("xl/workbook.xml")
        rels = package.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {rid: target for rid, target in REL_RE.findall(rels)}
    targets.update({rid: target for target, rid in REL_RE_TARGET_FIRST.findall(rels)})
    sheets = {rid: name for name, rid in SHEET_RE.findall(workbook)}
    sheets.update({rid: name for rid, name in SHEET_RE_ID_FIRST.findall(workbook)})
    parts: dict[str, str] = {}
    for rid, name in sheets.items():
        target = targets.get(rid)
        if target is None:
            continue
        text = target.decode()
        part = text.lstrip("/") if text.startswith("/") else str(PurePosixPath("xl") / text)
        parts[html.unescape(name.decode())] = part
    return parts


def _unusable_in(xml: bytes) -> dict[tuple[int, int], Unusable]:
    cells: dict[tuple[int, int], Unusable] = {}
    for match in CELL_RE.finditer(xml):
        attrs = dict(ATTR_RE.findall(match.group(1)))
        inner = match.group(2) or b""
        ref = attrs.get(b"r")
        if ref is None:
            continue
        value = VALUE_RE.search(inner)
        cached = (value.group(1) or b"") if value else None
        if attrs.get(b"t") == b"e":
            marker = excel_error(html.unescape((cached or b"#VALUE!").decode()))
        else:
            formula = FORMULA_RE.search(inner)
            if formula is None or (cached is not None and (cached.strip() or attrs.get(b"t") == b"str")):
                continue  # a computed formula, or one whose computed value is the empty text ""
            marker = uncomputed_formula(html.unescape((formula.group(1) or b"").decode()) or "(shared formula)")
        where = REF_RE.match(ref.decode())
        if where:
            cells[(int(where.group(2)) - 1, _column_index(where.group(1)))] = marker
    return cells


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1
