"""One worksheet part of an .xlsx package: its rows read and edited in XML, new rows spliced in as text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree

from mspxl.schema import header_key
from mspxl.workbook.table import HEADER_SEARCH_ROWS
from mspxl.writers.ooxml import (
    _COLUMN_OF,
    IS,
    MAIN,
    C,
    F,
    V,
    _column_of,
    _parse,
    _serialise,
    column_index,
    column_letter,
    q,
)

PENDING = q("mspxlPendingRows")
_PENDING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mspxlPendingRows/>")


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
    dirty: bool = False  # a sheet only read is copied as stored, not written again
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
        # a sheet whose SpreadsheetML namespace is bound to a prefix (`<x:row>`) gets its new rows as elements, not
        # as unprefixed text that would land in no namespace
        self.prefixed = self.root.nsmap.get(None) != MAIN

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
        if kind in ("str", "e", "d"):  # "d": a date as ISO 8601 text, as some writers save it
            return v.text
        if kind == "b":
            return v.text == "1"
        try:
            number = Decimal(v.text)
        except InvalidOperation:
            return v.text
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
        self.dirty = True
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
        self.dirty = True
        if self.prefixed:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            rows, self.pending = self.pending, []
            self.append_rows(_parse(f'<sheetData xmlns="{MAIN}">{"".join(rows)}</sheetData>'.encode()))
            self.pending_last = 0

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
        self.dirty = True
        for row in list(fragment):
            self.data.append(row)
            number = int(row.get("r"))
            self.rows[number] = row
            self.last_row = number

    def clear(self, cell: etree._Element) -> None:
        self.dirty = True
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

