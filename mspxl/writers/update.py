"""Applying changes by editing the .xlsx package: only the sheets that change are rewritten, every other part is copied.

openpyxl must load and re-save a whole workbook to add a few register rows, and drops what it cannot model (charts,
images, pivot tables, VBA). Here the output sheets (Invoices, InvoiceLines, Collections, Aging) and the marked
WorkLog/Usage cells are edited in their own XML; styles, content types, relationships and table parts are added
where the edit needs them; every other part of the package is carried over unchanged, byte for byte.
Text is written as inline strings, so text that starts like a formula (= + - @) stays text.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from mspxl.schema import OUTPUT_SHEETS, header_key, table_name
from mspxl.workbook.raw import gc_paused
from mspxl.writers.cells import Writer
from mspxl.writers.changes import CellMark, RecordRows, Value, WorkbookChanges
from mspxl.writers.marks import RowMark, by_key_header, header_rows, spliced
from mspxl.writers.ooxml import column_letter, q
from mspxl.writers.package import Package
from mspxl.writers.prepared import PreparedSave
from mspxl.writers.tables import absorb_sheet_filter, bounds, free_table_name, register_table, resize
from mspxl.writers.worksheet import SheetXml


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
    # each column's cells are written by the maker of its kind and value type, chosen once per column
    makers = [(column_letter(col), index, kind, {}) for col, index, kind in placed]
    fresh: list[str] = []
    for offset, values in enumerate(rows):
        if len(values) != len(columns):
            raise ValueError(f"{name}: a row of {len(values)} values for {len(columns)} columns")
        number = start + offset
        if number > sheet.last_row:  # a new row: written as XML text, parsed with the others in one go
            cells = []
            for letter, index, kind, made in makers:
                value = values[index]
                if value is not None:
                    make = made.get(type(value)) or made.setdefault(type(value), writer.cell_maker(value, kind))
                    cells.append(make(f"{letter}{number}", value))
            fresh.append(f'<row r="{number}">{"".join(cells)}</row>')
            continue
        for col, index, kind in placed:
            writer.set_value(sheet, number, col, values[index], kind)
    if fresh:
        sheet.append_text(fresh, start + len(rows) - 1)


def fit_table(package: Package, sheet: SheetXml, name: str) -> None:
    """The output sheet's data as an Excel table with filters, resized to its rows, keeping the columns the
    accountant added (see mspxl.writers.tables)."""
    last_row = max(sheet.last_data_row(), 2)
    last_col = len(OUTPUT_SHEETS[name])
    title = table_name(name)
    found = register_table(package, sheet, title)
    if found is not None:
        resize(package, sheet, *found, last_row, last_col, shrink=True)
        return
    if package.tables_of(sheet):  # the accountant made a table of their own here, not over the register: leave it
        return
    headers = sheet.row_values(1)
    while headers.get(last_col + 1) is not None:  # the accountant's own columns beside the register
        last_col += 1
    ref = f"A1:{column_letter(last_col)}{last_row}"
    names = [str(headers.get(col) if headers.get(col) is not None else f"Column{col}")
             for col in range(1, last_col + 1)]
    table = package.add_table(sheet, free_table_name(package, title), ref, names)
    absorb_sheet_filter(package, sheet, table)


def _column_for(writer: Writer, sheet: SheetXml, where: dict[str, int], header: str, top: int) -> int:
    key = header_key(header)
    if key not in where:
        col = max(where.values(), default=0) + 1
        writer.set_text(sheet, top, col, header)
        where[key] = col
    return where[key]


def _key_text(value: object) -> str:
    return str(value).strip()


def append_records(package: Package, writer: Writer, name: str, records: RecordRows) -> None:
    """The rows below the sheet's last row, each value under its header (see RecordRows)."""
    sheet = package.sheet(name)
    if sheet is None:
        sheet = package.add_sheet(name)
        cols = etree.Element(q("cols"))
        for col, header in enumerate(records.headers, start=1):
            etree.SubElement(cols, q("col"), min=str(col), max=str(col), width=str(max(12, len(header) + 4)),
                             customWidth="1")
        sheet.data.addprevious(cols)
        for col, header in enumerate(records.headers, start=1):
            writer.set_text(sheet, 1, col, header)
    top = sheet.header_row(records.key_header)
    where = sheet.header_map(top)
    start = max(sheet.last_data_row(), top) + 1
    for offset, values in enumerate(records.rows):
        for header, value in values.items():
            col = _column_for(writer, sheet, where, header, top)
            writer.set_value(sheet, start + offset, col, value, records.kinds.get(header, "text"))
    grow_tables(package, sheet, top, start + len(records.rows) - 1, max(where.values(), default=1))


def grow_tables(package: Package, sheet: SheetXml, top: int, last_row: int, last_col: int) -> None:
    """An Excel table whose header row is the sheet's takes in the rows written, and the columns added just after
    its last one (each named by its header cell)."""
    for part, table in package.tables_of(sheet):
        where = bounds(table.get("ref", ""))
        if where is not None and where[0] == top:
            resize(package, sheet, part, table, last_row, last_col, shrink=False)


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
    for name, records in changes.records.items():
        if records.rows:
            append_records(package, writer, name, records)
    marks: dict[str, list[CellMark]] = {}
    for mark in changes.marks:
        marks.setdefault(mark.sheet, []).append(mark)
    row_marks: dict[str, list[RowMark]] = {}
    for row_mark in changes.row_marks:
        row_marks.setdefault(row_mark[0], []).append(row_mark)
    for name in [*marks, *(n for n in row_marks if n not in marks)]:
        if not _splice_marks(package, writer, name, marks.get(name, []), row_marks.get(name, [])):
            mark_cells(package, writer, name, marks.get(name, []), row_marks.get(name, []))
    for sheet in package.sheets.values():
        if sheet.dirty:
            sheet.fix_dimension(1, 1)


def _splice_marks(package: Package, writer: Writer, name: str, marks: Sequence[CellMark],
                  row_marks: Sequence[RowMark]) -> bool:
    """The marks written into the sheet's XML text (mspxl.writers.marks) when nothing else edits that sheet."""
    part = package.sheet_names().get(name)
    if part is None:
        raise KeyError(name)
    if name in package.sheets or part in package.changed or part not in package.parts:
        return False
    data = package.read(part)
    text = spliced(header_rows(data, package.strings, name, part), data, writer, marks, row_marks)
    if text is None:
        return False
    package.splice(part, text)
    return True


def mark_cells(package: Package, writer: Writer, name: str, marks: Sequence[CellMark],
               row_marks: Sequence[RowMark]) -> None:
    """The marks written into the parsed sheet."""
    sheet = package.sheet(name)
    if sheet is None:
        raise KeyError(name)
    for key_header, group in by_key_header(marks).items():
        top = sheet.header_row(key_header)
        where = sheet.header_map(top)
        key_col = where[header_key(key_header)]
        keys = {}
        for number in sorted(n for n in sheet.rows if n > top):
            cell = sheet.cells(number).get(key_col)
            keys[_key_text(sheet.value(cell) if cell is not None else None)] = number
        for mark in group:
            target = _column_for(writer, sheet, where, mark.header, top)
            writer.set_value(sheet, keys[mark.key], target, mark.value, mark.kind)
    if row_marks:
        top = sheet.header_row("Client ID")
        where = sheet.header_map(top)
        for _name, row, header, value in row_marks:
            writer.set_value(sheet, row, _column_for(writer, sheet, where, header, top), value, "text")


def prepared_package(path: Path, changes: WorkbookChanges, money_format: str) -> Package:
    """The workbook's package with `changes` applied in memory; nothing is written."""
    package = Package(path)
    with gc_paused():  # a register of thousands of rows is built as many small objects, none of them in a cycle
        apply_changes(package, changes, money_format)
    return package


def update_package(path: Path, changes: WorkbookChanges, money_format: str) -> None:
    """Apply `changes` to the workbook at `path` in place, atomically: a temp file beside it, then a replace."""
    save_package(prepared_package(path, changes, money_format), path)


def write_package(package: Package, copy: Path, path: Path) -> None:
    """The package written to `copy`, a file beside `path` that is to take its place, with `path`'s permissions."""
    package.save(copy)
    os.chmod(copy, path.stat().st_mode & 0o777)


def save_package(package: Package, path: Path) -> None:
    """The package saved in the place of `path`: a temp file beside it, then a replace."""
    PreparedSave(path, lambda copy: write_package(package, copy, path))()
