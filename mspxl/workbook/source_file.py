"""Reading a workbook file into raw sheets with python-calamine (fast, reads cached formula values).

Before anything is parsed the file is looked at as bytes: a CSV, an old `.xls`, an encrypted workbook, a file that
is not a zip, or a zip that would unpack to more than `MAX_UNPACKED_BYTES` is refused with a message saying what to do.
Cells calamine reads as blank but that are not blank (an Excel error such as `#REF!`, a formula saved without its
computed value, a cell merged over by its neighbour) are marked so the reader reports them at their cell.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import python_calamine

from mspxl.workbook.cells import Unusable, excel_error, merged_over, uncomputed_formula
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
SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]*)\"")
SHEET_RE_ID_FIRST = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]*)\"[^>]*?\bname=\"([^\"]*)\"")
REL_RE = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?\bId=\"([^\"]*)\"[^>]*?\bTarget=\"([^\"]*)\"")
REL_RE_TARGET_FIRST = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?\bTarget=\"([^\"]*)\"[^>]*?\bId=\"([^\"]*)\"")
CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
ATTR_RE = re.compile(rb"\b(r|t)=\"([^\"]*)\"")
FORMULA_RE = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
VALUE_RE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)", re.S)
REF_RE = re.compile(r"^([A-Z]+)(\d+)$")
ELEMENT_ATTRS_RE = re.compile(rb"\b([\w:]+)=\"([^\"]*)\"")
RELATIONSHIP_RE = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
TABLE_RE = re.compile(rb"<(?:\w+:)?table\b([^>]*)>")
RANGE_RE = re.compile(r"^\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)$")
WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
END_OF_NAME = (b" ", b">", b"/", b"\n", b"\t", b"\r")
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
        hidden_values, tables = _package_extras(path, set(wanted), list(book.table_names))
        if tables is None:
            tables = _calamine_tables(book)
        result: RawBook = {}
        with gc_paused():
            _read_sheets(book, wanted, hidden_values, tables, result)
        if sheets is None:
            whole_book_read(path, result)
        return result
    finally:
        book.close()


def _read_sheets(book: python_calamine.CalamineWorkbook, wanted: list[str],
                 hidden_values: dict[str, dict[tuple[int, int], Unusable]], tables: dict[str, list[TableRef]],
                 result: RawBook) -> None:
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


def _calamine_tables(book: python_calamine.CalamineWorkbook) -> dict[str, list[TableRef]]:
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
    """The sheet's rows from A1, empty strings as None; an empty row is the shared EMPTY_ROW."""
    rows: list[list[object]] = []
    start_row, start_col = sheet.start if sheet.height else (0, 0)
    pad = [None] * start_col  # calamine's rows start at the first used column
    for row in sheet.iter_rows():
        empty = row.count("")
        if empty == len(row):
            rows.append(EMPTY_ROW)
        elif empty:
            rows.append(pad + [None if v == "" else v for v in row])
        else:
            rows.append(pad + row if pad else row)  # each row is a new list: kept as it is
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
    with zipfile.ZipFile(path) as package:
        return _unusable_cells(package, _sheet_parts(package), sheet_names)


def _package_extras(path: Path, sheet_names: set[str], table_names: list[str]
                    ) -> tuple[dict[str, dict[tuple[int, int], Unusable]], dict[str, list[TableRef]] | None]:
    """The unusable cells of the sheets, and their Excel tables when every table is plain (see _package_tables)."""
    with zipfile.ZipFile(path) as package:
        parts = _sheet_parts(package)
        return _unusable_cells(package, parts, sheet_names), _package_tables(package, parts, table_names)


def _unusable_cells(package: zipfile.ZipFile, parts: dict[str, str], sheet_names: set[str]
                    ) -> dict[str, dict[tuple[int, int], Unusable]]:
    found: dict[str, dict[tuple[int, int], Unusable]] = {}
    for name, part in parts.items():
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


def _package_tables(package: zipfile.ZipFile, parts: dict[str, str], table_names: list[str]
                    ) -> dict[str, list[TableRef]] | None:
    """Per sheet, its Excel tables read from the package's table parts, in calamine's order: the same as
    `_calamine_tables` without reading any cell. None when a table is not plain (no single header row, a range that
    is not `A1:E20`) or the tables found are not the ones calamine names: then calamine reads them."""
    by_name: dict[str, tuple[str, TableRef]] = {}
    for sheet, part in parts.items():
        folder, _, base = part.rpartition("/")
        try:
            rels = package.read(f"{folder}/_rels/{base}.rels")
        except KeyError:
            continue
        for rel in RELATIONSHIP_RE.finditer(rels):
            attrs = dict(ELEMENT_ATTRS_RE.findall(rel.group(1)))
            if not attrs.get(b"Type", b"").endswith(b"/table"):
                continue
            target = html.unescape(attrs.get(b"Target", b"").decode())
            table_part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{folder}/{target}")
            try:
                head = TABLE_RE.search(package.read(table_part))
            except KeyError:
                return None
            if head is None:
                return None
            table = dict(ELEMENT_ATTRS_RE.findall(head.group(1)))
            where = RANGE_RE.match(table.get(b"ref", b"").decode())
            name = html.unescape((table.get(b"displayName") or table.get(b"name") or b"").decode())
            if where is None or table.get(b"headerRowCount", b"1") != b"1" or not name or name in by_name:
                return None
            by_name[name] = (sheet, TableRef(name, int(where.group(2)), _column_index(where.group(1)),
                                             _column_index(where.group(3))))
    if sorted(by_name) != sorted(table_names):
        return None
    tables: dict[str, list[TableRef]] = {}
    for name in table_names:
        sheet, ref = by_name[name]
        tables.setdefault(sheet, []).append(ref)
    return tables


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
    """Every cell of the sheet's XML holding an error or an uncomputed formula. Only the cells around a `<f` tag or
    a `t="e"` attribute are looked at (a 10 MB sheet of plain values has none); a sheet that writes its cells with a
    namespace prefix (`<x:c>`) is scanned cell by cell."""
    if _has_prefixed_tags(xml):
        return _unusable_of(CELL_RE.finditer(xml))
    starts: dict[int, int] = {}  # cell start -> the first hit inside it
    for hit in _hits(xml):
        start = _cell_start(xml, hit)
        if start >= 0:
            starts.setdefault(start, hit)
    matches = []
    for start in sorted(starts):
        match = CELL_RE.match(xml, start)
        if match is not None and match.end() > starts[start]:
            matches.append(match)
    return _unusable_of(matches)


def _has_prefixed_tags(xml: bytes) -> bool:
    """A `<x:c ...>` or `<x:f>` element: cells written with a namespace prefix."""
    for needle in (b":c", b":f"):
        at = xml.find(needle)
        while at >= 0:
            if xml[at + 2:at + 3] in END_OF_NAME:
                return True
            at = xml.find(needle, at + 1)
    return False


def _hits(xml: bytes) -> list[int]:
    """Where a formula element (`<f>`, `<f t="shared" .../>`) or an error type (`t="e"`) begins."""
    hits = []
    for needle, after in ((b"<f", 2), (b't="e"', None)):
        at = xml.find(needle)
        while at >= 0:
            if after is None or (at + after < len(xml) and xml[at + after] not in WORD_BYTES):
                hits.append(at)
            at = xml.find(needle, at + 1)
    return hits


def _cell_start(xml: bytes, before: int) -> int:
    """The start of the last `<c` element tag before `before`, or -1."""
    at = xml.rfind(b"<c", 0, before)
    while at >= 0 and at + 2 < len(xml) and xml[at + 2] in WORD_BYTES:  # <col>, <cfRule>: not a cell
        at = xml.rfind(b"<c", 0, at)
    return at


def _unusable_of(matches: Iterable[re.Match[bytes]]) -> dict[tuple[int, int], Unusable]:
    cells: dict[tuple[int, int], Unusable] = {}
    for match in matches:
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
