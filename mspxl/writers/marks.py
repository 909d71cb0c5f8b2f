"""Marks (an invoice number on the WorkLog, Usage, Charges and Blocks rows it billed, a return on a payment) written
into a worksheet's XML text at the cells they change, without parsing the whole sheet.

A WorkLog of 40,000 rows is 15 MB of XML and about 300 MB as an lxml tree; the marks change one cell in some of its
rows. Here the header rows are parsed (a few rows), the key column's cells are found by their references, and only
the rows that change are rebuilt as text: each changed cell is written as `Writer.set_value` writes it into the
tree (the cell's other attributes and its style kept, the number format its kind calls for), a row's `spans` hint
dropped, the sheet's dimension widened as `SheetXml.fix_dimension` does. Every other byte of the sheet stays as
stored. A sheet written in a way this does not read plainly (a prefixed SpreadsheetML namespace, rows or cells
without their reference, a row that is not there) returns None, and the caller edits the parsed sheet instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

from mspxl.schema import header_key
from mspxl.workbook.table import HEADER_SEARCH_ROWS
from mspxl.writers.cells import Writer, _format_code
from mspxl.writers.changes import CellMark, Value
from mspxl.writers.ooxml import _number, _parse, _xml_text, column_index, column_letter
from mspxl.writers.worksheet import SheetXml

RowMark = tuple[str, int, str, Value]  # (sheet, Excel row, header, value)
Edits = dict[int, dict[int, tuple[Value, str]]]  # Excel row -> column -> (value, kind)

_ROW = re.compile(rb'<row r="(\d+)"[^>]*?(/?)>')
_ROW_START = re.compile(r'<row\b[^>]*?(/?)>')
_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.DOTALL)
_CELL_REF = re.compile(r'<c r="([A-Z]+)\d')
_ATTR = re.compile(r'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_SPANS = re.compile(r'\s+spans="[^"]*"')
_T = re.compile(rb'\bt="([^"]*)"')
_V = re.compile(rb"<v>([^<]*)</v>")
_INLINE = re.compile(rb'<is><t(?: xml:space="preserve")?>([^<]*)</t></is>')
_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"\s*/>')


def spliced(sheet: SheetXml | None, data: bytes, writer: Writer, marks: Sequence[CellMark],
            row_marks: Sequence[RowMark]) -> bytes | None:
    """The sheet's XML with the marks written in, or None when it must be edited as a tree instead.

    `sheet` is the sheet's header rows, parsed (see `header_rows`). A missing key raises KeyError, as the tree
    path does."""
    if sheet is None or not _plain(data):
        return None
    edits: Edits = {}
    for key_header, group in by_key_header(marks).items():
        top = sheet.header_row(key_header)
        where = sheet.header_map(top)
        keys = _keys(data, sheet, column_letter(where[header_key(key_header)]), top)
        columns: dict[str, int] = {}
        for mark in group:
            if mark.header not in columns:
                columns[mark.header] = _column(sheet, edits, where, mark.header, top)
            edits.setdefault(keys[mark.key], {})[columns[mark.header]] = (mark.value, mark.kind)
    if row_marks:
        top = sheet.header_row("Client ID")  # every sheet with row marks (Usage) has a Client ID column
        where = sheet.header_map(top)
        columns = {}
        for _name, row, header, value in row_marks:
            if header not in columns:
                columns[header] = _column(sheet, edits, where, header, top)
            edits.setdefault(row, {})[columns[header]] = (value, "text")
    return _apply(data, edits, writer)


def by_key_header(marks: Sequence[CellMark]) -> dict[str, list[CellMark]]:
    """The marks grouped by the column that finds their rows, in the order given."""
    groups: dict[str, list[CellMark]] = {}
    for mark in marks:
        groups.setdefault(mark.key_header, []).append(mark)
    return groups


def header_rows(data: bytes, strings: list[str], name: str, part: str) -> SheetXml | None:
    """The sheet's first rows (where a header can be) parsed on their own, with the sheet's namespaces."""
    start = data.find(b"<sheetData")
    if start < 0 or b"<sheetData/>" in data[start:start + 12]:
        return None
    root_at = data.find(b"<worksheet")
    root_end = data.find(b">", root_at)
    body_at = data.find(b">", start) + 1
    end = body_at
    for match in _ROW.finditer(data, body_at):
        if int(match.group(1)) > HEADER_SEARCH_ROWS:
            break
        end = match.end() if match.group(2) else data.find(b"</row>", match.end()) + len(b"</row>")
    if root_at < 0 or root_end < 0:
        return None
    text = data[root_at:root_end + 1] + b"<sheetData>" + data[body_at:end] + b"</sheetData></worksheet>"
    return SheetXml(name, part, _parse(text), strings)


def _plain(data: bytes) -> bool:
    """Every row and cell starts with its reference, in the unprefixed SpreadsheetML namespace."""
    if b"<worksheet" not in data or b":sheetData" in data or b"<sheetData" not in data:
        return False
    rows = data.count(b"<row ") + data.count(b"<row>")
    cells = data.count(b"<c ") + data.count(b"<c>")
    return rows == data.count(b'<row r="') and cells == data.count(b'<c r="')


def _keys(data: bytes, sheet: SheetXml, letters: str, top: int) -> dict[str, int]:
    """Key text -> Excel row, for the rows below the header (a key met twice: its last row, as the tree path)."""
    keys: dict[str, int] = {}
    pattern = re.compile(rb'<c r="' + letters.encode() + rb'(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.DOTALL)
    for match in pattern.finditer(data):
        row = int(match.group(1))
        if row > top:
            keys[str(_value(sheet, match)).strip()] = row
    return keys


def _value(sheet: SheetXml, match: re.Match[bytes]) -> object:
    """The key cell's value as `SheetXml.value` reads it."""
    attrs, inner = match.group(2), match.group(3)
    if inner is None:
        return None
    kind = _T.search(attrs)
    number = _V.fullmatch(inner)
    if number is not None and kind is not None and kind.group(1) == b"s":
        return sheet.strings[int(number.group(1))]
    if kind is not None and kind.group(1) == b"inlineStr":
        text = _INLINE.fullmatch(inner)
        if text is not None and b"&" not in text.group(1):
            return text.group(1).decode("utf-8")
    if number is not None and kind is None:
        try:
            value = Decimal(number.group(1).decode())
        except InvalidOperation:
            return number.group(1).decode()
        return int(value) if value == value.to_integral_value() else number.group(1).decode()
    cell = _parse(b'<c xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"' + match.group(0)[2:])
    return sheet.value(cell)


def _column(sheet: SheetXml, edits: Edits, where: dict[str, int], header: str, top: int) -> int:
    """The column of `header`; a header the sheet lacks is written after the last one, as the tree path adds it."""
    key = header_key(header)
    if key not in where:
        col = max(where.values(), default=0) + 1
        edits.setdefault(top, {})[col] = (header, "text")
        where[key] = col
    return where[key]


def _apply(data: bytes, edits: Edits, writer: Writer) -> bytes | None:
    spans: dict[int, tuple[int, int]] = {}
    last_row = 0
    for match in _ROW.finditer(data):
        row = int(match.group(1))
        last_row = max(last_row, row)
        if row in edits:
            end = match.end() if match.group(2) else data.find(b"</row>", match.end()) + len(b"</row>")
            spans[row] = (match.start(), end)
    if set(spans) != set(edits):
        return None  # a row to write that the sheet does not have: the tree path makes it
    pieces, done, cleared = [], 0, False
    for row in sorted(edits, key=lambda r: spans[r][0]):
        start, end = spans[row]
        text, formula = _edited_row(data[start:end].decode("utf-8"), row, edits[row], writer)
        cleared = cleared or formula
        pieces += [data[done:start], text.encode("utf-8")]
        done = end
    pieces.append(data[done:])
    result = b"".join(pieces)
    if cleared:
        writer.package.drop_calc_chain()
    return _widened(result, last_row)


def _edited_row(text: str, row: int, changes: dict[int, tuple[Value, str]], writer: Writer) -> tuple[str, bool]:
    """The row's XML with its changed cells written; whether a formula was cleared."""
    start = _ROW_START.match(text)
    head = _SPANS.sub("", text[:start.end()])  # type: ignore[union-attr]
    if start.group(1):  # type: ignore[union-attr]
        head, body = head[:-2].rstrip() + ">", ""
    else:
        body = text[start.end():-len("</row>")]  # type: ignore[union-attr]
    formula = False
    for col, (value, kind) in sorted(changes.items()):
        letters = column_letter(col)
        ref = f"{letters}{row}"
        at = body.find(f'<c r="{ref}"')
        cell = _CELL.match(body, at) if at >= 0 else None
        if cell is None:
            last = _CELL_REF.match(body, max(body.rfind("<c r="), 0))
            at = len(body) if last is None or (len(last.group(1)), last.group(1)) < (len(letters), letters) else \
                next(m.start() for m in _CELL_REF.finditer(body) if (len(m.group(1)), m.group(1)) > (len(letters),
                                                                                                      letters))
            body = body[:at] + _cell(ref, [], value, kind, writer) + body[at:]
            continue
        attrs = [(name, double if single is None or not single else single.replace('"', "&quot;"))
                 for name, double, single in _ATTR.findall(cell.group(3))]
        formula = formula or "<f" in (cell.group(4) or "")
        body = body[:at] + _cell(ref, attrs, value, kind, writer) + body[cell.end():]
    return head + body + "</row>", formula


def _cell(ref: str, attrs: list[tuple[str, str]], value: Value, kind: str, writer: Writer) -> str:
    """A cell holding `value`, as `Writer.set_value` leaves the element: its attributes but `t` kept in order,
    then the type, then a style not there before."""
    attrs = [(name, text) for name, text in attrs if name != "t"]
    inner, cell_type = "", None
    if value is not None:
        if isinstance(value, bool):
            cell_type, inner = "b", f"<v>{int(value)}</v>"
        elif isinstance(value, (int, Decimal)):
            inner = f"<v>{_number(value)}</v>"
        elif isinstance(value, date):
            inner = f"<v>{writer.package.serial(value)}</v>"
        else:
            text = _xml_text(str(value))
            space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
            cell_type, inner = "inlineStr", f"<is><t{space}>{escape(text).replace(chr(13), '&#13;')}</t></is>"
        if cell_type:
            attrs.append(("t", cell_type))
        code = _format_code(value, kind, writer.money_format)
        had = dict(attrs).get("s")
        style = int(had or "0")
        if code is not None:
            style = writer.package.styles.with_format(style, code)
        if style and had is None:
            attrs.append(("s", str(style)))
        elif style:
            attrs = [(name, str(style) if name == "s" else text) for name, text in attrs]
    if not any(name == "r" for name, _ in attrs):
        attrs.insert(0, ("r", ref))
    opening = "<c " + " ".join(f'{name}="{text}"' for name, text in attrs)
    return f"{opening}>{inner}</c>" if inner else f"{opening}/>"


def _widened(data: bytes, last_row: int) -> bytes:
    """The dimension as `SheetXml.fix_dimension` leaves it: from A1 to the last row and the widest of the first
    row, the last row and the old dimension."""
    found = _DIMENSION.search(data, 0, data.find(b"<sheetData"))
    if found is None:
        return data
    last_col = 1
    for row in {1, last_row}:
        match = re.search(rb'<row r="' + str(row).encode() + rb'"[^>]*?(/?)>', data)
        if match is None or match.group(1):
            continue
        end = data.find(b"</row>", match.end())
        cols = re.findall(rb'<c r="([A-Z]+)\d+"', data[match.end():end])
        last_col = max([last_col, *(column_index(c.decode()) for c in cols)])
    old = re.search(r"([A-Z]+)(\d+)$", found.group(1).decode())
    if old is not None:
        last_col, last_row = max(last_col, column_index(old.group(1))), max(last_row, int(old.group(2)))
    ref = f'<dimension ref="A1:{column_letter(last_col)}{max(last_row, 1)}"/>'.encode()
    return data[:found.start()] + ref + data[found.end():]
