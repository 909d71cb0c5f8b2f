"""Looking inside a workbook package (the zip) without reading its cells: which part holds each sheet, the Excel
tables of the sheets, and the cells python-calamine reads as blank but that are not blank (an Excel error such as
`#REF!`, a formula saved without its computed value), found by scanning only around formulas and error types."""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from mspxl.workbook.cells import Unusable, excel_error, uncomputed_formula
from mspxl.workbook.raw import TableRef

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


Unusables = dict[str, dict[tuple[int, int], Unusable]]  # sheet -> (row, col), 0-based -> what the cell holds


def package_extras(path: Path, sheet_names: set[str], table_names: list[str]
                   ) -> tuple[Unusables, dict[str, list[TableRef]] | None]:
    """The unusable cells of the sheets, and their Excel tables when every table is plain (see package_tables)."""
    with zipfile.ZipFile(path) as package:
        parts = sheet_parts(package)
        return unusable_cells(package, parts, sheet_names), package_tables(package, parts, table_names)


def sheet_sizes(path: Path) -> dict[str, int]:
    """Sheet name -> the unpacked size of its part, in bytes."""
    with zipfile.ZipFile(path) as package:
        sizes = {info.filename: info.file_size for info in package.infolist()}
        return {name: sizes.get(part, 0) for name, part in sheet_parts(package).items()}


def unusable_cells(package: zipfile.ZipFile, parts: dict[str, str], sheet_names: set[str]
                    ) -> Unusables:
    """Per sheet, the 0-based (row, col) of cells holding an Excel error or a formula with no computed value."""
    found: Unusables = {}
    for name, part in parts.items():
        if name not in sheet_names:
            continue
        try:
            xml = package.read(part)
        except KeyError:
            continue
        if not _may_hold_unusable(xml):
            continue
        cells = unusable_in(xml)
        if cells:
            found[name] = cells
    return found


def _may_hold_unusable(xml: bytes) -> bool:
    """A formula element or an error type inside the cells (`<sheetData>`): a `<formula1>` of a data validation or
    a `<formula>` of a conditional format after the cells is not one. A sheet written with a namespace prefix
    (`<x:f>`) may hold either: it is scanned cell by cell (`unusable_in`)."""
    end = xml.rfind(b"sheetData>")
    end = len(xml) if end < 0 else end
    return xml.find(b"<f", 0, end) >= 0 or xml.find(b't="e"', 0, end) >= 0 or _has_prefixed_tags(xml)


def package_tables(package: zipfile.ZipFile, parts: dict[str, str], table_names: list[str]
                    ) -> dict[str, list[TableRef]] | None:
    """Per sheet, its Excel tables read from the package's table parts, in calamine's order: the same as
    `calamine_tables` without reading any cell. None when a table is not plain (no single header row, a range that
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


def sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
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


def unusable_in(xml: bytes) -> dict[tuple[int, int], Unusable]:
    """Every cell of the sheet's XML holding an error or an uncomputed formula. Only the cells around a `<f` tag or
    a `t="e"` attribute are looked at (a 10 MB sheet of plain values has none); a sheet that writes its cells with a
    namespace prefix (`<x:c>`) is scanned cell by cell."""
    if _has_prefixed_tags(xml):
        return unusable_of(CELL_RE.finditer(xml))
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
    return unusable_of(matches)


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


def unusable_of(matches: Iterable[re.Match[bytes]]) -> dict[tuple[int, int], Unusable]:
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
