"""The reference writer: changes applied to a workbook file through openpyxl, which loads and re-saves the whole
workbook (`MSPXL_WRITER=openpyxl`; the package writer in mspxl.writers.update is the default). Imported only when it
is chosen, so a command that writes with the package writer never loads openpyxl."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from mspxl.schema import OUTPUT_SHEETS, header_key, table_name
from mspxl.workbook.table import HEADER_SEARCH_ROWS
from mspxl.writers.changes import Value, WorkbookChanges
from mspxl.writers.formats import DATE_FORMAT, DECIMAL_FORMAT, FORMULA_STARTS, INT_FORMAT


def open_for_update(path: Path) -> Workbook:
    keep_vba = path.suffix.lower() == ".xlsm"
    return openpyxl.load_workbook(path, keep_vba=keep_vba, keep_links=True, rich_text=True)


def set_value(cell, value: Value, kind: str, currency_format: str) -> None:  # noqa: ANN001
    """Write one value; client text that starts like a formula stays text (formula injection)."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
    if value is None:
        return
    if kind == "date" and isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif kind == "money" and isinstance(value, Decimal):
        cell.number_format = currency_format
    elif kind == "int":
        cell.number_format = INT_FORMAT
    elif kind == "decimal":
        cell.number_format = DECIMAL_FORMAT


def header_map(ws: Worksheet, row: int = 1) -> dict[str, int]:
    """Header key -> 1-based column of the sheet's header row."""
    return {header_key(c.value): c.column for c in ws[row] if c.value is not None}


def header_row(ws: Worksheet, header: str) -> int:
    """The row holding `header`: row 1, or a row below a title (as the reader accepts, within the first rows)."""
    key = header_key(header)
    for row in range(1, min(ws.max_row, HEADER_SEARCH_ROWS) + 1):
        if any(c.value is not None and header_key(c.value) == key for c in ws[row]):
            return row
    return 1


def sheet_named(wb: Workbook, name: str) -> str:
    """The workbook's name for sheet `name`: itself, else one differing only in case, spaces or underscores (as the
    reader finds it), else `name`."""
    if name in wb.sheetnames:
        return name
    return next((n for n in wb.sheetnames if header_key(n) == header_key(name)), name)


def ensure_output_sheet(wb: Workbook, name: str) -> Worksheet:
    columns = OUTPUT_SHEETS[name]
    if sheet_named(wb, name) in wb.sheetnames:
        ws = wb[sheet_named(wb, name)]
        if ws.max_row >= 1 and any(c.value is not None for c in ws[1]):
            return ws
    else:
        ws = wb.create_sheet(name)
    for col, (header, _kind) in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E78")
        ws.column_dimensions[get_column_letter(col)].width = max(12, len(header) + 4)
    ws.freeze_panes = "A2"
    return ws


def last_data_row(ws: Worksheet) -> int:
    row = ws.max_row
    while row > 1 and all(c.value is None for c in ws[row]):
        row -= 1
    return row


def write_rows(ws: Worksheet, name: str, rows: Sequence[tuple[Value, ...]], start: int, fmt: str) -> None:
    columns = OUTPUT_SHEETS[name]
    where = header_map(ws)
    for offset, values in enumerate(rows):
        for (header, kind), value in zip(columns, values, strict=True):
            col = where.get(header_key(header))
            if col is not None:
                set_value(ws.cell(row=start + offset, column=col), value, kind, fmt)


def fit_table(ws: Worksheet, name: str) -> None:
    """The output sheet's data as an Excel table with filters, resized to its rows."""
    last_row = max(last_data_row(ws), 2)
    last_col = len(OUTPUT_SHEETS[name])
    ref = f"A1:{get_column_letter(last_col)}{last_row}"
    title = table_name(name)
    if title in ws.tables:
        ws.tables[title].ref = ref
        if ws.tables[title].autoFilter is not None:
            ws.tables[title].autoFilter.ref = ref
        return
    if ws.tables:  # the accountant made a table of their own here: leave it alone
        return
    table = Table(displayName=title, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)


def apply_changes(wb: Workbook, changes: WorkbookChanges, fmt: str) -> None:
    """`changes` applied to the loaded workbook; `fmt` is the money format (`mspxl.writers.xlsx.money_format`)."""
    for name, rows in changes.append.items():
        if not rows:
            continue
        ws = ensure_output_sheet(wb, name)
        write_rows(ws, name, rows, last_data_row(ws) + 1, fmt)
        fit_table(ws, name)
    for name, rows in changes.replace.items():
        ws = ensure_output_sheet(wb, name)
        for row in range(ws.max_row, 1, -1):
            for cell in ws[row]:
                cell.value = None
        write_rows(ws, name, rows, 2, fmt)
        fit_table(ws, name)
    for sheet, records in changes.records.items():
        if records.rows:
            append_rows(sheet_for(wb, sheet, records.headers), records.key_header, records.rows, records.kinds, fmt)
    by_sheet: dict[tuple[str, str], list] = {}
    for mark in changes.marks:
        by_sheet.setdefault((mark.sheet, mark.key_header), []).append(mark)
    for (sheet, key_header), marks in by_sheet.items():
        ws = wb[sheet_named(wb, sheet)]
        top = header_row(ws, key_header)
        where = header_map(ws, top)
        key_col = where[header_key(key_header)]
        rows = {str(_text(ws.cell(row=r, column=key_col).value)).strip(): r for r in range(top + 1, ws.max_row + 1)}
        for mark in marks:
            target = column_for(ws, where, mark.header, top)
            set_value(ws.cell(row=rows[mark.key], column=target), mark.value, mark.kind, fmt)
    for sheet, row, header, value in changes.row_marks:
        ws = wb[sheet_named(wb, sheet)]
        top = header_row(ws, "Client ID")  # every sheet with row marks (Usage) has a Client ID column
        target = column_for(ws, header_map(ws, top), header, top)
        set_value(ws.cell(row=row, column=target), value, "text", fmt)


def _text(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def column_for(ws: Worksheet, where: dict[str, int], header: str, top: int = 1) -> int:
    """The column of `header`, added after the last header when the sheet does not have it yet."""
    key = header_key(header)
    if key not in where:
        col = max(where.values(), default=0) + 1
        ws.cell(row=top, column=col, value=header)
        where[key] = col
    return where[key]


# --- rows under their headers on a sheet the accountant arranged (RecordRows): Payments, Sent, Bank Changes ---

Row = Mapping[str, object]  # header -> value


def sheet_for(wb: Workbook, name: str, headers: Sequence[str]) -> Worksheet:
    """The sheet, made with `headers` in row 1 when the workbook does not have it yet."""
    if sheet_named(wb, name) in wb.sheetnames:
        return wb[sheet_named(wb, name)]
    ws = wb.create_sheet(name)
    for col, header in enumerate(headers, start=1):
        ws.cell(row=1, column=col, value=header)
        ws.column_dimensions[get_column_letter(col)].width = max(12, len(header) + 4)
    ws.freeze_panes = "A2"
    return ws


def append_rows(ws: Worksheet, key_header: str, rows: Sequence[Row], kinds: Mapping[str, str],
                money_format: str) -> list[int]:
    """Append `rows` below the sheet's last data row; returns the Excel rows written."""
    top = header_row(ws, key_header)
    where = header_map(ws, top)
    start = max(last_data_row(ws), top) + 1
    written = []
    for offset, values in enumerate(rows):
        for header, value in values.items():
            cell = ws.cell(row=start + offset, column=column_for(ws, where, header, top))
            set_value(cell, value, kinds.get(header, "text"), money_format)
        written.append(start + offset)
    _grow_tables(ws, start + len(rows) - 1, max(where.values(), default=1))
    return written


def _grow_tables(ws: Worksheet, last_row: int, last_col: int) -> None:
    """An Excel table on the sheet takes in the rows just written (and a column just added)."""
    for table in ws.tables.values():
        first, _, last = table.ref.partition(":")
        first_col = "".join(c for c in first if c.isalpha())
        first_row = int("".join(c for c in first if c.isdigit()))
        end_col = "".join(c for c in last if c.isalpha())
        end_row = int("".join(c for c in last if c.isdigit()))
        new_last = get_column_letter(max(column_index_from_string(end_col), last_col))
        ref = f"{first_col}{first_row}:{new_last}{max(end_row, last_row)}"
        if new_last != end_col:
            continue  # a table's columns are named in its definition: leave a table we would have to reshape
        table.ref = ref
        if table.autoFilter is not None:
            table.autoFilter.ref = ref
