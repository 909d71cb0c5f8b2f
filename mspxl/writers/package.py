"""Applying changes by editing the .xlsx package: only the sheets that change are rewritten, every other part is copied.

openpyxl must load and re-save a whole workbook to add a few register rows, and drops what it cannot model (charts,
images, pivot tables, VBA). Here the output sheets (Invoices, InvoiceLines, Collections, Aging) and the marked
WorkLog/Usage cells are edited in their own XML; styles, content types, relationships and table parts are added
where the edit needs them; every other part of the package is carried over unchanged, byte for byte.
Text is written as inline strings, so text that starts like a formula (= + - @) stays text.
"""

from __future__ import annotations

import copy
import os
import posixpath
import re
import struct
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from lxml import etree

from mspxl.schema import OUTPUT_SHEETS, header_key
from mspxl.workbook.raw import gc_paused
from mspxl.workbook.table import HEADER_SEARCH_ROWS
from mspxl.writers.atomic import replace_workbook
from mspxl.writers.changes import Value, WorkbookChanges

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET_REL = REL_NS + "/worksheet"
TABLE_REL = REL_NS + "/table"
STYLES_REL = REL_NS + "/styles"
SST_REL = REL_NS + "/sharedStrings"
CALC_CHAIN_REL = REL_NS + "/calcChain"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
TABLE_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
INT_FORMAT = "0"
DECIMAL_FORMAT = "General"
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "@": 49}
HEADER_FONT = '<font xmlns="{ns}"><b val="1"/><color rgb="00FFFFFF"/></font>'
HEADER_FILL = '<fill xmlns="{ns}"><patternFill patternType="solid"><fgColor rgb="001F4E78"/></patternFill></fill>'
# Elements that come after <tableParts> in a worksheet; a new <tableParts> goes before the first of these.
AFTER_TABLE_PARTS = ("extLst",)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_EPOCH = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)


def q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


C, V, IS, T, F = q("c"), q("v"), q("is"), q("t"), q("f")
PENDING = q("mspxlPendingRows")
_PENDING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mspxlPendingRows/>")


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


_COLUMN_OF: dict[str, int] = {}  # "AB" -> 28, filled as cell references are read


def _column_of(ref: str) -> int:
    """The column of a cell reference such as `AB12` (remembered for the next cell of that column)."""
    letters = _CELL_REF.match(ref).group(1)  # type: ignore[union-attr]
    col = column_index(letters)
    if ref.rstrip("0123456789") == letters:
        _COLUMN_OF[letters] = col
    return col


def _xml_text(text: str) -> str:
    """Characters XML cannot hold, written as Excel writes them (`_x0001_`)."""
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(huge_tree=True, remove_blank_text=False))


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _resolve(base: str, target: str) -> str:
    """A relationship target as a part name inside the package (no leading slash)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


class Styles:
    """The cell formats of styles.xml; a format asked for is found or appended, never changes an existing one."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.changed = False
        self._numfmts = root.find(q("numFmts"))
        self._xfs = root.find(q("cellXfs"))
        self._cache: dict[tuple[int, str], int] = {}
        self._header: int | None = None

    def _numfmt_id(self, code: str) -> int:
        if code in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[code]
        if self._numfmts is None:
            self._numfmts = etree.Element(q("numFmts"))
            self.root.insert(0, self._numfmts)
        used = [int(n.get("numFmtId")) for n in self._numfmts]
        for n in self._numfmts:
            if n.get("formatCode") == code:
                return int(n.get("numFmtId"))
        new_id = max([163, *used]) + 1
        etree.SubElement(self._numfmts, q("numFmt"), numFmtId=str(new_id), formatCode=code)
        self._numfmts.set("count", str(len(self._numfmts)))
        self.changed = True
        return new_id

    def _append_xf(self, xf: etree._Element) -> int:
        self._xfs.append(xf)
        self._xfs.set("count", str(len(self._xfs)))
        self.changed = True
        return len(self._xfs) - 1

    def with_format(self, style: int, code: str) -> int:
        """The index of a cell format like `style` but with number format `code`."""
        key = (style, code)
        if key not in self._cache:
            base = self._xfs[style] if style < len(self._xfs) else self._xfs[0]
            numfmt = self._numfmt_id(code)
            if int(base.get("numFmtId", "0")) == numfmt:
                self._cache[key] = style
            else:
                for index, xf in enumerate(self._xfs):  # an identical format already there is reused
                    if int(xf.get("numFmtId", "0")) == numfmt and _same_but_numfmt(xf, base):
                        self._cache[key] = index
                        break
                else:
                    xf = copy.deepcopy(base)
                    xf.set("numFmtId", str(numfmt))
                    xf.set("applyNumberFormat", "1")
                    self._cache[key] = self._append_xf(xf)
        return self._cache[key]

    def header(self) -> int:
        """A bold white-on-blue cell format for the header row of a sheet mspxl adds."""
        if self._header is None:
            fonts = self.root.find(q("fonts"))
            fills = self.root.find(q("fills"))
            fonts.append(_parse(HEADER_FONT.format(ns=MAIN).encode()))
            fonts.set("count", str(len(fonts)))
            fills.append(_parse(HEADER_FILL.format(ns=MAIN).encode()))
            fills.set("count", str(len(fills)))
            xf = etree.Element(q("xf"), numFmtId="0", fontId=str(len(fonts) - 1), fillId=str(len(fills) - 1),
                               borderId="0", xfId="0", applyFont="1", applyFill="1")
            self._header = self._append_xf(xf)
        return self._header


def _same_but_numfmt(a: etree._Element, b: etree._Element) -> bool:
    skip = {"numFmtId", "applyNumberFormat"}
    attrs_a = {k: v for k, v in a.attrib.items() if k not in skip}
    attrs_b = {k: v for k, v in b.attrib.items() if k not in skip}
    return attrs_a == attrs_b and [etree.tostring(c) for c in a] == [etree.tostring(c) for c in b]


@dataclass
class SheetXml:
    """One worksheet part, parsed, with its rows indexed by number."""

    name: str
    part: str
    root: etree._Element
    strings: list[str]
    rows: dict[int, etree._Element] = field(default_factory=dict)
    formulas_cleared: bool = False
    last_row: int = 0
    pending: list[str] = field(default_factory=list)
    pending_last: int = 0
    _cells: dict[int, dict[int, etree._Element]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data = self.root.find(q("sheetData"))
        if self.data is None:
            self.data = etree.SubElement(self.root, q("sheetData"))
        number = 0
        for row in self.data.iterchildren(q("row")):
            number = int(row.get("r") or number + 1)
            row.set("r", str(number))
            self.rows[number] = row
        self.last_row = max(self.rows, default=0)

    # reading
    def cells(self, row: int) -> dict[int, etree._Element]:
        """Column -> cell element of an Excel row (kept: every cell added later goes through `cell`)."""
        if row in self._cells:
            return self._cells[row]
        element = self.rows.get(row)
        if element is None:
            return {}
        result = {}
        col = 0
        for cell in element.iterchildren(C):
            ref = cell.get("r")
            if ref:
                col = _COLUMN_OF.get(ref.rstrip("0123456789")) or _column_of(ref)
            else:
                col += 1
                cell.set("r", f"{column_letter(col)}{row}")
            result[col] = cell
        self._cells[row] = result
        return result

    def value(self, cell: etree._Element) -> object:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            node = cell.find(IS)
            return "".join(node.itertext()) if node is not None else None
        v = cell.find(V)
        if v is None or v.text is None:
            return None
        if kind == "s":
            return self.strings[int(v.text)]
        if kind in ("str", "e"):
            return v.text
        if kind == "b":
            return v.text == "1"
        number = Decimal(v.text)
        return int(number) if number == number.to_integral_value() else v.text

    def row_values(self, row: int) -> dict[int, object]:
        return {col: self.value(cell) for col, cell in self.cells(row).items()}

    def has_values(self, row: int) -> bool:
        return any(v is not None and v != "" for v in self.row_values(row).values())

    def last_data_row(self) -> int:
        if self.pending:
            return self.pending_last
        for number in sorted(self.rows, reverse=True):
            if number <= 1 or self.has_values(number):
                return max(number, 1)
        return 1

    def header_map(self, row: int = 1) -> dict[str, int]:
        return {header_key(v): col for col, v in self.row_values(row).items() if v is not None}

    def header_row(self, header: str) -> int:
        key = header_key(header)
        for row in range(1, HEADER_SEARCH_ROWS + 1):
            if any(v is not None and header_key(v) == key for v in self.row_values(row).values()):
                return row
        return 1

    # writing
    def row(self, number: int) -> etree._Element:
        self.flush()
        element = self.rows.get(number)
        if element is None:
            element = etree.Element(q("row"), r=str(number))
            if self.rows and number < self.last_row:
                self.rows[min(n for n in self.rows if n > number)].addprevious(element)
            else:
                self.data.append(element)
                self.last_row = number
            self.rows[number] = element
        element.attrib.pop("spans", None)
        return element

    def cell(self, row: int, col: int) -> etree._Element:
        element = self.row(row)
        cells = self.cells(row)
        if col in cells:
            return cells[col]
        cell = etree.Element(C, r=f"{column_letter(col)}{row}")
        later = [c for c in cells if c > col]
        if later:
            cells[min(later)].addprevious(cell)
        else:
            element.append(cell)
        self._cells.setdefault(row, cells)[col] = cell
        return cell

    def append_text(self, rows: list[str], last: int) -> None:
        """New rows after the last one, as XML text: spliced into the sheet when it is written, never parsed
        (unless a later edit touches the sheet's rows: `flush`)."""
        self.pending.extend(rows)
        self.pending_last = self.last_row = last

    def flush(self) -> None:
        if self.pending:
            rows, self.pending = self.pending, []
            self.append_rows(_parse(f'<sheetData xmlns="{MAIN}">{"".join(rows)}</sheetData>'.encode()))

    def serialise(self) -> bytes:
        if not self.pending:
            return _serialise(self.root)
        marker = etree.SubElement(self.data, PENDING)
        try:
            text = _serialise(self.root)
        finally:
            self.data.remove(marker)
        before, after = _PENDING_TAG.split(text, maxsplit=1)
        return before + "".join(self.pending).encode("utf-8") + after

    def append_rows(self, fragment: etree._Element) -> None:
        """Rows after the last one, taken from a parsed <sheetData> fragment."""
        for row in list(fragment):
            self.data.append(row)
            number = int(row.get("r"))
            self.rows[number] = row
            self.last_row = number

    def clear(self, cell: etree._Element) -> None:
        for child in list(cell):
            if child.tag == F:
                self.formulas_cleared = True
            cell.remove(child)
        cell.attrib.pop("t", None)

    def max_extent(self) -> tuple[int, int]:
        last_row = max(self.last_row, max(self.rows, default=1))
        last_col = max((max(self.cells(n), default=1) for n in (1, last_row) if n in self.rows), default=1)
        dimension = self.root.find(q("dimension"))
        if dimension is not None:
            match = re.search(r"([A-Z]+)(\d+)$", dimension.get("ref", "A1"))
            if match:
                last_col = max(last_col, column_index(match.group(1)))
                last_row = max(last_row, int(match.group(2)))
        return last_row, last_col

    def fix_dimension(self, last_row: int, last_col: int) -> None:
        dimension = self.root.find(q("dimension"))
        if dimension is None:
            return
        row, col = self.max_extent()
        dimension.set("ref", f"A1:{column_letter(max(col, last_col))}{max(row, last_row)}")


class Package:
    """An .xlsx package read into memory: parts as bytes, the few it edits parsed on demand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as source:
            self.infos = source.infolist()
            self.parts = {info.filename: None for info in self.infos}  # read when needed: most are copied as stored
        self.changed: dict[str, bytes] = {}
        self.removed: set[str] = set()
        self._parsed: dict[str, etree._Element] = {}
        self.content_types = self.xml("[Content_Types].xml")
        root_rels = self.xml("_rels/.rels")
        self.workbook_part = next(_resolve("", r.get("Target")) for r in root_rels
                                  if r.get("Type").endswith("/officeDocument"))
        self.workbook = self.xml(self.workbook_part)
        self.workbook_rels_part = _rels_name(self.workbook_part)
        self.workbook_rels = self.xml(self.workbook_rels_part)
        self.styles_part = self._workbook_target(STYLES_REL)
        self.styles = Styles(self.xml(self.styles_part))
        sst = self._workbook_target(SST_REL)
        self.strings = self._shared_strings(sst) if sst else []
        pr = self.workbook.find(q("workbookPr"))
        self.epoch = _EPOCH_1904 if pr is not None and pr.get("date1904") in ("1", "true") else _EPOCH
        self.sheets: dict[str, SheetXml] = {}

    def xml(self, part: str) -> etree._Element:
        if part not in self._parsed:
            self._parsed[part] = _parse(self.read(part))
        return self._parsed[part]

    def serial(self, value: date) -> str:
        """Excel's serial number of a date (whole days) or a date and time (the time as a fraction of a day)."""
        if isinstance(value, datetime):
            delta = value.replace(tzinfo=None) - datetime.combine(self.epoch, datetime.min.time())
            seconds = delta.days * 86400 + delta.seconds + Decimal(delta.microseconds) / 1_000_000
            return _number(seconds / 86400)
        return str((value - self.epoch).days)

    def read(self, part: str) -> bytes:
        """A part's bytes as stored in the file (a part added by this writer has none)."""
        with zipfile.ZipFile(self.path) as source:
            return source.read(part)

    def _workbook_target(self, rel_type: str) -> str | None:
        for rel in self.workbook_rels:
            if rel.get("Type") == rel_type:
                return _resolve(self.workbook_part, rel.get("Target"))
        return None

    def _shared_strings(self, part: str) -> list[str]:
        root = _parse(self.read(part))
        t = q("t")
        rph = q("rPh")
        result = []
        for si in root.iterchildren(q("si")):
            result.append("".join(node.text or "" for node in si.iter(t) if node.getparent().tag != rph))
        return result

    def sheet_names(self) -> dict[str, str]:
        """Sheet name -> worksheet part."""
        targets = {r.get("Id"): r for r in self.workbook_rels}
        result = {}
        for sheet in self.workbook.find(q("sheets")):
            rel = targets.get(sheet.get(f"{{{REL_NS}}}id"))
            if rel is not None and rel.get("Type") == WORKSHEET_REL:
                result[sheet.get("name")] = _resolve(self.workbook_part, rel.get("Target"))
        return result

    def sheet(self, name: str) -> SheetXml | None:
        if name not in self.sheets:
            part = self.sheet_names().get(name)
            if part is None:
                return None
            self.sheets[name] = SheetXml(name, part, self.xml(part), self.strings)
        return self.sheets[name]

    def _new_rid(self, rels: etree._Element) -> str:
        used = {r.get("Id") for r in rels}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        return f"rId{n}"

    def _override(self, part: str, content_type: str) -> None:
        etree.SubElement(self.content_types, f"{{{CT_NS}}}Override", PartName="/" + part, ContentType=content_type)

    def _free_part(self, pattern: str) -> str:
        n = 1
        while pattern.format(n) in self.parts or pattern.format(n) in self.changed:
            n += 1
        return pattern.format(n)

    def add_sheet(self, name: str) -> SheetXml:
        """A new empty worksheet after the last sheet."""
        folder = posixpath.dirname(self.workbook_part)
        part = self._free_part(posixpath.join(folder, "worksheets", "sheet{}.xml"))
        root = _parse(f'<worksheet xmlns="{MAIN}" xmlns:r="{REL_NS}"><dimension ref="A1"/><sheetViews>'
                      '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                      'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
                      '</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData/>'
                      '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
                      "</worksheet>".encode())
        self.parts[part] = None
        self._parsed[part] = root
        rid = self._new_rid(self.workbook_rels)
        etree.SubElement(self.workbook_rels, f"{{{PKG_REL}}}Relationship", Id=rid, Type=WORKSHEET_REL,
                         Target=posixpath.relpath(part, folder))
        sheets = self.workbook.find(q("sheets"))
        sheet_id = max((int(s.get("sheetId")) for s in sheets), default=0) + 1
        etree.SubElement(sheets, q("sheet"), {"name": name, "sheetId": str(sheet_id), f"{{{REL_NS}}}id": rid})
        self._override(part, WORKSHEET_CT)
        self.touch("[Content_Types].xml", self.workbook_part, self.workbook_rels_part)
        sheet = SheetXml(name, part, root, self.strings)
        self.sheets[name] = sheet
        return sheet

    def touch(self, *parts: str) -> None:
        for part in parts:
            self.changed[part] = b""

    def tables_of(self, sheet: SheetXml) -> list[tuple[str, etree._Element]]:
        rels_part = _rels_name(sheet.part)
        if rels_part not in self.parts:
            return []
        result = []
        for rel in self.xml(rels_part):
            if rel.get("Type") == TABLE_REL and rel.get("TargetMode") != "External":
                part = _resolve(sheet.part, rel.get("Target"))
                if part in self.parts:
                    result.append((part, self.xml(part)))
        return result

    def add_table(self, sheet: SheetXml, name: str, ref: str, headers: Sequence[str]) -> None:
        folder = posixpath.dirname(self.workbook_part)
        part = self._free_part(posixpath.join(folder, "tables", "table{}.xml"))
        ids = [0]
        for other in self.parts:
            if other.startswith(posixpath.join(folder, "tables/")) and other.endswith(".xml"):
                ids.append(int(self.xml(other).get("id", "0")))
        table_id = max(ids) + 1
        columns = "".join(f'<tableColumn id="{i}" name="{_attr(h)}"/>' for i, h in enumerate(headers, start=1))
        root = _parse(f'<table xmlns="{MAIN}" id="{table_id}" name="{name}" displayName="{name}" ref="{ref}">'
                      f'<autoFilter ref="{ref}"/><tableColumns count="{len(headers)}">{columns}</tableColumns>'
                      '<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" '
                      'showRowStripes="1" showColumnStripes="0"/></table>'.encode())
        self.parts[part] = None
        self._parsed[part] = root
        self.touch(part)
        rels_part = _rels_name(sheet.part)
        if rels_part not in self.parts:
            self.parts[rels_part] = None
            self._parsed[rels_part] = etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
        rels = self.xml(rels_part)
        rid = self._new_rid(rels)
        etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=rid, Type=TABLE_REL,
                         Target=posixpath.relpath(part, posixpath.dirname(sheet.part)))
        self.touch(rels_part)
        parts = sheet.root.find(q("tableParts"))
        if parts is None:
            parts = etree.Element(q("tableParts"))
            after = [c for c in sheet.root if etree.QName(c).localname in AFTER_TABLE_PARTS]
            if after:
                after[0].addprevious(parts)
            else:
                sheet.root.append(parts)
        etree.SubElement(parts, q("tablePart"), {f"{{{REL_NS}}}id": rid})
        parts.set("count", str(len(parts)))
        self._override(part, TABLE_CT)
        self.touch("[Content_Types].xml")

    def drop_calc_chain(self) -> None:
        """After a formula cell is cleared, Excel's calculation chain would name a cell with no formula: drop it."""
        part = self._workbook_target(CALC_CHAIN_REL)
        if part is None:
            return
        for rel in list(self.workbook_rels):
            if rel.get("Type") == CALC_CHAIN_REL:
                self.workbook_rels.remove(rel)
        for override in list(self.content_types):
            if override.get("PartName") == "/" + part:
                self.content_types.remove(override)
        self.removed.add(part)
        self.touch("[Content_Types].xml", self.workbook_rels_part)

    def save(self, target: Path) -> None:
        for sheet in self.sheets.values():
            self.changed[sheet.part] = b""
            if sheet.formulas_cleared:
                self.drop_calc_chain()
        if self.styles.changed:
            self.touch(self.styles_part)
        written = set()
        with open(self.path, "rb") as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED,
                                                               compresslevel=1) as out:
            for info in self.infos:
                if info.filename in self.removed:
                    continue
                if info.filename in self.changed:
                    out.writestr(info.filename, self._bytes(info.filename))
                else:
                    _copy_stored(source, info, out)
                written.add(info.filename)
            for part in self.changed:
                if part not in written and part not in self.removed:
                    out.writestr(part, self._bytes(part))

    def _bytes(self, part: str) -> bytes:
        for sheet in self.sheets.values():
            if sheet.part == part:
                return sheet.serialise()
        return _serialise(self.xml(part))


def _copy_stored(source: BinaryIO, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    """Copy a member's compressed bytes as they are stored: no inflating and deflating again.

    The local header is written afresh (sizes and CRC in it, no data descriptor); the central directory entry is
    the same ZipInfo, at its new offset."""
    source.seek(info.header_offset)
    local = source.read(30)
    if local[:4] != b"PK\x03\x04" or info.flag_bits & 0x1:
        raise zipfile.BadZipFile(f"{info.filename}: unexpected local header")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    source.seek(info.header_offset + 30 + name_length + extra_length)
    data = source.read(info.compress_size)
    copied = copy.copy(info)
    copied.flag_bits &= ~0x08
    copied.header_offset = out.fp.tell()
    out.fp.write(copied.FileHeader())
    out.fp.write(data)
    out.filelist.append(copied)
    out.NameToInfo[copied.filename] = copied
    out.start_dir = out.fp.tell()
    out._didModify = True


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;"))


class Writer:
    """Writes values into a package's sheets the way `mspxl.writers.xlsx.set_value` does into openpyxl cells."""

    def __init__(self, package: Package, money_format: str) -> None:
        self.package = package
        self.money_format = money_format
        self._cell_makers: dict[tuple[str, type], Callable[[str, Value], str]] = {}

    def set_value(self, sheet: SheetXml, row: int, col: int, value: Value, kind: str) -> None:
        cell = sheet.cell(row, col)
        sheet.clear(cell)
        self.fill(cell, value, kind)

    def cell_xml(self, ref: str, value: Value, kind: str) -> str:
        """A new cell as XML text: the same value and format `fill` gives an empty cell."""
        if value is None:
            return ""
        key = (kind, type(value))
        make = self._cell_makers.get(key)
        if make is None:
            make = self._cell_makers[key] = self._cell_maker(value, kind)
        return make(ref, value)

    def _cell_maker(self, value: Value, kind: str) -> Callable[[str, Value], str]:
        """How a cell of this kind and value type is written, chosen once (style included)."""
        code = _format_code(value, kind, self.money_format)
        style = f' s="{self.package.styles.with_format(0, code)}"' if code is not None else ""
        if isinstance(value, str):
            return lambda ref, text: _text_cell(ref, style, text)  # type: ignore[arg-type]
        if isinstance(value, bool):
            return lambda ref, flag: f'<c r="{ref}"{style} t="b"><v>{int(flag)}</v></c>'  # type: ignore[call-overload]
        if isinstance(value, (int, Decimal)):
            return lambda ref, number: f'<c r="{ref}"{style}><v>{_number(number)}</v></c>'  # type: ignore[arg-type]
        if isinstance(value, date):
            serial = self.package.serial
            return lambda ref, day: f'<c r="{ref}"{style}><v>{serial(day)}</v></c>'  # type: ignore[arg-type]
        return lambda ref, other: (f'<c r="{ref}"{style} t="inlineStr"><is><t>{escape(_xml_text(str(other)))}'
                                   '</t></is></c>')

    def fill(self, cell: etree._Element, value: Value, kind: str) -> None:
        """Put `value` into an empty cell element, with the number format its kind calls for."""
        if value is None:
            return
        style = int(cell.get("s", "0"))
        if isinstance(value, bool):
            cell.set("t", "b")
            etree.SubElement(cell, V).text = "1" if value else "0"
        elif isinstance(value, (int, Decimal)):
            etree.SubElement(cell, V).text = _number(value)
        elif isinstance(value, date):
            etree.SubElement(cell, V).text = self.package.serial(value)
        else:
            cell.set("t", "inlineStr")
            text = etree.SubElement(etree.SubElement(cell, IS), T)
            text.text = _xml_text(str(value))
            if text.text != text.text.strip() or "\n" in text.text:
                text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        code = _format_code(value, kind, self.money_format)
        if code is not None:
            style = self.package.styles.with_format(style, code)
        if style:
            cell.set("s", str(style))

    def set_text(self, sheet: SheetXml, row: int, col: int, text: str, style: int = 0) -> None:
        self.set_value(sheet, row, col, text, "text")
        if style:
            sheet.cell(row, col).set("s", str(style))


def _text_cell(ref: str, style: str, value: str) -> str:
    # printable text holds no character XML cannot hold and no line break: no _xNNNN_ escapes to look for
    text = value if value.isprintable() else _xml_text(value)
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _format_code(value: Value, kind: str, money_format: str) -> str | None:
    """The number format a written value gets, as `mspxl.writers.xlsx.set_value` gives it (None: unchanged)."""
    if kind == "date" and isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, datetime):  # openpyxl gives any date it is handed a date format
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if kind == "money" and isinstance(value, Decimal):
        return money_format
    if kind == "int":
        return INT_FORMAT
    if kind == "decimal":
        return DECIMAL_FORMAT
    return None


def _number(value: int | Decimal) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def ensure_output_sheet(package: Package, writer: Writer, name: str) -> SheetXml:
    columns = OUTPUT_SHEETS[name]
    sheet = package.sheet(name)
    if sheet is not None and any(v is not None for v in sheet.row_values(1).values()):
        return sheet
    if sheet is None:
        sheet = package.add_sheet(name)
        cols = etree.Element(q("cols"))
        for col, (header, _kind) in enumerate(columns, start=1):
            etree.SubElement(cols, q("col"), min=str(col), max=str(col), width=str(max(12, len(header) + 4)),
                             customWidth="1")
        sheet.data.addprevious(cols)
    header = package.styles.header()
    for col, (title, _kind) in enumerate(columns, start=1):
        writer.set_text(sheet, 1, col, title, header)
    return sheet


def write_rows(writer: Writer, sheet: SheetXml, name: str, rows: Sequence[tuple[Value, ...]], start: int) -> None:
    columns = OUTPUT_SHEETS[name]
    where = sheet.header_map()
    placed = sorted((where[header_key(h)], index, kind) for index, (h, kind) in enumerate(columns)
                    if header_key(h) in where)
    letters = {col: column_letter(col) for col, _, _ in placed}
    fresh: list[str] = []
    for offset, values in enumerate(rows):
        if len(values) != len(columns):
            raise ValueError(f"{name}: a row of {len(values)} values for {len(columns)} columns")
        number = start + offset
        if number > sheet.last_row:  # a new row: written as XML text, parsed with the others in one go
            cells = "".join(writer.cell_xml(f"{letters[col]}{number}", values[index], kind)
                            for col, index, kind in placed)
            fresh.append(f'<row r="{number}">{cells}</row>')
            continue
        for col, index, kind in placed:
            writer.set_value(sheet, number, col, values[index], kind)
    if fresh:
        sheet.append_text(fresh, start + len(rows) - 1)


def fit_table(package: Package, sheet: SheetXml, name: str) -> None:
    """The output sheet's data as an Excel table with filters, resized to its rows (as the openpyxl writer does)."""
    last_row = max(sheet.last_data_row(), 2)
    last_col = len(OUTPUT_SHEETS[name])
    ref = f"A1:{column_letter(last_col)}{last_row}"
    tables = package.tables_of(sheet)
    for part, table in tables:
        if table.get("displayName") == name or table.get("name") == name:
            table.set("ref", ref)
            auto = table.find(q("autoFilter"))
            if auto is not None:
                auto.set("ref", ref)
            package.touch(part)
            return
    if tables:  # the accountant made a table of their own here: leave it alone
        return
    headers = sheet.row_values(1)
    names = [str(headers.get(col) if headers.get(col) is not None else f"Column{col}")
             for col in range(1, last_col + 1)]
    package.add_table(sheet, name, ref, names)


def _column_for(writer: Writer, sheet: SheetXml, where: dict[str, int], header: str, top: int) -> int:
    key = header_key(header)
    if key not in where:
        col = max(where.values(), default=0) + 1
        writer.set_text(sheet, top, col, header)
        where[key] = col
    return where[key]


def _key_text(value: object) -> str:
    return str(value)


def apply_changes(package: Package, changes: WorkbookChanges, money_format: str) -> None:
    writer = Writer(package, money_format)
    for name, rows in changes.append.items():
        if not rows:
            continue
        sheet = ensure_output_sheet(package, writer, name)
        write_rows(writer, sheet, name, rows, sheet.last_data_row() + 1)
        fit_table(package, sheet, name)
    for name, rows in changes.replace.items():
        sheet = ensure_output_sheet(package, writer, name)
        for number in [n for n in sheet.rows if n > 1]:
            for cell in sheet.cells(number).values():
                sheet.clear(cell)
        write_rows(writer, sheet, name, rows, 2)
        fit_table(package, sheet, name)
    by_sheet: dict[str, list] = {}
    for mark in changes.marks:
        by_sheet.setdefault(mark.sheet, []).append(mark)
    for name, marks in by_sheet.items():
        sheet = package.sheet(name)
        if sheet is None:
            raise KeyError(name)
        top = sheet.header_row(marks[0].key_header)
        where = sheet.header_map(top)
        key_col = where[header_key(marks[0].key_header)]
        target = _column_for(writer, sheet, where, marks[0].header, top)
        keys = {}
        for number in sorted(n for n in sheet.rows if n > top):
            cell = sheet.cells(number).get(key_col)
            keys[_key_text(sheet.value(cell) if cell is not None else None)] = number
        for mark in marks:
            writer.set_value(sheet, keys[mark.key], target, mark.value, "text")
    targets: dict[str, tuple[int, dict[str, int]]] = {}
    for name, row, header, value in changes.row_marks:
        sheet = package.sheet(name)
        if sheet is None:
            raise KeyError(name)
        if name not in targets:
            top = sheet.header_row("Client ID")
            targets[name] = (top, sheet.header_map(top))
        top, where = targets[name]
        writer.set_value(sheet, row, _column_for(writer, sheet, where, header, top), value, "text")
    for sheet in package.sheets.values():
        sheet.fix_dimension(1, 1)


def update_package(path: Path, changes: WorkbookChanges, money_format: str) -> None:
    """Apply `changes` to the workbook at `path` in place, atomically: a temp file beside it, then a replace."""
    package = Package(path)
    with gc_paused():  # a register of thousands of rows is built as many small objects, none of them in a cycle
        apply_changes(package, changes, money_format)
    fd, tmp = tempfile.mkstemp(prefix=".mspxl-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        package.save(Path(tmp))
        os.chmod(tmp, path.stat().st_mode & 0o777)
        replace_workbook(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
