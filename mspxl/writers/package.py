"""An .xlsx package read into memory and saved again: its parts, content types and relationships, the sheets
and tables it adds; a part it does not edit is copied as stored."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from mspxl.columns import header_key
from mspxl.writers.ooxml import (
    CALC_CHAIN_REL,
    CT_NS,
    MAIN,
    PKG_REL,
    REL_NS,
    SST_REL,
    STYLES_REL,
    TABLE_CT,
    TABLE_REL,
    WORKSHEET_CT,
    WORKSHEET_REL,
    _number,
    _parse,
    _rels_name,
    _resolve,
    _serialise,
    q,
)
from mspxl.writers.styles import Styles
from mspxl.writers.worksheet import SheetXml
from mspxl.zipcopy import stored_bytes, write_stored

# Elements that come after <tableParts> in a worksheet; a new <tableParts> goes before the first of these.
AFTER_TABLE_PARTS = ("extLst",)
_EPOCH = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)


class Package:
    """An .xlsx package read into memory: parts as bytes, the few it edits parsed on demand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as source:
            self.infos = source.infolist()
            self.parts = {info.filename: None for info in self.infos}  # read when needed: most are copied as stored
        self.changed: dict[str, bytes] = {}
        self.spliced: dict[str, bytes] = {}
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
        """The sheet called `name`, else one whose name differs only in case, spaces or underscores (`invoices`), as
        the reader finds it: a second `Invoices` beside `invoices` would be a workbook Excel cannot open."""
        if name in self.sheets:
            return self.sheets[name]
        names = self.sheet_names()
        if name not in names:
            name = next((n for n in names if header_key(n) == header_key(name)), name)
        if name not in self.sheets:
            part = names.get(name)
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

    def splice(self, part: str, data: bytes) -> None:
        """The part's new bytes, written as they are (a sheet edited as text)."""
        self.spliced[part] = data
        self.touch(part)

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

    def add_table(self, sheet: SheetXml, name: str, ref: str, headers: Sequence[str]) -> etree._Element:
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
        return root

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
            if not sheet.dirty:
                continue
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
                    write_stored(out, info, stored_bytes(source, info))
                written.add(info.filename)
            for part in self.changed:
                if part not in written and part not in self.removed:
                    out.writestr(part, self._bytes(part))

    def _bytes(self, part: str) -> bytes:
        if part in self.spliced:
            return self.spliced[part]
        for sheet in self.sheets.values():
            if sheet.part == part:
                return sheet.serialise()
        return _serialise(self.xml(part))


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;"))

